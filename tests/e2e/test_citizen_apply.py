"""Applying as GOV.UK would have it, on a 360 px phone in Thai and in English: a service's start page
before login and "check your answers" with change links before sending (issue 18, item 13); drafts
that keep every answer, mark the ones that do not fit, come back on reload, start only once something
is typed and can be discarded (item 11); and a reply to the agency's request for more information
that carries documents, checked as any upload (item 12). Real headless Chromium against `citizen run`
in demo mode; the agency's side is its API, driven with the demo case officer's session."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pytest
from PIL import Image
from playwright.async_api import APIRequestContext, BrowserContext, FilePayload, Page

from tests.helpers.pwa import TALL_PHONE, DemoApp, fits, log_in, require_pwa_build, shot

require_pwa_build()

pytestmark = pytest.mark.phone(viewport=TALL_PHONE, permissions=["notifications"])
WAIT = 30_000
EQUIVALENCE_TH = "เทียบวุฒิการศึกษาจากต่างประเทศ"
REPLACEMENT_TH = "ขอใบแทนประกาศนียบัตร"


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (60, 40), "white").save(out, format="PNG")
    return out.getvalue()


PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 9 9]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


async def _fits(page: Page, name: str) -> None:
    """Nothing wider than the phone, then the screenshot with axe-core's check."""
    await fits(page, name)
    await shot(page, name)


async def _english(page: Page) -> None:
    await page.click("header button.language")
    await page.wait_for_function("document.documentElement.lang === 'en'")


async def _thai(page: Page) -> None:
    await page.click("header button.language")
    await page.wait_for_function("document.documentElement.lang === 'th'")


class Api:
    """Calls made with a browser context's own session (as its page would make them)."""

    def __init__(self, request: APIRequestContext, base: str, csrf: str) -> None:
        self.request, self.base, self.csrf = request, base, csrf

    @classmethod
    async def of(cls, context: BrowserContext, base: str) -> Api:
        me = await (await context.request.get(f"{base}/api/v1/me")).json()
        return cls(context.request, base, me["csrf_token"])

    async def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        response = await self.request.fetch(
            f"{self.base}{path}",
            method=method,
            data=json.dumps(body) if body is not None else None,
            headers={"X-CSRF-Token": self.csrf, "Content-Type": "application/json"},
        )
        assert response.ok, (method, path, response.status, await response.text())
        return await response.json() if response.status != 204 else None


async def _tile(page: Page, base: str, title_th: str) -> int:
    catalogue = await (await page.context.request.get(f"{base}/api/v1/tiles?lang=th")).json()
    found: int = next(
        tile["id"]
        for group in catalogue["categories"]
        for tile in group["tiles"]
        if tile["title"] == title_th
    )
    return found


async def _saved(page: Page, action: Any) -> None:
    async with page.expect_response(
        lambda r: r.url.endswith("/answers") and r.request.method == "PUT", timeout=WAIT
    ) as saved:
        await action()
    assert (await saved.value).ok
    await page.wait_for_selector(".save-status:not(:empty)", timeout=WAIT)


