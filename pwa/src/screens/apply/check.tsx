// "Check your answers" (GOV.UK's pattern), /apply/{tile id}/check: every question with the citizen's
// answer and a link to change it (back to that question on the form), what the digital ID supplies, the
// fee, and sending. Anything that still stops the application being sent is listed on top with links.
import { useState } from "preact/hooks";

import { ApiError, type FieldProblem, request } from "../../api";
import { answerText, fileIds } from "../../console/answers";
import { formatBaht } from "../../i18n";
import { useApp, useLoad } from "../../state";
import { Loaded } from "../../ui/loaded";
import { ErrorNotice } from "../../ui/notice";
import { type ApplicationView, fieldMessage, formatSize, type ServiceView } from "../application-logic";
import { NotTaking, Prefilled, useDraft } from "./shared";

function Problems({ service, problems, form }: { service: ServiceView; problems: FieldProblem[]; form: string }) {
  const { t, language } = useApp();
  const fields = new Map(service.form.fields.map((field) => [field.name, field]));
  return (
    <div class="error-summary" id="error-summary" tabIndex={-1} aria-labelledby="error-summary-title">
      <h2 id="error-summary-title">{t("errorSummary")}</h2>
      <ul>
        {problems.map((problem) => (
          <li key={problem.field}>
            <a href={fields.has(problem.field) ? `${form}#f-${problem.field}` : form}>
              {fieldMessage(language, fields.get(problem.field), problem.message)}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}

function Answers({ service, draft, form }: { service: ServiceView; draft: ApplicationView; form: string }) {
  const { tr, language, pick } = useApp();
  const files = new Map(draft.files.map((file) => [file.id, file]));
  return (
    <dl class="summary-list">
      {service.form.fields.map((field) => {
        const value = draft.answers[field.name];
        const attached = field.kind === "file" ? fileIds(value).flatMap((id) => files.get(id) ?? []) : [];
        const text = answerText(language, field, value);
        return (
          <div class="summary-row" key={field.name}>
            <dt>{pick(field, "label")}</dt>
            <dd>
              {field.kind === "file" && attached.length > 0 ? (
                <ul class="plain">
                  {attached.map((file) => (
                    <li key={file.id}>
                      {file.file_name} <span class="meta">{formatSize(file.size_bytes)}</span>
                    </li>
                  ))}
                </ul>
              ) : text ? (
                text
              ) : (
                <span class="meta">{tr({ th: "ไม่ได้ตอบ", en: "Not answered" })}</span>
              )}
            </dd>
            <dd class="change">
              <a href={`${form}#f-${field.name}`}>
                {tr({ th: "เปลี่ยน", en: "Change" })}
                <span class="visually-hidden"> {pick(field, "label")}</span>
              </a>
            </dd>
          </div>
        );
      })}
    </dl>
  );
}

export function CheckAnswers({ param }: { param: string }) {
  const { t, tr, language, navigate, pick, problem: say } = useApp();
  const [service, reload] = useLoad("/api/v1/tiles/{tile_id}/application-service", {
    path: { tile_id: Number(param) },
  });
  const { draft, ready, problem } = useDraft(service.status === "ok" ? service.data : null);
  const [refused, setRefused] = useState<FieldProblem[] | null>(null);
  const [sendProblem, setSendProblem] = useState("");
  const [sending, setSending] = useState(false);
  const form = `/apply/${param}/form`;

  async function send(application: ApplicationView) {
    setSending(true);
    setSendProblem("");
    try {
      await request("POST", "/api/v1/applications/{application_id}/submit", {
        path: { application_id: application.id },
      });
      navigate(`/applications/${application.id}?sent=1`);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.errors.length > 0) {
        setRefused(error.errors);
        window.setTimeout(() => document.getElementById("error-summary")?.focus(), 0);
      } else setSendProblem(say(error));
      setSending(false);
    }
  }

  if (service.status === "error" && service.error.status === 404) return <NotTaking />;
  return (
    <Loaded load={service} reload={reload}>
      {(data) => {
        if (!ready) return problem ? <ErrorNotice text={problem} /> : <p role="status">{t("loading")}</p>;
        if (!draft || draft.state !== "draft") {
          return (
            <section aria-labelledby="check-title">
              <h1 id="check-title">{tr({ th: "ตรวจสอบคำตอบ", en: "Check your answers" })}</h1>
              <p>{tr({ th: "ยังไม่มีคำตอบให้ตรวจสอบ", en: "There are no answers to check yet." })}</p>
              <p>
                <a class="button primary" href={form}>
                  {tr({ th: "ไปกรอกคำขอ", en: "Fill in the form" })}
                </a>
              </p>
            </section>
          );
        }
        const problems = refused ?? draft.draft?.problems ?? [];
        return (
          <section aria-labelledby="check-title">
            <p class="back">
              <a href={form}>← {tr({ th: "กลับไปที่แบบฟอร์ม", en: "Back to the form" })}</a>
            </p>
            <h1 id="check-title">
              {tr({ th: "ตรวจสอบคำตอบก่อนส่งคำขอ", en: "Check your answers before sending your application" })}
            </h1>
            <p class="meta">
              {pick(data, "title")} · {pick(data, "agency_name")}
            </p>
            {problems.length > 0 && <Problems service={data} problems={problems} form={form} />}
            <Prefilled service={data} />
            <h2>{tr({ th: "คำตอบของคุณ", en: "Your answers" })}</h2>
            <Answers service={data} draft={draft} form={form} />
            <h2>{t("fee")}</h2>
            <p class="fee-line">
              {data.fee_satang === null ? (
                <strong>{t("noFee")}</strong>
              ) : (
                <>
                  <strong>{formatBaht(language, data.fee_satang)}</strong>
                  <br />
                  {t("feeAfterApproval")}
                </>
              )}
            </p>
            <h2>{tr({ th: "ส่งคำขอ", en: "Now send your application" })}</h2>
            <p>
              {tr({
                th: `เมื่อกดส่ง คุณยืนยันว่าข้อมูลข้างต้นถูกต้องตามความเป็นจริง ${data.agency_name_th} จะได้รับคำตอบ ไฟล์ที่แนบ และข้อมูลจากดิจิทัลไอดีของคุณ`,
                en: `By sending it you confirm the answers above are true. ${data.agency_name_en} receives them, the files and the details from your digital ID.`,
              })}
            </p>
            <ErrorNotice text={sendProblem} />
            <p class="submit-row">
              <button
                type="button"
                class="primary"
                disabled={sending}
                onClick={() => void send(draft)}
              >
                {sending ? t("sending") : tr({ th: "ยืนยันและส่งคำขอ", en: "Accept and send" })}
              </button>
            </p>
          </section>
        );
      }}
    </Loaded>
  );
}
