"""A citizen applies for a service in the PWA, from the tile to the signed certificate in their wallet,
and shares it once with someone who checks that it is genuine; the agency's steps are taken through
its API as the demo education office's case officer. Real headless Chromium against `citizen run` in
demo mode, as ``test_pwa.py``; screenshots (with axe-core checks) continue its numbering."""

from __future__ import annotations

import io
import json
import re
from typing import Any

from PIL import Image, ImageDraw
from playwright.async_api import APIRequestContext, BrowserContext, FilePayload, Page

from tests.helpers.pwa import (
    TALL_PHONE,
    DemoApp,
    Phones,
    fits,
    log_in,
    pay_at_the_demo_bank,
    require_pwa_build,
    shot,
)

require_pwa_build()
# Its fixtures, demo_app (one demo app for this module) and phones (the citizen's and the receiver's), are
# in tests/plugins/browser.py.

SCHOOL = "Tokyo Metropolitan Hibiya High School"
CERTIFICATE_TH = "หนังสือรับรองการเทียบวุฒิการศึกษา"
WAIT = 30_000  # a shared machine: generous, but always waiting for something, never sleeping


def _png() -> bytes:
    """A small, real PNG: a passport photo page stand-in."""
    image = Image.new("RGB", (120, 80), "white")
    ImageDraw.Draw(image).rectangle((8, 8, 48, 72), outline="navy", width=3)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _pdf() -> bytes:
    """A small, real one-page PDF with a correct cross-reference table: a transcript stand-in."""
    stream = b"BT /F1 18 Tf 40 100 Td (Transcript of records) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


async def _fits_the_phone(page: Page, name: str) -> None:
    """Nothing wider than the phone, then the screenshot with axe-core's check."""
    await fits(page, name)
    await shot(page, name)


class Officer:
    """The demo education office's case officer (Dara), acting through the agency API with her session."""

    def __init__(self, request: APIRequestContext, base: str, agency_id: int, csrf: str) -> None:
        self.request, self.base, self.agency_id, self.csrf = request, base, agency_id, csrf

    async def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = await self.request.post(
            f"{self.base}/api/v1/agency/{self.agency_id}/applications/{path}",
            data=json.dumps(body),
            headers={"X-CSRF-Token": self.csrf, "Content-Type": "application/json"},
        )
        assert response.ok, (path, response.status, await response.text())
        result: dict[str, Any] = await response.json()
        return result

    async def move(self, application_id: str, state: str, note: str | None = None) -> None:
        moved = await self.post(f"{application_id}/status", {"state": state, "note": note})
        assert moved["state"] == state


async def _officer(citizen: BrowserContext, base: str) -> Officer:
    assert citizen.browser is not None
    context = await citizen.browser.new_context()
    page = await context.new_page()
    await log_in(page, base, "Dara Truatsop", "/console")
    me = await (await context.request.get(f"{base}/api/v1/me")).json()
    agency_id = next(role["agency_id"] for role in me["roles"] if role["agency_id"] is not None)
    return Officer(context.request, base, agency_id, me["csrf_token"])


async def _saved(page: Page, action: Any) -> None:
    """Does something that changes the draft and waits until the server has saved it."""
    async with page.expect_response(
        lambda r: r.url.endswith("/answers") and r.request.method == "PUT", timeout=WAIT
    ) as saved:
        await action()
    assert (await saved.value).ok
    await page.wait_for_selector(".save-status.saved", timeout=WAIT)


async def _state(page: Page, base: str, application_id: str, state: str) -> None:
    await page.goto(f"{base}/applications/{application_id}")
    await page.wait_for_selector(f".facts .badge.state-{state}", timeout=WAIT)


def _file(name: str, mime_type: str, content: bytes) -> list[FilePayload]:
    return [FilePayload(name=name, mimeType=mime_type, buffer=content)]


