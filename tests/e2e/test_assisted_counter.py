"""Issue 22 item 6 on two small phones in Thai (360 px), in headless Chromium against a `citizen run` of
its own (demo mode): at a district office counter, Somchai makes a one-time code in Settings and reads
it out; Somsri, counter staff, types it in her console with his national ID, helps him (a banner with
his name, the time left and "end now"), looks at his bills, and ends it; Somchai sees her steps in "who
accessed my data" marked as help at the counter, and the session in his history. Then she asks by his
national ID: his home screen shows the request with a button to confirm, and his inbox has it from ทางรัฐ.
Screenshots land in ``tests/e2e/screenshots/``."""

from __future__ import annotations

import re

from playwright.async_api import Page, expect

from backend.demo.people import DEMO_PEOPLE_BY_KEY
from tests.helpers.pwa import DemoApp, Phones, fits, log_in, require_pwa_build, shot

require_pwa_build()

WAIT = 20_000
POINT = "สำนักงานเขตบางรัก ช่อง 3"


async def _phone(phones: Phones, base: str, person: str, path: str) -> Page:
    page = await (await phones()).new_page()
    await log_in(page, base, person, path)
    return page


async def _he_makes_a_code(somchai: Page) -> str:
    section = somchai.locator("section.assisted")
    await expect(section).to_contain_text("ให้เจ้าหน้าที่ช่วยที่เคาน์เตอร์", timeout=WAIT)
    # A sensible set is ticked at first: entitlements, bills, applications.
    assert await section.locator("label:has-text('ดูและชำระบิลของฉัน') input").is_checked()
    assert not await section.locator("label:has-text('อ่านข้อความของฉัน') input").is_checked()
    await section.get_by_role("button", name="สร้างรหัสให้เจ้าหน้าที่").click()
    shown = section.locator(".assisted-code .code")
    await expect(shown).to_have_text(re.compile(r"^\d{6}$"), timeout=WAIT)
    await expect(section).to_contain_text("อ่านรหัสนี้ให้เจ้าหน้าที่ฟัง")
    await section.scroll_into_view_if_needed()
    await fits(somchai, "the code")
    await shot(somchai, "a1-citizen-code-to-read-out-th")
    return (await shown.text_content() or "").strip()


async def _she_types_it_and_looks_at_his_bills(somsri: Page, base: str, code: str) -> None:
    counter = somsri.locator("section[aria-labelledby=counter-title]")
    await expect(counter).to_be_visible(timeout=WAIT)
    await counter.locator("input[name=service_point]").fill(POINT)
    await counter.locator("input[name=national_id]").fill(DEMO_PEOPLE_BY_KEY["somchai"].national_id)
    # A wrong code is refused beside the field, in Thai.
    await counter.locator("input[name=code]").fill("000000" if code != "000000" else "111111")
    await counter.get_by_role("button", name="เริ่มช่วยด้วยรหัส").click()
    await expect(counter.locator(".field-error")).to_contain_text("รหัสไม่ถูกต้อง", timeout=WAIT)
    await counter.locator("input[name=code]").fill(code)
    await counter.get_by_role("button", name="เริ่มช่วยด้วยรหัส").click()
    await expect(counter.get_by_role("status")).to_contain_text("เริ่มแล้ว", timeout=WAIT)
    session = counter.locator("ul.list > li").first
    await expect(session).to_contain_text("สมชาย ใจดี", timeout=WAIT)
    page_text = await somsri.content()
    assert DEMO_PEOPLE_BY_KEY["somchai"].national_id not in page_text.replace(
        f'value="{DEMO_PEOPLE_BY_KEY["somchai"].national_id}"', ""
    ), "only masked"
    await fits(somsri, "the counter console")
    await shot(somsri, "a2-counter-staff-started-with-the-code-th")

    await session.get_by_role("button", name="ช่วยทำรายการแทน สมชาย ใจดี").click()
    banner = somsri.locator(".acting-banner")
    await expect(banner).to_contain_text("คุณกำลังทำแทน สมชาย ใจดี", timeout=WAIT)
    await expect(banner).to_contain_text("เหลือเวลา")
    await expect(banner.get_by_role("button", name="จบการช่วยเหลือตอนนี้")).to_be_visible()
    await somsri.goto(f"{base}/bills")
    await expect(somsri.locator(".card:has-text('ค่าน้ำประปา')").first).to_be_visible(timeout=WAIT)
    await expect(banner).to_contain_text("เหลือเวลา")
    await fits(somsri, "his bills, helped at the counter")
    await shot(somsri, "a3-counter-staff-sees-his-bills-th")


