// Support staff's scam-report queue (docs/genuine-messages.md, "Scam reports"): reports waiting for a
// decision grouped by the link's website or by the sender, with counts and first and last seen; open a
// group to read its reports (text, link, screenshot: purged once decided), then mark it a scam by
// publishing a warning in Thai and English, or close it as not a scam or dismissed with a note. The
// warnings published, each withdrawable with a note. Reports never name the citizen who made them.
import { useState } from "preact/hooks";

import { apiPath, request, type Schema } from "../api";
import { useApp, useLoad } from "../state";
import { Field } from "../ui/field";
import { Loaded } from "../ui/loaded";
import { Tabs } from "../ui/segmented";
import { label } from "../vocabulary";
import { problemsOf, useFieldText, useProblemText } from "./problems";
import { useWords } from "./words";

type Key = Schema<"ScamReportGroup">["key"];
type Group = { key: Key; value: string | null };
type Decision = "scam" | "not_scam" | "dismissed";

function GroupDecision({ group, done }: { group: Group; done: (message: string) => void }) {
  const { tr, language } = useApp();
  const fieldText = useFieldText();
  const problemText = useProblemText();
  const [decision, setDecision] = useState<Decision>(group.value ? "scam" : "dismissed");
  const [warning, setWarning] = useState({ value: group.value ?? "", title_th: "", title_en: "", body_th: "", body_en: "" });
  const [note, setNote] = useState("");
  const [error, setError] = useState<unknown>(null);
  const errorsOf = (field: string) => problemsOf(error, field).map(fieldText);
  const fields = ["value", "title_th", "title_en", "body_th", "body_en", "note"];
  const elsewhere = error !== null && !fields.some((field) => problemsOf(error, field).length > 0);

  async function decide(event: Event) {
    event.preventDefault();
    setError(null);
    try {
      if (decision === "scam") {
        await request("POST", "/api/v1/support/scam-warnings", { body: { key: group.key, ...warning } });
        done(tr({ th: "ประกาศเตือนแล้ว ประชาชนทุกคนเห็นในแอป", en: "Warning published: every citizen sees it in the app." }));
      } else {
        const body = { key: group.key, value: group.value, outcome: decision, note };
        const answer = await request("POST", "/api/v1/support/scam-reports/close", { body });
        done(tr({ th: `ปิดแล้ว ${answer.data.decided} รายงาน`, en: `${answer.data.decided} reports closed.` }));
      }
    } catch (problem) {
      setError(problem);
    }
  }
  const text = (name: keyof typeof warning, th: string, en: string, long = false) => (
    <Field label={tr({ th, en })} errors={errorsOf(name)}>
      {long ? (
        <textarea rows={3} maxLength={2000} value={warning[name]} onInput={(e) => setWarning({ ...warning, [name]: e.currentTarget.value })} />
      ) : (
        <input maxLength={name === "value" ? 253 : 200} value={warning[name]} onInput={(e) => setWarning({ ...warning, [name]: e.currentTarget.value })} />
      )}
    </Field>
  );
  return (
    <form class="scam-triage" onSubmit={decide} noValidate>
      <fieldset>
        <legend>{tr({ th: "ผลการตรวจกลุ่มนี้", en: "Decision for this group" })}</legend>
        {(["scam", "not_scam", "dismissed"] as const).map((choice) => (
          <label key={choice} class="choice">
            <input
              type="radio"
              name="decision"
              value={choice}
              checked={decision === choice}
              disabled={choice === "scam" && !group.value}
              onChange={() => setDecision(choice)}
            />{" "}
            {choice === "scam"
              ? tr({ th: "เป็นมิจฉาชีพ: ประกาศเตือนประชาชน", en: "A scam: publish a warning" })
              : label(language, "scamStatus", choice)}
          </label>
        ))}
      </fieldset>
      {decision === "scam" ? (
        <>
          {text("value", `${label("th", "scamKey", group.key)} ที่เตือน`, `${label("en", "scamKey", group.key)} warned about`)}
          {text("title_th", "หัวข้อคำเตือน (ไทย)", "Warning title (Thai)")}
          {text("title_en", "หัวข้อคำเตือน (อังกฤษ)", "Warning title (English)")}
          {text("body_th", "คำเตือน (ไทย)", "Warning text (Thai)", true)}
          {text("body_en", "คำเตือน (อังกฤษ)", "Warning text (English)", true)}
        </>
      ) : (
        <Field label={tr({ th: "บันทึกเหตุผล", en: "Note (why)" })} errors={errorsOf("note")}>
          <textarea rows={2} maxLength={1000} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
        </Field>
      )}
      {elsewhere && <p role="alert">{problemText(error)}</p>}
      <p class="actions">
        <button type="submit" class="primary">
          {decision === "scam" ? tr({ th: "ประกาศเตือน", en: "Publish the warning" }) : tr({ th: "บันทึกผล", en: "Record the decision" })}
        </button>
      </p>
    </form>
  );
}