async def test_a_start_page_before_login_and_check_your_answers_with_change_links_before_sending(
    demo_app: DemoApp, phone: BrowserContext
) -> None:
    base = demo_app.base
    page = await phone.new_page()
    await page.goto(f"{base}/")
    # Not logged in: the tile opens the service's start page, written by the agency.
    await page.click(f".tile-open:has-text('{REPLACEMENT_TH}')", timeout=WAIT)
    await page.wait_for_url(re.compile(r".*/apply/\d+$"))
    start = await page.inner_text(".start-page", timeout=WAIT)
    for words in ("ใครยื่นคำขอได้", "สูญหายหรือชำรุด", "สิ่งที่ต้องเตรียม", "ใบแจ้งความ", "ค่าธรรมเนียม", "50.00"):
        assert words in start, words
    assert "ประมาณ 5 วันทำการ" in start
    await _fits(page, "item13-start-page-th")
    await _english(page)
    start = await page.inner_text(".start-page")
    for words in ("Who can apply", "lost or damaged", "What you need", "How long it takes", "5 working days"):
        assert words in start, words
    await _fits(page, "item13-start-page-en")
    await _thai(page)

    # "Start now" logs in first, then opens the form.
    await page.click("a:has-text('เริ่มยื่นคำขอ')")
    await page.click("text=Somchai Jaidee")
    await page.wait_for_url(re.compile(r".*/apply/\d+/form$"), timeout=WAIT)
    await page.wait_for_selector("form.application-form", timeout=WAIT)
    await page.click("label.option:has-text('ประกาศนียบัตร') input")
    await page.check("label.option:has-text('สูญหาย') input")
    await _saved(page, lambda: page.fill("#f-original_number", "DP-1234"))
    await page.click("button[type=submit]:has-text('ตรวจสอบคำตอบ')")

    # Check your answers: each question, its answer and a link back to change it.
    await page.wait_for_url(re.compile(r".*/apply/\d+/check$"), timeout=WAIT)
    answers = await page.inner_text(".summary-list", timeout=WAIT)
    assert "DP-1234" in answers
    assert "สูญหาย" in answers
    assert "ไม่ได้ตอบ" in answers  # no police report
    assert "50.00" in await page.inner_text(".fee-line")
    await _fits(page, "item13-check-answers-th")
    await page.click(".summary-row:has-text('เลขที่เอกสารเดิม') a:has-text('เปลี่ยน')")
    await page.wait_for_url(re.compile(r".*/apply/\d+/form#f-original_number$"), timeout=WAIT)
    await page.wait_for_function(
        "document.activeElement && document.activeElement.id === 'f-original_number'"
    )
    await _saved(page, lambda: page.fill("#f-original_number", "DP-5678"))
    await page.click("button[type=submit]:has-text('ตรวจสอบคำตอบ')")
    await page.wait_for_url(re.compile(r".*/apply/\d+/check$"), timeout=WAIT)
    assert "DP-5678" in await page.inner_text(".summary-list", timeout=WAIT)
    await _english(page)
    answers = await page.inner_text(".summary-list")
    assert "Not answered" in answers
    assert "Lost" in answers
    assert "Change" in answers
    await _fits(page, "item13-check-answers-en")
    await _thai(page)

    # Sent: the confirmation with its tracking number.
    await page.click("button:has-text('ยืนยันและส่งคำขอ')")
    await page.wait_for_url(re.compile(r".*/applications/[0-9a-f-]{36}\?sent=1$"), timeout=WAIT)
    assert re.fullmatch(r"AP[0-9A-Z]{10}", (await page.inner_text(".tracking", timeout=WAIT)).strip())
    await _fits(page, "item13-sent-confirmation-th")


async def test_a_draft_starts_when_typed_keeps_every_answer_marks_the_unfit_and_can_be_discarded(
    demo_app: DemoApp, phone: BrowserContext
) -> None:
    base = demo_app.base
    page = await phone.new_page()
    await log_in(page, base, "Thana Rakrian", "/")
    api = await Api.of(phone, base)
    form = f"{base}/apply/{await _tile(page, base, EQUIVALENCE_TH)}/form"

    # Opening the form leaves nothing behind.
    await page.goto(form)
    await page.wait_for_selector("form.application-form", timeout=WAIT)
    assert await api.call("GET", "/api/v1/applications") == []
    assert await page.locator("button:has-text('ลบฉบับร่างนี้')").count() == 0

    # Typing starts the draft; an answer that does not fit is kept and marked, not refused.
    await _saved(page, lambda: page.fill("#f-school_name", "Lycée Français"))
    await _saved(page, lambda: page.fill("#f-years_of_study", "40"))
    await page.wait_for_selector("#f-years_of_study-error", timeout=WAIT)
    assert "ไม่เกิน 15" in await page.inner_text("#f-years_of_study-error")
    assert "ยังไม่ถูกส่ง" in await page.inner_text(".save-status")
    drafts = await api.call("GET", "/api/v1/applications")
    assert [item["state"] for item in drafts] == ["draft"]

    # A reload brings both back, the unfit one still marked.
    await page.reload()
    await page.wait_for_selector("form.application-form", timeout=WAIT)
    assert await page.input_value("#f-school_name") == "Lycée Français"
    assert await page.input_value("#f-years_of_study") == "40"
    assert "ไม่เกิน 15" in await page.inner_text("#f-years_of_study-error", timeout=WAIT)
    await _fits(page, "item11-draft-after-reload-th")
    await _english(page)
    assert "at most 15" in await page.inner_text("#f-years_of_study-error")
    await _fits(page, "item11-draft-after-reload-en")
    await _thai(page)

    # Discarding asks first, then the draft and its answers are gone.
    await page.click("button:has-text('ลบฉบับร่างนี้')")
    assert "กู้คืนไม่ได้" in await page.inner_text("#discard-question")
    await _fits(page, "item11-discard-confirmation-th")
    await page.click("button:has-text('ใช่ ลบฉบับร่าง')")
    await page.wait_for_selector(".notice.success:has-text('ลบฉบับร่างแล้ว')", timeout=WAIT)
    assert await api.call("GET", "/api/v1/applications") == []
    await page.goto(form)
    await page.wait_for_selector("form.application-form", timeout=WAIT)
    assert await page.input_value("#f-school_name") == ""


