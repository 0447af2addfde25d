"""Support staff on a 360-pixel phone, in Thai, against `citizen run` in demo mode: Malee (no phone
registered) gets a message from the demo welfare department and starts paying her bill; Siri finds her
and reads the message's title in Thai, its status and why in words ("in the app's inbox only", not a
failure code), the payment as a timeline in words, and sends the message again through a form that
asks why. Screenshots are numbered from 65 in ``tests/e2e/screenshots/``, each checked by axe-core."""

from __future__ import annotations

import uuid

from playwright.async_api import BrowserContext

from tests.helpers.console import api
from tests.helpers.pwa import PHONE, DemoApp, log_in, require_pwa_build, shot

require_pwa_build()

MALEE = "1100700945129"
RAW = ("permanent-failure", "unpaid", "pending", "created", "no devices", "QR shown", "(citizen)", "(system)")


async def test_support_reads_a_citizens_message_and_payment_in_thai_and_sends_again_with_a_note(
    demo_app: DemoApp, browser_context: BrowserContext
) -> None:
    base = demo_app.base
    page = await browser_context.new_page()
    await page.set_viewport_size(PHONE)
    await log_in(page, base, "Malee Sukjai", "/bills")
    [bill, *_] = [row for row in await api(page, "GET", "/api/v1/bills") if row["status"] == "unpaid"]
    await api(page, "POST", f"/api/v1/bills/{bill['id']}/payments", {"idempotency_key": uuid.uuid4().hex})

    await log_in(page, base, "Pim Songkhao", "/console")
    [role] = [row for row in (await api(page, "GET", "/api/v1/me"))["roles"] if row["agency_id"] is not None]
    message = {
        "national_id": MALEE,
        "template": "welfare-card-renewal",
        "idempotency_key": uuid.uuid4().hex,
        "agency_id": role["agency_id"],
    }
    await api(page, "POST", "/api/v1/agency/notifications", message)

    await log_in(page, base, "Siri Chuailuea", "/console")
    await page.fill("label:has-text('เลขประจำตัวประชาชน') input", MALEE)
    await page.click("form >> button:has-text('ค้นหา')")
    title = "ถึงเวลาต่ออายุบัตรสวัสดิการแห่งรัฐ"  # the seeded template's Thai title
    found = page.locator("ul[aria-label='ข้อความ'] li", has=page.locator(f"strong:has-text('{title}')"))
    await found.wait_for()
    await page.wait_for_function(  # the worker settles it: no phone, so the inbox only
        """async () => {
            const me = await (await fetch('/api/v1/me')).json();
            const r = await fetch('/api/v1/support/notifications/search', {method: 'POST',
                headers: {'X-CSRF-Token': me.csrf_token, 'Content-Type': 'application/json'},
                body: JSON.stringify({national_id: '1100700945129'})});
            return (await r.json()).some(m => m.status === 'permanent-failure');
        }""",
        timeout=30000,
    )
    await page.click("button:has-text('แสดงอุปกรณ์และการส่งแต่ละครั้ง')")
    card = page.locator("article.card", has=page.locator(f"h5:has-text('{title}')"))
    await card.wait_for()
    said = await card.inner_text()
    assert "กรมสวัสดิการสาธิต" in said
    assert "ไม่มีอุปกรณ์: ข้อความอยู่ในกล่องข้อความในแอปเท่านั้น" in said

    # Sending again asks why, in a form: an empty note is refused beside the field.
    await card.locator("button:has-text('ส่งอีกครั้ง')").click()
    await card.locator("form button[type=submit]").click()
    await card.locator(".field-error:has-text('โปรดเขียนเหตุผล')").wait_for()
    await shot(page, "65-support-message-in-thai-resend-needs-a-note")
    await card.locator("textarea").fill("ประชาชนโทรมาแจ้งว่าไม่ได้รับข้อความ")
    await card.locator("form button[type=submit]").click()
    # Malee has no phone: nothing to push to, said so in Thai (her inbox already has it).
    refusal = "ประชาชนไม่มีอุปกรณ์ที่จะส่งไปได้ ข้อความอยู่ในกล่องข้อความในแอปแล้ว"
    await page.wait_for_selector(f"[role=status]:text-is('{refusal}')")

    await page.click("button:has-text('แสดงบิลและการชำระ')")
    payments = page.locator("section[aria-labelledby=payments-title]")
    timeline = payments.locator("ol[aria-label='ลำดับเหตุการณ์การชำระ']").first
    await timeline.wait_for()
    said = await timeline.inner_text()
    for words in ("สร้าง QR แล้ว", "รอธนาคารยืนยัน", "แสดง QR ให้ประชาชนแล้ว", "โดย ประชาชน", "โดย ระบบ"):
        assert words in said, words
    assert "ยังไม่ชำระ" in await payments.inner_text()
    text = await page.inner_text("main")
    assert [raw for raw in RAW if raw in text] == []
    overflow = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, overflow
    await shot(page, "66-support-payment-timeline-in-thai")
