import { useEffect, useRef, useState } from "preact/hooks";

import { ApiError, apiPath, request, type Schema, stepUpUrl, withActing } from "../api";
import { fill, formatBaht, formatDate } from "../i18n";
import { useApp, useLoad } from "../state";
import { Loaded } from "../ui/loaded";
import { MoreButton, useMorePages } from "../ui/more-pages";
import { ErrorNotice } from "../ui/notice";

type Payment = Schema<"PaymentView">;
/** A server-sent event on a payment's live stream (not described by the OpenAPI document, which
 * covers the stream only as a response). */
type PaymentEvent = Pick<Schema<"PaymentView">, "state">;

type Bill = Schema<"BillView">;
type Receipt = Schema<"ReceiptView">;
/** Bills and receipts are listed this many at a time; a button brings the next ones. */
const PAGE = 50;
/** A payment under way: its QR, the bill it pays (named on the panel), and how far this phone's clock
 * is ahead of the server's (ms), so that "expired" is said when the server says it. */
type Paying = { payment: Payment; bill: Bill; skew: number };

const FINISHED = ["success", "failed", "expired", "cancelled"];

function minutesAndSeconds(seconds: number): string {
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

/**
 * Saving the QR to pay it from this same phone: the PNG through the share sheet ("Save image", a
 * chat, Files) where the browser can share files, else a download link to the PNG the API serves.
 */
function SaveQr({ payment, name }: { payment: Payment; name: string }) {
  const { t } = useApp();
  const [file, setFile] = useState<File | null>(null);
  useEffect(() => {
    // Fetched ahead: a share must start within the tap, with the file ready.
    if (typeof navigator.canShare !== "function") return;
    let current = true;
    fetch(withActing(payment.qr_png_url), { credentials: "same-origin" })
      .then((response) => (response.ok ? response.blob() : Promise.reject(new Error(String(response.status)))))
      .then((blob) => {
        const png = new File([blob], name, { type: "image/png" });
        if (current && navigator.canShare({ files: [png] })) setFile(png);
      })
      .catch(() => null);
    return () => {
      current = false;
    };
  }, [payment.qr_png_url]);
  if (file) {
    return (
      <button type="button" class="primary" onClick={() => navigator.share({ files: [file] }).catch(() => null)}>
        {t("shareQr")}
      </button>
    );
  }
  return (
    <a class="button primary" href={withActing(payment.qr_png_url)} download={name}>
      {t("saveQr")}
    </a>
  );
}

function CopyQr({ payload }: { payload: string }) {
  const { t } = useApp();
  const [said, setSaid] = useState("");
  async function copy() {
    try {
      await navigator.clipboard.writeText(payload);
      setSaid(t("qrCopied"));
    } catch {
      setSaid(t("copyFailed"));
    }
  }
  return (
    <>
      <button type="button" onClick={copy}>
        {t("copyQr")}
      </button>
      <p class="copy-status" role="status">
        {said}
      </p>
    </>
  );
}

function PaymentPanel({
  paying: { payment, bill, skew },
  onDone,
  onClose,
  onNewQr,
}: {
  paying: Paying;
  onDone: () => void;
  onClose: () => void;
  onNewQr: () => Promise<void>;
}) {
  const { t, tr, language, pick } = useApp();
  const [state, setState] = useState(payment.state);
  const [receipt, setReceipt] = useState<Payment["receipt"] | null>(null);
  const [now, setNow] = useState(Date.now());
  const [making, setMaking] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus(); // the panel opens above the list: reading (and a screen reader) goes there
  }, [payment.id]);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  useEffect(() => {
    // The bank's confirmation arrives as a server-sent event: the screen turns to "paid" by itself.
    const events = new EventSource(apiPath("/api/v1/payments/{payment_id}/live", { payment_id: payment.id }));
    events.addEventListener("payment", (event) => {
      const next = (JSON.parse((event as MessageEvent<string>).data) as PaymentEvent).state;
      setState(next);
      if (next === "cancelled") onDone(); // the bill was paid another way, or cancelled: the list says which
      if (next === "success") {
        onDone();
        request("GET", "/api/v1/payments/{payment_id}", { path: { payment_id: payment.id } }).then(
          (loaded) => setReceipt(loaded.data.receipt ?? null),
          () => null,
        );
      }
      if (FINISHED.includes(next)) events.close();
    });
    return () => events.close();
  }, [payment.id]);

  const amount = formatBaht(language, payment.amount_satang);
  const leftMs = new Date(payment.expires_at).getTime() - (now - skew);
  const left = Math.max(0, Math.ceil(leftMs / 1000));
  const expired = state === "expired" || (state !== "success" && leftMs <= 0);
  const failed = state === "failed";
  const title = pick(bill, "description");

  const header = (
    <div class="panel-head">
      <h2 id="pay-title" ref={heading} tabIndex={-1}>
        {state === "success" ? t("paid") : expired ? t("expired") : t("payTitle")}
      </h2>
      <button type="button" class="close" onClick={onClose}>
        <span aria-hidden="true">✕ </span>
        {t("close")}
        <span class="visually-hidden"> {t("closePayment")}</span>
      </button>
    </div>
  );
  const what = (
    <div class="pay-what">
      <p class="pay-bill">
        <span class="meta">{t("payFor")}</span> <strong>{title}</strong>
        <br />
        <span class="meta">{pick(bill, "agency_name")}</span>
      </p>
      <p class="amount">{amount}</p>
    </div>
  );

  if (state === "success") {
    return (
      <section class="paid" aria-labelledby="pay-title" role="status">
        {header}
        <p class="big">✓ {t("paid")}</p>
        {what}
        {receipt && (
          <p>
            <a class="button" href={withActing(`/receipts/${receipt.id}`)}>
              {t("receipt")} {receipt.number}
            </a>
          </p>
        )}
      </section>
    );
  }
  if (state === "cancelled" || expired || failed) {
    return (
      <section class="qr-panel qr-expired" aria-labelledby="pay-title">
        {header}
        {what}
        {state === "cancelled" ? (
          // Not a failure: settled another way (late money support accepted) or cancelled; the list says which.
          <p class="notice info" role="status">
            {tr({
              th: "ไม่ต้องชำระด้วย QR นี้แล้ว บิลนี้ชำระแล้วหรือถูกยกเลิก ดูสถานะได้ในรายการบิล",
              en: "This QR is no longer needed: the bill was paid or cancelled. Its status is in your bills.",
            })}
          </p>
        ) : (
          <p class="notice error" role="alert">
            {expired ? t("qrExpiredExplain") : t("paymentFailed")}
          </p>
        )}
        <p hidden={state === "cancelled"}>
          <button
            type="button"
            class="primary"
            disabled={making}
            onClick={() => {
              setMaking(true);
              onNewQr().finally(() => setMaking(false));
            }}
          >
            {making ? t("makingQr") : t("newQr")}
          </button>
        </p>
      </section>
    );
  }
  return (
    <section class="qr-panel" aria-labelledby="pay-title">
      {header}
      {what}
      <img class="qr" src={payment.qr_svg_url} alt={fill(t("qrAlt"), { amount })} />
      <p>
        {t("expiresIn")} <span class="countdown">{minutesAndSeconds(left)}</span>
      </p>
      <p class="meta">{t("otherPhone")}</p>
      <div class="same-phone">
        <h3>{t("samePhoneTitle")}</h3>
        <ol>
          <li>{t("samePhone1")}</li>
          <li>{t("samePhone2")}</li>
          <li>{t("samePhone3")}</li>
          <li>{t("samePhone4")}</li>
        </ol>
        <div class="actions">
          <SaveQr payment={payment} name={`thai-qr-${bill.ref1 || bill.id}.png`} />
          <CopyQr payload={payment.qr_payload} />
        </div>
      </div>
      <details class="technical">
        <summary>{t("qrText")}</summary>
        <code class="payload">{payment.qr_payload}</code>
      </details>
    </section>
  );
}

