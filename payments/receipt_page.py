"""A citizen's e-receipt as a printable page: plain HTML and a print stylesheet (the CSP allows only
stylesheets from this origin, so the style is served at ``/receipt.css``), with the QR of its public
verification URL. The PWA links to it; the browser's print dialog makes the paper or the PDF. The
routes are ``payments.api.citizen`` (the page) and ``payments.api.public`` (the stylesheet)."""

from __future__ import annotations

import html

from backend.core.dates import english_date_time, thai_date_time
from payments.banks import bank_name
from payments.rows import ReceiptRow

# Fits a 320 px phone without sideways scrolling (WCAG 1.4.10): label above value when narrow, and the
# long verification address allowed to break anywhere.
RECEIPT_CSS = """
body { font-family: "Sarabun", "Noto Sans Thai", "Tahoma", sans-serif; max-width: 40rem; margin: 2rem auto;
       color: #111; line-height: 1.5; padding: 0 1rem; overflow-wrap: anywhere; }
h1 { font-size: 1.4rem; margin-bottom: 0.2rem; }
.issuer { color: #444; margin-top: 0; }
dl { display: grid; grid-template-columns: minmax(8rem, 12rem) 1fr; gap: 0.3rem 1rem; }
dt { font-weight: bold; }
dd { margin: 0; }
.en { color: #444; }
.amount { font-size: 1.3rem; font-weight: bold; }
.verify { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; margin-top: 1.5rem;
          border-top: 1px solid #ccc; padding-top: 1rem; }
.verify img { width: 8rem; height: 8rem; }
.verify p { flex: 1 1 12rem; margin: 0; }
.verify a { color: #0b4f9c; }
.actions { margin-top: 1.5rem; }
@media (max-width: 32rem) {
  body { margin: 1rem auto; }
  dl { grid-template-columns: 1fr; gap: 0; }
  dd { margin-bottom: 0.6rem; }
}
@media print { .actions { display: none; } body { margin: 0; } .verify a { color: inherit; } }
"""


def verification_url(public_url: str, receipt: ReceiptRow) -> str:
    """Where anyone holding the receipt (or its QR) checks it is genuine: the app's page for people, in
    Thai or English; machines ask ``/api/v1/receipts/verify/{code}``."""
    return f"{public_url}/verify/receipt/{receipt.verification_code}"


def _both(thai: str, english: str) -> str:
    return f'{html.escape(thai)}<br><span class="en" lang="en">{html.escape(english)}</span>'


def render_receipt(receipt: ReceiptRow, *, payer_name: str, payer_masked: str, public_url: str) -> str:
    amount = f"{receipt.amount_satang / 100:,.2f}"
    bank_th, bank_en = bank_name(receipt.bank)
    references = " / ".join(ref for ref in (receipt.ref1, receipt.ref2) if ref)
    fields = [
        ("เลขที่ใบเสร็จ · Receipt number", html.escape(receipt.number)),
        ("ผู้ชำระ · Payer", html.escape(f"{payer_name} ({payer_masked})")),
        ("รายการ · For", _both(receipt.description_th, receipt.description_en)),
        ("ผู้รับชำระ · Paid to", _both(receipt.agency_name_th, receipt.agency_name_en)),
        ("รหัสผู้รับชำระ · Biller ID", html.escape(receipt.biller_id)),
        ("อ้างอิง · References", html.escape(references)),
        ("ชำระเมื่อ · Paid", _both(thai_date_time(receipt.paid_at), english_date_time(receipt.paid_at))),
        ("ธนาคาร · Bank", _both(bank_th, bank_en) if bank_th != bank_en else html.escape(bank_th)),
    ]
    rows = "".join(f"<dt>{html.escape(label)}</dt><dd>{value}</dd>" for label, value in fields)
    verify_url = html.escape(verification_url(public_url, receipt))
    return f"""<!doctype html><html lang="th"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(receipt.number)}</title><link rel="stylesheet" href="/receipt.css"></head><body><main>
<h1>ใบเสร็จรับเงินอิเล็กทรอนิกส์ · <span lang="en">E-receipt</span></h1>
<p class="issuer">{_both(receipt.agency_name_th, receipt.agency_name_en)}</p>
<p class="amount">{amount} บาท · <span lang="en">THB</span></p><dl>{rows}</dl>
<div class="verify">
<img alt="QR ตรวจสอบใบเสร็จนี้ · QR to check this receipt"
 src="/api/v1/receipts/{html.escape(str(receipt.id))}/verification-qr.svg">
<p>ตรวจสอบว่าเป็นใบเสร็จจริง · <span lang="en">Check it is genuine</span>:<br>
<a href="{verify_url}">{verify_url}</a></p></div>
<p class="actions">ใช้คำสั่งพิมพ์ของเบราว์เซอร์เพื่อพิมพ์หรือบันทึกเป็น PDF ·
<span lang="en">Use your browser's print to print or save as PDF.</span></p>
</main></body></html>"""
