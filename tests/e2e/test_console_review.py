"""The platform admin's console on a 360-pixel phone, in Thai, against `citizen run` in demo mode: the
demo data leaves Anan work on the first run (an agency asking to join, a tile change and a new
connector waiting for review); he reads what each would put in front of citizens, returns the tile
with a comment written in a form, approves the connector (only then do citizens' entitlements ask it),
approves the agency and gives it a biller ID, and finds people by name with their roles in words.
Then he grants Boonmee the support role and revokes it again through the question the page asks.
Screenshots are numbered from 60 (and 69) in ``tests/e2e/screenshots/``, each checked by axe-core."""

from __future__ import annotations

from playwright.async_api import BrowserContext, Page

from tests.helpers.console import api
from tests.helpers.pwa import PHONE, DemoApp, fits, log_in, require_pwa_build, shot

require_pwa_build()

RAW_CODES = ("platform_admin", "agency_editor", "agency_admin", "pending", "approved", "api_key", "none")


async def _support_staff(page: Page) -> list[str]:
    grants = await api(page, "GET", "/api/v1/admin/role-grants")
    return sorted(grant["name_en"] for grant in grants if grant["role"] == "support")


async def _no_raw_codes(page: Page) -> None:
    text = await page.inner_text("main")
    shown = [code for code in RAW_CODES if f" {code} " in f" {text} " or f"({code})" in text]
    assert shown == [], shown


async def test_a_platform_admin_reviews_tiles_and_connectors_and_runs_agencies_and_roles_on_a_phone(  # noqa: PLR0915 (one journey, in order)
    demo_app: DemoApp, browser_context: BrowserContext
) -> None:
    base = demo_app.base
    page = await browser_context.new_page()
    await page.set_viewport_size(PHONE)
    await log_in(page, base, "Anan Dulaerabop", "/console")
    await page.wait_for_selector("h1:has-text('คอนโซลเจ้าหน้าที่')")

    # The tile change the demo editor sent: agency, submitter, kind, where it sends people, what changed.
    tile = page.locator("li.review-item", has=page.locator("h4:has-text('ลงทะเบียนออนไลน์')"))
    await tile.locator("dd:has-text('กรมสวัสดิการสาธิต')").wait_for()  # agencies' names load beside
    said = await tile.inner_text()
    for words in ("กรมสวัสดิการสาธิต", "นิรันดร์ เขียนดี", "ลิงก์ไปยังบริการ", "สิ่งที่เปลี่ยนจากฉบับที่เผยแพร่"):
        assert words in said, words
    assert await tile.locator("mark").first.inner_text() == "welfare.demo.invalid"
    assert "เบี้ยยังชีพผู้สูงอายุ" in await tile.locator("del").first.inner_text()  # the published title
    changed = await tile.locator("tbody th").all_inner_texts()  # each change named in words
    assert changed[:2] == ["ชื่อ (ไทย)", "ชื่อ (อังกฤษ)"], changed
    assert "ปลายทาง" in changed
    await tile.locator("button:has-text('ส่งกลับพร้อมความเห็น')").click()
    await tile.locator("button[type=submit]:has-text('ส่งกลับ')").click()
    await tile.locator(".field-error:has-text('โปรดเขียนความเห็นถึงหน่วยงาน')").wait_for()
    await fits(page, "the review console")
    await shot(page, "60-admin-tile-return-needs-a-comment")
    await tile.locator("textarea").fill("โปรดใช้ลิงก์ของเว็บไซต์กรมที่เป็น .go.th")
    await tile.locator("button[type=submit]:has-text('ส่งกลับ')").click()
    await page.wait_for_selector("[role=status]:has-text('ส่งกลับให้หน่วยงานแล้ว')")
    await tile.wait_for(state="detached")
    assert await api(page, "GET", "/api/v1/admin/tile-reviews") == []

    # The connector: where citizens' national IDs would go, how, why, what comes back, consent.
    connector = page.locator("li.review-item", has=page.locator("h4:has-text('ตรวจสิทธิรักษาพยาบาล')"))
    said = await connector.inner_text()
    for words in (
        "ตัวเชื่อมต่อใหม่",
        "กานดา ผู้ดูแล",
        "ไม่มีการยืนยันตัวตน",
        "ตรวจสิทธิรักษาพยาบาลของท่านเพื่อประกอบการพิจารณาเบี้ยยังชีพ",
        "สิทธิการรักษา",
        "ต้องได้รับความยินยอม มีผล 180 วัน",
    ):
        assert words in said, words
    agencies_host = demo_app.agencies.removeprefix("http://")
    assert await connector.locator("mark").first.inner_text() == agencies_host
    await _no_raw_codes(page)
    await fits(page, "the review console")
    await shot(page, "61-admin-connector-review")
    await connector.locator("button:has-text('อนุมัติให้ใช้งาน')").click()
    await page.wait_for_selector("h3:has-text('ตัวเชื่อมต่อที่รอตรวจ') + p:has-text('ไม่มี')")
    assert await api(page, "GET", "/api/v1/admin/connector-reviews") == []

    # The agency asking to join, found by name; approved, then given a biller ID (checked beside the field).
    await page.fill("label:has-text('ค้นหาหน่วยงาน') input", "ที่ดิน")
    lands = page.locator("li.review-item", has=page.locator("strong:has-text('กรมที่ดินสาธิต')"))
    assert "รออนุมัติ" in await lands.inner_text()
    await lands.locator("button:has-text('อนุมัติ')").click()
    await page.select_option("label:has-text('สถานะหน่วยงาน') select", "approved")
    await lands.locator("label:has-text('Biller ID') input").fill("12345")
    await lands.locator("button:has-text('กำหนด Biller ID')").click()
    await lands.locator(".field-error:has-text('รูปแบบไม่ถูกต้อง')").wait_for()
    await fits(page, "the review console")
    await shot(page, "62-admin-biller-id-refused-beside-the-field")
    await lands.locator("label:has-text('Biller ID') input").fill("0994000999001")
    await lands.locator("button:has-text('กำหนด Biller ID')").click()
    await page.wait_for_selector("[role=status]:has-text('0994000999001')")

    # People by name, their roles in words.
    await page.fill("label:has-text('ค้นหาผู้มีบทบาท') input", "ศิริ")
    roles = page.locator("table:has(th:has-text('บทบาท')) tbody tr")
    await roles.first.wait_for()
    assert await roles.count() == 1
    assert "เจ้าหน้าที่ช่วยเหลือประชาชน" in await roles.first.inner_text()
    await page.fill("label:has-text('ค้นหาผู้มีบทบาท') input", "")
    await page.locator("label:has-text('บทบาท') select").first.select_option("platform_admin")
    assert "ผู้ดูแลแพลตฟอร์ม" in await roles.first.inner_text()
    grant = page.locator("form[aria-labelledby=grant-title]")
    await grant.locator("label:has-text('บทบาท') select").select_option("support")
    await grant.locator("label:has-text('เลขประจำตัวประชาชน') input").fill("12345")
    await grant.locator("label:has-text('เหตุผล') input").fill("เข้าทีมช่วยเหลือประชาชน")
    await grant.locator("button[type=submit]").click()
    national_id = grant.locator("label:has-text('เลขประจำตัวประชาชน')")
    await national_id.locator(".field-error:has-text('รูปแบบไม่ถูกต้อง')").wait_for()  # beside the field
    await _no_raw_codes(page)
    await fits(page, "the review console")
    await shot(page, "63-admin-roles-in-words")


