"""The citizen PWA in a real headless Chromium (Debian's, driven by Python Playwright) against
`citizen run` in demo mode: embedded PostgreSQL and Redis, the demo identity provider, demo agencies
(one made to fail), the demo bank and the local push service. Screenshots of each screen are saved
under ``tests/e2e/screenshots/``."""

from __future__ import annotations

import json

import httpx
from playwright.async_api import BrowserContext

from tests.helpers.pwa import (
    PHONE,
    DemoApp,
    log_in,
    pay_at_the_demo_bank,
    receipt_in_inbox,
    require_pwa_build,
    shot,
)

require_pwa_build()


async def test_a_citizen_logs_in_sees_tiles_and_entitlements_pays_a_bill_and_reads_the_receipt_offline(
    demo_app: DemoApp, browser_context: BrowserContext
) -> None:
    base = demo_app.base
    async with httpx.AsyncClient() as client:  # one agency down: the page must still be useful
        await client.post(f"{demo_app.agencies}/health/_control", json={"mode": "fail"})
    page = await browser_context.new_page()

    await page.goto(f"{base}/")
    await page.wait_for_selector(".tile")
    await shot(page, "01-home-before-login")

    await page.goto(f"{base}/auth/login?next=/entitlements")
    await page.click("text=Malee Sukjai")
    await page.wait_for_url(f"{base}/entitlements")
    await page.wait_for_selector("#claimable-title")
    claimable = await page.inner_text(".claimable")
    assert "เงินอุดหนุนเพื่อการเลี้ยงดูเด็กแรกเกิด" in claimable  # eligible, not enrolled: listed first
    assert "ไม่พร้อมใช้งาน" in await page.inner_text("main")  # the failing agency, said plainly
    await shot(page, "02-entitlements-one-agency-down")

    await page.click("nav >> text=หน้าแรก")
    await page.wait_for_selector(".tile")
    await shot(page, "03-home")

    await page.click("nav >> text=บิล")
    await page.click("button:has-text('ชำระด้วย QR')")
    await page.wait_for_selector("img.qr")
    payload = await page.text_content(".payload") or ""  # inside a closed <details>: not rendered text
    assert payload.startswith("000201")  # a Thai QR ...
    assert "5303764" in payload  # ... in baht
    await shot(page, "04-bill-qr")

    await pay_at_the_demo_bank(browser_context, base, payload)
    await page.wait_for_selector(".paid", timeout=15_000)  # no reload: the bank's confirmation arrived
    await page.wait_for_selector(".paid a.button")
    await shot(page, "05-bill-paid")

    await page.click("nav >> text=กล่องข้อความ")
    await receipt_in_inbox(page)
    titles = await page.locator(".message h2").all_inner_texts()
    assert any("ชำระเงินสำเร็จ" in title for title in titles), titles
    await shot(page, "06-inbox")

    await page.evaluate("navigator.serviceWorker.ready")
    await page.reload()  # now under the service worker, which keeps what the citizen has seen
    await page.wait_for_selector(".message")
    await browser_context.set_offline(True)
    await page.reload()
    await page.wait_for_selector(".notice.offline")
    assert "ออฟไลน์" in await page.inner_text(".notice.offline")
    assert any("ชำระเงินสำเร็จ" in t for t in await page.locator(".message h2").all_inner_texts())
    await shot(page, "07-inbox-offline")
    await browser_context.set_offline(False)


async def test_settings_and_who_accessed_my_data_in_english(
    demo_app: DemoApp, browser_context: BrowserContext
) -> None:
    page = await browser_context.new_page()
    await page.goto(f"{demo_app.base}/auth/login?next=/settings")
    await page.click("text=Somchai Jaidee")
    await page.wait_for_url(f"{demo_app.base}/settings")
    await page.click("header >> text=English")
    await page.wait_for_selector("h1:has-text('Settings')")
    await page.wait_for_load_state("networkidle")
    await shot(page, "08-settings-english")
    await page.click("nav >> text=Who accessed my data")
    await page.wait_for_selector("h1:has-text('Who accessed my data')")
    await page.wait_for_load_state("networkidle")
    await shot(page, "09-who-accessed-my-data")


