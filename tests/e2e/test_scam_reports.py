"""Scam reports on a 360 px phone in Thai (issue 21 item 5): Malee pastes a fake SMS on the check page
and reports it with a screenshot; Siri (support) opens the link's group in the console and marks it a
scam with a warning; the warning is on Malee's home screen, the check page calls the same SMS a known
scam, and her report shows the outcome. Screenshots in ``tests/e2e/screenshots/`` (96-99, 55), each
checked by axe-core."""

from __future__ import annotations

import io

from PIL import Image
from playwright.async_api import BrowserContext, FilePayload, Page, expect

from tests.helpers.pwa import DemoApp, log_in, require_pwa_build, shot

require_pwa_build()

FAKE = "กรมบัญชีกลาง: ท่านมีสิทธิรับเงินคืนภาษี 3,200 บาท ยืนยันตัวตนภายในวันนี้ที่ https://tax-refund-th.example/claim"
TITLE_TH = "ระวัง SMS ปลอมอ้างเงินคืนภาษี"


def _screenshot() -> FilePayload:
    buffer = io.BytesIO()
    Image.new("RGB", (90, 160), "#dfe6ee").save(buffer, format="PNG")
    return {"name": "sms.png", "mimeType": "image/png", "buffer": buffer.getvalue()}


async def test_a_reported_link_marked_as_a_scam_warns_every_citizen_in_thai(
    demo_app: DemoApp, phone: BrowserContext
) -> None:
    page = await phone.new_page()
    await log_in(page, demo_app.base, "Malee Sukjai", "/")
    await page.goto(f"{demo_app.base}/verify-message")
    await page.fill("#message-text", FAKE)
    await page.click("button:has-text('ตรวจสอบ')")
    await expect(page.locator(".verdict.bad")).to_have_text("✕ ไม่พบรหัสตรวจสอบในข้อความนี้")
    await page.click("button:has-text('แจ้งว่าเป็นข้อความหลอกลวง')")
    form = page.locator("form.scam-report")
    await expect(form.locator("textarea")).to_have_value(FAKE)  # what she pasted, ready to send
    await expect(form).to_contain_text("tax-refund-th.example/claim จากข้อความ")
    await form.locator("label:has-text('ผู้ส่ง') input").fill("TaxRefund")
    await form.locator("input[type=file]").set_input_files(files=_screenshot())
    await shot(page, "96-scam-report-form-th")
    await form.locator("button:has-text('ส่งรายงาน')").click()
    thanks = page.locator(".scam-thanks")
    await expect(thanks).to_contain_text("ขอบคุณที่แจ้ง เราได้รับรายงานของคุณแล้ว")
    await expect(thanks).to_contain_text("รายงานของฉัน")
    await expect(page.locator(".my-scam-reports")).to_contain_text("รอเจ้าหน้าที่ตรวจสอบ")

    await _mark_as_scam(page, demo_app.base)

    # Malee's app: the warning on the home screen, the same SMS a known scam, her report's outcome.
    await log_in(page, demo_app.base, "Malee Sukjai", "/")
    banner = page.locator(".scam-banner")
    await expect(banner).to_contain_text(TITLE_TH)
    await expect(banner).to_contain_text("tax-refund-th.example")
    await shot(page, "98-home-scam-warning-th")
    await banner.locator("a").click()
    await page.fill("#message-text", FAKE)
    await page.click("button:has-text('ตรวจสอบ')")
    await expect(page.locator(".known-scam .verdict.bad")).to_have_text("✕ ข้อความนี้เป็นมิจฉาชีพที่รู้จักแล้ว")
    await expect(page.locator(".known-scam")).to_contain_text(TITLE_TH)
    await expect(page.locator(".my-scam-reports")).to_contain_text("เป็นมิจฉาชีพ ประกาศเตือนแล้ว")
    await expect(page.locator("#scam-warnings")).to_contain_text(TITLE_TH)
    await shot(page, "99-verify-message-known-scam-th")

    # The administration's counts: today's report and the warning.
    await log_in(page, demo_app.base, "Anan Dulaerabop", "/console")
    await page.click("button:has-text('ผู้ดูแลระบบ')")
    stats = page.locator(".scam-stats")
    await expect(stats).to_contain_text("ประกาศเตือนที่ใช้อยู่ 1")
    await stats.scroll_into_view_if_needed()
    await shot(page, "55-console-scam-stats-th")


async def _mark_as_scam(page: Page, base: str) -> None:
    """Support staff: the link's group, its report with the screenshot, marked as a scam with a warning."""
    await log_in(page, base, "Siri Chuailuea", "/console")
    await page.click("button:has-text('รายงานมิจฉาชีพ')")
    group = page.locator(".card", has=page.locator("h3 code", has_text="tax-refund-th.example"))
    await expect(group).to_contain_text("1 รายงาน · มีภาพ 1")
    await group.locator("button:has-text('เปิดอ่านและตัดสิน')").click()
    await expect(group.locator(".sent-text")).to_have_text(FAKE)
    await expect(group.locator("img.scam-screenshot")).to_have_js_property("naturalWidth", 90)
    triage = group.locator("form.scam-triage")
    await triage.locator("label:has-text('หัวข้อคำเตือน (ไทย)') input").fill(TITLE_TH)
    await triage.locator("label:has-text('หัวข้อคำเตือน (อังกฤษ)') input").fill("Fake tax-refund SMS")
    await triage.locator("label:has-text('คำเตือน (ไทย)') textarea").fill(
        "กรมบัญชีกลางไม่ส่งลิงก์ให้ยืนยันตัวตนทาง SMS อย่ากดลิงก์ tax-refund-th.example และอย่ากรอกข้อมูลใด ๆ"
    )
    await triage.locator("label:has-text('คำเตือน (อังกฤษ)') textarea").fill(
        "The Comptroller General's Department never sends links to verify yourself by SMS. Do not open it."
    )
    await shot(page, "97-console-scam-group-th")
    await triage.locator("button:has-text('ประกาศเตือน')").click()
    await expect(page.get_by_role("status").filter(has_text="ประกาศเตือนแล้ว")).to_have_text(
        "ประกาศเตือนแล้ว ประชาชนทุกคนเห็นในแอป"
    )
    await expect(group).to_have_count(0)  # decided: out of the queue (the demo's own reports stay)
    await expect(page.locator("#scam-warnings-staff-title + .cards")).to_contain_text(TITLE_TH)