function GroupReports({ group, done }: { group: Group; done: (message: string) => void }) {
  const { tr } = useApp();
  const { when } = useWords();
  const query = { key: group.key, value: group.value ?? undefined };
  const [load, reload] = useLoad("/api/v1/support/scam-reports", { query });
  return (
    <section class="scam-group" aria-labelledby="scam-group-title">
      <h3 id="scam-group-title">{group.value ?? tr({ th: "ไม่ระบุ", en: "None given" })}</h3>
      <Loaded load={load} reload={reload}>
        {(reports) => (
          <ul class="cards">
            {reports.map((report) => (
              <li class="card" key={report.id}>
                <p class="meta">
                  {when(report.created_at)}
                  {report.from_app && ` · ${tr({ th: "แจ้งจากในแอป (ผู้แจ้งจะเห็นผล)", en: "from the app (the reporter sees the outcome)" })}`}
                </p>
                {report.text && <blockquote class="sent-text">{report.text}</blockquote>}
                {report.link && (
                  <p>
                    {tr({ th: "ลิงก์", en: "Link" })}: <code>{report.link}</code>
                  </p>
                )}
                {report.sender && (
                  <p>
                    {tr({ th: "ผู้ส่ง", en: "Sender" })}: <code>{report.sender}</code>
                  </p>
                )}
                {report.has_screenshot && (
                  <img
                    class="scam-screenshot"
                    alt={tr({ th: "ภาพหน้าจอที่ผู้แจ้งส่งมา", en: "The reporter's screenshot" })}
                    src={apiPath("/api/v1/support/scam-reports/{report_id}/screenshot", { report_id: report.id })}
                  />
                )}
              </li>
            ))}
          </ul>
        )}
      </Loaded>
      <GroupDecision group={group} done={done} />
    </section>
  );
}

