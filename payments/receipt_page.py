"""A citizen's e-receipt as a printable page: plain HTML and a print stylesheet (the CSP allows only
stylesheets from this origin, so the style is served at ``/receipt.css``), with the QR of its public
verification URL. The PWA links to it; the browser's print dialog makes the paper or the PDF."""

from __future__ import annotations

import html
from typing import Any
from zoneinfo import ZoneInfo

from litestar import MediaType, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath

from backend.core.crypto import mask_national_id
from backend.core.principal import Principal, require_person
from backend.core.qr import qr_image
from backend.core.resources import Resources
from backend.identity import queries as identity_queries
from backend.identity.service import Identity
from payments import queries

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


@get("/receipt.css", include_in_schema=False, media_type="text/css")
async def receipt_css() -> Response[str]:
    return Response(RECEIPT_CSS, media_type="text/css", headers={"Cache-Control": "public, max-age=3600"})


async def _my_receipt(
    receipt_id: str, principal: Principal, identity: Identity, resources: Resources
) -> dict[str, Any]:
    person = require_person(principal)
    assert person.citizen_id is not None
    citizen = await identity_queries.citizen_by_id(resources.pool, person.citizen_id)
    row = await queries.receipt_with_owner(resources.pool, receipt_id)
    if citizen is None or row is None:
        raise _not_found()
    national_id = identity.cipher.decrypt(citizen["national_id_key_id"], citizen["national_id_ciphertext"])
    if row["national_id_hash"] != identity.cipher.lookup_hash(national_id):
        raise _not_found()
    return {
        **row,
        "payer": mask_national_id(national_id),
        "payer_name": citizen["name_th"] or citizen["name_en"] or "",
    }


def _not_found() -> Exception:
    from backend.core.errors import NotFound

    return NotFound("No such receipt.")


@get(
    "/api/v1/receipts/{receipt_id:uuid}/verification-qr.svg",
    tags=["payments"],
    summary="QR of the receipt's public verification URL",
)
async def receipt_qr(
    receipt_id: FromPath[Any],
    principal: NamedDependency[Principal],
    identity: NamedDependency[Identity],
    resources: NamedDependency[Resources],
) -> Response[bytes]:
    row = await _my_receipt(str(receipt_id), principal, identity, resources)
    url = f"{resources.settings.public_url}/api/v1/receipts/verify/{row['verification_code']}"
    image = await qr_image(resources.redis, url, "svg")
    return Response(image, media_type="image/svg+xml")


@get("/receipts/{receipt_id:uuid}", include_in_schema=False)
async def receipt_page(
    receipt_id: FromPath[Any],
    principal: NamedDependency[Principal],
    identity: NamedDependency[Identity],
    resources: NamedDependency[Resources],
) -> Response[str]:
    row = await _my_receipt(str(receipt_id), principal, identity, resources)
    amount = f"{row['amount_satang'] / 100:,.2f}"
    paid_at = row["paid_at"].astimezone(BANGKOK).strftime("%d/%m/%Y %H:%M (เวลาประเทศไทย · Bangkok time)")
    fields = [
        ("เลขที่ใบเสร็จ · Receipt number", row["number"]),
        ("ผู้ชำระ · Payer", f"{row['payer_name']} ({row['payer']})"),
        ("รายการ · For", f"{row['description_th']} · {row['description_en']}"),
        ("รหัสผู้รับชำระ · Biller ID", row["biller_id"]),
        ("อ้างอิง · References", " / ".join(ref for ref in (row["ref1"], row["ref2"]) if ref)),
        ("ชำระเมื่อ · Paid", paid_at),
        ("ธนาคาร · Bank", row["bank"]),
    ]
    rows = "".join(
        f"<dt>{html.escape(label)}</dt><dd>{html.escape(str(value))}</dd>" for label, value in fields
    )
    verify_url = f"{resources.settings.public_url}/api/v1/receipts/verify/{row['verification_code']}"
    body = f"""<!doctype html><html lang="th"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(row["number"])}</title><link rel="stylesheet" href="/receipt.css"></head><body>
<h1>ใบเสร็จรับเงินอิเล็กทรอนิกส์ · E-receipt</h1>
<p class="issuer">{html.escape(row["agency_name_th"])} · {html.escape(row["agency_name_en"])}</p>
<p class="amount">{amount} บาท · THB</p><dl>{rows}</dl>
<div class="verify">
<img alt="QR to verify this receipt" src="/api/v1/receipts/{html.escape(row["id"])}/verification-qr.svg">
<p>ตรวจสอบความถูกต้อง · Check it is genuine:<br>{html.escape(verify_url)}</p></div>
<p class="actions">ใช้คำสั่งพิมพ์ของเบราว์เซอร์เพื่อพิมพ์หรือบันทึกเป็น PDF ·
Use your browser's print to print or save as PDF.</p>
</body></html>"""
    return Response(body, media_type=MediaType.HTML, headers={"Cache-Control": "private, no-store"})


RECEIPT_PAGE_ROUTES = [receipt_css, receipt_qr, receipt_page]
