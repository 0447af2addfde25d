"""Issue 22 items 1 and 3 on two small phones in Thai (360 px), in headless Chromium against a
`citizen run` of its own (demo mode): Somchai asks his daughter Suda (by her national ID) to see and pay
his bills and read his messages for three months; Suda accepts in her own app, switches to acting for
him (a banner in another colour, only his bills and inbox on the menus), pays his water bill at the
bank and reads his messages; Somchai's inbox tells him, from "ทางรัฐ" (the platform), that she
accepted and started paying, and his receipt says "สุดา ใจดี ชำระแทนคุณ"; he sees each of her steps in
"who accessed my data", named, never as "you"; he ends it and her next request is refused.
Screenshots land in ``tests/e2e/screenshots/``."""

from __future__ import annotations

from playwright.async_api import Page, expect

from backend.demo.people import DEMO_PEOPLE_BY_KEY
from tests.helpers.pwa import (
    DemoApp,
    Phones,
    fits,
    log_in,
    pay_at_the_demo_bank,
    receipt_in_inbox,
    require_pwa_build,
    shot,
)

require_pwa_build()

WAIT = 20_000


async def _phone(phones: Phones, base: str, person: str) -> Page:
    """A phone of the person's own, in Thai, logged in and on the settings screen."""
    page = await (await phones()).new_page()
    await log_in(page, base, person, "/settings")
    await page.locator("#delegation-title").wait_for(timeout=WAIT)
    return page


async def _he_asks_her(somchai: Page) -> None:
    section = somchai.locator("section.delegations")
    await expect(section.locator("form.invite")).to_be_visible(timeout=WAIT)
    assert "ยังไม่มี" in await section.inner_text()
    await somchai.fill("input[name=national_id]", DEMO_PEOPLE_BY_KEY["suda"].national_id)
    await somchai.check("label:has-text('ดูและชำระบิลของฉัน') input")
    await somchai.check("label:has-text('อ่านข้อความของฉัน') input")
    await somchai.check("label:has-text('3 เดือน') input")
    await somchai.fill("input[name=reason]", "ลูกสาวช่วยจ่ายค่าน้ำ")
    await somchai.click("form.invite button[type=submit]")
    await expect(section.get_by_role("status")).to_contain_text("ส่งคำขอให้ สุดา ใจดี แล้ว", timeout=WAIT)
    given = section.locator("li.delegation").first
    await expect(given).to_contain_text("รอตอบรับ")
    assert "ดูและชำระบิลของฉัน, อ่านข้อความของฉัน" in await given.inner_text()
    assert "25" in await given.inner_text(), "the end date in the Buddhist era (25xx)"
    await given.scroll_into_view_if_needed()
    await fits(somchai, "the delegation section")
    await shot(somchai, "d1-delegation-asked-th")


async def _she_accepts_and_acts_for_him(suda: Page, base: str) -> None:
    # Suda answers in her own app.
    await suda.reload()
    invitation = suda.locator("section.delegations li.delegation").first
    await expect(invitation).to_contain_text("สมชาย ใจดี", timeout=WAIT)
    assert "คุณทำแทนเขาได้ในเรื่อง" in await invitation.inner_text()
    await invitation.get_by_role("button", name="ตอบรับ").click()
    await expect(invitation).to_contain_text("ใช้งานอยู่", timeout=WAIT)
    await invitation.scroll_into_view_if_needed()
    await shot(suda, "d2-delegation-accepted-by-the-daughter-th")

    # Acting for him: a banner names him on every screen, the menus offer only what he granted.
    await invitation.get_by_role("button", name="ทำแทน สมชาย ใจดี").click()
    banner = suda.locator(".acting-banner")
    await expect(banner).to_contain_text("คุณกำลังทำแทน สมชาย ใจดี", timeout=WAIT)
    bar = await suda.locator("nav.bottom .bar").inner_text()
    assert "บิล" in bar
    assert "สิทธิ์ของฉัน" not in bar, "entitlements were not granted"
    await suda.goto(f"{base}/bills")
    await expect(banner).to_be_visible()
    water = suda.locator(".card:has-text('ค่าน้ำประปา')").first
    await expect(water).to_be_visible(timeout=WAIT)
    await fits(suda, "his bills, acting for him")
    await shot(suda, "d3-acting-for-her-father-bills-th")
    await water.locator("button:has-text('ชำระด้วย QR')").click()
    payload = await suda.locator(".payload").text_content() or ""
    await pay_at_the_demo_bank(suda.context, base, payload)
    await suda.wait_for_selector(".paid", timeout=WAIT)
    await suda.goto(f"{base}/inbox")
    receipt = await receipt_in_inbox(suda)
    assert await suda.get_by_role("button", name="ลบ").count() == 0, "his messages are read, not deleted"
    await receipt.get_by_role("button", name="ทำเครื่องหมายว่าอ่านแล้ว").click()
    await expect(receipt.get_by_role("button", name="ทำเครื่องหมายว่าอ่านแล้ว")).to_have_count(0)
    await shot(suda, "d4-acting-for-her-father-inbox-th")


