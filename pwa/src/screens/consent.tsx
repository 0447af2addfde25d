// Informed consent to one agency's connector: which agency, which data, what for and for how long (as the
// connector declares them), agreed to with one button; withdrawing asks once more before it is done.
import { useState } from "preact/hooks";

import { ApiError, request } from "../api";
import { formatDate } from "../i18n";
import { useApp, useLoad } from "../state";
import { Loaded } from "../ui/loaded";
import { ErrorNotice } from "../ui/notice";

export function Consent({ param }: { param: string }) {
  const { tr, pick, language, navigate, problem } = useApp();
  const [load, reload] = useLoad("/api/v1/me/consents/terms/{connector_id}", {
    path: { connector_id: Number(param) },
  });
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");

  async function act(send: () => Promise<unknown>) {
    setBusy(true);
    setError("");
    try {
      await send();
      navigate("/entitlements");
    } catch (failure) {
      setError(problem(failure instanceof ApiError ? failure : new ApiError(0, "", "")));
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="consent-title">
      <h1 id="consent-title">{tr({ th: "ความยินยอมให้ดึงข้อมูลของคุณ", en: "Consent to share your data" })}</h1>
      <Loaded load={load} reload={reload}>
        {(terms) => {
          const until = new Date(Date.now() + terms.consent_days * 86_400_000);
          const given = terms.consent;
          return (
            <>
              <dl class="consent-terms">
                <dt>{tr({ th: "หน่วยงาน", en: "Agency" })}</dt>
                <dd>{pick(terms, "agency_name")}</dd>
                <dt>{tr({ th: "ข้อมูลที่หน่วยงานจะส่งให้", en: "What the agency would share" })}</dt>
                <dd>
                  <ul>
                    {pick(terms, "fields").map((field) => (
                      <li key={field}>{field}</li>
                    ))}
                  </ul>
                </dd>
                <dt>{tr({ th: "เพื่อ", en: "What for" })}</dt>
                <dd>{pick(terms, "purpose")}</dd>
                <dt>{tr({ th: "นานเท่าใด", en: "For how long" })}</dt>
                <dd>
                  {given
                    ? tr({ th: "ถึง", en: "Until" }) + " " + formatDate(language, given.expires_at)
                    : tr({
                        th: `${terms.consent_days} วัน (ถึง ${formatDate(language, until)})`,
                        en: `${terms.consent_days} days (until ${formatDate(language, until)})`,
                      })}
                </dd>
              </dl>
              <p>
                {tr({
                  th: "ระบบจะถามหน่วยงานเฉพาะเมื่อคุณเปิดหน้าสิทธิ์ของฉัน และทุกครั้งจะบันทึกไว้ใน “ใครเข้าถึงข้อมูลของฉัน” คุณถอนความยินยอมได้ทุกเมื่อ",
                  en: "The agency is asked only when you open My entitlements, and every time is recorded in “Who accessed my data”. You can withdraw at any time.",
                })}
              </p>
              <ErrorNotice text={error} />
              {!given && (
                <div class="actions">
                  <button
                    type="button"
                    class="primary"
                    disabled={busy}
                    onClick={() => act(() => request("POST", "/api/v1/me/consents", { body: { connector_id: terms.connector_id } }))}
                  >
                    {tr({ th: "ยินยอม", en: "I agree" })}
                  </button>
                  <a class="button" href="/entitlements">
                    {tr({ th: "ไม่ยินยอม กลับไป", en: "No, go back" })}
                  </a>
                </div>
              )}
              {given && !confirming && (
                <div class="actions">
                  <button type="button" onClick={() => setConfirming(true)}>
                    {tr({ th: "ถอนความยินยอม", en: "Withdraw consent" })}
                  </button>
                  <a class="button" href="/entitlements">
                    {tr({ th: "กลับไปหน้าสิทธิ์ของฉัน", en: "Back to My entitlements" })}
                  </a>
                </div>
              )}
              {given && confirming && (
                <div class="notice confirm" role="alertdialog" aria-labelledby="withdraw-title">
                  <p id="withdraw-title">
                    <strong>
                      {tr({
                        th: "ถอนความยินยอมใช่ไหม ระบบจะไม่ถามหน่วยงานนี้อีก และจะลบสิ่งที่หน่วยงานเคยตอบไว้ จนกว่าคุณจะยินยอมใหม่",
                        en: "Withdraw your consent? The agency will not be asked again, and what it told us is deleted, until you consent again.",
                      })}
                    </strong>
                  </p>
                  <div class="actions">
                    <button
                      type="button"
                      class="primary"
                      disabled={busy}
                      onClick={() =>
                        act(() => request("DELETE", "/api/v1/me/consents/{consent_id}", { path: { consent_id: given.id } }))
                      }
                    >
                      {tr({ th: "ใช่ ถอนความยินยอม", en: "Yes, withdraw" })}
                    </button>
                    <button type="button" onClick={() => setConfirming(false)}>
                      {tr({ th: "ไม่ถอน", en: "No, keep it" })}
                    </button>
                  </div>
                </div>
              )}
            </>
          );
        }}
      </Loaded>
    </section>
  );
}
