// What the start page, the form and "check your answers" share: what the digital ID told us (shown,
// never asked), the citizen's draft of the service (if they have one), and "not taking applications".
import { useEffect, useState } from "preact/hooks";

import { type ApiError, request } from "../../api";
import { formatDate } from "../../i18n";
import { useApp } from "../../state";
import type { ApplicationView, ServiceView } from "../application-logic";

/** What the digital ID login told us: shown, never asked. */
export function Prefilled({ service }: { service: ServiceView }) {
  const { t, language, pick } = useApp();
  const prefilled = service.prefilled;
  if (!prefilled) return null;
  return (
    <section class="prefilled" aria-labelledby="prefilled-title">
      <h2 id="prefilled-title">{t("fromDigitalId")}</h2>
      <dl>
        <div>
          <dt>{t("fullName")}</dt>
          <dd>{pick(prefilled, "name") ?? "—"}</dd>
        </div>
        <div>
          <dt>{t("nationalId")}</dt>
          <dd>{prefilled.national_id_masked}</dd>
        </div>
        {prefilled.birthdate && (
          <div>
            <dt>{t("birthdate")}</dt>
            <dd>{formatDate(language, prefilled.birthdate)}</dd>
          </div>
        )}
      </dl>
      <p class="meta">{t("fromDigitalIdNote")}</p>
    </section>
  );
}

/** The citizen's draft of the service, when they have one (opening the form starts none). */
export function useDraft(service: ServiceView | null): { draft: ApplicationView | null; ready: boolean; problem: string } {
  const { problem: say } = useApp();
  const [draft, setDraft] = useState<ApplicationView | null>(null);
  const [ready, setReady] = useState(false);
  const [problem, setProblem] = useState("");
  useEffect(() => {
    if (!service) return;
    if (!service.draft_id) {
      setReady(true);
      return;
    }
    request("GET", "/api/v1/applications/{application_id}", { path: { application_id: service.draft_id } }).then(
      ({ data }) => {
        setDraft(data);
        setReady(true);
      },
      (error: ApiError) => setProblem(say(error)),
    );
  }, [service?.id]);
  return { draft, ready, problem };
}

export function NotTaking() {
  const { t, tr } = useApp();
  return (
    <section aria-labelledby="apply-title">
      <h1 id="apply-title">{tr({ th: "ยื่นคำขอ", en: "Apply" })}</h1>
      <p class="notice error">{t("serviceUnavailable")}</p>
      <p>
        <a href="/">{t("home")}</a>
      </p>
    </section>
  );
}