async def _fill_in(page: Page) -> None:
    """Every kind of field: choice (list and buttons), text, date, number, a Thai address, two files."""
    await page.select_option("#f-country", "JP")
    await page.fill("#f-school_name", SCHOOL)
    await page.check("label.option:has-text('มัธยมศึกษาปีที่ 6') input")
    # The date in three boxes, its year in the Buddhist era as Thai people write it (2549 = 2006).
    await page.fill("#f-completed_on", "31")
    await page.select_option("#f-completed_on-month", "3")
    await page.fill("#f-completed_on-year", "2549")
    await page.fill("#f-years_of_study", "12")
    await page.check("label.option:has-text('สมัครงาน') input")
    address = {
        "address": "99/1",
        "address-village": "หมู่ 4",
        "address-road": "ถนนพหลโยธิน",
        "address-subdistrict": "สามเสนใน",
        "address-district": "พญาไท",
        "address-province": "กรุงเทพมหานคร",
    }
    for field_id, value in address.items():
        await page.fill(f"#f-{field_id}", value)
    await _saved(page, lambda: page.fill("#f-address-postcode", "10400"))
    await _saved(
        page,
        lambda: page.set_input_files(
            "#f-transcript", files=_file("transcript.pdf", "application/pdf", _pdf())
        ),
    )
    await _saved(
        page, lambda: page.set_input_files("#f-passport", files=_file("passport.png", "image/png", _png()))
    )
    assert "transcript.pdf" in await page.inner_text(".file-list >> nth=0")
    assert re.search(r"passport\.png\s+\d+ (B|KB)", await page.inner_text(".file-list >> nth=1"))


async def _apply(page: Page) -> tuple[str, str]:
    """From the tile to a sent application: (its id, its tracking number)."""
    # The tile leads to the form; what the digital ID said is shown, never asked (once-only).
    await page.click(".tile-open:has-text('เทียบวุฒิการศึกษาจากต่างประเทศ')")
    await page.wait_for_url(re.compile(r".*/apply/\d+$"))  # the start page first (GOV.UK's pattern)
    assert "200.00" in await page.inner_text(".fee-line", timeout=WAIT)  # the fee, up front
    await page.click("a:has-text('เริ่มยื่นคำขอ')")
    await page.wait_for_url(re.compile(r".*/apply/\d+/form$"))
    await page.wait_for_selector("form.application-form", timeout=WAIT)
    prefilled = await page.inner_text(".prefilled")
    assert "วิภา ทำงาน" in prefilled
    assert "x-xxxx-xxxxx-43-9" in prefilled
    assert "1509900765439" not in await page.content()
    await _fits_the_phone(page, "18-apply-form")

    await _fill_in(page)

    # The draft was saved as it was typed: a reload brings every answer and file back.
    await page.reload()
    await page.wait_for_selector("form.application-form", timeout=WAIT)
    assert await page.input_value("#f-country") == "JP"
    assert await page.input_value("#f-school_name") == SCHOOL
    assert await page.is_checked("label.option:has-text('มัธยมศึกษาปีที่ 6') input")
    assert await page.input_value("#f-completed_on") == "31"
    assert await page.input_value("#f-completed_on-year") == "2549"
    assert await page.input_value("#f-years_of_study") == "12"
    assert await page.input_value("#f-address-postcode") == "10400"
    assert await page.input_value("#f-address-province") == "กรุงเทพมหานคร"
    files = "\n".join(await page.locator(".file-list li").all_inner_texts())
    assert "transcript.pdf" in files
    assert "passport.png" in files
    await _fits_the_phone(page, "19-apply-draft-after-reload")

    # A required answer missing: the summary on top, the message beside the field, focus on it.
    await _saved(page, lambda: page.fill("#f-school_name", ""))
    await page.click("button[type=submit]:has-text('ตรวจสอบคำตอบ')")
    await page.wait_for_selector("#f-school_name-error", timeout=WAIT)
    assert "ชื่อสถานศึกษา" in await page.inner_text("#f-school_name-error")
    assert "ชื่อสถานศึกษา" in await page.inner_text(".error-summary")
    assert "f-school_name-error" in (await page.get_attribute("#f-school_name", "aria-describedby") or "")
    assert await page.evaluate("document.activeElement.id") == "f-school_name"
    await _fits_the_phone(page, "20-apply-required-answer-missing")

    await page.fill("#f-school_name", SCHOOL)
    await page.click("button[type=submit]:has-text('ตรวจสอบคำตอบ')")
    await page.wait_for_url(re.compile(r".*/apply/\d+/check$"), timeout=WAIT)  # "check your answers"
    assert SCHOOL in await page.inner_text(".summary-list", timeout=WAIT)
    await page.click("button:has-text('ยืนยันและส่งคำขอ')")
    await page.wait_for_url(re.compile(r".*/applications/[0-9a-f-]{36}\?sent=1$"), timeout=WAIT)
    found = re.search(r"/applications/([0-9a-f-]{36})", page.url)
    assert found is not None
    await page.wait_for_selector(".tracking", timeout=WAIT)
    tracking = (await page.inner_text(".tracking")).strip()
    assert re.fullmatch(r"AP[0-9A-Z]{10}", tracking), tracking
    assert "ยื่นคำขอ" in await page.inner_text(".step.done")
    assert "ตรวจสอบคำขอ" in await page.inner_text(".step.current")
    await _fits_the_phone(page, "21-application-sent")
    return found.group(1), tracking


