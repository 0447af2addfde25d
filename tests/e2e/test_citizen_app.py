"""The citizen app as a person on a small phone meets it, in headless Chromium against a `citizen run`
of its own (demo mode; a payment QR lives one minute so that its expiry is seen for real), in Thai and
English: every kind of tile opens something, a bill paid from the same phone (QR saved or copied,
expired QR replaced), page-not-found and help, the life-event view, the home screen offline, the warning
before an idle session ends. Screenshots at 360 px land in ``tests/e2e/screenshots/``."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.async_api import BrowserContext, Page, expect

from tests.helpers.ports import free_port
from tests.helpers.pwa import (
    DemoApp,
    fits,
    log_in,
    pay_at_the_demo_bank,
    require_pwa_build,
    shot,
    tap_size,
    view,
)
from tests.helpers.run_command import RunCommand

require_pwa_build()
# The phone may write to the clipboard (a code copied) and keep downloads (a receipt).
pytestmark = pytest.mark.phone(permissions=["clipboard-read", "clipboard-write"], accept_downloads=True)

CITIZEN_SCREENS = (
    "/",
    "/entitlements",
    "/bills",
    "/inbox",
    "/settings",
    "/data-access",
    "/applications",
    "/wallet",
)
QR_MINUTES = 1


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoApp]:
    var_dir = tmp_path_factory.mktemp("citizen-app") / "var"
    port, agencies_port = free_port(), free_port()
    # Payment QRs that expire after a minute.
    run = RunCommand(var_dir, port, free_port(), agencies_port, PAYMENT_EXPIRY_MINUTES=str(QR_MINUTES))
    run.wait_until_ready()
    try:
        yield DemoApp(f"http://127.0.0.1:{port}", f"http://127.0.0.1:{agencies_port}", run.log)
    finally:
        assert run.ctrl_c() == 0


async def test_every_kind_of_tile_opens_something(demo_app: DemoApp, phone: BrowserContext) -> None:
    base = demo_app.base
    page = await phone.new_page()
    await log_in(page, base, "Malee Sukjai", "/")
    await page.wait_for_selector(".tile")
    catalogue = await page.evaluate("fetch('/api/v1/tiles?lang=th').then(r => r.json())")
    tiles = {tile["kind"]: tile for group in catalogue["categories"] for tile in group["tiles"]}
    assert "bill_payment" in tiles, sorted(tiles)
    # An agency's own page is somewhere else on the internet: answered here, and only its address checked.
    await page.route(
        "https://**/*", lambda route: route.fulfill(body="<h1>agency</h1>", content_type="text/html")
    )
    expected: dict[str, tuple[str | re.Pattern[str], str]] = {
        "bill_payment": (f"{base}/bills", "h1#bills-title"),
        "entitlement": (f"{base}/entitlements", "h1"),
        "application": (re.compile(rf"{re.escape(base)}/apply/\d+$"), "h1"),
    }
    for kind, tile in sorted(tiles.items()):
        await page.goto(f"{base}/")
        await page.wait_for_selector(".tile")
        await page.locator(".tile-open", has_text=tile["title"]).first.click()
        if kind == "link":  # the app names the agency and the address first (tests/e2e/test_message_links.py)
            await page.locator(".leaving a", has_text="ไปต่อที่เว็บไซต์นี้").click()
            await page.wait_for_url(tile["link_url"])
            continue
        url, heading = expected[kind]
        await page.wait_for_url(url)
        await page.wait_for_selector(heading)
        if kind == "bill_payment":
            await page.wait_for_selector(".card")
            await fits(page, "the bills screen opened from its tile")
            await shot(page, "50-bill-tile-opens-bills")

    # In English each tile carries its English title and opens the same place, in English.
    await page.goto(f"{base}/")
    english = await page.evaluate("fetch('/api/v1/tiles?lang=en').then(r => r.json())")
    titles = {tile["kind"]: tile["title"] for group in english["categories"] for tile in group["tiles"]}
    await page.click("header >> text=English")
    for kind, title in sorted(titles.items()):
        await page.goto(f"{base}/")
        await page.locator(".tile-open", has_text=title).first.click()
        if kind == "link":
            await page.locator(".leaving a", has_text="Continue to this website").click()
            await page.wait_for_url(tiles["link"]["link_url"])
            continue
        await page.wait_for_url(expected[kind][0])
        await page.wait_for_selector(expected[kind][1])
        if kind == "bill_payment":
            await expect(page.locator("h1#bills-title")).to_have_text("Bills")
            await expect(page.locator(".card button", has_text="Pay by QR").first).to_be_visible()
            await shot(page, "85-bill-tile-opens-bills-en")


async def test_a_bill_paid_from_the_same_phone(demo_app: DemoApp, phone: BrowserContext) -> None:
    base = demo_app.base
    page = await phone.new_page()
    await log_in(page, base, "Malee Sukjai", "/bills")
    first_bill = page.locator(".card").first
    bill_name = await first_bill.locator("h2").inner_text()
    amount = await first_bill.locator(".amount").inner_text()
    await first_bill.locator("button:has-text('ชำระด้วย QR')").click()
    panel = page.locator(".qr-panel")
    await panel.locator("img.qr").wait_for()

    # The panel names the bill and its amount in baht, says what to do on this phone, and can be closed.
    assert bill_name in await panel.inner_text()
    assert amount in await panel.inner_text()
    assert "บาท" in amount
    steps = await panel.locator(".same-phone li").all_inner_texts()
    assert any("บันทึกรูป QR" in step for step in steps), steps
    assert any("แอปธนาคาร" in step for step in steps), steps
    await tap_size(page, ".qr-panel button, .qr-panel a.button")
    await fits(page, "the payment panel")
    await shot(page, "51-bill-qr-same-phone")
    await panel.locator(".same-phone").scroll_into_view_if_needed()
    await view(page, "51-bill-qr-same-phone-screen")

    payload = await panel.locator(".payload").text_content() or ""
    assert payload.startswith("000201")
    await panel.locator("button:has-text('คัดลอกรหัส QR')").click()
    await expect(panel.locator(".copy-status")).to_contain_text("คัดลอกรหัส QR แล้ว")
    assert await page.evaluate("navigator.clipboard.readText()") == payload

    # Headless Chromium cannot share files: saving is a download of the PNG the API serves.
    async with page.expect_download() as downloading:
        await panel.locator("a:has-text('บันทึกรูป QR')").click()
    download = await downloading.value
    assert download.suggested_filename.endswith(".png")
    saved = await download.path()
    assert (await asyncio.to_thread(Path(saved).read_bytes))[:8] == b"\x89PNG\r\n\x1a\n"

    # Closed, and opened again: the same live QR.
    await page.click(".qr-panel button.close")
    assert await page.locator(".qr-panel").count() == 0
    await first_bill.locator("button:has-text('ชำระด้วย QR')").click()
    await panel.locator("img.qr").wait_for()

    # The QR lives a minute here: once it has expired there is no code to scan, and a new one is a tap away.
    expired = page.locator(".qr-panel.qr-expired")
    await expired.wait_for(timeout=(QR_MINUTES * 60 + 45) * 1000)
    assert await page.locator("img.qr").count() == 0
    assert await page.locator(".payload").count() == 0
    assert "QR หมดอายุแล้ว" in await expired.inner_text()
    await fits(page, "the expired QR")
    await shot(page, "52-bill-qr-expired")
    await _a_new_qr_in_english(page)
    new_payload = await page.locator(".payload").text_content() or ""
    assert new_payload.startswith("000201")

    await pay_at_the_demo_bank(phone, base, new_payload)
    await page.wait_for_selector(".paid a.button", timeout=15_000)
    assert bill_name in await page.inner_text(".paid")
    await shot(page, "53-bill-paid-same-phone")


async def _a_new_qr_in_english(page: Page) -> None:
    """The expired state in English, then the new QR and what to do with it on this phone; back to Thai."""
    await page.click("header >> text=English")
    expired, panel = page.locator(".qr-panel.qr-expired"), page.locator(".qr-panel")
    await expect(expired).to_contain_text("This QR has expired")
    await expect(expired).to_contain_text("No money was taken")
    await expired.locator("button:has-text('Make a new QR')").click()
    await page.locator(".qr-panel img.qr").wait_for(timeout=60_000)  # once the server has expired the old one
    steps = await panel.locator(".same-phone li").all_inner_texts()
    assert any("Save the QR image" in step for step in steps), steps
    assert any("bank app" in step for step in steps), steps
    await expect(panel.locator("button:has-text('Copy the QR code text')")).to_be_visible()
    assert "baht" in await panel.inner_text()
    await fits(page, "the payment panel in English")
    await shot(page, "86-bill-qr-same-phone-en")
    await page.click("header >> text=ไทย")


async def test_an_unknown_address_says_page_not_found_and_help_is_on_every_screen(
    demo_app: DemoApp, phone: BrowserContext
) -> None:
    base = demo_app.base
    page = await phone.new_page()
    await page.goto(f"{base}/")
    await page.wait_for_selector(".tile")
    await page.evaluate("navigator.serviceWorker.ready")
    await page.reload()  # under the service worker, as an installed app is

    await page.goto(f"{base}/no-such-page")
    await page.wait_for_selector("#not-found-title")
    assert await page.inner_text("h1") == "ไม่พบหน้านี้"
    assert await page.locator("#home-title").count() == 0
    await expect(page.locator("main a[href='/']").first).to_be_visible()
    await fits(page, "page not found")
    await shot(page, "54-page-not-found")
    await page.click("main .not-found a[href='/help']")
    await page.wait_for_selector("#help-title")
    assert await page.locator("main a[href='tel:1111']").count() >= 1
    for heading in ("#payment-help", "#message-help", "#scam-help", "#report-help"):
        await expect(page.locator(heading)).to_be_visible()
    await page.click("main a[href='/verify-message']")  # the way in to "is this really from the government?"
    await page.wait_for_selector("#verify-message-title")
    await page.go_back()
    await page.wait_for_selector("#help-title")

    # Help opens from a typed address too (the server serves the app there), and in English.
    help_page = await phone.new_page()
    response = await help_page.goto(f"{base}/help")
    assert response is not None
    assert response.status == 200
    await help_page.wait_for_selector("#help-title")
    await shot(help_page, "55-help")
    await help_page.click("header >> text=English")
    await help_page.wait_for_selector("h1:has-text('Help and contact')")
    assert "1111" in await help_page.inner_text("main")
    await help_page.click("header >> text=ไทย")

    await log_in(page, base, "Malee Sukjai", "/")
    for path in CITIZEN_SCREENS:
        await page.goto(f"{base}{path}")
        await page.wait_for_load_state("networkidle")
        link = page.locator("footer a[href='/help']")
        await link.scroll_into_view_if_needed()
        await expect(link).to_be_visible()
        await tap_size(page, "footer a")


async def test_the_life_event_view_holds_every_tile_and_the_first_home_screen_opens_offline(
    demo_app: DemoApp, phone: BrowserContext
) -> None:
    base = demo_app.base
    page = await phone.new_page()
    await page.goto(f"{base}/")
    await page.wait_for_selector(".tile")
    by_category = set(await page.locator(".tile-title").all_inner_texts())
    await page.click(".segmented >> text=ตามช่วงชีวิต")
    await page.wait_for_selector("h2:has-text('อื่น ๆ')")
    # Every tile is somewhere in this view: those tied to no life event under "other".
    assert set(await page.locator(".tile-title").all_inner_texts()) == by_category
    await shot(page, "82-life-events-other")
    await page.click("header >> text=English")
    await page.wait_for_selector("h2:has-text('Other')")
    await expect(page.locator(".segmented button[aria-pressed=true]")).to_have_text("By life event")
    english = await page.evaluate("fetch('/api/v1/tiles?lang=en').then(r => r.json())")
    titles = {tile["title"] for group in english["categories"] for tile in group["tiles"]}
    assert set(await page.locator(".tile-title").all_inner_texts()) == titles
    await shot(page, "87-life-events-other-en")
    await page.click("header >> text=ไทย")

    # The home screen the app first showed opens again with no network, as an installed app would.
    await page.evaluate("navigator.serviceWorker.ready")
    await page.wait_for_function(  # the worker keeps what the page read before it took control
        "caches.open('seen-data').then(c => c.keys())"
        ".then(keys => keys.some(r => r.url.includes('/api/v1/tiles')))"
    )
    await phone.set_offline(True)
    try:
        await page.reload()
        await page.wait_for_selector(".tile", timeout=10_000)
        assert set(await page.locator(".tile-title").all_inner_texts()) == by_category
        await shot(page, "83-home-offline")
    finally:
        await phone.set_offline(False)


async def test_a_warning_comes_two_minutes_before_an_idle_session_ends(
    demo_app: DemoApp, phone: BrowserContext
) -> None:
    base = demo_app.base
    page = await phone.new_page()
    await page.clock.install()
    await log_in(page, base, "Malee Sukjai", "/inbox")
    await page.wait_for_selector("#inbox-title")
    await page.wait_for_load_state("networkidle")

    await page.clock.fast_forward("26:00")
    await page.wait_for_timeout(300)
    assert not await page.locator("dialog[open]").is_visible()  # not yet

    await page.clock.fast_forward("01:30")  # 27:30 since the last answer: two minutes before the end
    dialog = page.locator("dialog[open]")
    await expect(dialog).to_contain_text("คุณยังใช้งานอยู่ไหม")
    await expect(dialog.locator("button:has-text('ใช้งานต่อ')")).to_be_focused()
    await fits(page, "the idle warning")
    await shot(page, "56-idle-warning")
    async with page.expect_response(lambda response: response.url.endswith("/api/v1/me")) as kept:
        await dialog.locator("button:has-text('ใช้งานต่อ')").click()
    assert (await kept.value).status == 200
    await expect(page.locator("dialog[open]")).to_have_count(0)

    # In English: the same warning in English words, and staying keeps the session.
    await page.click("header >> text=English")
    await page.wait_for_selector("h1:has-text('Inbox')")
    await page.wait_for_load_state("networkidle")
    await page.clock.fast_forward("27:30")
    await expect(dialog).to_contain_text("Are you still there?")
    await expect(dialog).to_contain_text("you will be logged out in")
    await expect(dialog.locator("button:has-text('Stay logged in')")).to_be_focused()
    await fits(page, "the idle warning in English")
    await shot(page, "88-idle-warning-en")
    async with page.expect_response(lambda response: response.url.endswith("/api/v1/me")) as kept:
        await dialog.locator("button:has-text('Stay logged in')").click()
    assert (await kept.value).status == 200
    await page.click("header >> text=ไทย")
    await page.wait_for_selector("#inbox-title:has-text('กล่องข้อความ')")
    await page.wait_for_load_state("networkidle")

    # Left alone for the whole time: logged out, told why, and the way back in to this screen.
    async with page.expect_response(lambda response: response.url.endswith("/auth/logout")):
        await page.clock.fast_forward("29:30")
    ended = page.locator("dialog[open]")
    await expect(ended).to_contain_text("ออกจากระบบแล้ว")
    log_in_again = ended.locator("a:has-text('เข้าสู่ระบบอีกครั้ง')")
    assert await log_in_again.get_attribute("href") == "/auth/login?next=%2Finbox"
    await shot(page, "57-idle-logged-out")
    status = await page.evaluate("fetch('/api/v1/me').then(r => r.status)")
    assert status == 401


async def test_page_not_found_in_english(demo_app: DemoApp, phone: BrowserContext) -> None:
    page = await phone.new_page()
    await page.goto(f"{demo_app.base}/")
    await page.click("header >> text=English")
    await page.goto(f"{demo_app.base}/no-such-page")
    await expect(page.locator("#not-found-title")).to_have_text("Page not found")
    await expect(page.locator("main")).to_contain_text("The address may be mistyped")
    await expect(page.locator("main a[href='/']", has_text="Go to the home screen")).to_be_visible()
    await expect(page.locator("main .not-found a[href='/help']")).to_be_visible()
    await fits(page, "page not found in English")
    await shot(page, "89-page-not-found-en")
