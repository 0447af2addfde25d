import { Loaded } from "../components";
import { formatDate } from "../i18n";
import { useApp, useLoad } from "../state";

interface Record {
  id: number;
  at: string;
  actor_kind: "citizen" | "staff" | "system" | "share_recipient";
  purpose: string;
  fields: string[];
  outcome: "ok" | "failed" | "timeout" | "refused";
  detail: string | null;
  agency_name_th: string | null;
  agency_name_en: string | null;
}

export function DataAccess() {
  const { t, language } = useApp();
  const [load, reload] = useLoad<{ items: Record[] }>("/api/v1/me/data-access");
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
                  <strong>{language === "en" ? record.agency_name_en ?? "" : record.agency_name_th ?? ""}</strong>{" "}
                  ({t(record.actor_kind)}) · {record.purpose}
                </p>
                {record.fields.length > 0 && <p class="meta">{record.fields.join(", ")}</p>}
                {record.outcome !== "ok" && (
                  <p class="meta">
                    <strong>{t(`outcome_${record.outcome}`)}</strong>
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
