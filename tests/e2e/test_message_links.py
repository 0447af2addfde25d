"""Links inside messages on a 360 px phone in Thai (issue 21, item 6): a message's link to the agency's
own website opens the platform's leaving page, which names the agency and the destination before the
citizen goes on; an agency's address anywhere else in the app (a link tile) is named the same way
first, and a leaving address the platform did not sign says so. Screenshots in
``tests/e2e/screenshots/`` (94-97), each checked by axe-core."""

from __future__ import annotations

import re

import pytest_asyncio
from playwright.async_api import BrowserContext, Route, expect

from backend.demo.people import DEMO_PEOPLE_BY_KEY
from tests.helpers.genuine import agency_system, send_message
from tests.helpers.pwa import DemoApp, log_in, require_pwa_build, shot

require_pwa_build()

DESTINATION = "https://welfare.demo.invalid/elderly/register"  # on demo-welfare's approved link domain


@pytest_asyncio.fixture(autouse=True)
async def _agency_sites(phone: BrowserContext) -> None:
    """The agencies' sites a message links to, answered without the internet."""

    async def agency_site(route: Route) -> None:
        await route.fulfill(body="<html lang='th'><title>agency site</title><h1>agency site</h1></html>")

    await phone.route("https://*.invalid/**", agency_site)
    await phone.route("https://*.example.go.th/**", agency_site)


async def test_a_link_in_a_message_opens_the_leaving_page_naming_the_agency_then_the_site(
    demo_app: DemoApp, phone: BrowserContext
) -> None:
    system, agency_id = await agency_system(demo_app, "demo-welfare")
    try:
        await send_message(system, agency_id, DEMO_PEOPLE_BY_KEY["malee"].national_id, url=DESTINATION)
    finally:
        await system.aclose()
    page = await phone.new_page()
    await log_in(page, demo_app.base, "Malee Sukjai", "/inbox")
    message = page.locator(".message", has_text="บัตรของท่านพร้อมรับแล้ว")
    link = message.locator("a.button", has_text="เปิด")
    assert (await link.get_attribute("href") or "").startswith("/leave/")  # the platform's own address
    await link.click()

    await expect(page).to_have_url(re.compile(r"/leave/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$"))
    leaving = page.locator(".leaving")
    await expect(leaving.locator("h1")).to_have_text("คุณกำลังจะออกจากแอปทางรัฐ")
    await expect(leaving).to_contain_text("กรมสวัสดิการสาธิต")
    await expect(leaving.locator(".leaving-host")).to_have_text("welfare.demo.invalid")
    await expect(leaving.locator(".verdict.good")).to_contain_text("อยู่ในทะเบียนช่องทางทางการ")
    await shot(page, "94-leaving-page-th")
    await page.evaluate("localStorage.setItem('language', 'en')")
    await page.reload()
    await expect(leaving.locator("h1")).to_have_text("You are about to leave the app")
    await expect(leaving).to_contain_text("Demo Department of Social Welfare")
    await shot(page, "94-leaving-page-en")

    await leaving.locator("a", has_text="Continue to this website").click()
    await expect(page).to_have_url(DESTINATION)
    await expect(page.locator("h1")).to_have_text("agency site")


async def test_an_agency_address_elsewhere_is_named_first_and_an_unsigned_leaving_address_is_refused(
    demo_app: DemoApp, phone: BrowserContext
) -> None:
    page = await phone.new_page()
    await log_in(page, demo_app.base, "Malee Sukjai", "/")
    await page.locator("button.tile-open", has_text="นัดหมายโรงพยาบาล").first.click()
    warning = page.locator(".leaving")
    await expect(warning.locator("h1")).to_have_text("คุณกำลังจะออกจากแอปทางรัฐ")
    await expect(warning).to_contain_text("สำนักงานหลักประกันสุขภาพสาธิต")
    await expect(warning.locator(".leaving-host")).to_have_text("hospital.example.go.th")
    assert page.url == f"{demo_app.base}/"  # nothing left yet
    await shot(page, "95-leaving-tile-warning-th")
    await warning.locator("button", has_text="กลับ").click()
    await expect(page.locator("button.tile-open", has_text="นัดหมายโรงพยาบาล").first).to_be_visible()

    # An entitlement's link to the scheme's page (from the agency's connector) is named the same way.
    await page.goto(f"{demo_app.base}/entitlements")
    card = page.locator(".card", has_text="เงินอุดหนุนเพื่อการเลี้ยงดูเด็กแรกเกิด")
    await card.locator("button", has_text="↗").click()
    await expect(card.locator(".leaving-host")).to_have_text("csg.dcy.go.th")
    await expect(card.locator(".leaving h2")).to_be_focused()
    await shot(page, "97-leaving-entitlement-th")
    await card.locator(".leaving button", has_text="กลับ").click()
    await expect(card.locator(".leaving")).to_have_count(0)

    await page.goto(f"{demo_app.base}/leave/{'A' * 40}.{'B' * 22}")  # the shape of one, signed by no one
    await expect(page.locator("h1")).to_have_text("ลิงก์นี้ไม่ได้มาจากแอปทางรัฐ")
    await expect(page.locator(".verdict.bad")).to_contain_text("อย่าเปิดต่อ")
    assert await page.locator(".leaving-actions a").count() == 0  # nowhere to continue to
    await shot(page, "96-leaving-unsigned-th")
