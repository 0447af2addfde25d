"""The agency console as the demo welfare department's administrator (Kanda) uses it, in Thai, on a
360 px phone, in a real headless Chromium against `citizen run` in demo mode.

Tiles: a new one made from labelled lists, returned by the reviewer, edited beside the comment and sent
again; a published one changed (a new version, the published one staying) and another retired with a
reason. Bills: a bill issued (problems said beside their fields first), paid by a citizen at the demo
bank, a refund asked for and seen under refunds; an unpaid one cancelled; the list filtered and the
totals in words. Messages follow in their own test; webhooks, machine clients and connectors in
``test_console_agency_integration.py``. Screenshots are numbered from 60 in ``tests/e2e/screenshots/``,
each checked by axe-core.
"""

from __future__ import annotations

import datetime as dt

from playwright.async_api import expect

from tests.helpers.console import agency_console, api, entry, fits_beside_tables, person, shows
from tests.helpers.pwa import DemoApp, Phones, pay_at_the_demo_bank, require_pwa_build, shot

require_pwa_build()

WAIT = 30_000
MALEE = "1100700945129"  # a demo citizen (Malee Sukjai)
AUDIENCE = "label.field:has(> span:text-is('ผู้รับ')) select"  # "ผู้รับ" alone: other labels contain it


