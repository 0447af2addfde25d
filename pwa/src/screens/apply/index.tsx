// Applying for a service, in GOV.UK's order: the start page anyone may read (/apply/{tile id},
// start.tsx), the form (/apply/{tile id}/form, this file) with what the digital ID already told us
// shown and never asked (once-only) and the draft saved as the citizen types, then "check your answers"
// (/apply/{tile id}/check, check.tsx) before sending. The form's state is use-application-form.ts, its
// view form.tsx.
import { useApp, useLoad } from "../../state";
import { Loaded } from "../../ui/loaded";
import { ErrorNotice } from "../../ui/notice";
import { ApplyForm } from "./form";
import { NotTaking, Prefilled, useDraft } from "./shared";

export { CheckAnswers } from "./check";
export { StartPage } from "./start";

export function Apply({ param }: { param: string }) {
  const { t, tr, pick } = useApp();
  const [service, reload] = useLoad("/api/v1/tiles/{tile_id}/application-service", {
    path: { tile_id: Number(param) },
  });
  const { draft, ready, problem } = useDraft(service.status === "ok" ? service.data : null);

  if (service.status === "error" && service.error.status === 404) return <NotTaking />;
  return (
    <Loaded load={service} reload={reload}>
      {(data) => (
        <section aria-labelledby="apply-title">
          <p class="back">
            <a href={`/apply/${param}`}>← {tr({ th: "เกี่ยวกับบริการนี้", en: "About this service" })}</a>
          </p>
          <h1 id="apply-title">{pick(data, "title")}</h1>
          <p class="meta">{pick(data, "agency_name")}</p>
          <Prefilled service={data} />
          <ErrorNotice text={problem} />
          {ready ? (
            <ApplyForm service={data} draft={draft} tileId={param} />
          ) : (
            !problem && <p role="status">{t("loading")}</p>
          )}
        </section>
      )}
    </Loaded>
  );
}
