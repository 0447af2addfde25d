// One-tap scam reports (docs/genuine-messages.md, "Scam reports"): the report form (prefilled with what
// the person pasted on the check page), the thank-you, and a logged-in citizen's own reports with
// their outcome.
import { useEffect, useState } from "preact/hooks";

import { ApiError, request, type Schema } from "../api";
import { formatDate } from "../i18n";
import { useApp, useLoad } from "../state";
import { Loaded } from "../ui/loaded";
import { label } from "../vocabulary";
import { base64Of, plainText, reportFieldMessage, screenshotProblem } from "./scam-check";
import { WarningCard } from "./scam-warnings";
import { foreignLinks } from "./message-check";

type Filed = Schema<"ScamReportFiled">;

/** Said on the window when a report is filed, so "My reports" on the same page shows it at once. */
const FILED_EVENT = "scam-report-filed";

/** The report form, opened by a button; prefilled with what the person pasted. */
export function ScamReport({ text: pasted, sender: givenSender = "" }: { text: string; sender?: string }) {
  const { tr, language, me } = useApp();
  const [open, setOpen] = useState(false);
  const [text, setText] = useState(pasted);
  const [sender, setSender] = useState(givenSender);
  const [link, setLink] = useState("");
  const [file, setFile] = useState<File | null>(null);
  const [fileProblem, setFileProblem] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [sending, setSending] = useState(false);
  const [filed, setFiled] = useState<Filed | null>(null);
  const foundLink = foreignLinks(text, window.location.origin)[0] ?? "";
  const errorsOf = (field: string) =>
    error instanceof ApiError
      ? error.errors.filter((item) => item.field.replace(/^\$\./, "") === field).map((item) => reportFieldMessage(language, item.message))
      : [];
  const fieldError = (field: string) =>
    errorsOf(field).map((message) => (
      <strong key={message} class="field-error" role="alert">
        {message}
      </strong>
    ));

  async function send(event: Event) {
    event.preventDefault();
    if (fileProblem) return;
    setError(null);
    setSending(true);
    try {
      const body = {
        text: plainText(text),
        sender: plainText(sender),
        link: plainText(link),
        screenshot: file ? await base64Of(file) : null,
      };
      setFiled((await request("POST", "/api/v1/scam-reports", { body })).data);
      window.dispatchEvent(new Event(FILED_EVENT));
    } catch (problem) {
      setError(problem);
    } finally {
      setSending(false);
    }
  }

  if (filed) {
    return (
      <div class="panel scam-thanks" role="status">
        <p class="verdict good">✓ {tr({ th: "ขอบคุณที่แจ้ง เราได้รับรายงานของคุณแล้ว", en: "Thank you: we have your report" })}</p>
        {filed.warning ? (
          <>
            <p class="verdict bad">✕ {tr({ th: "ข้อความนี้เป็นมิจฉาชีพที่รู้จักแล้ว", en: "This is a known scam" })}</p>
            <ul class="cards">
              <WarningCard warning={filed.warning} />
            </ul>
          </>
        ) : (
          <p>
            {tr({
              th: "เจ้าหน้าที่จะตรวจสอบ ถ้าเป็นมิจฉาชีพ เราจะประกาศเตือนทุกคนในแอปนี้ ระหว่างนี้อย่ากดลิงก์ อย่าโอนเงิน และอย่าให้ข้อมูลส่วนตัว",
              en: "Our staff will check it. If it is a scam, we will warn everyone in this app. Meanwhile do not tap its links, pay anything or give personal details.",
            })}
          </p>
        )}
        <p>
          {me
            ? tr({ th: "ผลการตรวจจะแสดงใน “รายงานของฉัน” ในหน้านี้", en: "You will see the outcome under “My reports” on this page." })
            : tr({ th: "ข้อความและภาพที่ส่งมาจะถูกลบเมื่อตรวจเสร็จ", en: "The text and picture you sent are deleted once checked." })}
        </p>
      </div>
    );
  }
  if (!open) {
    return (
      <p class="actions">
        <button type="button" class="primary" onClick={() => setOpen(true)}>
          {tr({ th: "แจ้งว่าเป็นข้อความหลอกลวง", en: "Report this as a scam" })}
        </button>
      </p>
    );
  }
  const otherProblem =
    error instanceof ApiError && error.errors.length === 0
      ? error.status === 429
        ? tr({ th: "แจ้งหลายครั้งเกินไป โปรดรอสักครู่แล้วลองใหม่", en: "Too many reports: please wait a while and try again." })
        : error.status === 0
          ? tr({ th: "ไม่ได้เชื่อมต่ออินเทอร์เน็ต", en: "You are offline." })
          : tr({ th: "ส่งไม่สำเร็จ โปรดลองอีกครั้ง", en: "It could not be sent. Please try again." })
      : error !== null && !(error instanceof ApiError)
        ? tr({ th: "ส่งไม่สำเร็จ โปรดลองอีกครั้ง", en: "It could not be sent. Please try again." })
        : "";
  return (
    <form class="scam-report" onSubmit={send} noValidate aria-labelledby="scam-report-title">
      <h2 id="scam-report-title">{tr({ th: "แจ้งข้อความหลอกลวง", en: "Report a scam message" })}</h2>
      <p class="form-help">
        {tr({
          th: "ไม่ต้องใส่เลขบัตรประชาชนหรือข้อมูลส่วนตัวของคุณ ข้อความและภาพจะเก็บไว้เท่าที่จำเป็นต่อการตรวจเท่านั้น",
          en: "Do not add your ID number or personal details. The text and picture are kept only as long as checking needs.",
        })}
      </p>
      <label class="field">
        <span>{tr({ th: "ข้อความที่ได้รับ", en: "The message you received" })}</span>
        <textarea rows={4} maxLength={2000} value={text} onInput={(e) => setText(e.currentTarget.value)} />
        {fieldError("text")}
      </label>
      <label class="field">
        <span>{tr({ th: "ผู้ส่ง (เบอร์โทร ชื่อผู้ส่ง SMS หรือ LINE ID)", en: "Sender (phone number, SMS name or LINE ID)" })}</span>
        <input value={sender} maxLength={100} autocomplete="off" onInput={(e) => setSender(e.currentTarget.value)} />
        {fieldError("sender")}
      </label>
      <label class="field">
        <span>{tr({ th: "ลิงก์ในข้อความ", en: "The link in the message" })}</span>
        <small class="hint">
          {foundLink
            ? tr({ th: `ถ้าเว้นว่าง จะใช้ ${foundLink} จากข้อความ`, en: `Left empty, ${foundLink} from the message is used.` })
            : tr({ th: "ถ้ามี (ไม่ต้องกดเปิด)", en: "If there is one (do not open it)." })}
        </small>
        <input value={link} maxLength={2000} inputMode="url" autocomplete="off" onInput={(e) => setLink(e.currentTarget.value)} />
        {fieldError("link")}
      </label>
      <label class="field">
        <span>{tr({ th: "ภาพหน้าจอ (ถ้ามี, PNG หรือ JPEG ไม่เกิน 2 MB)", en: "Screenshot (optional, PNG or JPEG up to 2 MB)" })}</span>
        <input
          type="file"
          accept="image/png,image/jpeg"
          onChange={(e) => {
            const chosen = e.currentTarget.files?.[0] ?? null;
            const problem = chosen ? screenshotProblem(chosen) : null;
            setFileProblem(problem ? tr(problem) : "");
            setFile(problem ? null : chosen);
          }}
        />
        {fileProblem && (
          <strong class="field-error" role="alert">
            {fileProblem}
          </strong>
        )}
        {fieldError("screenshot")}
      </label>
      {otherProblem && (
        <p class="notice error" role="alert">
          {otherProblem}
        </p>
      )}
      <p class="actions">
        <button type="submit" class="primary" disabled={sending}>
          {tr({ th: "ส่งรายงาน", en: "Send the report" })}
        </button>
        <button type="button" onClick={() => setOpen(false)}>
          {tr({ th: "ยกเลิก", en: "Cancel" })}
        </button>
      </p>
    </form>
  );
}