async def test_a_platform_admin_grants_a_role_then_revokes_it_after_confirming_on_a_phone(
    demo_app: DemoApp, browser_context: BrowserContext
) -> None:
    page = await browser_context.new_page()
    await page.set_viewport_size(PHONE)
    await log_in(page, demo_app.base, "Anan Dulaerabop", "/console")
    grant = page.locator("form[aria-labelledby=grant-title]")
    await grant.locator("label:has-text('บทบาท') select").select_option("support")
    await grant.locator("label:has-text('เลขประจำตัวประชาชน') input").fill("3700500123452")  # Boonmee
    await grant.locator("label:has-text('เหตุผล') input").fill("ช่วยงานศูนย์บริการชั่วคราว")
    await grant.locator("button[type=submit]").click()
    await page.locator("[role=status]:text-is('มอบบทบาทแล้ว')").wait_for()
    assert await grant.locator(".field-error").count() == 0

    await page.fill("label:has-text('ค้นหาผู้มีบทบาท') input", "บุญมี")
    row = page.locator("table:has(th:has-text('บทบาท')) tbody tr", has_text="บุญมี พอเพียง")
    await row.wait_for()
    said = await row.inner_text()
    assert "เจ้าหน้าที่ช่วยเหลือประชาชน" in said
    assert "ช่วยงานศูนย์บริการชั่วคราว" in said
    assert await _support_staff(page) == ["Boonmee Phophiang", "Siri Chuailuea"]

    # Revoking asks first, in the page, naming whom and what; going back leaves the role.
    await row.locator("button:has-text('เพิกถอน')").click()
    question = row.locator("[role=alertdialog]")
    assert "เพิกถอนบทบาทนี้ใช่ไหม (บุญมี พอเพียง, เจ้าหน้าที่ช่วยเหลือประชาชน)" in await question.inner_text()
    await _no_raw_codes(page)
    await fits(page, "the review console")
    await shot(page, "69-admin-revoke-role-confirmation")
    await question.locator("button:has-text('ไม่ใช่ กลับไป')").click()
    await question.wait_for(state="detached")
    assert await _support_staff(page) == ["Boonmee Phophiang", "Siri Chuailuea"]
    await row.locator("button:has-text('เพิกถอน')").click()
    await row.locator("button:has-text('ใช่ เพิกถอน')").click()
    await page.locator("[role=status]:text-is('เพิกถอนแล้ว')").wait_for()
    await row.wait_for(state="detached")
    assert await _support_staff(page) == ["Siri Chuailuea"]
