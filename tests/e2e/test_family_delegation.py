"""Issue 22 item 2 on a small phone in Thai (360 px), in headless Chromium against a `citizen run` of its
own (demo mode, with the demo civil registry): Malee adds her son Phum, who is 7 and has never logged in,
by his national ID and birth date (a wrong year is refused in words, not "not your child"); the registry
confirms it and she acts for him at once, reading his entitlements with the banner naming him.
Screenshots land in ``tests/e2e/screenshots/``."""

from __future__ import annotations

from playwright.async_api import BrowserContext, Page, expect

from backend.demo.people import DEMO_FAMILIES
from tests.helpers.pwa import DemoApp, fits, log_in, require_pwa_build, shot

require_pwa_build()

WAIT = 20_000
PHUM = next(family for family in DEMO_FAMILIES if family.adult == "malee")


async def _fill_child(page: Page, year_be: str) -> None:
    _, month, day = PHUM.child_birthdate.split("-")
    await page.fill("input[name=child_national_id]", PHUM.child_national_id)
    await page.fill("input[name=child_day]", str(int(day)))
    await page.select_option("select[name=child_month]", str(int(month)))
    await page.fill("input[name=child_year]", year_be)
    await page.click("form.family button[type=submit]")


async def test_malee_adds_her_son_under_15_and_reads_his_entitlements_for_him(
    demo_app: DemoApp, phone: BrowserContext
) -> None:
    base = demo_app.base
    malee = await phone.new_page()
    await log_in(malee, base, "Malee Sukjai", "/settings")
    form = malee.locator("form.family")
    await expect(form).to_be_visible(timeout=WAIT)
    await form.scroll_into_view_if_needed()
    await fits(malee, "the family form")
    await shot(malee, "f1-family-form-th")

    # A wrong year: the registry does not confirm it, and the words say what to check.
    await _fill_child(malee, str(int(PHUM.child_birthdate[:4]) + 543 + 1))
    refused = form.locator(".notice.error")
    await expect(refused).to_contain_text("ทะเบียนไม่ยืนยันความสัมพันธ์นี้", timeout=WAIT)
    await refused.scroll_into_view_if_needed()
    await fits(malee, "the refusal")
    await shot(malee, "f2-family-not-confirmed-th")

    # The right birth date (Buddhist era): confirmed, active at once, with no acceptance.
    await _fill_child(malee, str(int(PHUM.child_birthdate[:4]) + 543))
    section = malee.locator("section.delegations")
    await expect(section.get_by_role("status")).to_contain_text(
        f"ทะเบียนยืนยันแล้ว คุณทำแทน {PHUM.child_name_th} ได้ตั้งแต่วันนี้", timeout=WAIT
    )
    son = section.locator("li.delegation", has_text=PHUM.child_name_th)
    await expect(son).to_contain_text("ใช้งานอยู่")
    await expect(son).to_contain_text("บิดาหรือมารดา (บุตรอายุต่ำกว่า 15 ปี)")
    assert "25" in await son.inner_text(), "the last day in the Buddhist era"
    await son.scroll_into_view_if_needed()
    await fits(malee, "the confirmed grant")
    await shot(malee, "f3-family-confirmed-th")

    await son.get_by_role("button", name=f"ทำแทน {PHUM.child_name_th}").click()
    banner = malee.locator(".acting-banner")
    await expect(banner).to_contain_text(f"คุณกำลังทำแทน {PHUM.child_name_th}", timeout=WAIT)
    await malee.goto(f"{base}/entitlements")
    await expect(banner).to_be_visible(timeout=WAIT)
    await expect(malee.locator("main")).to_contain_text("หลักประกันสุขภาพถ้วนหน้า", timeout=WAIT)
    await fits(malee, "his entitlements, acting for him")
    await shot(malee, "f4-acting-for-her-son-entitlements-th")

    # His "who accessed my data" is his own; hers records that the registry was asked about him.
    await malee.locator(".acting-banner button, .acting-banner a").first.click()
    await expect(banner).to_have_count(0, timeout=WAIT)
    await malee.goto(f"{base}/data-access")
    await expect(malee.locator("ol.access")).to_contain_text(
        f"ยืนยันว่าคุณเป็นบิดาหรือมารดาของ {PHUM.child_name_th}", timeout=WAIT
    )
    await shot(malee, "f5-her-data-access-th")
