"""A citizen's e-receipt as a printable page: plain HTML and a print stylesheet (the CSP allows only
stylesheets from this origin, so the style is served at ``/receipt.css``), with the QR of its public
verification URL. The PWA links to it; the browser's print dialog makes the paper or the PDF. The
routes are ``payments.api.citizen`` (the page) and ``payments.api.public`` (the stylesheet)."""

from __future__ import annotations

import html
from zoneinfo import ZoneInfo

from payments.rows import ReceiptRow

BANGKOK = ZoneInfo("Asia/Bangkok")
RECEIPT_CSS = """
body { font-family: "Sarabun", "Noto Sans Thai", "Tahoma", sans-serif; max-width: 40rem; margin: 2rem auto;
       color: #111; line-height: 1.5; padding: 0 1rem; }
h1 { font-size: 1.4rem; margin-bottom: 0.2rem; }
.issuer { color: #444; margin-top: 0; }
dl { display: grid; grid-template-columns: 12rem 1fr; gap: 0.3rem 1rem; }
dt { font-weight: bold; }
.amount { font-size: 1.3rem; font-weight: bold; }
.verify { display: flex; gap: 1rem; align-items: center; margin-top: 1.5rem; border-top: 1px solid #ccc;
          padding-top: 1rem; }
.verify img { width: 8rem; height: 8rem; }
.actions { margin-top: 1.5rem; }
@media print { .actions { display: none; } body { margin: 0; } }
"""


def verification_url(public_url: str, receipt: ReceiptRow) -> str:
    """Where anyone holding the receipt (or its QR) checks it is genuine."""
    return f"{public_url}/api/v1/receipts/verify/{receipt.verification_code}"


def render_receipt(receipt: ReceiptRow, *, payer_name: str, payer_masked: str, public_url: str) -> str:
    amount = f"{receipt.amount_satang / 100:,.2f}"
    paid_at = receipt.paid_at.astimezone(BANGKOK).strftime("%d/%m/%Y %H:%M (เวลาประเทศไทย · Bangkok time)")
    fields = [
        ("เลขที่ใบเสร็จ · Receipt number", receipt.number),
        ("ผู้ชำระ · Payer", f"{payer_name} ({payer_masked})"),
        ("รายการ · For", f"{receipt.description_th} · {receipt.description_en}"),
        ("รหัสผู้รับชำระ · Biller ID", receipt.biller_id),
        ("อ้างอิง · References", " / ".join(ref for ref in (receipt.ref1, receipt.ref2) if ref)),
        ("ชำระเมื่อ · Paid", paid_at),
        ("ธนาคาร · Bank", receipt.bank),
    ]
    rows = "".join(
        f"<dt>{html.escape(label)}</dt><dd>{html.escape(str(value))}</dd>" for label, value in fields
    )
    verify_url = verification_url(public_url, receipt)
    return f"""<!doctype html><html lang="th"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(receipt.number)}</title><link rel="stylesheet" href="/receipt.css"></head><body>
<h1>ใบเสร็จรับเงินอิเล็กทรอนิกส์ · E-receipt</h1>
<p class="issuer">{html.escape(receipt.agency_name_th)} · {html.escape(receipt.agency_name_en)}</p>
<p class="amount">{amount} บาท · THB</p><dl>{rows}</dl>
<div class="verify">
<img alt="QR to verify this receipt" src="/api/v1/receipts/{html.escape(receipt.id)}/verification-qr.svg">
<p>ตรวจสอบความถูกต้อง · Check it is genuine:<br>{html.escape(verify_url)}</p></div>
<p class="actions">ใช้คำสั่งพิมพ์ของเบราว์เซอร์เพื่อพิมพ์หรือบันทึกเป็น PDF ·
Use your browser's print to print or save as PDF.</p>
</body></html>"""