async def _pay_the_fee(page: Page, base: str, tracking: str) -> None:
    """From the application's fee to the bills screen, paid by Thai QR at the demo bank."""
    assert "200.00" in await page.inner_text("section[aria-labelledby=fee-title]")
    await page.click("a:has-text('ไปชำระด้วย QR')")
    await page.wait_for_url(f"{base}/bills")
    await page.locator(".card", has_text=tracking).locator("button:has-text('ชำระด้วย QR')").click()
    await page.wait_for_selector("img.qr", timeout=WAIT)
    payload = await page.text_content(".payload") or ""
    assert payload.startswith("000201")
    assert tracking in payload  # the tracking number is the bill's reference
    await pay_at_the_demo_bank(page.context, base, payload)
    await page.wait_for_selector(".paid", timeout=WAIT)


async def _share(page: Page, base: str, document_id: str) -> str:
    """From the home screen to the wallet, and a one-time link for 15 minutes: the link."""
    await page.click("nav >> text=หน้าแรก")
    await page.click(".quick-links >> text=เอกสารของฉัน")
    await page.wait_for_selector(".document-card", timeout=WAIT)
    await _fits_the_phone(page, "25-wallet")
    await page.click(f".document-card a:has-text('{CERTIFICATE_TH}')")
    await page.wait_for_url(f"{base}/wallet/{document_id}")
    await page.wait_for_selector(".verdict.good", timeout=WAIT)
    await page.check("label.option:has-text('15 นาที') input")
    await page.click("button:has-text('สร้างลิงก์แชร์')")
    await page.wait_for_selector(".share-result img.qr", timeout=WAIT)
    qr = await page.get_attribute(".share-result img.qr", "src") or ""
    assert qr.startswith("data:image/svg+xml;base64,")
    share_url = await page.input_value("#share-url")
    assert share_url.startswith(f"{base}/shared/"), share_url
    assert "เปิดได้ครั้งเดียว" in await page.inner_text(".share-once")
    await _fits_the_phone(page, "26-wallet-share-link")
    return share_url


