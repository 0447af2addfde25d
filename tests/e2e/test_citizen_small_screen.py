"""The citizen app on a small phone and at large text, in headless Chromium against a `citizen run` of its
own (demo mode; issue 18, item 14): the bottom navigation marks where the citizen is and opening a
message marks it read; every button on every citizen screen is a 44 px tap target; at 320 px and 200 %
text nothing overflows sideways (every screen, the apply, receipt, consent and verify ones too) and log
out stays reachable. Screenshots in Thai land in ``tests/e2e/screenshots/``."""

from __future__ import annotations

import re
from typing import Any

from playwright.async_api import BrowserContext, Page, expect

from tests.helpers.pwa import (
    DemoApp,
    fits,
    log_in,
    pay_at_the_demo_bank,
    receipt_in_inbox,
    require_pwa_build,
    shot,
    tap_size,
    view,
)

require_pwa_build()

CITIZEN_SCREENS = (
    "/",
    "/entitlements",
    "/bills",
    "/inbox",
    "/settings",
    "/data-access",
    "/applications",
    "/wallet",
    "/programmes",
    "/help",
)
# Every visible button, and every link or submit dressed as one, with its size (hidden ones excluded).
_TARGETS = """() => [...document.querySelectorAll('button, a.button, input[type=submit]')]
    .filter(element => element.checkVisibility({visibilityProperty: true}))
    .map(element => {
        const box = element.getBoundingClientRect();
        return {what: element.outerHTML.slice(0, 120), height: box.height, width: box.width};
    })"""


async def _settled(page: Page, url: str) -> None:
    """``url`` opened, its heading drawn and nothing left saying "loading"."""
    await page.goto(url)
    await page.wait_for_selector("main h1, h1")
    await page.wait_for_load_state("networkidle")
    await page.wait_for_function(
        "!document.querySelector('.loading')"
        " && !document.querySelector('main [role=status]')?.textContent?.includes('กำลังโหลด')"
    )


async def _other_screens(page: Page, phone: BrowserContext, base: str) -> list[str]:
    """The screens reached from others: an application's start page and form, a receipt (a bill paid
    here) and its check, the consent screen of the agency that asks for it, and the message check."""
    catalogue = await page.evaluate("fetch('/api/v1/tiles?lang=th').then(r => r.json())")
    service = next(
        tile["id"]
        for group in catalogue["categories"]
        for tile in group["tiles"]
        if tile["kind"] == "application"
    )
    listing: dict[str, Any] = await page.evaluate("fetch('/api/v1/entitlements?lang=th').then(r => r.json())")
    [credit] = [agency for agency in listing["agencies"] if agency["consent_required"]]
    await page.goto(f"{base}/bills")
    await page.locator(".card button:has-text('ชำระด้วย QR')").first.click()
    payload = await page.locator(".payload").text_content() or ""
    await pay_at_the_demo_bank(phone, base, payload)
    receipt = page.locator(".paid a.button")
    await receipt.wait_for(timeout=15_000)
    receipt_path = await receipt.get_attribute("href")
    assert receipt_path is not None
    await page.goto(f"{base}{receipt_path}")
    check_path = await page.locator(".verify a").get_attribute("href")
    assert check_path is not None
    return [
        f"/apply/{service}",
        f"/apply/{service}/form",
        receipt_path,
        check_path.removeprefix(base),
        f"/entitlements/consent/{credit['connector_id']}",
        "/verify-message",
    ]


async def test_the_bottom_bar_marks_where_the_citizen_is_and_opening_a_message_marks_it_read(
    demo_app: DemoApp, phone: BrowserContext
) -> None:
    base = demo_app.base
    page = await phone.new_page()
    await log_in(page, base, "Somchai Jaidee", "/bills")
    # A message: a bill paid by this citizen.
    await page.locator(".card button:has-text('ชำระด้วย QR')").first.click()
    payload = await page.locator(".payload").text_content() or ""
    await pay_at_the_demo_bank(phone, base, payload)
    await page.wait_for_selector(".paid", timeout=15_000)

    # The bar: four destinations and "more", each an icon with its word; the current one marked.
    await page.goto(f"{base}/inbox")
    await receipt_in_inbox(page)
    await page.wait_for_selector(".message.unread")
    bar = page.locator("nav.bottom .bar > li")
    assert await bar.count() <= 5
    assert await page.locator("nav.bottom .bar svg.icon").count() == await bar.count()
    assert await page.locator("nav.bottom a[aria-current=page] .nav-label").inner_text() == "กล่องข้อความ"
    badge = page.locator("nav.bottom .badge-count")
    await expect(badge).to_be_visible()
    assert await page.locator("nav.bottom a[href='/inbox'] .nav-label").inner_text() == "กล่องข้อความ"
    await tap_size(page, "nav.bottom .bar a, nav.bottom .bar button")
    await shot(page, "58-inbox-unread-badge")
    await view(page, "58-inbox-unread-badge-screen")

    # Opening a message marks it read; "open" is a full-size tap target.
    unread_before = await page.locator(".message.unread").count()
    message = page.locator(".message.unread").first
    open_link = message.locator("a.button:has-text('เปิด')")
    assert await open_link.count() == 1  # "payment received" links to its receipt or the bills screen
    await tap_size(page, ".message a.button")
    await open_link.click()
    await page.wait_for_url(lambda url: not url.endswith("/inbox"))  # marked read, then the link followed
    await page.wait_for_load_state("networkidle")
    await page.goto(f"{base}/inbox")
    await page.wait_for_selector(".message")
    assert await page.locator(".message.unread").count() == unread_before - 1
    if unread_before == 1:
        await expect(badge).to_have_count(0)


