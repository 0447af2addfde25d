// A service's start page (GOV.UK's pattern), for anyone before logging in: who can apply, what to have
// ready, the fee and how long it takes, all in the agency's own words from its service definition
// (GET /api/v1/tiles/{tile_id}/start-page), then one "start now" button that logs in first if needed.
import { fill, formatBaht } from "../../i18n";
import { useApp, useLoad } from "../../state";
import { Loaded } from "../../ui/loaded";
import { NotTaking } from "./shared";

export function StartPage({ param }: { param: string }) {
  const { t, tr, me, language, pick } = useApp();
  const [load, reload] = useLoad("/api/v1/tiles/{tile_id}/start-page", { path: { tile_id: Number(param) } });
  const discarded = new URLSearchParams(window.location.search).has("discarded");
  const form = `/apply/${param}/form`;

  if (load.status === "error" && load.error.status === 404) return <NotTaking />;
  return (
    <Loaded load={load} reload={reload}>
      {(service) => {
        const page = service.start_page;
        const needs = page?.requirements ?? [];
        return (
          <section class="start-page" aria-labelledby="apply-title">
            {discarded && (
              <p class="notice success" role="status">
                ✓ {tr({ th: "ลบฉบับร่างแล้ว", en: "Your draft was discarded" })}
              </p>
            )}
            <h1 id="apply-title">{pick(service, "title")}</h1>
            <p class="meta">{pick(service, "agency_name")}</p>
            {pick(service, "description") && <p>{pick(service, "description")}</p>}

            {page && (
              <>
                <h2>{tr({ th: "ใครยื่นคำขอได้", en: "Who can apply" })}</h2>
                <p>{pick(page, "who_can_apply")}</p>
              </>
            )}

            {(needs.length > 0 || service.files.length > 0) && (
              <>
                <h2>{tr({ th: "สิ่งที่ต้องเตรียม", en: "What you need" })}</h2>
                <ul class="needs">
                  {needs.map((item, index) => (
                    <li key={index}>{pick(item, "text")}</li>
                  ))}
                  {service.files.map((field) => (
                    <li key={field.name}>
                      {tr({ th: "ไฟล์ ", en: "A file of your " })}
                      {pick(field, "label")}{" "}
                      <span class="meta">
                        ({field.required ? t("required") : tr({ th: "ถ้ามี", en: "if you have one" })} · PDF, JPEG, PNG)
                      </span>
                    </li>
                  ))}
                </ul>
                <p class="meta">
                  {tr({
                    th: "ไม่ต้องกรอกชื่อ เลขประจำตัวประชาชน และวันเกิด ระบบใช้ข้อมูลจากดิจิทัลไอดีของคุณ",
                    en: "You do not type your name, national ID number or date of birth: they come from your digital ID.",
                  })}
                </p>
              </>
            )}

            <h2>{t("fee")}</h2>
            <p class="fee-line">
              {service.fee_satang === null ? (
                <strong>{t("noFee")}</strong>
              ) : (
                <>
                  <strong>{formatBaht(language, service.fee_satang)}</strong>
                  <br />
                  {t("feeAfterApproval")}
                </>
              )}
            </p>

            {page?.working_days && (
              <>
                <h2>{tr({ th: "ระยะเวลาดำเนินการ", en: "How long it takes" })}</h2>
                <p>
                  {fill(
                    tr({
                      th: "ประมาณ {n} วันทำการหลังจากหน่วยงานได้รับคำขอ",
                      en: "About {n} working days after the agency receives your application",
                    }),
                    { n: page.working_days },
                  )}
                </p>
              </>
            )}

            <p class="start-row">
              <a class="button primary start" href={me ? form : `/auth/login?next=${encodeURIComponent(form)}`}>
                {tr({ th: "เริ่มยื่นคำขอ", en: "Start now" })} <span aria-hidden="true">→</span>
              </a>
            </p>
            {!me && (
              <p class="meta">
                {tr({
                  th: "คุณจะเข้าสู่ระบบด้วยดิจิทัลไอดีก่อนเริ่มกรอก คำตอบจะบันทึกเป็นฉบับร่างระหว่างกรอก",
                  en: "You log in with your digital ID first. Your answers are saved as a draft as you go.",
                })}
              </p>
            )}
          </section>
        );
      }}
    </Loaded>
  );
}
