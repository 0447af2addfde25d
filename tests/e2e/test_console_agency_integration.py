"""The agency console's integration screens as the demo welfare department's administrator (Kanda) uses
them, in Thai, on a 360 px phone: its webhook and machine clients, and a connector tested, its health read
and its purpose edited (reviewed before it goes live: the platform admin sees the change beside what is
live and returns it, and the seeded new connector, with comments written in his console)."""

from __future__ import annotations

from playwright.async_api import expect

from tests.helpers.console import agency_console, api, entry, fits_beside_tables, person, shows
from tests.helpers.pwa import DemoApp, Phones, fits, require_pwa_build, shot

require_pwa_build()

WAIT = 30_000


async def test_an_agency_admin_sets_its_webhook_and_manages_its_machine_clients_in_the_console(
    demo_app: DemoApp, phones: Phones
) -> None:
    page = await agency_console(phones, demo_app.base, "เว็บฮุก")
    await page.get_by_label("ที่อยู่รับแจ้ง (https)").fill("https://welfare.demo.invalid/platform-events")
    await page.click("button:text-is('บันทึกที่อยู่')")
    await page.wait_for_selector("text=บันทึกแล้ว รหัสลับสำหรับตรวจลายมือชื่อแสดงครั้งเดียวด้านล่าง")
    secret = await page.get_by_label("รหัสลับสำหรับตรวจลายมือชื่อ").input_value()
    assert len(secret) >= 32
    await fits_beside_tables(page)
    await shot(page, "74-agency-webhook")

    await page.click(".segmented button:text-is('ระบบของหน่วยงาน')")
    await page.get_by_label("ชื่อระบบ").fill("ระบบเบี้ยยังชีพ")
    await page.click("button:text-is('เพิ่มระบบ')")
    await page.wait_for_selector("text=เลือกสิทธิ์อย่างน้อยหนึ่งอย่าง")
    await page.get_by_label("บิลและการคืนเงิน").check()
    await page.get_by_label("ส่งข้อความ").check()
    await page.click("button:text-is('เพิ่มระบบ')")
    await page.wait_for_selector("text=เพิ่มแล้ว รหัสลับแสดงครั้งเดียวด้านล่าง")
    first_secret = await page.locator(".notice.confirm input").input_value()
    row = entry(page, "ระบบเบี้ยยังชีพ")
    assert "บิลและการคืนเงิน, ส่งข้อความ" in await row.inner_text()
    assert "ใช้งานอยู่" in await row.inner_text()
    await shot(page, "75-agency-machine-client-added")
    await row.locator("button:has-text('ออกรหัสลับใหม่')").click()
    await page.wait_for_selector("text=ออกรหัสลับใหม่แล้ว")
    assert await page.locator(".notice.confirm input").input_value() != first_secret
    await row.locator("button:has-text('ยกเลิกระบบนี้')").click()
    await row.get_by_role("button", name="ไม่ใช่ กลับไป").click()  # a second thought: nothing happens
    await expect(row.locator(".status")).to_have_text("ใช้งานอยู่")
    await row.locator("button:has-text('ยกเลิกระบบนี้')").click()
    await row.get_by_role("alertdialog").get_by_role("button", name="ใช่ ยกเลิกระบบนี้").click()
    await page.wait_for_selector("li.card:has-text('ระบบเบี้ยยังชีพ') .status:text-is('ยกเลิกแล้ว')")
    await fits_beside_tables(page)
    await shot(page, "76-agency-machine-client-revoked")


