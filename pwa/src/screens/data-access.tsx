import { formatDate } from "../i18n";
import { useApp, useLoad } from "../state";
import { Loaded } from "../ui/loaded";

export function DataAccess() {
  const { t, language, pick, named } = useApp();
  const [load, reload] = useLoad("/api/v1/me/data-access");
  return (
    <section aria-labelledby="access-title">
      <h1 id="access-title">{t("dataAccess")}</h1>
      <Loaded load={load} reload={reload}>
        {(page) => (
          <ol class="timeline">
            {page.items.map((record) => (
              <li key={record.id}>
                <time dateTime={record.at}>{formatDate(language, record.at, true)}</time>
                <p>
                  <strong>{pick(record, "agency_name") ?? ""}</strong> ({named("", record.actor_kind)}) · {record.purpose}
                </p>
                {record.fields.length > 0 && <p class="meta">{record.fields.join(", ")}</p>}
                {record.outcome !== "ok" && (
                  <p class="meta">
                    <strong>{named("outcome_", record.outcome)}</strong>
                    {record.detail ? ` · ${record.detail}` : ""}
                  </p>
                )}
              </li>
            ))}
          </ol>
        )}
      </Loaded>
    </section>
  );
}
