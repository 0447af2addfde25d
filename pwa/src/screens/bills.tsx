import { useEffect, useState } from "preact/hooks";

import { ApiError, apiPath, request, type Schema, stepUpUrl } from "../api";
import { formatBaht, formatDate } from "../i18n";
import { useApp, useLoad } from "../state";
import { Loaded } from "../ui/loaded";
import { ErrorNotice } from "../ui/notice";

type Payment = Schema<"PaymentView">;
/** A server-sent event on a payment's live stream (not described by the OpenAPI document, which
 * covers the stream only as a response). */
type PaymentEvent = Pick<Schema<"PaymentView">, "state">;

function Countdown({ until }: { until: string }) {
  const { t } = useApp();
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const left = Math.max(0, Math.floor((new Date(until).getTime() - now) / 1000));
  if (left === 0) return <p role="status">{t("expired")}</p>;
  const text = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`;
  return (
    <p>
      {t("expiresIn")} <span class="countdown">{text}</span>
    </p>
  );
}

function PaymentPanel({ payment, onDone }: { payment: Payment; onDone: () => void }) {
  const { t, language } = useApp();
  const [state, setState] = useState(payment.state);
  const [receipt, setReceipt] = useState<Payment["receipt"] | null>(null);
  useEffect(() => {
    // The bank's confirmation arrives as a server-sent event: the screen turns to "paid" by itself.
    const events = new EventSource(apiPath("/api/v1/payments/{payment_id}/live", { payment_id: payment.id }));
    events.addEventListener("payment", (event) => {
      const next = (JSON.parse((event as MessageEvent<string>).data) as PaymentEvent).state;
      setState(next);
      if (next === "success") {
        onDone();
        request("GET", "/api/v1/payments/{payment_id}", { path: { payment_id: payment.id } }).then(
          (loaded) => setReceipt(loaded.data.receipt ?? null),
          () => null,
        );
      }
      if (["success", "failed", "expired", "cancelled"].includes(next)) events.close();
    });
    return () => events.close();
  }, [payment.id]);
  if (state === "success") {
    return (
      <div class="paid" role="status">
        <p class="big">✓ {t("paid")}</p>
        <p>{formatBaht(language, payment.amount_satang)}</p>
        {receipt && (
          <p>
            <a class="button" href={`/receipts/${receipt.id}`}>
              {t("receipt")} {receipt.number}
            </a>
          </p>
        )}
      </div>
    );
  }
  return (
    <div class="qr-panel">
      <p>{t("scan")}</p>
      <img class="qr" src={payment.qr_svg_url} alt={`Thai QR ${formatBaht(language, payment.amount_satang)}`} />
      <p class="amount">{formatBaht(language, payment.amount_satang)}</p>
      <Countdown until={payment.expires_at} />
      <details>
        <summary>QR code text</summary>
        <code class="payload">{payment.qr_payload}</code>
      </details>
    </div>
  );
}

export function Bills() {
  const { t, language, pick, problem: say } = useApp();
  const [load, reload] = useLoad("/api/v1/bills");
  const [receipts, reloadReceipts] = useLoad("/api/v1/receipts");
  const [paying, setPaying] = useState<Payment | null>(null);
  const [problem, setProblem] = useState("");

  async function pay(bill: Schema<"BillView">) {
    setProblem("");
    try {
      const { data: started } = await request("POST", "/api/v1/bills/{bill_id}/payments", {
        path: { bill_id: bill.id },
        body: { idempotency_key: crypto.randomUUID() },
      });
      setPaying(started);
    } catch (error) {
      if (error instanceof ApiError) {
        const stepUp = stepUpUrl(error, "/bills");
        if (stepUp) {
          window.location.assign(stepUp);
          return;
        }
        setProblem(say(error));
      }
    }
  }

  return (
    <section aria-labelledby="bills-title">
      <h1 id="bills-title">{t("bills")}</h1>
      <ErrorNotice text={problem} />
      {paying && (
        <PaymentPanel
          payment={paying}
          onDone={() => {
            reload();
            reloadReceipts();
          }}
        />
      )}
      <Loaded load={load} reload={reload}>
        {(bills) => {
          const unpaid = bills.filter((bill) => bill.status === "unpaid");
          return unpaid.length === 0 ? (
            <p>{t("noBills")}</p>
          ) : (
            <ul class="cards">
              {unpaid.map((bill) => (
                <li class="card" key={bill.id}>
                  <h2>{pick(bill, "description")}</h2>
                  <p class="meta">{pick(bill, "agency_name")}</p>
                  <p class="amount">{formatBaht(language, bill.amount_satang)}</p>
                  <p>
                    {t("due")} {formatDate(language, bill.due_date)}
                  </p>
                  <button type="button" class="primary" onClick={() => pay(bill)}>
                    {t("pay")}
                  </button>
                </li>
              ))}
            </ul>
          );
        }}
      </Loaded>
      <section class="receipts-list" aria-labelledby="receipts-title">
        <div class="row">
          <h2 id="receipts-title">{t("receipts")}</h2>
          <button type="button" class="no-print" onClick={() => window.print()}>
            {t("printReceipts")}
          </button>
        </div>
        <Loaded load={receipts} reload={reloadReceipts}>
          {(items) =>
            items.length === 0 ? (
              <p>{t("noReceipts")}</p>
            ) : (
              <table class="receipts">
                <thead>
                  <tr>
                    <th scope="col">{t("receiptNumber")}</th>
                    <th scope="col">{t("paidFor")}</th>
                    <th scope="col">{t("amount")}</th>
                    <th scope="col">{t("paidAt")}</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((receipt) => (
                    <tr key={receipt.id}>
                      <td>
                        <a href={`/receipts/${receipt.id}`}>{receipt.number}</a>
                      </td>
                      <td>
                        {pick(receipt, "description")}
                        <br />
                        <small>{pick(receipt, "agency_name")}</small>
                      </td>
                      <td class="number">{formatBaht(language, receipt.amount_satang)}</td>
                      <td>{formatDate(language, receipt.paid_at, true)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )
          }
        </Loaded>
      </section>
    </section>
  );
}
