// The sender registry in the consoles (docs/genuine-messages.md): an agency's administrators list the
// official channels citizens may trust (SMS sender names, link domains, phones, emails, LINE accounts)
// and see each one's review; platform admins approve each entry or return it with a comment. Nothing is
// published before that approval, so the panel says plainly which entries the public can see.
import { useState } from "preact/hooks";

import { request, type Schema } from "../api";
import { useApp, useLoad } from "../state";
import { ConfirmButton } from "../ui/confirm";
import { Field } from "../ui/field";
import { Loaded } from "../ui/loaded";
import { choices, label } from "../vocabulary";
import { problemsOf, useFieldText, useProblemText } from "./problems";
import { ReviewDecision } from "./review-form";

type Kind = Schema<"NewSenderEntry">["kind"];

const EXAMPLES: Record<Kind, { th: string; en: string }> = {
  sms_sender: { th: "ไม่เกิน 11 ตัวอักษร เช่น DSDW", en: "Up to 11 characters, such as DSDW" },
  link_domain: { th: "ชื่อโดเมนเท่านั้น เช่น dsdw.go.th", en: "The domain only, such as dsdw.go.th" },
  phone: { th: "เช่น 1300 หรือ 02-123-4567", en: "Such as 1300 or 02-123-4567" },
  email: { th: "เช่น help@dsdw.go.th", en: "Such as help@dsdw.go.th" },
  line_official: { th: "รหัสบัญชีพร้อม @ เช่น @dsdw", en: "The account ID with its @, such as @dsdw" },
};