export function Bills() {
  const { t, language, pick, problem: say } = useApp();
  const [load, reloadBills] = useLoad("/api/v1/bills", { query: { status: "unpaid", limit: PAGE } });
  const [receipts, reloadFirstReceipts] = useLoad("/api/v1/receipts", { query: { limit: PAGE } });
  const moreBills = useMorePages<Bill>((cursor) =>
    request("GET", "/api/v1/bills", { query: { status: "unpaid", limit: PAGE, cursor } }),
  );
  const moreReceipts = useMorePages<Receipt>((cursor) =>
    request("GET", "/api/v1/receipts", { query: { limit: PAGE, cursor } }),
  );
  // Loading a list again starts it from its first page.
  const reload = () => {
    moreBills.reset();
    reloadBills();
  };
  const reloadReceipts = () => {
    moreReceipts.reset();
    reloadFirstReceipts();
  };
  const [paying, setPaying] = useState<Paying | null>(null);
  const [problem, setProblem] = useState("");

  /**
   * Shows the bill's QR: its live one, or a new one. `expired`: the one that ran out, not to be shown
   * again. Until the server's sweep (every 30 s) has marked it expired too, the server gives it back or
   * refuses a second live QR for the bill: asked again every few seconds for up to a minute.
   */
  async function pay(bill: Bill, expired?: string) {
    setProblem("");
    for (let attempt = 0; ; attempt++) {
      const retry = expired !== undefined && attempt < 20;
      try {
        const { data: started, serverDate } = await request("POST", "/api/v1/bills/{bill_id}/payments", {
          path: { bill_id: bill.id },
          body: { idempotency_key: crypto.randomUUID() },
        });
        if (started.id === expired && retry) {
          await new Promise((resolve) => setTimeout(resolve, 3000));
          continue;
        }
        setPaying({ payment: started, bill, skew: serverDate ? Date.now() - serverDate.getTime() : 0 });
        return;
      } catch (error) {
        if (!(error instanceof ApiError)) return;
        const stepUp = stepUpUrl(error, "/bills");
        if (stepUp) {
          window.location.assign(stepUp);
          return;
        }
        if (retry && (error.status >= 500 || error.status === 409)) {
          await new Promise((resolve) => setTimeout(resolve, 3000));
          continue;
        }
        setProblem(say(error));
        return;
      }
    }
  }

  return (
    <section aria-labelledby="bills-title">
      <h1 id="bills-title" tabIndex={-1}>{t("bills")}</h1>
      <ErrorNotice text={problem} />
      {paying && (
        <PaymentPanel
          key={paying.payment.id}
          paying={paying}
          onDone={() => {
            reload();
            reloadReceipts();
          }}
          onClose={() => {
            const bill = paying.bill.id;
            setPaying(null);
            // Back to the bill the citizen was paying (its "pay" button), or the top of the screen.
            setTimeout(() => (document.getElementById(`pay-${bill}`) ?? document.getElementById("bills-title"))?.focus(), 0);
          }}
          onNewQr={() => pay(paying.bill, paying.payment.id)}
        />
      )}
      <Loaded load={load} reload={reload}>
        {(firstBills) => {
          const unpaid = moreBills.items(firstBills);
          const next = moreBills.next(load.status === "ok" ? load.nextCursor : null);
          return unpaid.length === 0 ? (
            <p>{t("noBills")}</p>
          ) : (
            <>
              <ul class="cards">
                {unpaid.map((bill) => (
                  <li class="card" key={bill.id}>
                    <h2>{pick(bill, "description")}</h2>
                    <p class="meta">{pick(bill, "agency_name")}</p>
                    <p class="amount">{formatBaht(language, bill.amount_satang)}</p>
                    <p>
                      {t("due")} {formatDate(language, bill.due_date)}
                    </p>
                    <button type="button" class="primary" id={`pay-${bill.id}`} onClick={() => pay(bill)}>
                      {t("pay")}
                    </button>
                  </li>
                ))}
              </ul>
              <MoreButton pages={moreBills} next={next} label={t("moreBills")} />
            </>
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
          {(firstReceipts) => {
            const items = moreReceipts.items(firstReceipts);
            const next = moreReceipts.next(receipts.status === "ok" ? receipts.nextCursor : null);
            return items.length === 0 ? (
              <p>{t("noReceipts")}</p>
            ) : (
              <>
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
                          <a href={withActing(`/receipts/${receipt.id}`)}>{receipt.number}</a>
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
                <MoreButton pages={moreReceipts} next={next} label={t("olderReceipts")} />
              </>
            );
          }}
        </Loaded>
      </section>
    </section>
  );
}
