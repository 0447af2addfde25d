"""Issue 18 items 4, 6, 7 and 8 as a person on a small phone meets them, in headless Chromium against a
`citizen run` of its own (demo mode): the receipt at 320 px with Thai dates and the bank's name, and its
check as a page for people; Buddhist-era dates in bill titles and the date boxes; notification settings
(devices with their push health, quiet hours, what to be alerted to); sessions named in words, ended
one or all. Screenshots (Thai at 360 px unless named otherwise) land in ``tests/e2e/screenshots/``."""

from __future__ import annotations

import datetime as dt
import re

from playwright.async_api import BrowserContext, Page, ViewportSize, expect

from tests.helpers.pwa import (
    PHONE,
    SCREENSHOTS,
    DemoApp,
    Phones,
    fits,
    log_in,
    pay_at_the_demo_bank,
    require_pwa_build,
    shot,
)

require_pwa_build()

NARROW = ViewportSize(width=320, height=640)
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko)"
    " Version/17.1 Mobile/15E148 Safari/604.1"
)
THAI_MONTHS = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)  # fmt: skip
WAIT = 20_000


def _today_in_thailand() -> dt.date:
    return dt.datetime.now(dt.timezone(dt.timedelta(hours=7))).date()


async def _field_shot(page: Page, name: str) -> None:
    """The date's boxes alone: in a whole-page shot the fixed bottom bar may cover them."""
    field = page.locator("fieldset:has(#f-completed_on)")
    await field.evaluate("element => element.scrollIntoView({ block: 'center' })")
    await field.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


async def _pay_first_bill(page: Page, phone: BrowserContext, base: str) -> None:
    await page.goto(f"{base}/bills")
    await page.locator(".card button:has-text('ชำระด้วย QR')").first.click()
    payload = await page.locator(".payload").text_content() or ""
    await pay_at_the_demo_bank(phone, base, payload)
    await page.wait_for_selector(".paid", timeout=WAIT)


async def test_the_receipt_fits_a_phone_in_thai_and_its_check_is_a_page_for_people(
    demo_app: DemoApp, phone: BrowserContext
) -> None:
    base = demo_app.base
    page = await phone.new_page()
    await log_in(page, base, "Malee Sukjai", "/bills")
    await _pay_first_bill(page, phone, base)
    await page.locator(".paid a.button").click()
    await page.wait_for_url(re.compile(r".*/receipts/[0-9a-f-]{36}$"))

    # At 320 px: no sideways scrolling, the date in the Buddhist era, the bank by its name.
    await page.set_viewport_size(NARROW)
    text = await page.inner_text("body")
    assert f" {_today_in_thailand().year + 543} เวลา " in text
    assert "ธนาคารสาธิต" in text
    assert "demo-bank" not in text
    await fits(page, "the receipt at 320 px")
    await shot(page, "f4-receipt-320px")

    # "Check it is genuine" opens a page in words, not the API's JSON.
    await page.click(".verify a")
    await page.wait_for_url(re.compile(r".*/verify/receipt/[A-Za-z0-9_-]+$"))
    await page.wait_for_selector(".verdict.good", timeout=WAIT)
    assert "ใบเสร็จนี้เป็นของจริง" in await page.inner_text(".verdict")
    facts = await page.inner_text("dl.facts")
    assert "บาท" in facts
    assert str(_today_in_thailand().year + 543) in facts
    await fits(page, "the receipt's check at 320 px")
    await page.set_viewport_size(PHONE)
    await shot(page, "f4-receipt-check-th")
    await page.click("button.language")
    await page.wait_for_selector("text=This receipt is genuine")
    await shot(page, "f4-receipt-check-en")

    # A code that is no receipt's says so, in words.
    await page.goto(f"{base}/verify/receipt/not-a-real-code")
    await page.wait_for_selector(".verdict.bad", timeout=WAIT)
    assert "may not be genuine" in await page.inner_text(".verdict.bad")
    # Machines still get JSON from the API.
    code = "not-a-real-code"
    status = await page.evaluate(f"fetch('/api/v1/receipts/verify/{code}').then(r => r.status)")
    assert status == 404


