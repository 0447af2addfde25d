// Anyone holding an e-receipt checks it is genuine (/verify/receipt/{code}, where the receipt's QR
// leads): the facts the platform recorded, to compare with the paper, and no personal data. Machines ask
// the same question at /api/v1/receipts/verify/{code} and get JSON.
import { formatBaht, formatDate } from "../i18n";
import { useApp, useLoad } from "../state";
import { Loaded } from "../ui/loaded";

function Found({ code }: { code: string }) {
  const { tr, language, pick } = useApp();
  const [load, reload] = useLoad("/api/v1/receipts/verify/{code}", { path: { code } });
  if (load.status === "error" && load.error.status === 404) {
    return (
      <div class="verdict bad" role="alert">
        <p>
          ✕{" "}
          {tr({
            th: "ไม่พบใบเสร็จที่มีรหัสตรวจสอบนี้ ใบเสร็จนี้อาจไม่ใช่ของจริง",
            en: "No receipt has this verification code. This receipt may not be genuine.",
          })}
        </p>
        <p>
          {tr({
            th: "ตรวจว่าสแกน QR หรือพิมพ์ที่อยู่ครบถ้วน หากยังไม่พบ ให้สอบถามหน่วยงานที่รับชำระ หรือโทร 1111",
            en: "Check the QR was scanned, or the address typed, in full. If it is still not found, ask the agency that was paid, or call 1111.",
          })}
        </p>
      </div>
    );
  }
  return (
    <Loaded load={load} reload={reload}>
      {(receipt) => (
        <>
          <p class="verdict good" role="status">
            ✓ {tr({ th: "ใบเสร็จนี้เป็นของจริง ออกโดยระบบนี้", en: "This receipt is genuine: it was issued here" })}
          </p>
          <p>
            {tr({
              th: "ตรวจว่าข้อมูลด้านล่างตรงกับใบเสร็จที่คุณถืออยู่ทุกข้อ",
              en: "Check that everything below matches the receipt you hold.",
            })}
          </p>
          <dl class="facts">
            <dt>{tr({ th: "เลขที่ใบเสร็จ", en: "Receipt number" })}</dt>
            <dd>{receipt.number}</dd>
            <dt>{tr({ th: "จำนวนเงิน", en: "Amount" })}</dt>
            <dd>{formatBaht(language, receipt.amount_satang)}</dd>
            <dt>{tr({ th: "ชำระเมื่อ", en: "Paid on" })}</dt>
            <dd>{formatDate(language, receipt.paid_at, true)}</dd>
            <dt>{tr({ th: "รายการ", en: "Paid for" })}</dt>
            <dd>{pick(receipt, "description")}</dd>
            <dt>{tr({ th: "ผู้รับชำระ", en: "Paid to" })}</dt>
            <dd>{pick(receipt, "agency_name")}</dd>
          </dl>
          <p class="meta">
            {tr({
              th: "หน้านี้ไม่แสดงชื่อหรือเลขประจำตัวของผู้ชำระ",
              en: "This page does not show the payer's name or ID number.",
            })}
          </p>
        </>
      )}
    </Loaded>
  );
}

export function ReceiptCheck({ param }: { param: string }) {
  const { tr } = useApp();
  return (
    <section aria-labelledby="receipt-check-title">
      <h1 id="receipt-check-title">{tr({ th: "ตรวจสอบใบเสร็จ", en: "Check a receipt" })}</h1>
      <Found code={param} />
    </section>
  );
}
