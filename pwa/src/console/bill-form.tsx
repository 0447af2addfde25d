// Agency console: issuing a bill. The payer's national ID (its check digit checked here as the API
// does), the amount in baht, the due date (Buddhist-era year in Thai), one of the agency's own biller
// IDs, the references and the description in Thai and English. Each problem is said beside its field.
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";

import { request, type Schema } from "../api";
import { useLoad } from "../state";
import { DateInput } from "../ui/date-input";
import { type AgencyWord, useAgencyWords } from "./agency-words";
import { problemsOf, useProblemText } from "./problems";

/** The 13-digit Thai national ID with its check digit (the same rule as backend/core/crypto.py). */
export function isNationalId(text: string): boolean {
  if (!/^[0-9]{13}$/.test(text)) return false;
  const sum = [...text.slice(0, 12)].reduce((total, digit, index) => total + Number(digit) * (13 - index), 0);
  return (11 - (sum % 11)) % 10 === Number(text[12]);
}

/** "1,250.50" baht as satang (125050), or null when it is not an amount above 0 with at most 2 decimals. */
export function satangOf(text: string): number | null {
  const found = /^([0-9]{1,9})(?:\.([0-9]{1,2}))?$/.exec(text.replace(/[,\s]/g, ""));
  if (!found) return null;
  const satang = Number(found[1]) * 100 + Number((found[2] ?? "").padEnd(2, "0"));
  return satang > 0 ? satang : null;
}

const EMPTY = { national_id: "", amount: "", due_date: "", biller_id: "", ref1: "", ref2: "", description_th: "", description_en: "" };
type Form = typeof EMPTY;
/** Each field's label: beside it, and in the error summary before its problem. */
const LABELS: Record<keyof Form, AgencyWord> = {
  national_id: "nationalId", amount: "amountBaht", due_date: "dueDate", biller_id: "billerId", ref1: "ref1",
  ref2: "ref2", description_th: "billDescriptionTh", description_en: "billDescriptionEn",
};
type Problems = Partial<Record<keyof Form, string>>;

/** The form's problems, each said in words (the API's own, from a refused request, likewise). */
function check(form: Form, biller: string, a: (word: AgencyWord) => string): Problems {
  const found: Partial<Record<keyof Form, AgencyWord>> = {};
  const problems = found;
  if (!isNationalId(form.national_id)) problems.national_id = "badNationalId";
  if (satangOf(form.amount) === null) problems.amount = "badAmount";
  if (!form.due_date) problems.due_date = "required";
  if (!biller) problems.biller_id = "noBiller";
  if (!/^[0-9A-Z]{1,20}$/.test(form.ref1)) problems.ref1 = "badReference";
  if (form.ref2 && !/^[0-9A-Z]{1,20}$/.test(form.ref2)) problems.ref2 = "badReference";
  if (!form.description_th.trim()) problems.description_th = "required";
  if (!form.description_en.trim()) problems.description_en = "required";
  return Object.fromEntries(Object.entries(found).map(([key, word]) => [key, a(word)]));
}

export function BillForm({ agencyId, issued }: { agencyId: number; issued: (message: string) => void }) {
  const { a } = useAgencyWords();
  const problemText = useProblemText();
  const [billers] = useLoad("/api/v1/agency/{agency_id}/billers", { path: { agency_id: agencyId } });
  const [form, setForm] = useState(EMPTY);
  const [problems, setProblems] = useState<Problems>({});
  const [failure, setFailure] = useState("");
  const owned = billers.status === "ok" ? billers.data : [];
  const biller = form.biller_id || owned[0] || "";
  const set = (key: keyof Form) => (event: Event) => setForm({ ...form, [key]: (event.currentTarget as HTMLInputElement).value });

  async function issue(event: Event) {
    event.preventDefault();
    setFailure("");
    const found = check(form, biller, a);
    setProblems(found);
    if (Object.keys(found).length > 0) return;
    const body: Schema<"NewBill"> = {
      agency_id: agencyId, national_id: form.national_id, amount_satang: satangOf(form.amount) as number,
      due_date: form.due_date, biller_id: biller, ref1: form.ref1, ref2: form.ref2 || null,
      description_th: form.description_th.trim(), description_en: form.description_en.trim(),
      idempotency_key: crypto.randomUUID(),
    };
    try {
      await request("POST", "/api/v1/agency/bills", { body });
      setForm({ ...EMPTY, biller_id: biller, due_date: form.due_date });
      issued(a("billIssued"));
    } catch (error) {
      // The API's field problems beside their fields; the rest as one message.
      const fromApi: Problems = {};
      for (const key of Object.keys(EMPTY) as (keyof Form)[]) {
        const said = problemsOf(error, key === "amount" ? "amount_satang" : key);
        if (said.length > 0) fromApi[key] = said.join("; ");
      }
      setProblems(fromApi);
      if (Object.keys(fromApi).length === 0) setFailure(problemText(error));
    }
  }

  const field = (key: keyof Form, control: ComponentChildren) => (
    <div class="field">
      <label for={`bill-${key}`}>{a(LABELS[key])}</label>
      {problems[key] && <p class="form-error" id={`bill-${key}-error`}>{problems[key]}</p>}
      {control}
    </div>
  );
  const input = (key: keyof Form, extra: Record<string, unknown> = {}) => (
    <input
      id={`bill-${key}`}
      value={form[key]}
      onInput={set(key)}
      aria-invalid={problems[key] ? true : undefined}
      aria-describedby={problems[key] ? `bill-${key}-error` : undefined}
      {...extra}
    />
  );
  const listed = Object.entries(problems);
  return (
    <form onSubmit={issue} aria-labelledby="issue-bill" noValidate>
      <h3 id="issue-bill">{a("issueBill")}</h3>
      {listed.length > 0 && (
        <div class="error-summary" role="alert">
          <h2>{a("fixThese")}</h2>
          <ul>{listed.map(([key, problem]) => <li key={key}><a href={`#bill-${key}`}>{a(LABELS[key as keyof Form])}: {problem}</a></li>)}</ul>
        </div>
      )}
      <div class="console-grid">
        <div>
          {field("national_id", input("national_id", { inputMode: "numeric", autoComplete: "off", maxLength: 13 }))}
          {field("amount", input("amount", { inputMode: "decimal" }))}
          <fieldset class="form-field">
            <legend>{a(LABELS.due_date)}</legend>
            {problems.due_date && <p class="form-error">{problems.due_date}</p>}
            <DateInput id="bill-due_date" value={form.due_date} onChange={(iso) => setForm({ ...form, due_date: iso ?? "" })} invalid={!!problems.due_date} />
          </fieldset>
          {field(
            "biller_id",
            <select id="bill-biller_id" value={biller} onChange={set("biller_id")}>
              {owned.map((id) => <option key={id} value={id}>{id}</option>)}
            </select>,
          )}
        </div>
        <div>
          {field("ref1", input("ref1", { autoComplete: "off" }))}
          {field("ref2", input("ref2", { autoComplete: "off" }))}
          {field("description_th", input("description_th"))}
          {field("description_en", input("description_en", { lang: "en" }))}
        </div>
      </div>
      {billers.status === "ok" && owned.length === 0 && <p class="notice error">{a("noBiller")}</p>}
      <button type="submit" class="primary">{a("issue")}</button>
      {failure && <p role="alert" class="notice error">{failure}</p>}
    </form>
  );
}
