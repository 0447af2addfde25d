// Agency console: the bills the agency issued, with each one's state and latest payment in words, totals
// per state, a filter and "show more"; issuing a bill (bill-form.tsx), cancelling an unpaid one and
// asking for a refund of a paid one.
import { useEffect, useState } from "preact/hooks";

import { request, type Schema } from "../api";
import { formatBaht, formatDate } from "../i18n";
import { ConfirmButton } from "../ui/confirm";
import { Field } from "../ui/field";
import { useAgencyWords } from "./agency-words";
import { BillForm, satangOf } from "./bill-form";
import { useProblemText } from "./problems";
import { useWords } from "./words";

type BillStatus = keyof Schema<"BillSummary">;
type IssuedBills = Schema<"AgencyBillsPage">;
type Bill = Schema<"AgencyBill">;
const STATUSES: BillStatus[] = ["unpaid", "paid", "cancelled"];

export function BillsPanel({ agencyId }: { agencyId: number }) {
  const { w, when, language, pick } = useWords();
  const { a, named } = useAgencyWords();
  const problemText = useProblemText();
  const [status, setStatus] = useState("");
  const [pages, setPages] = useState<IssuedBills[]>([]);
  const [message, setMessage] = useState("");
  const [refunding, setRefunding] = useState<Bill | null>(null);
  async function load(before: string | null) {
    try {
      const { data } = await request("GET", "/api/v1/agency/{agency_id}/bills", {
        path: { agency_id: agencyId },
        query: { limit: 20, status: (status || undefined) as BillStatus | undefined, before },
      });
      setPages((previous) => (before ? [...previous, data] : [data]));
    } catch (error) {
      setMessage(problemText(error));
    }
  }
  const reload = () => {
    setPages([]);
    void load(null);
  };
  useEffect(reload, [status]);

  async function cancel(bill: Bill) {
    try {
      await request("POST", "/api/v1/agency/{agency_id}/bills/{bill_id}/cancel", { path: { agency_id: agencyId, bill_id: bill.id } });
      setMessage(a("billCancelled"));
      reload();
    } catch (error) {
      setMessage(problemText(error));
    }
  }

  const summary = pages[0]?.summary;
  const rows = pages.flatMap((page) => page.items);
  const next = pages[pages.length - 1]?.next_before ?? null;
  return (
    <>
      <BillForm agencyId={agencyId} issued={(text) => { setMessage(text); reload(); }} />
      {message && <p role="status" class="notice info">{message}</p>}
      {refunding && <RefundForm bill={refunding} close={() => setRefunding(null)} done={(text) => { setRefunding(null); setMessage(text); }} />}
      <h3>{a("totals")}</h3>
      {summary && (
        <dl class="summary">
          {STATUSES.map((state) => (
            <div key={state}>
              <dt>{named("bill_", state)}</dt>
              <dd>{summary[state].count} {a("bills")} · {formatBaht(language, summary[state].total_satang)}</dd>
            </div>
          ))}
        </dl>
      )}
      <Field label={w("showStatus")}>
        <select value={status} onChange={(event) => setStatus(event.currentTarget.value)}>
          <option value="">{w("all")}</option>
          {STATUSES.map((state) => <option key={state} value={state}>{named("bill_", state)}</option>)}
        </select>
      </Field>
      {pages.length > 0 && rows.length === 0 && <p>{w("noBills")}</p>}
      {rows.length > 0 && (
        <ul class="cards">
          {rows.map((bill) => (
            <li class="card" key={bill.id}>
              <h4>{pick(bill, "description")}</h4>
              <dl class="facts">
                <div><dt>{w("amount")}</dt><dd>{formatBaht(language, bill.amount_satang)}</dd></div>
                <div><dt>{w("status")}</dt><dd class="status">{named("bill_", bill.status)}</dd></div>
                <div>
                  <dt>{w("payment")}</dt>
                  <dd>
                    {bill.payment_state ? named("payment_", bill.payment_state) : a("noPaymentYet")}
                    {bill.payment_at && `, ${when(bill.payment_at)}`}
                    {bill.receipt_number && <><br />{w("receipt")} {bill.receipt_number}</>}
                    {bill.paid_by && (
                      <>
                        <br />
                        {w("paidByDelegate")} {pick(bill.paid_by, "name")} ({bill.paid_by.national_id_masked}) {w("forTheBillsCitizen")}
                      </>
                    )}
                  </dd>
                </div>
                <div><dt>{w("due")}</dt><dd>{formatDate(language, `${bill.due_date}T00:00:00+07:00`)}</dd></div>
                <div><dt>{w("reference")}</dt><dd><code>{bill.ref1}</code>{bill.ref2 && <> / <code>{bill.ref2}</code></>}</dd></div>
                <div><dt>{w("issued")}</dt><dd>{when(bill.issued_at)}</dd></div>
              </dl>
              {bill.status === "unpaid" && (
                <ConfirmButton about={bill.ref1} question={a("confirmCancelBill")} yes={a("yesCancelBill")} onConfirm={() => cancel(bill)}>{a("cancelBill")}</ConfirmButton>
              )}
              {bill.status === "paid" && bill.payment_state === "success" && (
                <button type="button" onClick={() => setRefunding(bill)}>{a("askRefund")}<span class="visually-hidden"> {bill.ref1}</span></button>
              )}
            </li>
          ))}
        </ul>
      )}
      {next && <button type="button" onClick={() => load(next)}>{w("more")}</button>}
    </>
  );
}

function RefundForm({ bill, close, done }: { bill: Bill; close: () => void; done: (message: string) => void }) {
  const { w, language } = useWords();
  const { a } = useAgencyWords();
  const problemText = useProblemText();
  const [amount, setAmount] = useState(String(bill.amount_satang / 100));
  const [reason, setReason] = useState("");
  const [problem, setProblem] = useState("");
  async function send(event: Event) {
    event.preventDefault();
    const satang = satangOf(amount);
    if (satang === null) return setProblem(a("badAmount"));
    if (!reason.trim()) return setProblem(a("reasonRequired"));
    try {
      await request("POST", "/api/v1/agency/refunds", { body: { payment_id: bill.payment_id as string, amount_satang: satang, reason: reason.trim() } });
      done(a("refundAsked"));
    } catch (error) {
      setProblem(problemText(error));
    }
  }
  return (
    <form onSubmit={send} class="notice confirm" aria-labelledby="refund-title">
      <h3 id="refund-title">{a("askRefund")}: <code>{bill.ref1}</code> ({formatBaht(language, bill.amount_satang)})</h3>
      <Field label={a("refundAmount")}><input inputMode="decimal" value={amount} onInput={(event) => setAmount(event.currentTarget.value)} /></Field>
      <Field label={a("refundReason")}><textarea rows={2} value={reason} onInput={(event) => setReason(event.currentTarget.value)} /></Field>
      {problem && <p role="alert" class="notice error">{problem}</p>}
      <div class="actions">
        <button type="submit" class="primary">{a("sendRefund")}</button>
        <button type="button" onClick={close}>{w("cancel")}</button>
      </div>
    </form>
  );
}
