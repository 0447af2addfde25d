"""Genuine messages on a 360 px phone in Thai (issue 21): every message in the inbox shows the code
anyone can check it by, and anyone pastes an SMS at /verify-message and hears whether it is genuine.
Screenshots in ``tests/e2e/screenshots/`` (90-99), each checked by axe-core."""

from __future__ import annotations

import re

from playwright.async_api import BrowserContext, expect

from backend.demo.people import DEMO_PEOPLE_BY_KEY
from backend.genuine import codes
from tests.helpers.genuine import agency_system, register_sms, send_message
from tests.helpers.pwa import DemoApp, log_in, require_pwa_build, shot

require_pwa_build()


async def test_a_message_in_the_inbox_shows_its_verification_code_in_thai(
    demo_app: DemoApp, phone: BrowserContext
) -> None:
    system, agency_id = await agency_system(demo_app, "demo-welfare")
    page = await phone.new_page()
    await log_in(page, demo_app.base, "Malee Sukjai", "/")
    try:
        await send_message(system, agency_id, DEMO_PEOPLE_BY_KEY["malee"].national_id)
    finally:
        await system.aclose()
    await page.goto(f"{demo_app.base}/inbox")
    message = page.locator(".message", has_text="บัตรของท่านพร้อมรับแล้ว")
    code = message.locator(".verification-code code")
    await expect(code).to_have_text(codes.FOUND_IN_TEXT)
    assert codes.normalise(await code.inner_text()) is not None
    await expect(message.locator(".verification-code")).to_contain_text("รหัสตรวจสอบข้อความ")
    await shot(page, "90-inbox-verification-code-th")


async def test_anyone_pastes_an_sms_and_hears_it_is_genuine_or_not_from_the_government_in_thai(
    demo_app: DemoApp, phone: BrowserContext
) -> None:
    system, agency_id = await agency_system(demo_app, "demo-welfare")
    text = "กรมสวัสดิการสาธิต: เงินอุดหนุนบุตรเดือนนี้โอนเข้าบัญชีแล้ว"
    try:
        made = await register_sms(system, agency_id, DEMO_PEOPLE_BY_KEY["malee"].national_id, text)
    finally:
        await system.aclose()
    page = await phone.new_page()  # nobody logged in
    await page.goto(f"{demo_app.base}/verify-message")
    await page.fill("#message-text", f"{text} รหัสตรวจสอบ {made['code'].lower()} {made['link']}")
    await page.click("button:has-text('ตรวจสอบ')")
    await expect(page.locator(".verdict.good")).to_have_text("✓ ข้อความนี้มาจากรัฐจริง")
    genuine = page.locator(".panel.genuine")
    await expect(genuine).to_contain_text("กรมสวัสดิการ")
    await expect(genuine).to_contain_text("ข้อความ SMS")
    await expect(genuine.locator(".sent-text")).to_have_text(text)
    await expect(genuine).to_contain_text(re.compile(r"25[6-9]\d"))  # the Buddhist-era year
    assert await page.locator(".notice.warning").count() == 0  # its only link is the platform's own
    await shot(page, "91-verify-message-genuine-th")

    fake = "ยินดีด้วย! คุณได้รับเงินดิจิทัล 10,000 บาท ยืนยันสิทธิ์ที่ bit.ly/wallet-th รหัส 7K3M-QX9P-2RTV-H8WC"
    await page.fill("#message-text", fake)
    await page.click("button:has-text('ตรวจสอบ')")
    await expect(page.locator(".verdict.bad")).to_have_text("✕ ไม่พบข้อความนี้ในระบบของรัฐ")
    await expect(page.locator(".not-genuine")).to_contain_text("อย่ากดลิงก์ในข้อความ")
    await expect(page.locator(".notice.warning")).to_contain_text("bit.ly/wallet-th")
    await shot(page, "92-verify-message-fake-th")

    await page.fill("#message-text", "โอนเงินด่วนที่ bit.ly/x")
    await page.click("button:has-text('ตรวจสอบ')")
    await expect(page.locator(".verdict.bad")).to_have_text("✕ ไม่พบรหัสตรวจสอบในข้อความนี้")

    # The citizen's own inbox says the agency sent her this SMS; its link opens the same check.
    await log_in(page, demo_app.base, "Malee Sukjai", "/inbox")
    entry = page.locator(".message", has_text="ส่ง SMS ถึงท่าน")
    await expect(entry).to_contain_text(made["code"])
    await page.goto(f"{demo_app.base}/m/{made['code']}")
    await expect(page.locator(".verdict.good")).to_be_visible()
    await page.evaluate("localStorage.setItem('language', 'en')")
    await page.reload()
    await expect(page.locator(".verdict.good")).to_have_text("✓ This message is really from the government")
    await expect(page.locator(".panel.genuine")).to_contain_text("text message (SMS)")
    await shot(page, "93-verify-message-genuine-en")