async def test_thai_dates_in_bill_titles_and_a_buddhist_era_year_typed_in_a_date(
    demo_app: DemoApp, phone: BrowserContext
) -> None:
    base = demo_app.base
    page = await phone.new_page()
    today = _today_in_thailand()
    month_be = f"{THAI_MONTHS[today.month - 1]} {today.year + 543}"

    # Bill titles name the month in Thai with its Buddhist-era year.
    await log_in(page, base, "Wipa Thamngan", "/bills")
    await page.wait_for_selector(".card h2", timeout=WAIT)
    titles = await page.locator(".card h2").all_inner_texts()
    assert titles, "no bills"
    assert all(month_be in title for title in titles), titles
    assert all(f"/{today.year}" not in title for title in titles), titles

    # A form's date: three boxes; a Buddhist-era year is understood, and a problem speaks in its era.
    await page.goto(f"{base}/")
    await page.click(".tile-open:has-text('เทียบวุฒิการศึกษาจากต่างประเทศ')")
    await page.wait_for_url(re.compile(r".*/apply/\d+$"))
    await page.click("a:has-text('เริ่มยื่นคำขอ')")
    await page.wait_for_selector("#f-completed_on", timeout=WAIT)
    await page.select_option("#f-completed_on-month", "3")
    await page.fill("#f-completed_on", "31")

    await page.fill("#f-completed_on-year", "49")
    error = page.locator("#f-completed_on-date-error")
    assert "ปี พ.ศ. หรือ ค.ศ." in await error.inner_text()
    assert f"{today.year + 543} (พ.ศ.)" in await error.inner_text()
    await shot(page, "f6-date-year-not-whole")
    await _field_shot(page, "f6-date-year-not-whole-field")

    await page.fill("#f-completed_on-year", str(today.year + 543 + 1))  # next year, in the Buddhist era
    said = await error.inner_text()
    assert f"ต้องไม่หลังวันที่ {today.day} {THAI_MONTHS[today.month - 1]} {today.year + 543}" == said
    assert str(today.year) not in said  # never a Common Era date against a Buddhist-era year

    await page.fill("#f-completed_on-year", str(today.year + 1))  # next year, in the Common Era
    said = await error.inner_text()
    assert f"ค.ศ. {today.year}" in said
    assert str(today.year + 543) not in said

    await page.fill("#f-completed_on-year", "2549")
    assert await error.count() == 0
    assert "31 มีนาคม 2549" in await page.inner_text(".date-understood")
    assert "ค.ศ. 2006" in await page.inner_text(".date-understood")
    await fits(page, "the date boxes")
    await shot(page, "f6-date-buddhist-era-understood")
    await _field_shot(page, "f6-date-buddhist-era-understood-field")
    await _dates_in_english(page, base, today)


async def _dates_in_english(page: Page, base: str, today: dt.date) -> None:
    """In English dates are Gregorian: the date boxes (2549 typed) read the year in its era and say a
    problem in the era typed; bill titles name the month with its Common Era year."""
    await page.click("button.language")
    error = page.locator("#f-completed_on-date-error")
    await expect(page.locator(".date-understood")).to_have_text("That is 31 March 2006 (31 March 2549 BE)")
    await page.fill("#f-completed_on-year", str(today.year + 1))
    month_en = today.strftime("%B")
    await expect(error).to_have_text(f"It must be on or before {today.day} {month_en} {today.year}")
    await page.fill("#f-completed_on-year", "49")
    await expect(error).to_contain_text(f"Common Era: for example {today.year + 543} BE or {today.year}")
    await fits(page, "the date boxes in English")
    await shot(page, "f6-date-common-era-en")
    await _field_shot(page, "f6-date-common-era-en-field")  # the whole-page shot has the bar over it
    await page.goto(f"{base}/bills")
    await page.wait_for_selector(".card h2", timeout=WAIT)
    titles = await page.locator(".card h2").all_inner_texts()
    assert all(f"{month_en} {today.year}" in title for title in titles), titles
    assert all(str(today.year + 543) not in title for title in titles), titles


async def _notification_settings_in_english(page: Page) -> None:
    """The saved settings in English: quiet hours with the urgent exceptions, the kind turned off, the
    device's health; back to Thai after."""
    await page.click("button.language")
    form = page.locator("form.preferences")
    await expect(form.locator("legend").first).to_have_text("Quiet hours (no alerts)")
    assert "except urgent messages about your own money or safety" in await form.inner_text()
    payments = form.locator("label.option:has-text('Payments')")
    assert "urgent ones always alert you" in await payments.inner_text()
    assert not await form.locator("label.option:has-text('Your applications') input").is_checked()
    assert "Last received" in await page.locator("li.device").first.inner_text()
    await fits(page, "notification settings in English")
    await shot(page, "f7-notification-settings-en")
    await page.click("button.language")


