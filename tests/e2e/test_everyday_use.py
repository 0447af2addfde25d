"""Everyday use on a 360 px phone, in Thai and English (issue 18, items 14 to 16): the bottom bar with
its badge in both languages, an inbox that pages back and whose delete can be undone, and search that
understands the words people say. Screenshots land in ``tests/e2e/screenshots/``."""

from __future__ import annotations

import datetime as dt
import re

import asyncpg
from pgserver.utils import PostmasterInfo
from playwright.async_api import BrowserContext, Page, expect

from tests.helpers.pwa import PHONE, SCREENSHOTS, DemoApp, fits, log_in, require_pwa_build, shot

require_pwa_build()


async def _messages_for(demo_app: DemoApp, page: Page, count: int) -> None:
    """``count`` messages, a minute apart, for whoever is logged in on ``page``, written straight into
    the app's embedded database (the inbox is what is tested here, not sending)."""
    citizen_id = (await page.evaluate("fetch('/api/v1/me').then(r => r.json())"))["id"]
    postmaster = PostmasterInfo.read_from_pgdata(demo_app.log.parent / "var" / "postgres")
    assert postmaster is not None
    connection = await asyncpg.connect(postmaster.get_uri(database="citizen"))
    try:
        agency = await connection.fetchval("SELECT id FROM agencies WHERE code = 'demo-welfare'")
        start = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
        await connection.executemany(
            """
            INSERT INTO notifications (citizen_id, agency_id, title_th, title_en, body_th, body_en, urgency,
                                       ttl_seconds, idempotency_key, request_hash, created_at)
            VALUES ($1::uuid, $2, $3, $4, 'รายละเอียด', 'Details', 'normal', 60, $5, '\\x00', $6)
            """,
            [
                (
                    citizen_id,
                    agency,
                    f"ข้อความที่ {n}",
                    f"Message {n}",
                    f"e2e-{n}",
                    start + dt.timedelta(minutes=n),
                )
                for n in range(1, count + 1)
            ],
        )
    finally:
        await connection.close()


async def test_the_bottom_bar_in_english_and_thai_keeps_its_labels_whole_beside_the_badge(
    demo_app: DemoApp, phone: BrowserContext
) -> None:
    base = demo_app.base
    page = await phone.new_page()
    await log_in(page, base, "Somchai Jaidee", "/")
    await _messages_for(demo_app, page, 3)
    for language, inbox_word, more_word in (("th", "กล่องข้อความ", "เพิ่มเติม"), ("en", "Inbox", "More")):
        await page.evaluate(f"localStorage.setItem('language', '{language}')")
        await page.goto(f"{base}/inbox")
        await page.wait_for_selector(".message.unread")
        places = page.locator("nav.bottom .bar > li")
        assert await places.count() == 5  # four destinations and "more"
        assert await page.locator("nav.bottom .bar svg.icon").count() == 5
        current = page.locator("nav.bottom a[aria-current=page]")
        await expect(current).to_have_count(1)
        assert await current.locator(".nav-label").inner_text() == inbox_word
        assert await page.locator("nav.bottom button.more .nav-label").inner_text() == more_word
        # The badge sits on the icon: every label whole (wrapping between words only), never covered.
        badge = await page.locator("nav.bottom .badge-count").bounding_box()
        assert badge is not None
        for label in await page.locator("nav.bottom .nav-label").all():
            box = await label.bounding_box()
            assert box is not None
            assert await label.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), await label.inner_text()
            assert badge["y"] + badge["height"] <= box["y"] + 1 or badge["x"] >= box["x"] + box["width"]
        await shot(page, f"70-bottom-bar-badge-{language}")
        for width, size in ((320, "200"), (360, "100")):
            await page.evaluate(f"localStorage.setItem('text-size', '{size}')")
            await page.set_viewport_size({"width": width, "height": 700})
            await page.reload()
            await page.wait_for_selector("#inbox-title")
            await fits(page, f"the inbox at {width} px, {size} % text, {language}")
            await page.click("nav.bottom button.more")
            logout = page.locator(".more-menu button.menu-logout")
            await logout.scroll_into_view_if_needed()
            await expect(logout).to_be_in_viewport()
            await page.screenshot(path=str(SCREENSHOTS / f"71-more-{width}px-{size}-{language}.png"))
            await page.click("nav.bottom button.more")
        await page.set_viewport_size(PHONE)