/** A logged-in citizen's reports made in the app, with what became of each. */
export function MyScamReports() {
  const { tr, language, pick } = useApp();
  const [load, reload] = useLoad("/api/v1/scam-reports/mine");
  useEffect(() => {
    window.addEventListener(FILED_EVENT, reload);
    return () => window.removeEventListener(FILED_EVENT, reload);
  }, [reload]);
  return (
    <section class="my-scam-reports" aria-labelledby="my-scam-reports-title">
      <h2 id="my-scam-reports-title">{tr({ th: "รายงานของฉัน", en: "My reports" })}</h2>
      <Loaded load={load} reload={reload}>
        {(reports) =>
          reports.length === 0 ? (
            <p>{tr({ th: "คุณยังไม่ได้แจ้งข้อความใด", en: "You have not reported any message." })}</p>
          ) : (
            <ul class="cards">
              {reports.map((report) => (
                <li class="card" key={report.id}>
                  <p>
                    <strong>{label(language, "scamStatus", report.status)}</strong>
                    {report.status === "scam" && ` · ${tr({ th: "ขอบคุณที่ช่วยเตือนผู้อื่น", en: "thank you for helping warn others" })}`}
                  </p>
                  {report.warning_title_th && <p>⚠️ {pick(report, "warning_title")}</p>}
                  <p class="meta">
                    {report.link_host ?? report.sender ?? ""} · {tr({ th: "แจ้งเมื่อ", en: "Reported" })}{" "}
                    {formatDate(language, report.created_at, true)}
                  </p>
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
    </section>
  );
}