async def _receive(
    receiver: BrowserContext, base: str, share_url: str, certificate: bytes, code: str
) -> None:
    """Someone not logged in opens the link once, is refused a second time, and checks the code and copies."""
    other = await receiver.new_page()
    await other.goto(share_url)
    await other.wait_for_selector("button:has-text('เปิดเอกสาร')", timeout=WAIT)
    await _fits_the_phone(other, "27-shared-link-before-opening")
    await other.click("button:has-text('เปิดเอกสาร')")
    await other.wait_for_selector(".verdict.good", timeout=WAIT)
    assert "ของจริง" in await other.inner_text(".verdict.good")
    assert CERTIFICATE_TH in await other.inner_text("main")
    view_url = await other.get_attribute("a:has-text('ดูเอกสาร')", "href") or ""
    viewed = await receiver.request.get(f"{base}{view_url}")
    assert viewed.ok
    assert (await viewed.body()).startswith(b"%PDF-")
    await _fits_the_phone(other, "28-shared-document-genuine")

    await other.reload()  # a second opening is refused, kindly
    await other.click("button:has-text('เปิดเอกสาร')")
    await other.wait_for_selector("[role=alert]:has-text('ลิงก์นี้ถูกเปิดไปแล้ว')", timeout=WAIT)
    await _fits_the_phone(other, "29-shared-link-used")

    # Anyone checks the code, and a copy they were given: the certificate itself, then a changed one.
    await other.goto(f"{base}/verify/{code}")
    await other.wait_for_selector(".verdict.good", timeout=WAIT)
    await other.set_input_files("#copy-file", files=_file("certificate.pdf", "application/pdf", certificate))
    await other.wait_for_selector(".copy-result.good", timeout=WAIT)
    await _fits_the_phone(other, "30-verify-genuine-copy")
    changed = certificate + b"\n"  # one byte more: another digest, not what was signed
    await other.set_input_files("#copy-file", files=_file("certificate.pdf", "application/pdf", changed))
    await other.wait_for_selector(".copy-result.bad", timeout=WAIT)


async def test_a_citizen_applies_pays_the_fee_gets_a_signed_certificate_and_shares_it_once(
    demo_app: DemoApp, phones: Phones
) -> None:
    base = demo_app.base
    citizen = await phones(viewport=TALL_PHONE, permissions=["notifications"])
    page = await citizen.new_page()
    await log_in(page, base, "Wipa Thamngan", "/")
    application_id, tracking = await _apply(page)

    # The agency reviews, approves and asks for the fee; the citizen sees it and pays by Thai QR.
    officer = await _officer(citizen, base)
    await officer.move(application_id, "in_review")
    await officer.move(application_id, "approved", "เอกสารครบถ้วน")
    await officer.move(application_id, "fee_due")
    await _state(page, base, application_id, "fee_due")
    assert "เอกสารครบถ้วน" in await page.inner_text(".steps")  # the officer's note, on its step
    await _fits_the_phone(page, "22-application-fee-due")
    await _pay_the_fee(page, base, tracking)
    await _state(page, base, application_id, "paid")  # moved on by the payment's own transaction
    assert "ออกเอกสาร" in await page.inner_text(".step.current")
    await _fits_the_phone(page, "23-application-fee-paid")

    # The agency issues the certificate: signed by the platform, into the citizen's wallet.
    document = await officer.post(
        f"{application_id}/document",
        {
            "title_th": CERTIFICATE_TH,
            "title_en": "Certificate of qualification equivalence",
            "details": [{"label_th": "เทียบเท่า", "label_en": "Equivalent to", "value": "M6"}],
        },
    )
    await _state(page, base, application_id, "document_issued")
    assert await page.locator(".step:not(.done)").count() == 0
    await _fits_the_phone(page, "24-application-document-issued")

    share_url = await _share(page, base, document["id"])
    certificate = await (await page.context.request.get(f"{base}{document['file_url']}")).body()
    receiver = await phones(viewport=TALL_PHONE)
    await _receive(receiver, base, share_url, certificate, document["verification_code"])
    await receiver.close()

    # The citizen sees the link was opened, and both openings in "who accessed my data".
    await page.reload()
    await page.wait_for_selector(".shares .badge.share-opened", timeout=WAIT)
    await page.click("nav >> text=ใครเข้าถึงข้อมูลของฉัน")
    await page.wait_for_selector(".timeline li", timeout=WAIT)
    records = await page.locator(".timeline li").all_inner_texts()
    # In Thai, as the screen is: the purposes are stored in both languages.
    assert any("คุณแชร์เอกสาร" in record for record in records), records
    opened = [record for record in records if "ผู้ได้รับลิงก์จากคุณเปิดเอกสาร" in record]
    assert len(opened) == 2, records  # the opening, and the refused second one
    await _fits_the_phone(page, "31-who-accessed-my-data-share")

    # The same application, followed in English.
    await _state(page, base, application_id, "document_issued")
    await page.click("header >> text=English")
    await page.wait_for_selector("h3:has-text('Document issued')")
    await _fits_the_phone(page, "32-application-timeline-english")