async def test_an_agency_admin_tests_a_connector_reads_its_health_and_edits_its_purpose(  # noqa: PLR0915 (one journey, in order)
    demo_app: DemoApp, phones: Phones
) -> None:
    page = await agency_console(phones, demo_app.base, "ตัวเชื่อมต่อ")
    card = entry(page, "เบี้ยยังชีพผู้สูงอายุ")
    await card.wait_for()
    shown = await card.inner_text()
    assert "ใช้งานอยู่" in shown
    assert "ปกติ เรียกใช้ได้" in shown
    assert "อายุ, สถานะเบี้ยยังชีพ" in shown  # the data items, in Thai
    await card.locator("button:has-text('สุขภาพและทดสอบการเชื่อมต่อ')").click()
    await card.locator("text=ล้มเหลวใน 24 ชั่วโมง").wait_for()
    await card.get_by_label("เลขประจำตัวประชาชนสำหรับทดสอบ").fill("3101200581230")  # a wrong check digit
    await card.locator("button:text-is('ทดสอบการเชื่อมต่อ')").click()
    await card.locator("[role=alert]:has-text('เลขประจำตัวประชาชนไม่ถูกต้อง')").wait_for()
    await card.get_by_label("เลขประจำตัวประชาชนสำหรับทดสอบ").fill("3101200581231")  # Somchai, 68
    await card.locator("button:text-is('ทดสอบการเชื่อมต่อ')").click()
    result = card.locator("[role=status].notice")
    await result.wait_for(timeout=WAIT)
    said = await result.inner_text()
    assert "เชื่อมต่อได้" in said
    assert "มิลลิวินาที" in said
    # The test call's time is among the recent calls' latency now.
    await page.wait_for_function(
        "() => [...document.querySelectorAll('li.card dd')].some(d => /^[0-9]+ มิลลิวินาที$/.test(d.textContent))"
    )
    await fits_beside_tables(page)
    await shot(page, "77-agency-connector-health-and-test")

    await card.locator("button:has-text('แก้ไข')").click()
    await page.wait_for_selector("text=แก้ไขตัวเชื่อมต่อ: เบี้ยยังชีพผู้สูงอายุ")
    purpose = "ตรวจสอบสิทธิ์เบี้ยยังชีพผู้สูงอายุและวันจ่ายเงินครั้งถัดไป"
    await page.get_by_label("วัตถุประสงค์ ภาษาไทย").fill(purpose)
    await page.get_by_label("วัตถุประสงค์ ภาษาอังกฤษ").fill(
        "To check the elderly allowance and its next payment date"
    )
    await shot(page, "78-agency-connector-edit")
    await page.click("button:text-is('บันทึกการแก้ไข')")
    await page.wait_for_selector("text=บันทึกแล้ว การแก้ไขรอผู้ดูแลระบบอนุมัติ")
    # A new purpose is reviewed first: the card says a change waits, and the approved one still serves.
    await shows(page, "เบี้ยยังชีพผู้สูงอายุ", "มีการแก้ไขรอผู้ดูแลระบบอนุมัติ")
    shown = await card.inner_text()
    assert "ใช้งานอยู่" in shown
    assert purpose not in shown
    await shot(page, "79-agency-connector-change-waiting")
    # Editing again starts from the change waiting for review, so saving does not drop it.
    await card.locator("button:has-text('แก้ไข')").click()
    await page.wait_for_selector("text=แบบฟอร์มนี้แสดงการแก้ไขที่ส่งตรวจไว้")
    assert await page.get_by_label("วัตถุประสงค์ ภาษาไทย").input_value() == purpose
    await page.click("form button:text-is('ยกเลิก')")
    # The seeded new connector waits for review, said in words.
    health = entry(page, "ตรวจสิทธิรักษาพยาบาลประกอบการพิจารณาเบี้ยยังชีพ")
    assert await health.locator(".status").inner_text() == "รอผู้ดูแลแพลตฟอร์มตรวจ"

    # The platform admin returns both in his console, each with a comment written in its form; the
    # change shows what is proposed beside what is live now.
    admin = await person(phones, demo_app.base, "Anan Dulaerabop", "/console")
    change_comment = "โปรดระบุว่าวันจ่ายเงินมาจากระบบใด"
    new_comment = "โปรดลดอายุขั้นต่ำให้ตรงกับเกณฑ์เบี้ยยังชีพ"
    change = admin.locator("li.review-item", has=admin.locator("h4:has-text('ขอแก้ไขตัวเชื่อมต่อที่ใช้งานอยู่')"))
    await change.wait_for(timeout=WAIT)
    said = await change.inner_text()
    assert said.index("ที่ขอเปลี่ยน") < said.index(purpose) < said.index("ที่ใช้อยู่ตอนนี้"), said
    assert said.count(purpose) == 1  # the live terms still say the approved purpose
    await fits(admin, "a connector change beside what is live")
    await shot(admin, "87-admin-connector-change-proposed-and-live")
    new = admin.locator("li.review-item", has=admin.locator("h4:has-text('ตัวเชื่อมต่อใหม่')"))
    for review, comment in ((change, change_comment), (new, new_comment)):
        await review.locator("button:has-text('ส่งกลับพร้อมความเห็น')").click()
        await review.locator("textarea").fill(comment)
        await review.locator("button[type=submit]:has-text('ส่งกลับ')").click()
        await review.wait_for(state="detached", timeout=WAIT)
    assert await api(admin, "GET", "/api/v1/admin/connector-reviews") == []
    await admin.context.close()

    await page.reload()
    await page.click(".segmented button:text-is('ตัวเชื่อมต่อ')")
    await shows(page, "เบี้ยยังชีพผู้สูงอายุ", change_comment)
    shown = await card.inner_text()
    assert "ความเห็นของผู้ตรวจ" in shown
    assert "การแก้ไขถูกส่งกลับให้แก้ไข ฉบับที่อนุมัติแล้วยังใช้งานอยู่" in shown
    await shows(page, "ตรวจสิทธิรักษาพยาบาลประกอบการพิจารณาเบี้ยยังชีพ", new_comment)
    assert await health.locator(".status").inner_text() == "ส่งกลับให้แก้ไข"
    assert "ความเห็นของผู้ตรวจ" in await health.inner_text()
    # Every status in words: none of the API's codes reaches the screen.
    statuses = await page.locator("li.card .status").all_inner_texts()
    assert statuses
    assert not {"pending", "returned", "active", "disabled"} & set(statuses), statuses
    await health.scroll_into_view_if_needed()
    await fits_beside_tables(page)
    await shot(page, "80-agency-connectors-returned-with-comments")
    # Fixing it, the officer edits beside the comment.
    await health.locator("button:has-text('แก้ไข')").click()
    form = page.locator("form[aria-labelledby=register-connector]")
    await form.locator("[role=note]:has-text('ความเห็นของผู้ตรวจ')").filter(has_text=new_comment).wait_for()
    await shot(page, "81-agency-connector-returned-edit")


