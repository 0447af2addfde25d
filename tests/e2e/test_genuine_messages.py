"""Genuine messages on a 360 px phone in Thai (issue 21): every message in the inbox shows the code
anyone can check it by. Screenshots in ``tests/e2e/screenshots/`` (90-99), each checked by axe-core."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio
from playwright.async_api import BrowserContext, async_playwright, expect

from backend.demo.people import DEMO_PEOPLE_BY_KEY
from backend.genuine import codes
from tests.helpers.genuine import agency_system, send_message
from tests.helpers.pwa import CHROMIUM, FLAGS, DemoApp, log_in, require_pwa_build, shot

require_pwa_build()


@pytest_asyncio.fixture
async def phone() -> AsyncIterator[BrowserContext]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = await browser.new_context(
            viewport={"width": 360, "height": 740}, locale="th-TH", bypass_csp=True
        )
        try:
            yield context
        finally:
            await browser.close()


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
