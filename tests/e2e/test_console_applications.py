"""Applications in the staff console, in a real headless Chromium against `citizen run` in demo mode.

A citizen's application is prepared through the API (as the citizen app would send it); the case
officer of the demo education office finds it in the console, reads it under the form's own labels,
downloads a file, moves it on (a request for more information needs a note), the citizen answers, the
officer approves it and asks for the fee; support then finds the citizen and reads the timeline. A
second application is approved and its certificate issued from the console. Screenshots are numbered
from 40 in ``tests/e2e/screenshots/``, each checked by axe-core.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from PIL import Image, ImageDraw
from playwright.async_api import Browser, BrowserContext, Page

from backend.demo.people import DEMO_PEOPLE_BY_KEY
from tests.helpers.console import api
from tests.helpers.pwa import PHONE, DemoApp, log_in, require_pwa_build, shot

require_pwa_build()

SCHOOL = "Tokyo Metropolitan Hibiya High School"
NOTE = "โปรดแนบใบแสดงผลการเรียนฉบับแปลเป็นภาษาไทย"
REPLY = "แนบฉบับแปลแล้วค่ะ"


def _png(text: str) -> bytes:
    image = Image.new("RGB", (160, 90), "white")
    ImageDraw.Draw(image).text((10, 35), text, fill="black")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


# In the citizen's own page, as the citizen app uploads (session cookie and CSRF header).
_UPLOAD = """async ([path, field, name, bytes]) => {
    const me = await (await fetch('/api/v1/me')).json();
    const form = new FormData();
    form.append('field', field);
    form.append('file', new Blob([new Uint8Array(bytes)], {type: 'image/png'}), name);
    const headers = {'X-CSRF-Token': me.csrf_token};
    const response = await fetch(path, {method: 'POST', headers, body: form});
    return {status: response.status, body: await response.json()};
}"""


async def _upload(page: Page, files_path: str, field: str, name: str, content: bytes) -> str:
    """``files_path``: "<application id>/files", with ``?acting_for=`` when acting for someone."""
    answer = await page.evaluate(_UPLOAD, [f"/api/v1/applications/{files_path}", field, name, list(content)])
    assert answer["status"] == 201, answer
    file_id: str = answer["body"]["id"]
    return file_id


async def _citizen(browser: Browser, base: str, person: str) -> Page:
    """A separate browser profile (its own session) for the citizen."""
    page = await (await browser.new_context(locale="th-TH")).new_page()
    await log_in(page, base, person, "/")
    return page


async def _apply_for_equivalence(page: Page, school: str, acting_for: str = "") -> dict[str, Any]:
    """``acting_for``: a grant the page's person acts under (the application is then the grantor's)."""
    as_grantor = f"?acting_for={acting_for}" if acting_for else ""
    catalogue = await api(page, "GET", "/api/v1/tiles?lang=en")
    tile = next(
        tile
        for group in catalogue["categories"]
        for tile in group["tiles"]
        if tile["kind"] == "application" and tile["title"] == "Foreign qualification equivalence"
    )
    service = await api(page, "GET", f"/api/v1/tiles/{tile['id']}/application-service{as_grantor}")
    application = await api(page, "POST", f"/api/v1/applications{as_grantor}", {"service_id": service["id"]})
    path = f"{application['id']}/files{as_grantor}"
    transcript = await _upload(page, path, "transcript", "transcript.png", _png("TRANSCRIPT"))
    passport = await _upload(page, path, "passport", "passport.png", _png("PASSPORT"))
    answers = {
        "country": "JP", "school_name": school, "level": "M6", "completed_on": "2020-03-31",
        "purpose": "STUDY",
        "address": {"house_number": "99/1", "subdistrict": "Khlong Toei", "district": "Khlong Toei",
                    "province": "Bangkok", "postcode": "10110"},
        "transcript": [transcript], "passport": [passport],
    }  # fmt: skip
    await api(
        page, "PUT", f"/api/v1/applications/{application['id']}/answers{as_grantor}", {"answers": answers}
    )
    submitted: dict[str, Any] = await api(
        page, "POST", f"/api/v1/applications/{application['id']}/submit{as_grantor}"
    )
    assert submitted["state"] == "submitted"
    return {**submitted, "answers": answers}


async def _state_shown(page: Page, thai_state: str) -> None:
    await page.wait_for_selector(f"#application-title .status:text-is('{thai_state}')")


async def test_a_case_officer_reviews_an_application_asks_for_more_asks_for_the_fee_and_support_reads_it(  # noqa: PLR0915 (one journey, in order)
    demo_app: DemoApp,
    browser_context: BrowserContext,
) -> None:
    base = demo_app.base
    browser = browser_context.browser
    assert browser is not None
    citizen = await _citizen(browser, base, "Thana Rakrian")
    application = await _apply_for_equivalence(citizen, SCHOOL)
    tracking = application["tracking_number"]

    page = await browser_context.new_page()
    await page.set_viewport_size({"width": 1280, "height": 900})
    await log_in(page, base, "Dara Truatsop", "/console")  # case officer, demo education office
    await page.wait_for_selector("h1:has-text('คอนโซลเจ้าหน้าที่')")
    await page.click("button:text-is('คำขอ')")  # her only tab: applications
    await page.select_option("label:has-text('แสดงสถานะ') select", "submitted")
    row = page.locator("table.applications tbody tr", has=page.locator(f"button:text-is('{tracking}')"))
    await row.wait_for()
    assert "ธนา รักเรียน" in await row.inner_text()
    assert "ยื่นแล้ว รอพิจารณา" in await row.inner_text()
    await shot(page, "40-agency-applications-list")

    await row.locator("button").click()
    await _state_shown(page, "ยื่นแล้ว รอพิจารณา")
    answers = page.locator("table.answers")
    # The answers under the form's labels, choices by their names; the applicant from the digital ID.
    for label, value in (
        ("ประเทศที่สำเร็จการศึกษา", "ญี่ปุ่น"),
        ("ชื่อสถานศึกษา", SCHOOL),
        ("ระดับที่ขอเทียบ", "มัธยมศึกษาปีที่ 6"),
        ("นำไปใช้เพื่อ", "ศึกษาต่อ"),
        ("ใบแสดงผลการเรียน (Transcript)", "transcript.png"),
    ):
        assert value in await answers.locator("tr", has=page.locator(f"th:text-is('{label}')")).inner_text()
    applicant = await page.inner_text("dl.summary")
    assert "ธนา รักเรียน" in applicant
    assert "1-1037-02012-34-3" in applicant
    assert "ใครเข้าถึงข้อมูลของฉัน" in await page.inner_text("section.application .notice")
    await shot(page, "41-agency-application-detail")

    async with page.expect_download() as download_info:
        await page.click("table.answers a:has-text('transcript.png')")
    download = await download_info.value
    assert download.suggested_filename == "transcript.png"
    assert (await download.path()).read_bytes() == _png("TRANSCRIPT")

    await page.click("button:has-text('รับเรื่องพิจารณา')")
    await _state_shown(page, "กำลังพิจารณา")

    # Asking for more information: the note is what the citizen will read, so an empty one is refused.
    await page.click("button:has-text('ขอข้อมูลเพิ่มเติม')")
    form = page.locator("#move-form")
    await form.locator("button[type=submit]").click()
    await page.wait_for_selector("#move-problem:has-text('โปรดเขียนข้อความ')")
    assert await form.locator("textarea").get_attribute("aria-invalid") == "true"
    await _state_shown(page, "กำลังพิจารณา")  # not moved
    await shot(page, "42-agency-more-information-needs-a-note")
    await form.locator("textarea").fill(NOTE)
    await form.locator("button[type=submit]").click()
    await _state_shown(page, "ขอข้อมูลเพิ่มเติม")
    assert NOTE in await page.inner_text("section.application")  # the request, and in the timeline

    # The citizen answers, with the translation added to the transcript field.
    files = f"{application['id']}/files"
    translation = await _upload(citizen, files, "transcript", "translation.png", _png("TH"))
    replied_answers = {**application["answers"]}
    replied_answers["transcript"] = [*replied_answers["transcript"], translation]
    replied = await api(
        citizen,
        "POST",
        f"/api/v1/applications/{application['id']}/reply",
        {"message": REPLY, "answers": replied_answers},
    )
    assert replied["state"] == "in_review"

    await page.click("button:has-text('กลับไปที่รายการคำขอ')")
    await page.select_option("label:has-text('แสดงสถานะ') select", "in_review")
    await page.click(f"button:text-is('{tracking}')")
    await _state_shown(page, "กำลังพิจารณา")
    assert REPLY in await page.inner_text("ol.timeline")
    assert "translation.png" in await page.inner_text("table.answers")

    await page.click("button:text-is('อนุมัติ')")
    await page.locator("#move-form button[type=submit]").click()
    await _state_shown(page, "อนุมัติแล้ว")
    await page.click("button:has-text('เรียกเก็บค่าธรรมเนียม')")
    fee = page.locator("#move-form input[type=number]")
    assert await fee.input_value() == "200"  # the service's fee, which the officer may change
    await page.locator("#move-form button[type=submit]").click()
    await _state_shown(page, "รอชำระค่าธรรมเนียม")
    assert "200.00 บาท" in await page.inner_text("section.application")
    await shot(page, "43-agency-fee-due")

    # What the citizen's app sees: the fee is due as a bill, and every step is in the timeline.
    mine = await api(citizen, "GET", f"/api/v1/applications/{application['id']}")
    assert mine["state"] == "fee_due"
    assert mine["bill"]["amount_satang"] == 20000
    assert [event["to_state"] for event in mine["events"]] == [
        "submitted", "in_review", "more_information_requested", "in_review", "approved", "fee_due",
    ]  # fmt: skip
    assert mine["events"][2]["note"] == NOTE
    accesses = await api(citizen, "GET", "/api/v1/me/data-access?limit=100")
    purposes = [item["purpose_en"] for item in accesses["items"]]
    assert any(purpose.startswith(f"Opened: application {tracking}") for purpose in purposes), purposes
    assert any(purpose.startswith(f"Downloaded a file: application {tracking}") for purpose in purposes)

    # Support finds the citizen and reads the application's timeline.
    await log_in(page, base, "Siri Chuailuea", "/console")
    await page.fill("label:has(> span:text-is('เลขประจำตัวประชาชน 13 หลัก')) input", "1103702012343")
    await page.click("form >> button:has-text('ค้นหา')")
    await page.click("button:has-text('แสดงคำขอ')")
    card = page.locator("article.application-history", has=page.locator(f"code:text-is('{tracking}')"))
    await card.wait_for()
    history = await card.inner_text()
    assert "รอชำระค่าธรรมเนียม" in history
    assert NOTE in history
    assert REPLY in history
    assert "1103702012343" not in await page.content()  # masked, never the whole ID
    async with page.expect_download() as download_info:
        await card.locator("a:has-text('passport.png')").click()
    assert (await (await download_info.value).path()).read_bytes() == _png("PASSPORT")
    await shot(page, "44-support-applications")


async def test_an_officer_issues_the_certificate_of_an_approved_application_in_english_and_on_a_phone(  # noqa: PLR0915 (one journey, in order)
    demo_app: DemoApp,
    browser_context: BrowserContext,
) -> None:
    base = demo_app.base
    browser = browser_context.browser
    assert browser is not None
    citizen = await _citizen(browser, base, "Wipa Thamngan")
    application = await _apply_for_equivalence(citizen, "Lycée Français de Tokyo")
    tracking = application["tracking_number"]

    page = await browser_context.new_page()
    await page.set_viewport_size({"width": 1280, "height": 900})
    await log_in(page, base, "Dara Truatsop", "/console")
    await page.click("button.language")  # to English
    await page.wait_for_selector("h1:has-text('Staff console')")
    await page.click(f"button:text-is('{tracking}')")
    await page.wait_for_selector("#application-title .status:text-is('Submitted')")
    # A move the server no longer allows is refused with its own words (another officer got there first).
    status = f"/api/v1/agency/{application['agency_id']}/applications/{application['id']}/status"
    await api(page, "POST", status, {"state": "rejected", "note": "Duplicate of an earlier application"})
    await page.click("button:text-is('Approve')")
    await page.locator("#move-form button[type=submit]").click()
    await page.wait_for_selector("#move-problem:has-text('cannot become approved')")
    await page.wait_for_selector("#application-title .status:text-is('Rejected')")  # read again
    await page.click("button:has-text('Back to the list')")

    second = await _apply_for_equivalence(citizen, "Lycée Français de Tokyo")
    await page.click("button:text-is('Refresh')")  # new applications arrive while the list is open
    await page.click(f"button:text-is('{second['tracking_number']}')")
    await page.click("button:text-is('Approve')")
    await page.locator("#move-form button[type=submit]").click()
    await page.wait_for_selector("#application-title .status:text-is('Approved')")

    # The certificate's wording, prefilled from the service and the answers; the officer may edit it.
    form = page.locator("form[aria-labelledby=issue-title]")
    assert await form.locator("label:has-text('Title (English)') input").input_value() == (
        "Certificate of qualification equivalence"
    )
    assert await form.locator("label:has-text('Title (Thai)') input").input_value() == (
        "หนังสือรับรองการเทียบวุฒิการศึกษา"
    )
    values = [await item.input_value() for item in await form.locator("label:has-text('Value') input").all()]
    assert values[:3] == ["ญี่ปุ่น / Japan", "Lycée Français de Tokyo", "มัธยมศึกษาปีที่ 6 / Upper secondary (M6)"]
    assert "2563" in values[3]
    assert "2020" in values[3]
    await form.locator("button:has-text('Add a line')").click()
    last = form.locator("fieldset fieldset").last
    await last.locator("label:has-text('Label (Thai)') input").fill("หมายเหตุ")
    await last.locator("label:has-text('Label (English)') input").fill("Remark")
    await last.locator("label:has-text('Value') input").fill("Issued for further study")
    await page.set_viewport_size(PHONE)
    overflow = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the application is {overflow}px wider than a 360 px phone"
    await shot(page, "45-agency-issue-certificate-360px")
    await page.set_viewport_size({"width": 1280, "height": 900})

    await form.locator("button[type=submit]").click()
    issued = page.locator("section.application .card[role=status]")
    await issued.wait_for()
    code = await issued.locator("code").inner_text()
    assert len(code) == 16
    await page.wait_for_selector("#application-title .status:text-is('Document issued')")
    await shot(page, "46-agency-certificate-issued")

    # On a phone the list is one block per application, each value named.
    await page.set_viewport_size(PHONE)
    await page.click("button:has-text('Back to the list')")
    await page.wait_for_selector(f"button:text-is('{second['tracking_number']}')")
    assert await page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    # The list is read again on coming back: wait for the new rows rather than catch the old ones.
    await page.locator("table.applications td[data-label=State]").first.wait_for(state="visible")
    assert await page.locator("table.applications td[data-label=State]").first.is_visible()
    await shot(page, "47-agency-applications-360px")

    verified = await api(citizen, "GET", f"/api/v1/documents/verify/{code}")
    assert verified["genuine"] is True
    assert verified["title_en"] == "Certificate of qualification equivalence"
    wallet = await api(citizen, "GET", "/api/v1/documents")
    assert code in [document["verification_code"] for document in wallet]


async def test_an_application_a_daughter_submitted_for_her_father_says_so_to_the_officer(
    demo_app: DemoApp,
    browser_context: BrowserContext,
) -> None:
    """Issue 22 item 4: Thana lets Suda apply for him; the officer reads "ยื่นโดย สุดา ใจดี แทน ธนา รักเรียน",
    her national ID masked."""
    base = demo_app.base
    browser = browser_context.browser
    assert browser is not None
    suda = await _citizen(browser, base, "Suda Jaidee")  # logged in once: he can find her
    thana = await _citizen(browser, base, "Thana Rakrian")
    ends_on = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    suda_id = DEMO_PEOPLE_BY_KEY["suda"].national_id
    asked = {"national_id": suda_id, "scopes": ["applications"], "ends_on": ends_on}
    grant = await api(thana, "POST", "/api/v1/me/delegations", asked)
    await api(suda, "POST", f"/api/v1/me/delegations/{grant['id']}/accept")
    application = await _apply_for_equivalence(suda, "Osaka Prefectural Kitano High School", grant["id"])

    page = await browser_context.new_page()
    await page.set_viewport_size(PHONE)
    await log_in(page, base, "Dara Truatsop", "/console")
    await page.click("button:text-is('คำขอ')")
    await page.select_option("label:has-text('แสดงสถานะ') select", "submitted")
    await page.click(f"button:text-is('{application['tracking_number']}')")
    note = page.locator("section.application .on-behalf")
    await note.wait_for()
    said = await note.inner_text()
    assert "ยื่นโดย สุดา ใจดี (x-xxxx-xxxxx-24-9) แทน ธนา รักเรียน" in said, said
    assert DEMO_PEOPLE_BY_KEY["suda"].national_id not in await page.content()
    assert "ธนา รักเรียน" in await page.inner_text("dl.summary"), "the applicant is still Thana"
    await note.scroll_into_view_if_needed()
    assert await page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    await shot(page, "48-agency-application-submitted-on-behalf-360px")