/** Remounted (a new key) after each decision, so a warning just published is listed. */
function Warnings() {
  const { tr, pick } = useApp();
  const { when } = useWords();
  const problemText = useProblemText();
  const [load, reload] = useLoad("/api/v1/support/scam-warnings");
  const [withdrawing, setWithdrawing] = useState<{ id: number; note: string; error: unknown } | null>(null);
  async function withdraw(event: Event) {
    event.preventDefault();
    if (!withdrawing) return;
    try {
      const path = { warning_id: withdrawing.id };
      await request("POST", "/api/v1/support/scam-warnings/{warning_id}/withdraw", { path, body: { note: withdrawing.note } });
      setWithdrawing(null);
      reload();
    } catch (error) {
      setWithdrawing({ ...withdrawing, error });
    }
  }
  return (
    <section aria-labelledby="scam-warnings-staff-title">
      <h3 id="scam-warnings-staff-title">{tr({ th: "ประกาศเตือนที่เผยแพร่", en: "Warnings published" })}</h3>
      <Loaded load={load} reload={reload}>
        {(warnings) =>
          warnings.length === 0 ? (
            <p>{tr({ th: "ยังไม่มี", en: "None yet." })}</p>
          ) : (
            <ul class="cards">
              {warnings.map((warning) => (
                <li class="card" key={warning.id}>
                  <h4>{pick(warning, "title")}</h4>
                  <p>
                    <code>{warning.link_host ?? warning.sender}</code> · {when(warning.published_at)}
                  </p>
                  {warning.withdrawn_at ? (
                    <p class="status">{tr({ th: "ถอนแล้ว", en: "Withdrawn" })} {when(warning.withdrawn_at)}</p>
                  ) : withdrawing?.id === warning.id ? (
                    <form onSubmit={withdraw} noValidate>
                      <Field
                        label={tr({ th: "เหตุผลที่ถอนประกาศ", en: "Why it is withdrawn" })}
                        errors={problemsOf(withdrawing.error, "note").length > 0 ? [tr({ th: "โปรดกรอกเหตุผล", en: "Give the reason." })] : []}
                      >
                        <input maxLength={1000} value={withdrawing.note} onInput={(e) => setWithdrawing({ ...withdrawing, note: e.currentTarget.value })} />
                      </Field>
                      {withdrawing.error !== null && problemsOf(withdrawing.error, "note").length === 0 && (
                        <p role="alert">{problemText(withdrawing.error)}</p>
                      )}
                      <p class="actions">
                        <button type="submit" class="primary">{tr({ th: "ถอนประกาศ", en: "Withdraw" })}</button>
                        <button type="button" onClick={() => setWithdrawing(null)}>{tr({ th: "ยกเลิก", en: "Cancel" })}</button>
                      </p>
                    </form>
                  ) : (
                    <p class="actions">
                      <button type="button" onClick={() => setWithdrawing({ id: warning.id, note: "", error: null })}>
                        {tr({ th: "ถอนประกาศ…", en: "Withdraw…" })}
                      </button>
                    </p>
                  )}
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
    </section>
  );
}

export function SupportScams() {
  const { tr, language } = useApp();
  const { when } = useWords();
  const [key, setKey] = useState<Key>("link_host");
  const [open, setOpen] = useState<Group | null>(null);
  const [message, setMessage] = useState("");
  const [generation, setGeneration] = useState(0);
  const [load, reload] = useLoad("/api/v1/support/scam-reports/groups", { query: { key } });
  const done = (text: string) => {
    setMessage(text);
    setOpen(null);
    setGeneration(generation + 1);
    reload();
  };
  return (
    <>
      <h2>{tr({ th: "รายงานข้อความหลอกลวง", en: "Scam reports" })}</h2>
      <p class="notice" role="note">
        {tr({
          th: "รายงานไม่ระบุตัวผู้แจ้ง ข้อความและภาพที่แนบจะถูกลบเมื่อตัดสินผล เหลือเพียงชื่อเว็บไซต์ ผู้ส่ง และจำนวน",
          en: "Reports do not name who made them. Their text and pictures are deleted once decided; only the website, sender and counts stay.",
        })}
      </p>
      {message && <p role="status">{message}</p>}
      <Tabs
        label={tr({ th: "จัดกลุ่มตาม", en: "Group by" })}
        tabs={[
          ["link_host", label(language, "scamKey", "link_host")],
          ["sender", label(language, "scamKey", "sender")],
        ]}
        current={key}
        choose={(chosen) => {
          setKey(chosen);
          setOpen(null);
        }}
      />
      <Loaded load={load} reload={reload}>
        {(groups) =>
          groups.length === 0 ? (
            <p>{tr({ th: "ไม่มีรายงานรอตรวจ", en: "No reports waiting." })}</p>
          ) : (
            <ul class="cards">
              {groups.map((group) => (
                <li class="card" key={group.value ?? ""}>
                  <h3>
                    <code>{group.value ?? tr({ th: "ไม่ระบุ", en: "None given" })}</code>
                  </h3>
                  <p>
                    {tr({ th: `${group.reports} รายงาน`, en: `${group.reports} reports` })}
                    {group.screenshots > 0 && tr({ th: ` · มีภาพ ${group.screenshots}`, en: ` · ${group.screenshots} with a screenshot` })}
                    {group.warned && ` · ${tr({ th: "มีประกาศเตือนแล้ว", en: "already warned about" })}`}
                  </p>
                  <p class="meta">
                    {tr({ th: "แจ้งครั้งแรก", en: "First" })} {when(group.first_seen)} · {tr({ th: "ล่าสุด", en: "last" })} {when(group.last_seen)}
                  </p>
                  <p class="actions">
                    <button type="button" aria-pressed={open?.value === group.value} onClick={() => setOpen({ key, value: group.value })}>
                      {tr({ th: "เปิดอ่านและตัดสิน", en: "Open and decide" })}
                      <span class="visually-hidden"> {group.value ?? ""}</span>
                    </button>
                  </p>
                  {open && open.value === group.value && open.key === key && <GroupReports group={open} done={done} />}
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
      <Warnings key={generation} />
    </>
  );
}
