// Agency console: the bills the agency issued, with each one's latest payment state and receipt, totals
// per status, a filter and "show more".
import { useEffect, useState } from "preact/hooks";

import { request, type Schema } from "../api";
import { formatBaht } from "../i18n";
import { Field } from "../ui/field";
import { useProblemText } from "./problems";
import { useWords } from "./words";

type BillStatus = keyof Schema<"BillSummary">;
type IssuedBills = Schema<"AgencyBillsPage">;

export function BillsPanel({ agencyId }: { agencyId: number }) {
  const { w, when, language, pick } = useWords();
  const problemText = useProblemText();
  const [status, setStatus] = useState("");
  const [pages, setPages] = useState<IssuedBills[]>([]);
  const [message, setMessage] = useState("");
  async function load(before: string | null) {
    try {
      const { data } = await request("GET", "/api/v1/agency/{agency_id}/bills", {
        path: { agency_id: agencyId },
        query: { limit: 50, status: (status || undefined) as BillStatus | undefined, before },
      });
      setPages((previous) => (before ? [...previous, data] : [data]));
    } catch (error) {
      setMessage(problemText(error));
    }
  }
  useEffect(() => {
    setPages([]);
    void load(null);
  }, [status]);

  const summary = pages[0]?.summary ?? {};
  const rows = pages.flatMap((page) => page.items);
  const next = pages[pages.length - 1]?.next_before ?? null;
  return (
    <>
      {message && <p role="alert">{message}</p>}
      <dl class="summary">
        {Object.entries(summary).map(([state, figures]) => (
          <div key={state}>
            <dt>{state}</dt>
            <dd>{figures.count} · {formatBaht(language, figures.total_satang)}</dd>
          </div>
        ))}
      </dl>
      <Field label={w("showStatus")}>
        <select value={status} onChange={(event) => setStatus(event.currentTarget.value)}>
          <option value="">{w("all")}</option>
          {Object.keys(summary).map((state) => <option key={state} value={state}>{state}</option>)}
        </select>
      </Field>
      {pages.length > 0 && rows.length === 0 && <p>{w("noBills")}</p>}
      {rows.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">{w("reference")}</th><th scope="col">{w("title")}</th><th scope="col">{w("due")}</th>
              <th scope="col">{w("amount")}</th><th scope="col">{w("status")}</th><th scope="col">{w("payment")}</th><th scope="col">{w("receipt")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((bill) => (
              <tr key={bill.id}>
                <td><code>{bill.ref1}</code>{bill.ref2 && <> / <code>{bill.ref2}</code></>}<br /><small>{w("issued")} {when(bill.issued_at)}</small></td>
                <td>{pick(bill, "description")}</td>
                <td>{bill.due_date}</td>
                <td>{formatBaht(language, bill.amount_satang)}</td>
                <td>{bill.status}</td>
                <td>{bill.payment_state ? `${bill.payment_state}${bill.payment_at ? `, ${when(bill.payment_at)}` : ""}` : ""}</td>
                <td>{bill.receipt_number ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {next && <button type="button" onClick={() => load(next)}>{w("more")}</button>}
    </>
  );
}