async def _he_sees_the_request_at_home_and_in_his_inbox(somchai: Page, base: str) -> None:
    """He opens the app: the home screen shows the request first, and his inbox has it from ทางรัฐ."""
    await somchai.goto(f"{base}/")
    card = somchai.locator(".counter-request")
    await expect(card).to_contain_text(f"เจ้าหน้าที่ สมศรี ใจงาม ที่ {POINT} ขอช่วยทำรายการแทนคุณ", timeout=WAIT)
    await fits(somchai, "the home screen's request card")
    await shot(somchai, "a6a-home-shows-the-counter-request-th")
    await somchai.goto(f"{base}/inbox")
    notice = somchai.locator("main").get_by_text(f"เจ้าหน้าที่ สมศรี ใจงาม ที่ {POINT} ขอช่วยทำรายการแทนคุณ 1 ชั่วโมง")
    await expect(notice.first).to_be_visible(timeout=WAIT)
    await expect(somchai.locator("main")).to_contain_text("ทางรัฐ")
    await expect(somchai.locator("main")).to_contain_text("เริ่มการช่วยเหลือคุณ")
    await fits(somchai, "the inbox")
    await shot(somchai, "a6b-inbox-has-the-counter-request-th")
    await somchai.goto(f"{base}/")
    await card.get_by_role("link", name="ดูคำขอและยืนยัน").click()
    await somchai.wait_for_url(f"{base}/settings#assisted", timeout=WAIT)
    # Settings opens at the counter section, the request in sight without scrolling past everything else.
    await expect(somchai.locator("section.assisted .assisted-ask")).to_be_in_viewport(timeout=WAIT)


async def test_somchai_reads_out_a_code_somsri_helps_him_at_the_counter_and_he_sees_it_marked(
    demo_app: DemoApp, phones: Phones
) -> None:
    base = demo_app.base
    somchai = await _phone(phones, base, "Somchai Jaidee", "/settings")
    somsri = await _phone(phones, base, "Somsri Jai-ngam", "/console")
    code = await _he_makes_a_code(somchai)
    await _she_types_it_and_looks_at_his_bills(somsri, base, code)

    # His phone shows who is helping him, until when, with "stop now".
    helping = somchai.locator("section.assisted .assisted-on")
    await expect(helping).to_contain_text("สมศรี ใจงาม", timeout=WAIT)
    await expect(helping).to_contain_text(POINT)
    await expect(helping.get_by_role("button", name="หยุดทันที")).to_be_visible()
    await helping.scroll_into_view_if_needed()
    await shot(somchai, "a4-citizen-sees-who-helps-him-th")

    # She ends it from the banner and is back at her console.
    await somsri.locator(".acting-banner").get_by_role("button", name="จบการช่วยเหลือตอนนี้").click()
    await somsri.wait_for_url(f"{base}/console", timeout=WAIT)
    await expect(somsri.locator(".acting-banner")).to_have_count(0)

    # His record: her steps, named and marked as help at the counter, with the service point.
    await somchai.goto(f"{base}/data-access")
    entries = somchai.locator("ol.access > li")
    await expect(entries.first).to_contain_text("สมศรี ใจงาม (เจ้าหน้าที่ ช่วยที่เคาน์เตอร์)", timeout=WAIT)
    texts = await entries.all_inner_texts()
    hers = [text for text in texts if "สมศรี ใจงาม (เจ้าหน้าที่ ช่วยที่เคาน์เตอร์)" in text]
    for done in ("เริ่มช่วยทำรายการแทนคุณด้วยรหัสที่คุณให้", "ดูบิลของคุณ"):
        assert any(done in text for text in hers), (done, texts)
    assert all(POINT in text for text in hers)
    await fits(somchai, "who accessed my data")
    await shot(somchai, "a5-data-access-marks-help-at-the-counter-th")

    # His history keeps the session.
    await somchai.goto(f"{base}/settings")
    history = somchai.locator("section.assisted li.delegation").first
    await expect(history).to_contain_text("สมศรี ใจงาม", timeout=WAIT)
    await expect(history).to_contain_text("ช่วยแล้ว")

    # The other way: she asks by his national ID, he confirms on his phone, then stops it himself.
    await somsri.goto(f"{base}/console")
    counter = somsri.locator("section[aria-labelledby=counter-title]")
    await counter.locator("input[name=national_id]").fill(DEMO_PEOPLE_BY_KEY["somchai"].national_id)
    await counter.get_by_role("button", name="ส่งคำขอให้ยืนยันในแอปของเขา").click()
    await expect(counter.get_by_role("status")).to_contain_text("รอให้เขายืนยันในแอป", timeout=WAIT)
    await expect(counter.locator("ul.list > li").first).to_contain_text("รอตอบรับ")
    await _he_sees_the_request_at_home_and_in_his_inbox(somchai, base)
    asked = somchai.locator("section.assisted .assisted-ask")
    await expect(asked).to_contain_text(
        f"เจ้าหน้าที่ สมศรี ใจงาม ที่ {POINT} ขอช่วยทำรายการแทนคุณ 1 ชั่วโมง", timeout=WAIT
    )
    await asked.scroll_into_view_if_needed()
    await fits(somchai, "the request to confirm")
    await shot(somchai, "a6-citizen-asked-to-confirm-th")
    await asked.get_by_role("button", name="อนุญาต 1 ชั่วโมง").click()
    await expect(somchai.locator("section.assisted .assisted-on")).to_contain_text("สมศรี ใจงาม", timeout=WAIT)
    # Her console sees it start (the server tells it while a request waits), with his name now.
    await expect(counter.locator("ul.list > li").first).to_contain_text("ใช้งานอยู่", timeout=WAIT)
    await expect(counter.locator("ul.list > li").first).to_contain_text("สมชาย ใจดี")
    await somchai.locator("section.assisted .assisted-on").get_by_role("button", name="หยุดทันที").click()
    await expect(somchai.locator("section.assisted > p[role=status]")).to_contain_text(
        "หยุดการช่วยเหลือแล้ว", timeout=WAIT
    )
    await expect(somchai.locator("section.assisted .assisted-on")).to_have_count(0)