async def test_a_push_delivered_to_the_service_worker_is_shown_as_a_notification(
    demo_app: DemoApp, browser_context: BrowserContext
) -> None:
    page = await browser_context.new_page()
    await page.goto(f"{demo_app.base}/")
    await page.wait_for_selector(".tile")
    await page.evaluate("navigator.serviceWorker.ready")
    cdp = await browser_context.new_cdp_session(page)
    registrations: list[str] = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(r["registrationId"] for r in event["registrations"]),
    )
    await cdp.send("ServiceWorker.enable")
    await page.wait_for_timeout(500)
    assert registrations
    message = {
        "title_th": "บิลค่าน้ำครบกำหนด",
        "title_en": "Water bill due",
        "body_th": "187.00 บาท",
        "url": "/bills",
    }
    await cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": demo_app.base, "registrationId": registrations[0], "data": json.dumps(message)},
    )
    shown: list[dict[str, str]] = []
    for _ in range(150):  # up to 15 s: under the full suite on two cores 5 s was once too short
        shown = await page.evaluate(
            "navigator.serviceWorker.ready.then(r => r.getNotifications())"
            ".then(ns => ns.map(n => ({title: n.title, body: n.body, url: n.data && n.data.url})))"
        )
        if shown:
            break
        await page.wait_for_timeout(100)
    assert shown == [{"title": "บิลค่าน้ำครบกำหนด", "body": "187.00 บาท", "url": "/bills"}]


async def test_an_agency_sends_a_message_and_watches_it_go_out_and_support_finds_each_delivery(
    demo_app: DemoApp, browser_context: BrowserContext
) -> None:
    base = demo_app.base
    page = await browser_context.new_page()
    await page.set_viewport_size({"width": 1024, "height": 900})
    # Somchai has a phone (a demo one, on the local push service) for the message to reach.
    await log_in(page, base, "Somchai Jaidee", "/settings")
    await page.click("text=เพิ่มโทรศัพท์สาธิต")
    await page.wait_for_load_state("networkidle")

    await log_in(page, base, "Pim Songkhao", "/console")  # agency sender, demo welfare department
    # The console speaks Thai first, like the app.
    await page.wait_for_selector("h1:has-text('คอนโซลเจ้าหน้าที่')")
    await page.click("button:has-text('แม่แบบข้อความ')")
    await page.fill("label:has-text('รหัส (Key)') input", "allowance-paid")
    await page.fill("label:has-text('ชื่อ (ไทย)') input", "โอนเบี้ยยังชีพแล้ว")
    await page.fill("label:has-text('ชื่อ (อังกฤษ)') input", "Allowance paid")
    await page.fill("label:has-text('ข้อความ (ไทย)') textarea", "เบี้ยยังชีพเดือนนี้โอนเข้าบัญชีแล้ว")
    await page.fill("label:has-text('ข้อความ (อังกฤษ)') textarea", "This month's allowance is in your account.")
    await page.click("button:has-text('บันทึกแม่แบบ')")
    await page.wait_for_selector("td:has-text('allowance-paid')")
    await shot(page, "10-agency-templates")

    await page.click("button:has-text('ส่งข้อความ')")
    await page.wait_for_selector("option:has-text('โอนเบี้ยยังชีพแล้ว')", state="attached")  # by its title
    await page.select_option("label:has-text('แม่แบบ') select", label="โอนเบี้ยยังชีพแล้ว")
    await page.select_option("label:has-text('ผู้รับ') select", "age-range")
    await page.fill("label:has-text('อายุตั้งแต่') input", "60")
    await page.fill("label:has-text('อายุถึง') input", "120")
    await page.click("form >> button[type=submit]")  # checks, and asks to confirm the reach first
    await page.click("button:has-text('ยืนยันส่ง')")
    await page.locator(".progress").wait_for()
    # Live: the numbers move without a reload until every message is final.
    await page.wait_for_function(
        """() => {
            const text = document.querySelector('.progress').textContent;
            return /เพิ่มผู้รับครบแล้ว: [1-9]/.test(text) && /ส่งถึงโทรศัพท์แล้ว[1-9]/.test(text);
        }""",
        timeout=30000,
    )
    await page.wait_for_selector(".chart polyline", state="attached")
    await shot(page, "11-agency-campaign-progress")

    await log_in(page, base, "Siri Chuailuea", "/console")  # support, who works in English
    await page.click("button.language")
    await page.wait_for_selector("text=Every look-up you make is recorded")
    await page.fill("label:has-text('national ID') input", "3101200581231")
    await page.click("form >> button:has-text('Find')")
    await page.wait_for_selector("li:has-text('Allowance paid')")
    await page.click("button:has-text('Show devices and delivery attempts')")
    await page.wait_for_selector(".timeline li:has-text('HTTP 201')")
    text = await page.inner_text("section[aria-labelledby=citizen-title]")
    assert "x-xxxx-xxxxx-23-1" in text  # masked, never the whole ID
    assert "3101200581231" not in await page.content()
    await shot(page, "12-support-delivery-attempts")


