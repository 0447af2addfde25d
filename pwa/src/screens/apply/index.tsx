// Apply for a service (/apply/{tile id}): the agency's form drawn from data, the fee said up front,
// what the digital ID already told us shown and never asked (once-only), the draft saved as the
// citizen types, files checked and listed, and every problem beside its field with a summary on top.
// This file is the start of the page; the form's state is use-application-form.ts, its view form.tsx.
import { useEffect, useState } from "preact/hooks";

import { type ApiError, request } from "../../api";
import { formatBaht, formatDate } from "../../i18n";
import { useApp, useLoad } from "../../state";
import { Loaded } from "../../ui/loaded";
import { ErrorNotice } from "../../ui/notice";
import type { ApplicationView } from "../application-logic";
import { ApplyForm } from "./form";

export function Apply({ param }: { param: string }) {
  const { t, language, me, pick, problem: say } = useApp();
  const [service, reload] = useLoad("/api/v1/tiles/{tile_id}/application-service", {
    path: { tile_id: Number(param) },
  });
  const [draft, setDraft] = useState<ApplicationView | null>(null);
  const [problem, setProblem] = useState("");

  useEffect(() => {
    if (service.status !== "ok" || draft || !me) return;
    // The citizen's draft of this service is reopened if there is one (200), else started (201).
    request("POST", "/api/v1/applications", { body: { service_id: service.data.id } }).then(
      ({ data }) => setDraft(data),
      (error: ApiError) => setProblem(say(error)),
    );
  }, [service.status]);

  if (service.status === "error" && service.error.status === 404) {
    return (
      <section aria-labelledby="apply-title">
        <h1 id="apply-title">{t("myApplications")}</h1>
        <p class="notice error">{t("serviceUnavailable")}</p>
      </section>
    );
  }
  return (
    <Loaded load={service} reload={reload}>
      {(data) => (
        <section aria-labelledby="apply-title">
          <h1 id="apply-title">{pick(data, "title")}</h1>
          <p class="meta">{pick(data, "agency_name")}</p>
          {pick(data, "description") && <p>{pick(data, "description")}</p>}
          <p class="fee-line">
            {data.fee_satang === null ? (
              <strong>{t("noFee")}</strong>
            ) : (
              <>
                <strong>
                  {t("fee")} {formatBaht(language, data.fee_satang)}
                </strong>
                <br />
                {t("feeAfterApproval")}
              </>
            )}
          </p>
          {data.prefilled && (
            <section class="prefilled" aria-labelledby="prefilled-title">
              <h2 id="prefilled-title">{t("fromDigitalId")}</h2>
              <dl>
                <div>
                  <dt>{t("fullName")}</dt>
                  <dd>{pick(data.prefilled, "name") ?? "—"}</dd>
                </div>
                <div>
                  <dt>{t("nationalId")}</dt>
                  <dd>{data.prefilled.national_id_masked}</dd>
                </div>
                {data.prefilled.birthdate && (
                  <div>
                    <dt>{t("birthdate")}</dt>
                    <dd>{formatDate(language, data.prefilled.birthdate)}</dd>
                  </div>
                )}
              </dl>
              <p class="meta">{t("fromDigitalIdNote")}</p>
            </section>
          )}
          <ErrorNotice text={problem} />
          {draft ? <ApplyForm service={data} draft={draft} /> : !problem && <p role="status">{t("loading")}</p>}
        </section>
      )}
    </Loaded>
  );
}