async def test_the_inbox_pages_back_and_a_deleted_message_comes_back_with_undo(
    demo_app: DemoApp, phone: BrowserContext
) -> None:
    base = demo_app.base
    page = await phone.new_page()
    await log_in(page, base, "Malee Sukjai", "/")
    await _messages_for(demo_app, page, 24)
    await page.goto(f"{base}/inbox")
    await page.wait_for_selector(".message")
    first_page = await page.locator(".message").count()
    assert first_page == 20
    older = page.locator("button.older")
    await expect(older).to_have_text("ข้อความเก่ากว่า")
    await older.click()
    await expect(page.locator(".message")).to_have_count(first_page + 4)
    await expect(page.locator("button.older")).to_have_count(0)
    await expect(page.locator("text=ไม่มีข้อความที่เก่ากว่านี้")).to_be_visible()
    await expect(page.locator(".message h2", has_text="ข้อความที่ 4")).to_be_focused()  # the first older one
    assert await page.locator(".message h2", has_text=re.compile("ข้อความที่ 1$")).count() == 1  # the oldest

    # Delete, and undo from the same place: the message comes back, still unread, and stays after a reload.
    target = page.locator(".message", has_text="ข้อความที่ 24")
    await target.locator("button:has-text('ลบ')").click()
    deleted = page.locator(".message.deleted")
    await expect(deleted).to_contain_text("ลบข้อความแล้ว")
    undo = deleted.locator("button:has-text('เลิกทำ')")
    await expect(undo).to_be_focused()
    box = await undo.bounding_box()
    assert box is not None
    assert box["height"] >= 44
    await fits(page, "a deleted message")
    await shot(page, "72-inbox-deleted-undo")
    await page.screenshot(path=str(SCREENSHOTS / "72-inbox-deleted-undo-screen.png"))
    await undo.click()
    await expect(page.locator(".message.deleted")).to_have_count(0)
    await expect(page.locator(".message.unread h2", has_text="ข้อความที่ 24")).to_be_focused()
    await page.reload()
    await expect(page.locator(".message h2", has_text="ข้อความที่ 24")).to_have_count(1)

    # Deleted for good when not undone; in English the same.
    await page.evaluate("localStorage.setItem('language', 'en')")
    await page.reload()
    await page.locator(".message", has_text="Message 23").locator("button:has-text('Delete')").click()
    await expect(page.locator(".message.deleted")).to_contain_text("Message deleted")
    await expect(page.locator(".message.deleted button")).to_have_text("Undo (bring the message back)")
    await shot(page, "73-inbox-deleted-undo-en")
    await page.reload()
    await page.wait_for_selector(".message")
    assert await page.locator(".message h2", has_text="Message 23").count() == 0
    await expect(page.locator("button.older")).to_have_text("Older messages")
    await page.evaluate("localStorage.setItem('language', 'th')")


async def test_search_finds_the_tiles_people_name_in_everyday_words(
    demo_app: DemoApp, phone: BrowserContext
) -> None:
    base = demo_app.base
    page = await phone.new_page()
    await log_in(page, base, "Somchai Jaidee", "/")
    await page.wait_for_selector(".tile")
    search = page.locator("input[type=search]")
    cases = {
        "th": {
            "บัตรทอง": "สิทธิรักษาพยาบาล",
            "บัตรคนจน": "บัตรสวัสดิการแห่งรัฐ",
            "เบี้ยคนแก่": "เบี้ยยังชีพผู้สูงอายุ",
            "ค่าไฟ": "ชำระค่าไฟฟ้า",
            "ประกันสังคน": "สิทธิประกันสังคม",  # a typo
        },
        "en": {"gold card": "Health coverage", "old age alowance": "Elderly allowance"},
    }
    for language, queries in cases.items():
        await page.evaluate(f"localStorage.setItem('language', '{language}')")
        await page.reload()
        await page.wait_for_selector(".tile")
        for query, title in queries.items():
            await search.fill(query)
            first = page.locator(".tile .tile-title").first
            await expect(first).to_have_text(title)
            await fits(page, f"search for {query}")
            if query in ("บัตรทอง", "gold card"):
                await shot(page, f"74-search-{language}")