async def test_at_320_px_and_200_percent_text_nothing_overflows_and_log_out_is_reachable(
    demo_app: DemoApp, phone: BrowserContext
) -> None:
    base = demo_app.base
    page = await phone.new_page()
    await log_in(page, base, "Prayoon Mankhong", "/")
    others = await _other_screens(page, phone, base)
    # Nothing sideways, every place of the bar on the screen, log out reachable under "more".
    await page.evaluate("localStorage.setItem('text-size', '200')")
    await page.set_viewport_size({"width": 320, "height": 700})
    for path in (*CITIZEN_SCREENS, *others):
        await _settled(page, f"{base}{path}")
        await fits(page, f"{path} at 320 px and 200 % text")
        for place in await page.locator("nav.bottom .bar a, nav.bottom .bar button").all():
            box = await place.bounding_box()
            assert box is not None, path
            assert box["x"] >= 0, (path, box)
            assert box["x"] + box["width"] <= 320, (path, box)
    await _settled(page, f"{base}{others[1]}")  # the form, whose address boxes once ran off the side
    await shot(page, "84-apply-form-320px-200-percent")
    await page.goto(f"{base}/inbox")
    await page.wait_for_selector("#inbox-title")
    await shot(page, "59-inbox-320px-200-percent")
    await view(page, "59-inbox-320px-200-percent-screen")
    await page.click("nav.bottom button.more")
    await expect(page.locator("nav.bottom button.more")).to_have_attribute("aria-expanded", "true")
    logout = page.locator(".more-menu button:has-text('ออกจากระบบ')")
    await logout.scroll_into_view_if_needed()
    await expect(logout).to_be_in_viewport()
    await fits(page, "the 'more' menu at 320 px and 200 % text")
    await shot(page, "60-more-menu-320px-200-percent")
    await view(page, "60-more-menu-320px-200-percent-screen")
    await page.click(".more-menu a[href='/settings']")
    await page.wait_for_url(f"{base}/settings")
    await expect(page.locator("nav.bottom button.more")).to_have_class(re.compile(r"\bcurrent\b"))
    await page.click("nav.bottom button.more")
    assert (await page.locator(".more-menu a[aria-current=page]").inner_text()).strip() == "ตั้งค่า"
    async with page.expect_response(lambda response: response.url.endswith("/auth/logout")) as logged_out:
        await logout.click()
    assert (await logged_out.value).ok
    assert (await page.context.request.get(f"{base}/api/v1/me")).status == 401


async def test_every_button_on_every_citizen_screen_is_a_44_px_target(
    demo_app: DemoApp, phone: BrowserContext
) -> None:
    base = demo_app.base
    page = await phone.new_page()
    await log_in(page, base, "Malee Sukjai", "/")
    screens = [*CITIZEN_SCREENS, *await _other_screens(page, phone, base)]
    small: dict[str, list[dict[str, Any]]] = {}
    for path in screens:
        await _settled(page, f"{base}{path}")
        targets = await page.evaluate(_TARGETS)
        if under := [target for target in targets if target["height"] < 44 or target["width"] < 44]:
            small[path] = under
    assert small == {}, small


async def test_a_login_turned_away_says_why_in_thai_and_when_to_try_again(
    demo_app: DemoApp, phone: BrowserContext
) -> None:
    """A browser loading a login page that cannot go on (a rush, too many tries, a login that failed) is
    sent to the app's own page rather than shown the problem as raw JSON (core/login_navigation.py)."""
    base = demo_app.base
    page = await phone.new_page()
    # A callback no login in this browser started: an old link, a login begun on another phone.
    await page.goto(f"{base}/auth/callback?code=x&state=y")
    await page.wait_for_url(f"{base}/login-problem?problem=login-failed")
    await expect(page.locator("h1")).to_have_text("เข้าสู่ระบบไม่สำเร็จ")
    await expect(page.get_by_role("link", name="ลองเข้าสู่ระบบอีกครั้ง")).to_have_attribute(
        "href", "/auth/login?next=%2F"
    )
    await shot(page, "100-login-failed-th")
    # A made-up kind, even one named like an object's own property, still gets words, not a blank app.
    await page.goto(f"{base}/login-problem?problem=constructor")
    await expect(page.locator("h1")).to_have_text("เข้าสู่ระบบไม่สำเร็จ")

    # Where the door sends a browser in a rush (as backend.core.deadline does), at 200 % text.
    await page.evaluate("localStorage.setItem('text-size', '200')")
    await page.goto(f"{base}/login-problem?problem=service-unavailable&retry=2&next=/bills")
    await expect(page.locator("h1")).to_have_text("ขณะนี้ระบบเข้าสู่ระบบไม่ว่าง")
    waiting = page.get_by_role("button", name=re.compile(r"^ลองอีกครั้งได้ในอีก \d+ วินาที$"))
    await expect(waiting).to_be_disabled()
    await fits(page, "the busy login page at 360 px and 200 % text")
    await tap_size(page, ".login-problem .button, .login-problem button")
    await shot(page, "101-login-busy-200-percent-th")
    again = page.get_by_role("link", name="ลองเข้าสู่ระบบอีกครั้ง")
    await expect(again).to_be_visible(timeout=10_000)  # once the wait is over
    await expect(page.get_by_role("status")).to_have_text("ลองเข้าสู่ระบบอีกครั้งได้แล้ว")  # said once
    await again.click()
    await page.wait_for_url(re.compile(r"/demo-idp/"))  # the login goes on, back to /bills afterwards