async def test_a_reply_to_the_agency_carries_documents_checked_as_any_upload(
    demo_app: DemoApp, phone: BrowserContext
) -> None:
    base = demo_app.base
    page = await phone.new_page()
    await log_in(page, base, "Pim Songkhao", "/")
    api = await Api.of(phone, base)
    service = await api.call(
        "GET", f"/api/v1/tiles/{await _tile(page, base, REPLACEMENT_TH)}/application-service"
    )
    draft = await api.call("POST", "/api/v1/applications", {"service_id": service["id"]})
    await api.call(
        "PUT", f"/api/v1/applications/{draft['id']}/answers",
        {"answers": {"document_kind": "DIPLOMA", "reason": "LOST"}},
    )  # fmt: skip
    await api.call("POST", f"/api/v1/applications/{draft['id']}/submit")

    # The agency asks for a document.
    assert phone.browser is not None
    office = await phone.browser.new_context()
    officer_page = await office.new_page()
    await log_in(officer_page, base, "Dara Truatsop", "/console")
    officer = await Api.of(office, base)
    me = await officer.call("GET", "/api/v1/me")
    agency = next(role["agency_id"] for role in me["roles"] if role["agency_id"] is not None)
    case = f"/api/v1/agency/{agency}/applications/{draft['id']}"
    await officer.call(
        "POST", f"{case}/status", {"state": "more_information_requested", "note": "กรุณาแนบใบแจ้งความ"}
    )

    await page.goto(f"{base}/applications/{draft['id']}")
    await page.wait_for_selector("#reply-files", timeout=WAIT)
    assert "กรุณาแนบใบแจ้งความ" in await page.inner_text("section[aria-labelledby=request-title]")
    # A file that is not what its name says is refused, as any upload, in Thai.
    await page.set_input_files(
        "#reply-files", files=[FilePayload(name="report.pdf", mimeType="application/pdf", buffer=_png())]
    )
    await page.wait_for_selector("#reply-files-error", timeout=WAIT)
    assert "ไม่รับไฟล์นี้" in await page.inner_text("#reply-files-error")
    await page.set_input_files(
        "#reply-files", files=[FilePayload(name="police-report.pdf", mimeType="application/pdf", buffer=PDF)]
    )
    await page.wait_for_selector(".panel .file-list li:has-text('police-report.pdf')", timeout=WAIT)
    await page.fill("#reply", "แนบใบแจ้งความแล้วค่ะ")
    await _fits(page, "item12-reply-with-document-th")
    await page.click("button:has-text('ส่งคำตอบ')")
    await page.wait_for_selector(".facts .badge.state-in_review", timeout=WAIT)
    assert "police-report.pdf" in await page.inner_text(".steps")

    # The agency has the file, with the reply it came with.
    opened = await officer.call("GET", case)
    sent = [file for file in opened["files"] if file["file_name"] == "police-report.pdf"]
    reply = next(event for event in opened["events"] if event["note"] == "แนบใบแจ้งความแล้วค่ะ")
    assert [file["reply_event_id"] for file in sent] == [reply["id"]]
    assert not [file for file in opened["files"] if file["file_name"] == "report.pdf"]
    await office.close()

    await _english(page)
    assert "attached police-report.pdf" in await page.inner_text(".steps")
    await _fits(page, "item12-reply-sent-timeline-en")