async def test_an_agency_edits_a_returned_tile_beside_the_reviewers_comment_and_retires_one_with_a_reason(  # noqa: PLR0915 (one journey, in order)
    demo_app: DemoApp, phones: Phones
) -> None:
    base = demo_app.base
    page = await agency_console(phones, base, "บริการ (ไทล์)")
    await page.click("button:text-is('สร้างไทล์ใหม่')")
    await page.get_by_label("ชื่อ (ไทย)").fill("เงินช่วยเหลือค่าเดินทางผู้สูงอายุ")
    await page.get_by_label("ชื่อ (อังกฤษ)").fill("Travel help for older people")
    # Keywords and synonyms, each in its own labelled field.
    await page.locator("label.field:has(> span:text-is('คำค้น')) textarea").fill("ค่ารถ, บัตรโดยสาร, bus fare")
    await page.locator("label.field:has(> span:text-is('ชื่อเรียกอื่น (คำพ้อง)')) textarea").fill(
        "เงินค่ารถคนแก่, senior fare"
    )
    # Icon, category, kind and life events from lists in words, not codes.
    await page.get_by_label("ไอคอน").select_option(label="🧓 ผู้สูงอายุ")
    await page.get_by_label("หมวดหมู่").select_option(label="การเดินทาง")
    await page.get_by_label("เกษียณ").check()
    await page.get_by_label("ประเภท").select_option(label="ลิงก์ไปยังเว็บไซต์ของหน่วยงาน")
    await page.get_by_label("ลิงก์ (https)").fill("https://welfare.demo.invalid/travel")
    await fits_beside_tables(page)
    await shot(page, "60-agency-new-tile-from-labelled-lists")
    await page.click("button:text-is('บันทึกและส่งตรวจ')")
    await page.wait_for_selector("text=บันทึกและส่งตรวจแล้ว")
    await shows(page, "เงินช่วยเหลือค่าเดินทางผู้สูงอายุ", "รอผู้ดูแลระบบตรวจ")

    # The platform administrator returns it with a comment.
    admin = await person(phones, base, "Anan Dulaerabop")
    agency_id = (await api(page, "GET", "/api/v1/me"))["roles"][0]["agency_id"]
    tiles = await api(page, "GET", f"/api/v1/agency/{agency_id}/tiles")
    [tile] = [t for t in tiles if t["draft"] and t["draft"]["title_en"] == "Travel help for older people"]
    assert tile["draft"]["category"] == "transport"
    assert tile["draft"]["life_events"] == ["retirement"]
    assert tile["draft"]["keywords"] == ["ค่ารถ", "บัตรโดยสาร", "bus fare"]
    assert tile["draft"]["synonyms"] == ["เงินค่ารถคนแก่", "senior fare"]
    comment = "โปรดระบุอายุขั้นต่ำของผู้มีสิทธิ์ในคำอธิบาย"
    await api(admin, "POST", f"/api/v1/admin/tiles/{tile['id']}/return", {"comment": comment})

    await page.reload()
    await page.click(".segmented button:text-is('บริการ (ไทล์)')")
    row = entry(page, "เงินช่วยเหลือค่าเดินทางผู้สูงอายุ")
    await row.wait_for()
    assert "ส่งกลับให้แก้ไข" in await row.inner_text()
    assert comment in await row.inner_text()
    await row.locator("button:has-text('แก้ไข')").click()
    # The reviewer's comment beside the form, the form holding the tile as it was saved.
    assert comment in await page.inner_text("aside.notice")
    assert await page.get_by_label("หมวดหมู่").input_value() == "transport"
    assert await page.get_by_label("เกษียณ").is_checked()
    await page.get_by_label("คำอธิบาย (ไทย)").fill("สำหรับผู้มีอายุ 60 ปีขึ้นไป")
    await shot(page, "61-agency-returned-tile-beside-the-comment")
    await page.click("button:text-is('บันทึกและส่งตรวจอีกครั้ง')")
    await page.wait_for_selector("text=บันทึกและส่งตรวจแล้ว")
    await shows(page, "เงินช่วยเหลือค่าเดินทางผู้สูงอายุ", "รอผู้ดูแลระบบตรวจ")
    versions = await api(page, "GET", f"/api/v1/agency/{agency_id}/tiles/{tile['id']}/versions")
    assert [v["version"] for v in versions] == [2, 1]
    assert versions[0]["description_th"] == "สำหรับผู้มีอายุ 60 ปีขึ้นไป"

    # A published tile changed: a new version, the published one stays until it is approved. (Not the
    # elderly allowance: the demo data already has a change of that one waiting for the reviewer.)
    row = entry(page, "เงินอุดหนุนเด็กแรกเกิด")
    assert "เผยแพร่แล้ว" in await row.inner_text()
    await row.locator("button:has-text('แก้ไข')").click()
    await page.get_by_label("คำอธิบาย (อังกฤษ)").fill("Monthly allowance for people aged 60 and over")
    await page.click("button:text-is('บันทึกฉบับแก้ไข')")
    await page.wait_for_selector("text=บันทึกฉบับร่างแล้ว")
    await shows(page, "เงินอุดหนุนเด็กแรกเกิด", "มีฉบับแก้ไขยังไม่ส่งตรวจ")

    # Retiring asks for the reason in a form of its own.
    await entry(page, "บัตรสวัสดิการแห่งรัฐ").locator("button:has-text('เลิกให้บริการ')").click()
    await page.click("button:text-is('ยืนยันเลิกให้บริการ')")
    await page.wait_for_selector("[role=alert]:has-text('โปรดเขียนเหตุผลก่อน')")
    await page.get_by_label("เหตุผลที่เลิกให้บริการ").fill("ย้ายไปให้บริการที่ระบบใหม่ของกรม")
    await shot(page, "62-agency-retire-with-a-reason")
    await page.click("button:text-is('ยืนยันเลิกให้บริการ')")
    await page.wait_for_selector("text=เลิกให้บริการแล้ว ประชาชนจะไม่เห็นไทล์นี้อีก")
    await shows(page, "บัตรสวัสดิการแห่งรัฐ", "ย้ายไปให้บริการที่ระบบใหม่ของกรม")
    assert "เลิกให้บริการแล้ว" in await entry(page, "บัตรสวัสดิการแห่งรัฐ").inner_text()
    await fits_beside_tables(page)
    await shot(page, "63-agency-tiles-in-words")
    shown = await page.inner_text("ul.cards")
    for code in ("draft", "in_review", "published", "retired"):
        assert code not in shown