async def _his_inbox_tells_him_what_she_did(somchai: Page, base: str) -> None:
    # The platform's own notices, in his inbox in Thai: she agreed, then she paid for him.
    await somchai.goto(f"{base}/inbox")
    paid = somchai.locator("li.message:has-text('สุดา ใจดี เริ่มชำระบิลแทนคุณ')").first
    await expect(paid).to_be_visible(timeout=WAIT)
    assert "ทางรัฐ" in await paid.inner_text(), "from the platform itself"
    await expect(somchai.locator("li.message:has-text('สุดา ใจดี ตอบรับทำแทนคุณ')")).to_have_count(1)
    # The bank's money arrived: his receipt message says who paid it for him.
    receipt = somchai.locator("li.message:has-text('ชำระเงินสำเร็จ')").first
    await expect(receipt).to_contain_text("สุดา ใจดี ชำระแทนคุณ")
    assert DEMO_PEOPLE_BY_KEY["suda"].national_id not in await somchai.content()
    await fits(somchai, "his inbox with the platform's notices")
    await shot(somchai, "d4b-his-inbox-says-she-paid-for-him-th")
    # Its code checks as genuine, from the platform itself.
    await paid.locator("a:has-text('ใครก็ตรวจสอบรหัสนี้ได้')").click()
    await expect(somchai.locator(".verdict.good")).to_have_text("✓ ข้อความนี้มาจากรัฐจริง", timeout=WAIT)
    await expect(somchai.locator(".panel.genuine")).to_contain_text("ทางรัฐ")
    await expect(somchai.locator("section.official")).to_contain_text("ในกล่องข้อความของแอปนี้เท่านั้น")
    await fits(somchai, "the check page of the platform's notice")
    await shot(somchai, "d4c-the-platforms-notice-is-genuine-th")


async def _his_record_names_her_for_each_step(somchai: Page, base: str) -> None:
    # Somchai's "who accessed my data": her steps are hers, named; his own step is his.
    await somchai.goto(f"{base}/data-access")
    entries = somchai.locator("ol.access > li")
    await expect(entries.first).to_contain_text("สุดา ใจดี (ผู้ทำแทนคุณ)", timeout=WAIT)
    texts = await entries.all_inner_texts()
    hers = [text for text in texts if "สุดา ใจดี (ผู้ทำแทนคุณ)" in text]
    for done in ("ตอบรับทำแทนคุณ", "ดูบิลของคุณ", "เริ่มชำระบิลแทนคุณ", "อ่านกล่องข้อความของคุณ", "เปิดอ่านข้อความของคุณ"):
        assert any(done in text for text in hers), (done, texts)
    assert not any("(คุณ)" in text for text in hers), "someone else's step is never 'you'"
    asked = next(text for text in texts if "คุณขอให้ สุดา ใจดี ทำแทนคุณ" in text)
    assert "(คุณ)" in asked
    assert "เหตุผล: ลูกสาวช่วยจ่ายค่าน้ำ" in asked
    await fits(somchai, "who accessed my data")
    await shot(somchai, "d5-data-access-names-the-daughter-th")


async def _support_sees_who_acts_for_him_masked(phones: Phones, base: str) -> None:
    """Siri at the support desk, helping Somchai: his daughter, named, her national ID masked."""
    context = await phones()
    page = await context.new_page()
    await log_in(page, base, "Siri Chuailuea", "/console")
    await page.fill("label:has-text('เลขประจำตัวประชาชน') input", DEMO_PEOPLE_BY_KEY["somchai"].national_id)
    await page.click("form >> button[type=submit]")
    await page.click("button:has-text('แสดงผู้ทำแทน')")
    shown = page.locator("section[aria-labelledby=delegations-title]")
    await expect(shown).to_contain_text("ทำแทนประชาชนคนนี้: สุดา ใจดี (x-xxxx-xxxxx-24-9)", timeout=WAIT)
    assert DEMO_PEOPLE_BY_KEY["suda"].national_id not in await page.content()
    await shot(page, "d6-support-sees-who-acts-for-him-th")
    await context.close()


async def test_somchai_asks_his_daughter_to_act_for_him_she_accepts_and_he_ends_it(
    demo_app: DemoApp, phones: Phones
) -> None:
    base = demo_app.base
    suda = await _phone(phones, base, "Suda Jaidee")  # she has logged in once: he can find her
    somchai = await _phone(phones, base, "Somchai Jaidee")
    await _he_asks_her(somchai)
    await _she_accepts_and_acts_for_him(suda, base)
    await _his_inbox_tells_him_what_she_did(somchai, base)
    await _his_record_names_her_for_each_step(somchai, base)
    await _support_sees_who_acts_for_him_masked(phones, base)

    # He ends it; from her next look it has ended.
    await somchai.goto(f"{base}/settings")
    given = somchai.locator("section.delegations li.delegation").first
    await given.get_by_role("button", name="ยกเลิกสิทธิ์").click()
    await expect(given).to_contain_text("สิ้นสุดแล้ว", timeout=WAIT)
    # Her next request for him is refused: the app says so and shows her own again.
    await suda.reload()
    ended = suda.locator(".notice.error[role=alert]", has_text="คุณไม่ได้ทำแทน สมชาย ใจดี แล้ว")
    await expect(ended).to_be_visible(timeout=WAIT)
    await suda.wait_for_url(f"{base}/", timeout=WAIT)
    await expect(suda.locator(".acting-banner")).to_have_count(0)
    await shot(suda, "d7-acting-ended-th")
    await suda.goto(f"{base}/settings")
    await expect(suda.locator("section.delegations li.delegation").first).to_contain_text(
        "สิ้นสุดแล้ว", timeout=WAIT
    )
    assert await suda.get_by_role("button", name="เลิกทำแทน").count() == 0