async def test_notification_settings_devices_quiet_hours_and_mutes(
    demo_app: DemoApp, phone: BrowserContext
) -> None:
    base = demo_app.base
    page = await phone.new_page()
    await log_in(page, base, "Somchai Jaidee", "/settings")
    await page.click("button:has-text('เพิ่มโทรศัพท์สาธิต')")
    device = page.locator("li.device").first
    await device.wait_for(timeout=WAIT)
    assert "Chrome บน Android (Samsung SM-A155F)" in await device.inner_text()
    assert "Mozilla" not in await page.inner_text("main")

    # A payment's receipt is pushed to the phone: its health says when it last got one.
    await _pay_first_bill(page, phone, base)
    await page.goto(f"{base}/settings")
    for _ in range(30):
        if "ได้รับล่าสุด" in await page.locator("li.device").first.inner_text():
            break
        await page.wait_for_timeout(1000)
        await page.reload()
        await page.wait_for_selector("li.device", timeout=WAIT)
    assert "ได้รับล่าสุด" in await page.locator("li.device").first.inner_text()

    # Quiet hours, with the urgent exceptions explained; one agency and one kind of message turned off.
    form = page.locator("form.preferences")
    await form.wait_for(timeout=WAIT)
    assert "ข้อความด่วนเรื่องเงินของคุณหรือความปลอดภัย" in await form.inner_text()
    await form.locator("label.option:has-text('ไม่แจ้งเตือนในช่วงเวลานี้ทุกวัน') input").check()
    await page.fill("#quiet-start", "21:30")
    await page.fill("#quiet-end", "06:30")
    agency = form.locator("fieldset:has-text('แจ้งเตือนข้อความจากหน่วยงาน') label.option").first
    agency_name = await agency.inner_text()
    await agency.locator("input").uncheck()
    kind = form.locator("label.option:has-text('คำขอที่ยื่นไว้') input")
    await kind.uncheck()
    assert "ข้อความด่วนยังแจ้งเตือนเสมอ" in await form.locator("label.option:has-text('การชำระเงิน')").inner_text()
    await form.locator("button[type=submit]").click()
    await page.wait_for_selector("text=บันทึกการตั้งค่าการแจ้งเตือนแล้ว", timeout=WAIT)
    await fits(page, "notification settings")
    await shot(page, "f7-notification-settings-th")

    await page.reload()
    form = page.locator("form.preferences")
    await form.wait_for(timeout=WAIT)
    assert await page.input_value("#quiet-start") == "21:30"
    assert not await form.locator(f"label.option:has-text('{agency_name}') input").is_checked()
    assert not await form.locator("label.option:has-text('คำขอที่ยื่นไว้') input").is_checked()
    saved = await page.evaluate("fetch('/api/v1/me/notification-preferences').then(r => r.json())")
    assert saved["quiet_hours"] == {"start": "21:30:00", "end": "06:30:00"}
    assert saved["opt_out_categories"] == ["applications"]

    # At the app's 200% text, nothing overflows.
    await page.check("input[name=text-size] >> nth=3")
    await fits(page, "notification settings at 200% text")
    await shot(page, "f7-notification-settings-200-percent")
    await page.check("input[name=text-size] >> nth=0")
    await _notification_settings_in_english(page)

    # A device is removed.
    await page.locator("li.device button").first.click()
    await page.wait_for_selector("text=ยังไม่มีเครื่องที่รับการแจ้งเตือน", timeout=WAIT)


async def test_sessions_are_named_in_words_and_end_one_or_all(
    demo_app: DemoApp, phone: BrowserContext, phones: Phones
) -> None:
    base = demo_app.base
    other = await phones(user_agent=IPHONE)
    elsewhere = await other.new_page()
    await log_in(elsewhere, base, "Malee Sukjai", "/")
    page = await phone.new_page()
    await log_in(page, base, "Malee Sukjai", "/settings")
    sessions = page.locator("li.session")
    await sessions.nth(1).wait_for(timeout=WAIT)
    texts = await sessions.all_inner_texts()
    here = next(text for text in texts if "อุปกรณ์นี้" in text)
    assert re.search(r"Chrome บน Linux · ใช้ล่าสุด \d\d:\d\d · อุปกรณ์นี้", here), here
    assert any("Safari บน iOS (iPhone)" in text for text in texts), texts
    assert "Mozilla" not in await page.inner_text("main")
    await fits(page, "sessions")
    await shot(page, "f8-sessions-th")

    # End the iPhone's session: it is logged out there.
    iphone = sessions.filter(has_text="Safari บน iOS")
    await iphone.locator("button").click()
    await page.wait_for_selector("text=ออกจากระบบบน Safari บน iOS (iPhone) แล้ว", timeout=WAIT)
    await expect(iphone).to_have_count(0)  # the list is loaded again
    status = await elsewhere.evaluate("fetch('/api/v1/me').then(r => r.status)")
    assert status == 401

    await page.click("button.language")
    await page.wait_for_selector("text=Where you are logged in")
    here = await sessions.filter(has_text="this device").inner_text()
    assert re.search(r"Chrome on Linux · last used \d\d:\d\d · this device", here), here
    await shot(page, "f8-sessions-en")

    # End all, after a confirmation: this one too.
    await page.click("button:has-text('Log out everywhere')")
    await page.click("button:has-text('Yes, log out everywhere')")
    await page.wait_for_url(f"{base}/")
    assert await page.evaluate("fetch('/api/v1/me').then(r => r.status)") == 401