export function SendersPanel({ agencyId }: { agencyId: number }) {
  const { tr, language, pick } = useApp();
  const problemText = useProblemText();
  const fieldText = useFieldText();
  const path = { agency_id: agencyId };
  const [load, reload] = useLoad("/api/v1/agency/{agency_id}/senders", { path });
  const [entry, setEntry] = useState({ kind: "sms_sender" as Kind, value: "", note_th: "", note_en: "" });
  const [error, setError] = useState<unknown>(null);
  const [message, setMessage] = useState("");
  const errorsOf = (field: string) => problemsOf(error, field).map(fieldText);

  async function add(event: Event) {
    event.preventDefault();
    setError(null);
    setMessage("");
    try {
      await request("POST", "/api/v1/agency/{agency_id}/senders", { path, body: entry });
      setEntry({ ...entry, value: "", note_th: "", note_en: "" });
      setMessage(tr({ th: "เพิ่มแล้ว รอผู้ดูแลแพลตฟอร์มตรวจก่อนเผยแพร่", en: "Added: it is published once a platform admin approves it." }));
      reload();
    } catch (problem) {
      setError(problem);
    }
  }
  async function remove(entryId: number, value: string) {
    setMessage("");
    try {
      await request("DELETE", "/api/v1/agency/{agency_id}/senders/{entry_id}", { path: { ...path, entry_id: entryId } });
      setMessage(tr({ th: `ลบ ${value} แล้ว`, en: `${value} removed` }));
      reload();
    } catch (problem) {
      setMessage(problemText(problem));
    }
  }
  const formErrors = ["kind", "value", "note_th", "note_en"].some((field) => problemsOf(error, field).length > 0);
  return (
    <>
      <p>
        {tr({
          th: "ชื่อผู้ส่ง SMS โดเมนของลิงก์ และช่องทางติดต่อที่หน่วยงานใช้จริง ประชาชนเห็นในหน้าตรวจสอบข้อความและในข้อมูลเปิด หลังผู้ดูแลแพลตฟอร์มอนุมัติ",
          en: "The SMS sender names, link domains and contact channels your agency really uses. Citizens see them on the message check page and in the open data once a platform admin approves them.",
        })}
      </p>
      {message && <p role="status">{message}</p>}
      {error !== null && !formErrors && <p role="alert">{problemText(error)}</p>}
      <Loaded load={load} reload={reload}>
        {(entries) =>
          entries.length === 0 ? (
            <p>{tr({ th: "ยังไม่มีช่องทางทางการ", en: "No official channels yet." })}</p>
          ) : (
            <ul class="cards senders">
              {entries.map((item) => (
                <li class="card" key={item.id}>
                  <h4>
                    {label(language, "senderKind", item.kind)}: <code>{item.value}</code>
                  </h4>
                  <p class="status">{label(language, "senderReview", item.review_status)}</p>
                  {item.review_comment && (
                    <p>
                      {tr({ th: "ความเห็นผู้ตรวจ", en: "Reviewer's comment" })}: {item.review_comment}
                    </p>
                  )}
                  {pick(item, "note") && <p>{pick(item, "note")}</p>}
                  <div class="actions">
                    <ConfirmButton
                      about={item.value}
                      question={tr({ th: `ลบ ${item.value} ออกจากทะเบียน?`, en: `Remove ${item.value} from the register?` })}
                      yes={tr({ th: "ใช่ ลบออก", en: "Yes, remove it" })}
                      onConfirm={() => remove(item.id, item.value)}
                    >
                      {tr({ th: "ลบ", en: "Remove" })}
                    </ConfirmButton>
                  </div>
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
      <form class="sender-form" onSubmit={add} noValidate>
        <h3>{tr({ th: "เพิ่มช่องทางทางการ", en: "Add an official channel" })}</h3>
        <Field label={tr({ th: "ประเภท", en: "Kind" })} errors={errorsOf("kind")}>
          <select value={entry.kind} onChange={(e) => setEntry({ ...entry, kind: e.currentTarget.value as Kind })}>
            {choices(language, "senderKind").map(([code, words]) => (
              <option key={code} value={code}>{words}</option>
            ))}
          </select>
        </Field>
        <Field label={tr({ th: "ชื่อหรือหมายเลข", en: "Name or number" })} errors={errorsOf("value")}>
          <small class="hint">{tr(EXAMPLES[entry.kind])}</small>
          <input value={entry.value} maxLength={254} onInput={(e) => setEntry({ ...entry, value: e.currentTarget.value })} />
        </Field>
        <Field label={tr({ th: "หมายเหตุ (ภาษาไทย)", en: "Note (Thai)" })} errors={errorsOf("note_th")}>
          <input value={entry.note_th} maxLength={300} onInput={(e) => setEntry({ ...entry, note_th: e.currentTarget.value })} />
        </Field>
        <Field label={tr({ th: "หมายเหตุ (ภาษาอังกฤษ)", en: "Note (English)" })} errors={errorsOf("note_en")}>
          <input value={entry.note_en} maxLength={300} onInput={(e) => setEntry({ ...entry, note_en: e.currentTarget.value })} />
        </Field>
        <p class="actions">
          <button type="submit" class="primary">{tr({ th: "เพิ่ม", en: "Add" })}</button>
        </p>
      </form>
    </>
  );
}

/** The platform admin's queue of entries waiting for review. */
export function SenderReviews({ done }: { done: (message: string) => void }) {
  const { tr, language, pick } = useApp();
  const [load, reload] = useLoad("/api/v1/admin/sender-reviews");
  return (
    <>
      <h3>{tr({ th: "ช่องทางทางการที่รอตรวจ", en: "Official channels waiting for review" })}</h3>
      <Loaded load={load} reload={reload}>
        {(rows) =>
          rows.length === 0 ? (
            <p>{tr({ th: "ไม่มี", en: "None" })}</p>
          ) : (
            <ul class="list">
              {rows.map((row) => (
                <li key={row.id}>
                  <h4>
                    {label(language, "senderKind", row.kind)}: <code>{row.value}</code>
                  </h4>
                  <p>
                    {pick(row, "agency_name")}
                    {pick(row, "note") && ` · ${pick(row, "note")}`}
                  </p>
                  <ReviewDecision
                    id={`sender-${row.id}`}
                    approveLabel={tr({ th: "อนุมัติและเผยแพร่", en: "Approve and publish" })}
                    approve={() => request("POST", "/api/v1/admin/senders/{entry_id}/approve", { path: { entry_id: row.id } })}
                    sendBack={(comment) => request("POST", "/api/v1/admin/senders/{entry_id}/return", { path: { entry_id: row.id }, body: { comment } })}
                    done={(message) => {
                      done(message);
                      reload();
                    }}
                  />
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
    </>
  );
}