async def test_an_agency_issues_a_bill_cancels_one_and_asks_for_a_refund_of_a_paid_one(  # noqa: PLR0915 (one journey)
    demo_app: DemoApp, phones: Phones
) -> None:
    base = demo_app.base
    page = await agency_console(phones, base, "บิลและการชำระ")
    await page.wait_for_selector("dl.summary")
    # The demo data's bills are there on the first run: one unpaid, one paid with its receipt, one cancelled.
    seeded = await page.inner_text("dl.summary")
    for state in ("ยังไม่ชำระ\n1 บิล", "ชำระแล้ว\n1 บิล", "ยกเลิกแล้ว\n1 บิล"):
        assert state in seeded, seeded
    paid_seed = await entry(page, "WD0002").inner_text()
    assert "ชำระสำเร็จ" in paid_seed
    assert "ใบเสร็จ" in paid_seed
    await shot(page, "63b-agency-bills-from-the-demo-data")
    # An empty form: every problem in words, beside its field and in a summary.
    await page.click("button:text-is('ออกบิล')")
    await page.wait_for_selector(".error-summary")
    assert "เลขประจำตัวประชาชนไม่ถูกต้อง" in await page.inner_text(".error-summary")
    await page.fill("#bill-national_id", "1101700207537")  # a wrong check digit
    await page.fill("#bill-amount", "0")
    await shot(page, "64-agency-bill-problems-beside-fields")

    due = dt.date.today() + dt.timedelta(days=30)

    async def issue(ref: str, amount: str, description: str) -> None:
        await page.fill("#bill-national_id", MALEE)
        await page.fill("#bill-amount", amount)
        await page.fill("#bill-due_date", str(due.day))
        await page.select_option("#bill-due_date-month", str(due.month))
        await page.fill("#bill-due_date-year", str(due.year + 543))  # Buddhist era, as Thai staff write it
        await page.fill("#bill-ref1", ref)
        await page.fill("#bill-description_th", description)
        await page.fill("#bill-description_en", "Allowance overpaid, to return")
        await page.click("button:text-is('ออกบิล')")
        await page.wait_for_selector("text=ออกบิลแล้ว ประชาชนจะเห็นบิลในแอป")
        await entry(page, ref).wait_for()

    assert await page.input_value("#bill-biller_id") == "0994000512007"  # the agency's own biller ID
    await issue("WF0001", "1,250.50", "คืนเงินเบี้ยยังชีพที่ได้รับเกิน")
    await issue("WF0002", "300", "คืนเงินเบี้ยยังชีพที่ได้รับเกิน เดือนก่อน")
    first = await entry(page, "WF0001").inner_text()
    assert "1,250.50" in first
    assert "ยังไม่ชำระ" in first
    assert "ยังไม่เริ่มชำระ" in first
    assert "ยังไม่ชำระ\n3 บิล" in await page.inner_text("dl.summary")
    await fits_beside_tables(page)
    await shot(page, "65-agency-bill-issued")

    # The citizen pays the second at the demo bank.
    citizen = await person(phones, base, "Malee Sukjai", "/bills")
    card = citizen.locator(".card", has_text="เดือนก่อน")
    await card.locator("button:has-text('ชำระด้วย QR')").click()
    await citizen.wait_for_selector("img.qr", timeout=WAIT)
    await pay_at_the_demo_bank(citizen.context, base, await citizen.text_content(".payload") or "")
    await citizen.wait_for_selector(".paid", timeout=WAIT)

    await page.select_option("label:has-text('แสดงสถานะ') select", label="ชำระแล้ว")
    paid = entry(page, "WF0002")
    await paid.wait_for()
    assert "ชำระสำเร็จ" in await paid.inner_text()
    assert await entry(page, "WF0001").count() == 0  # the filter
    await paid.locator("button:has-text('ขอคืนเงิน')").click()
    await page.get_by_label("จำนวนเงินที่คืน (บาท)").fill("100")
    await page.get_by_label("เหตุผลที่คืนเงิน").fill("เรียกเก็บเกินไป 100 บาท")
    await shot(page, "66-agency-refund-form")
    await page.click("button:text-is('ส่งคำขอคืนเงิน')")
    await page.wait_for_selector("text=ส่งคำขอคืนเงินแล้ว")

    # An unpaid bill cancelled; the citizen can no longer pay it.
    await page.select_option("label:has-text('แสดงสถานะ') select", label="ทั้งหมด")
    await entry(page, "WF0001").locator("button:has-text('ยกเลิกบิล')").click()
    confirm = page.get_by_role("alertdialog")  # asked in the page, in Thai, not by the browser
    await expect(confirm).to_contain_text("ประชาชนจะชำระบิลนี้ไม่ได้อีก")
    await shot(page, "66b-agency-cancel-bill-confirm")
    await confirm.get_by_role("button", name="ใช่ ยกเลิกบิล").click()
    await page.wait_for_selector("text=ยกเลิกบิลแล้ว")
    await shows(page, "WF0001", "ยกเลิกแล้ว")
    summary = await page.inner_text("dl.summary")
    assert "ยกเลิกแล้ว\n2 บิล" in summary
    assert "ชำระแล้ว\n2 บิล" in summary
    await shot(page, "67-agency-bills-in-words")
    for code in ("unpaid", "success", "cancelled"):
        assert code not in await page.inner_text("ul.cards")

    # The refund, under its own tab, in words.
    await page.click(".segmented button:text-is('การคืนเงิน')")
    refund = entry(page, "เรียกเก็บเกินไป 100 บาท")
    await refund.wait_for()
    assert "ส่งให้ธนาคารแล้ว รอผล" in await refund.inner_text()
    assert "100.00" in await refund.inner_text()
    await shot(page, "68-agency-refunds")