async def test_support_sees_a_citizens_payments_an_admin_grants_a_role_and_an_agency_admin_has_its_console(
    demo_app: DemoApp, browser_context: BrowserContext
) -> None:
    base = demo_app.base
    page = await browser_context.new_page()
    await page.set_viewport_size({"width": 1024, "height": 900})
    await log_in(page, base, "Siri Chuailuea", "/console")  # support
    await page.click("button.language")  # to English; the choice is kept for the next logins here
    await page.fill("label:has-text('national ID') input", "3101200581231")
    await page.click("form >> button:has-text('Find')")
    # "I paid but it says unpaid": the same citizen's bills, each payment attempt and receipt.
    await page.click("button:has-text('Show bills and payments')")
    payments = page.locator("section[aria-labelledby=payments-title]")
    await payments.locator(".bill-history").first.wait_for()
    assert "x-xxxx-xxxxx-23-1" in await payments.inner_text()
    assert "3101200581231" not in await page.content()
    await shot(page, "13-support-payments")

    await log_in(page, base, "Anan Dulaerabop", "/console")  # platform admin, in English as Siri left it
    await page.wait_for_selector("h3:has-text('Staff roles')")
    await page.fill(
        "form[aria-labelledby=grant-title] >> label:has-text('national ID') input", "3101200581231"
    )
    await page.select_option("form[aria-labelledby=grant-title] >> label:has-text('Role') select", "support")
    await page.fill(
        "form[aria-labelledby=grant-title] >> label:has-text('Reason') input", "Joins the help desk"
    )
    await page.click("form[aria-labelledby=grant-title] >> button[type=submit]")
    await page.wait_for_selector("td:has-text('Joins the help desk')")
    await shot(page, "14-admin-roles")

    await log_in(page, base, "Kanda Phudulae", "/console")  # the welfare department's administrator
    await page.click("button:has-text('Connectors')")
    await page.wait_for_selector("h3:has-text('Register a connector')")
    await page.select_option("label:has-text('Authentication') select", "client_tls")
    await page.wait_for_selector("label:has-text('Client certificate (PEM)')")
    await shot(page, "15-agency-connectors")
    await page.click("button:has-text('Bills and payments')")
    await page.wait_for_selector("label:has-text('Show') select")
    await shot(page, "16-agency-bills")


async def test_every_citizen_screen_fits_a_360_pixel_phone_in_thai_and_english(
    demo_app: DemoApp, browser_context: BrowserContext
) -> None:
    base = demo_app.base
    page = await browser_context.new_page()
    await page.set_viewport_size(PHONE)
    await log_in(page, base, "Malee Sukjai", "/")
    for language in ("th", "en"):
        for path in ("/", "/entitlements", "/bills", "/inbox", "/settings", "/data-access"):
            await page.goto(f"{base}{path}")
            await page.wait_for_load_state("networkidle")
            overflow = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{path} ({language}) is {overflow}px wider than the phone"
            for link in await page.locator("nav.bottom a").all():  # every destination in sight, no scrolling
                box = await link.bounding_box()
                assert box is not None
                assert box["x"] >= 0, (path, language, await link.inner_text())
                assert box["x"] + box["width"] <= 360, (path, language, await link.inner_text())
        await shot(page, f"17-360px-data-access-{language}")
        await page.click("button.language")