async def test_an_agency_admin_registers_a_connector_in_thai_and_it_waits_for_review(
    demo_app: DemoApp, phones: Phones
) -> None:
    page = await agency_console(phones, demo_app.base, "ตัวเชื่อมต่อ")
    form = page.locator("form[aria-labelledby=register-connector]")
    await form.wait_for()
    await form.get_by_label("ชื่อภายใน (a-z, 0-9, -)").fill("housing-aid")
    await form.get_by_label("ชื่อ (ไทย)").fill("เงินช่วยเหลือค่าเช่าบ้าน")
    await form.get_by_label("ชื่อ (อังกฤษ)").fill("Rent support")
    await form.get_by_label("ที่อยู่หลัก (https)").fill(f"{demo_app.agencies}/welfare-card")
    await form.get_by_label("วัตถุประสงค์ ภาษาไทย (ประชาชนจะเห็นข้อความนี้)").fill("ตรวจสิทธิ์เงินช่วยเหลือค่าเช่าบ้านของท่าน")
    await form.get_by_label("วัตถุประสงค์ ภาษาอังกฤษ").fill("To check your rent support")
    # Data items in both languages, in the same order: one list longer than the other is refused.
    await form.get_by_label("ข้อมูลที่ส่งกลับ ภาษาไทย (คั่นด้วยจุลภาค)").fill("สถานะสิทธิ์, วงเงินคงเหลือ")
    await form.get_by_label("ข้อมูลที่ส่งกลับ ภาษาอังกฤษ ตามลำดับเดียวกัน").fill("status")
    await form.locator("label.field:has(> span:text-is('การยืนยันตัวตน')) select").select_option(
        label="ไม่มีการยืนยันตัวตน"
    )
    await form.locator("button[type=submit]:text-is('ลงทะเบียน')").click()
    refused = form.locator("[role=status]")
    await refused.wait_for(timeout=WAIT)
    said = await refused.inner_text()  # the field in words and the problem in Thai, no API names
    assert "ข้อมูลที่ส่งกลับ (อังกฤษ): ต้องมีรายการเท่ากับข้อมูลที่ส่งกลับภาษาไทย" in said, said
    await form.get_by_label("ข้อมูลที่ส่งกลับ ภาษาอังกฤษ ตามลำดับเดียวกัน").fill("status, balance left")
    await form.locator("button[type=submit]:text-is('ลงทะเบียน')").click()
    await page.wait_for_selector("text=ลงทะเบียนแล้ว", timeout=WAIT)

    card = entry(page, "เงินช่วยเหลือค่าเช่าบ้าน")
    await card.wait_for()
    assert await card.locator(".status").inner_text() == "รอผู้ดูแลแพลตฟอร์มตรวจ"  # not live before review
    assert "สถานะสิทธิ์, วงเงินคงเหลือ" in await card.inner_text()  # the data items, in Thai
    await fits_beside_tables(page)
    await shot(page, "88-agency-connector-registered-waits-for-review")
