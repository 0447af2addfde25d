"""The sender registry on a 360 px phone in Thai (issue 21 item 4): beside a genuine code, the check page
lists the sending agency's official channels from the public register (the demo's approved entries), and
opens the whole register; an agency's administrator adds a name in the console and it is published once a
platform admin approves it. Screenshots 94 and 95 in ``tests/e2e/screenshots/``, checked by axe-core."""

from __future__ import annotations

from playwright.async_api import BrowserContext, expect

from backend.demo.people import DEMO_PEOPLE_BY_KEY
from tests.helpers.genuine import agency_system, register_sms
from tests.helpers.pwa import PHONE, DemoApp, log_in, require_pwa_build, shot

require_pwa_build()


async def test_the_check_page_shows_the_agencys_official_channels_for_a_genuine_code_in_thai(
    demo_app: DemoApp, phone: BrowserContext
) -> None:
    system, agency_id = await agency_system(demo_app, "demo-welfare")
    try:
        made = await register_sms(
            system, agency_id, DEMO_PEOPLE_BY_KEY["malee"].national_id, "กรมสวัสดิการสาธิต: บัตรของท่านพร้อมรับแล้ว"
        )
    finally:
        await system.aclose()
    page = await phone.new_page()  # nobody logged in
    await page.goto(f"{demo_app.base}/verify-message?code={made['code']}")
    await expect(page.locator(".verdict.good")).to_have_text("✓ ข้อความนี้มาจากรัฐจริง")
    official = page.locator(".official")
    await expect(official.locator("h2")).to_have_text("ช่องทางทางการของหน่วยงาน")
    channels = official.locator(".official-channels")
    await expect(channels.locator("dt", has_text="ชื่อผู้ส่ง SMS")).to_have_count(1)
    await expect(channels).to_contain_text("DemoWelfare")
    await expect(channels).to_contain_text("welfare.demo.invalid")
    await expect(channels).to_contain_text("สายด่วน 24 ชั่วโมง")
    await expect(channels).not_to_contain_text("DemoWater")  # another agency's name is not this one's
    await shot(page, "94-verify-official-channels-th")

    await official.get_by_role("link", name="ดูทะเบียนช่องทางทางการของทุกหน่วยงาน").click()
    register = page.locator("#register")
    await expect(register.locator("h3", has_text="การประปาสาธิต")).to_be_visible()
    await expect(register).to_contain_text("DemoWater")
    await expect(register.get_by_role("link", name="CSV")).to_have_attribute(
        "href", "/api/v1/open/senders.csv"
    )


async def test_an_agency_admin_adds_an_sms_name_in_the_console_and_it_is_published_once_approved(
    demo_app: DemoApp, browser_context: BrowserContext
) -> None:
    page = await browser_context.new_page()
    await page.set_viewport_size(PHONE)
    await log_in(page, demo_app.base, "Kanda Phudulae", "/console")
    await page.click(".segmented button:text-is('ช่องทางทางการ')")
    await expect(page.locator(".senders")).to_contain_text("DemoWelfare")  # the demo's approved one
    await page.get_by_label("ชื่อหรือหมายเลข").fill("Welfare-Too-Long")
    await page.click("button:text-is('เพิ่ม')")
    await expect(page.locator(".field-error")).to_be_visible()  # longer than an SMS sender name can be
    await page.get_by_label("ชื่อหรือหมายเลข").fill("WelfareNews")
    await page.get_by_label("หมายเหตุ (ภาษาไทย)").fill("ข่าวสวัสดิการ")
    await page.click("button:text-is('เพิ่ม')")
    card = page.locator(".senders .card", has_text="WelfareNews")
    await expect(card.locator(".status")).to_have_text("รอผู้ดูแลแพลตฟอร์มตรวจ")
    await shot(page, "95-console-official-channels-th")

    admin = await browser_context.new_page()
    await admin.set_viewport_size(PHONE)
    await log_in(admin, demo_app.base, "Anan Dulaerabop", "/console")
    waiting = admin.locator("li", has=admin.locator("h4", has_text="WelfareNews"))
    await expect(waiting).to_contain_text("กรมสวัสดิการสาธิต")
    await waiting.get_by_role("button", name="อนุมัติและเผยแพร่").click()
    await expect(waiting).to_have_count(0)
    published = await admin.request.get(f"{demo_app.base}/api/v1/open/senders")
    assert {"WelfareNews", "DemoWelfare"} <= {entry["value"] for entry in await published.json()}