async def test_a_sender_fills_a_templates_placeholders_previews_confirms_the_reach_and_follows_progress(  # noqa: PLR0915 (one journey)
    demo_app: DemoApp, phones: Phones
) -> None:
    page = await person(phones, demo_app.base, "Pim Songkhao", "/console")
    await page.click(".segmented button:text-is('แม่แบบข้อความ')")
    # The help text shows the placeholder syntax the backend reads: {name}.
    label = page.locator("label.field", has_text="ใส่ข้อมูลเฉพาะคนด้วยวงเล็บปีกกา เช่น {amount}")
    await label.wait_for()
    await page.get_by_label("รหัส (Key)").fill("allowance-date")
    # The category is a list in words (citizens turn messages off by it), not a code typed in.
    await page.locator("label.field:has(> span:text-is('หมวดของข้อความ')) select").select_option(
        label="สวัสดิการ"
    )
    await page.get_by_label("ชื่อ (ไทย)").fill("เบี้ยยังชีพเดือน{month}")
    await page.get_by_label("ชื่อ (อังกฤษ)").fill("Allowance for {month}")
    await label.locator("textarea").fill("เบี้ยยังชีพ {amount} บาท จะเข้าบัญชีของคุณวันที่ {pay_date}")
    await page.get_by_label("ข้อความ (อังกฤษ)").fill("Your allowance of {amount} baht arrives on {pay_date}.")
    await page.click("button:text-is('บันทึกแม่แบบ')")
    await entry(page, "allowance-date").wait_for()
    assert "amount, month, pay_date" in await entry(page, "allowance-date").inner_text()

    await page.click(".segmented button:text-is('ส่งข้อความ')")
    await page.get_by_label("แม่แบบ").select_option(label="เบี้ยยังชีพเดือน{month}")
    await page.locator(AUDIENCE).select_option(label="ประชาชนหนึ่งคน")
    await page.get_by_label("เลขประจำตัวประชาชน 13 หลักของผู้รับ").fill(MALEE)
    await page.click("button:text-is('ตรวจสอบก่อนส่ง')")
    await page.wait_for_selector("[role=alert]:has-text('โปรดกรอกข้อมูลที่เติมลงในข้อความ')")
    # Each placeholder is a field; the preview shows the message in Thai and English as filled.
    await page.get_by_label("{amount}", exact=True).fill("600")
    await page.get_by_label("{month}", exact=True).fill("ธันวาคม")
    await page.get_by_label("{pay_date}", exact=True).fill("10 ธันวาคม 2569")
    preview = await page.inner_text(".message-preview")
    assert "เบี้ยยังชีพ 600 บาท จะเข้าบัญชีของคุณวันที่ 10 ธันวาคม 2569" in preview
    assert "Your allowance of 600 baht arrives on 10 ธันวาคม 2569." in preview
    await page.click("button:text-is('ตรวจสอบก่อนส่ง')")
    await page.wait_for_selector("text=ข้อความนี้จะส่งถึง")
    assert "1 คน" in await page.inner_text("[aria-labelledby=confirm-title]")
    await shot(page, "70-agency-message-preview-and-confirmation")
    await page.click("button:text-is('ยืนยันส่ง')")
    # Malee has no phone with notifications on: the message is in her inbox, not a failure.
    await page.wait_for_selector("text=อยู่ในกล่องข้อความของผู้รับแล้ว", timeout=WAIT)
    assert "ส่งไม่สำเร็จ" not in await page.inner_text(".progress")
    await shot(page, "71-agency-message-in-the-inbox-only")

    # To an age range: the number it reaches, first scheduled for tomorrow, then one sent now. Somchai
    # (68) has used the app, so he is a citizen the platform knows.
    await (await person(phones, demo_app.base, "Somchai Jaidee")).context.close()
    await page.locator(AUDIENCE).select_option(label="ประชาชนตามช่วงอายุ")
    await page.get_by_label("อายุตั้งแต่").fill("60")
    await page.get_by_label("อายุถึง").fill("120")
    await page.get_by_label("ตั้งเวลาส่ง").check()
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    await page.fill("#send-date", str(tomorrow.day))
    await page.select_option("#send-date-month", str(tomorrow.month))
    await page.fill("#send-date-year", str(tomorrow.year + 543))
    await page.click("button:text-is('ตรวจสอบก่อนส่ง')")
    confirm = page.locator("[aria-labelledby=confirm-title]")
    await confirm.wait_for()
    reach = await api(
        page,
        "POST",
        f"/api/v1/agency/{(await api(page, 'GET', '/api/v1/me'))['roles'][0]['agency_id']}"
        "/notification-campaigns/reach",
        {"audience": {"kind": "age-range", "min_age": 60, "max_age": 120}},
    )
    assert reach["citizens"] >= 1
    said = await confirm.inner_text()
    assert f"{reach['citizens']} คน" in said
    assert "เมื่อ" in said
    await page.click("button:text-is('ยืนยันส่ง')")
    await page.wait_for_selector("text=ตั้งเวลาส่งไว้", timeout=WAIT)
    await shot(page, "72-agency-campaign-scheduled")

    await page.get_by_label("ส่งทันที").check()
    await page.click("button:text-is('ตรวจสอบก่อนส่ง')")
    await page.wait_for_selector("text=ข้อความนี้จะส่งถึง")
    await page.click("button:text-is('ยืนยันส่ง')")
    await page.wait_for_selector("text=เพิ่มผู้รับครบแล้ว", timeout=WAIT)
    figures = page.locator(".progress dl.summary")
    await page.wait_for_function(
        "() => document.querySelector('.progress dl.summary div:nth-child(2) dd')?.textContent === '0'",
        timeout=WAIT,
    )
    shown = await figures.inner_text()
    assert f"อยู่ในกล่องข้อความ (ไม่มีอุปกรณ์)\n{reach['citizens']}" in shown
    assert "ส่งไม่สำเร็จ\n0" in shown
    await fits_beside_tables(page)
    await shot(page, "73-agency-campaign-progress-in-words")
