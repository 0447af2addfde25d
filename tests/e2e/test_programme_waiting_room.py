"""A programme's waiting room in the browser, in Thai on a 360 px phone at 200 % text, against a
`citizen run` of its own (its worker lets people in once a second): the agency defines two programmes;
the citizen sees when the later one opens (Buddhist-era date), joins the open one and sees their place
and that they may close the app, is let in (the screen asks again when the server says), confirms and
gets a reference; the "your turn" message is in their inbox. Screenshots land in tests/e2e/screenshots/."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import asyncpg
import redis.asyncio
from pgserver.utils import PostmasterInfo
from playwright.async_api import Page, expect

from backend.demo.embedded import EmbeddedRedis
from backend.programmes.line import place_key
from tests.helpers.console import agency_console, api
from tests.helpers.pwa import DemoApp, Phones, fits, log_in, require_pwa_build, shot, tap_size

require_pwa_build()

WAIT = 30_000
THAILAND = dt.timezone(dt.timedelta(hours=7))


def _programme(name_th: str, name_en: str, opens_at: dt.datetime) -> dict[str, object]:
    return {
        "name_th": name_th,
        "name_en": name_en,
        "description_th": "ลงทะเบียนรับเงินช่วยเหลือ 10,000 บาท ผ่านแอป",
        "description_en": "Register for 10,000 baht of support through the app.",
        "opens_at": opens_at.isoformat(),
        "admit_per_second": 1,
    }


async def _agency_defines_two_programmes(
    phones: Phones, base: str, now: dt.datetime
) -> tuple[Page, str, dict[str, Any], dict[str, Any]]:
    """Tomorrow's, in the console's form in Thai; one open since a minute ago, through the API."""
    # The agency's administrator defines tomorrow's programme in the console, in Thai.
    kanda = await agency_console(phones, base, "โครงการลงทะเบียน")
    tomorrow = (now + dt.timedelta(days=1)).astimezone(THAILAND)
    await kanda.get_by_label("ชื่อโครงการ (ภาษาไทย)").fill("โครงการรอบถัดไป")
    await kanda.get_by_label("ชื่อโครงการ (ภาษาอังกฤษ)").fill("Next round")
    await kanda.fill("#programme-opens", str(tomorrow.day))
    await kanda.select_option("#programme-opens-month", str(tomorrow.month))
    await kanda.fill("#programme-opens-year", str(tomorrow.year + 543))
    await kanda.click("button:has-text('สร้างโครงการ')")
    await expect(kanda.locator("li.card", has_text="โครงการรอบถัดไป")).to_be_visible(timeout=WAIT)
    await fits(kanda, "the agency's programmes at 360 px")
    await shot(kanda, "w0-console-programmes-th")
    # Closing registration is asked twice, in words saying what happens to those waiting; not done here.
    card = kanda.locator("li.card", has_text="โครงการรอบถัดไป")
    await card.locator("button:has-text('ปิดรับลงทะเบียน')").click()
    await expect(card.get_by_role("alertdialog")).to_contain_text("ผู้ที่ยังรอคิวจะลงทะเบียนไม่ได้")
    await fits(kanda, "closing a programme, asked, at 360 px")
    await shot(kanda, "w0-console-programme-close-asked-th")
    await card.locator("button:has-text('ไม่ใช่ กลับไป')").click()
    me = await api(kanda, "GET", "/api/v1/me")
    [agency_id] = {role["agency_id"] for role in me["roles"] if role["role"] == "agency_admin"}
    made = f"/api/v1/agency/{agency_id}/programmes"
    [later] = [
        entry["programme"]
        for entry in await api(kanda, "GET", made)
        if entry["programme"]["name_th"] == "โครงการรอบถัดไป"
    ]
    wallet = await api(
        kanda, "POST", made, _programme("โครงการเงินดิจิทัล", "Digital wallet", now - dt.timedelta(minutes=1))
    )

    return kanda, made, later, wallet


async def _the_list_says_when_each_opens(
    page: Page, base: str, later: dict[str, Any], tomorrow: dt.datetime
) -> None:
    """The citizen's list, at 200 % text: one open, one opening tomorrow (its Buddhist-era date), and the
    later one's page with no way to join yet."""
    await log_in(page, base, "Somchai Jaidee", "/programmes")
    await page.evaluate("localStorage.setItem('text-size', '200')")
    await page.reload()
    await expect(page.locator("h1")).to_have_text("ลงทะเบียนโครงการ", timeout=WAIT)
    await expect(page.locator("li.panel", has_text="โครงการเงินดิจิทัล")).to_contain_text("เปิดลงทะเบียนแล้ว")
    upcoming = page.locator("li.panel", has_text="โครงการรอบถัดไป")
    buddhist_year = str(tomorrow.year + 543)
    await expect(upcoming).to_contain_text("เปิดลงทะเบียนวันที่")
    await expect(upcoming).to_contain_text(buddhist_year)
    await fits(page, "the programmes at 360 px and 200 % text")
    await shot(page, "w1-programmes-th")

    # Not open yet: when it opens, and no way to join.
    await page.goto(f"{base}/programmes/{later['id']}")
    await expect(page.locator(".notice.info")).to_contain_text(buddhist_year, timeout=WAIT)
    await expect(page.locator("button:has-text('เข้าคิว')")).to_have_count(0)


async def _window_ran_out(demo_app: DemoApp, programme_id: str, citizen_id: str) -> None:
    """As ten minutes passing would: the place let in long ago, in the app's embedded PostgreSQL, and
    the copy polls read dropped from its Redis."""
    var = demo_app.log.parent / "var"
    postmaster = PostmasterInfo.read_from_pgdata(var / "postgres")
    assert postmaster is not None
    connection = await asyncpg.connect(postmaster.get_uri(database="citizen"))
    try:
        await connection.execute(
            "UPDATE programme_places SET admitted_at = now() - interval '20 minutes',"
            " admitted_until = now() - interval '10 minutes' WHERE programme_id = $1::uuid",
            programme_id,
        )
    finally:
        await connection.close()
    client = redis.asyncio.Redis(unix_socket_path=str(EmbeddedRedis(var / "redis").socket_path))
    try:
        await client.delete(place_key(uuid.UUID(programme_id), uuid.UUID(citizen_id)))
    finally:
        await client.aclose()


async def test_a_citizen_joins_the_line_is_let_in_and_registers_in_thai_at_360_px(
    demo_app: DemoApp, phones: Phones
) -> None:
    base = demo_app.base
    now = dt.datetime.now(dt.UTC)
    kanda, made, later, wallet = await _agency_defines_two_programmes(phones, base, now)
    tomorrow = (now + dt.timedelta(days=1)).astimezone(THAILAND)

    page = await (await phones()).new_page()
    await _the_list_says_when_each_opens(page, base, later, tomorrow)

    # Open: join, see the place and that the app may be closed.
    await page.goto(f"{base}/programmes/{wallet['id']}")
    join = page.locator("button:has-text('เข้าคิว')")
    await expect(join).to_be_visible(timeout=WAIT)
    await tap_size(page, "main button")
    await join.click()
    waiting = page.locator(".waiting-room")
    await expect(waiting).to_contain_text("คุณอยู่คิวที่ 1")
    await expect(waiting).to_contain_text("ปิดแอปได้เลย")
    await fits(page, "the waiting room at 360 px and 200 % text")
    await shot(page, "w2-waiting-room-th")

    # The worker lets them in; the screen asks again when the server said and offers the confirmation.
    confirm = page.locator("button:has-text('ยืนยันลงทะเบียน')")
    await expect(confirm).to_be_visible(timeout=WAIT)
    await expect(waiting).to_contain_text("กรุณาลงทะเบียนก่อนเวลา")
    await tap_size(page, ".waiting-room button")
    await fits(page, "the turn at 360 px and 200 % text")
    await shot(page, "w3-your-turn-th")
    await confirm.click()
    await expect(waiting).to_contain_text("ลงทะเบียนเรียบร้อยแล้ว", timeout=WAIT)
    reference = await page.locator(".reference").inner_text()
    assert reference.startswith(wallet["id"].replace("-", "")[:6].upper())
    await fits(page, "the registration at 360 px and 200 % text")
    await shot(page, "w4-registered-th")

    # The same again (another tap, another device): the same registration, once.
    again = await api(page, "POST", f"/api/v1/programmes/{wallet['id']}/registrations")
    assert again["reference"] == reference
    counts = await api(kanda, "GET", made)
    [mine] = [entry for entry in counts if entry["programme"]["id"] == wallet["id"]]
    assert (mine["joined"], mine["admitted"], mine["registered"]) == (1, 1, 1)
    await kanda.reload()
    await kanda.click(".segmented button:text-is('โครงการลงทะเบียน')")
    card = kanda.locator("li.card", has_text="โครงการเงินดิจิทัล")
    await expect(card.locator("div", has_text="ลงทะเบียนแล้ว").locator("dd")).to_have_text("1", timeout=WAIT)

    # "Your turn" reached the inbox, in Thai.
    await page.goto(f"{base}/inbox")
    await expect(page.locator(".message", has_text="ถึงคิวของคุณแล้ว")).to_be_visible(timeout=WAIT)

    await _misses_their_window_and_joins_again(demo_app, page, kanda, made, now)


async def _misses_their_window_and_joins_again(
    demo_app: DemoApp, page: Page, kanda: Page, made: str, now: dt.datetime
) -> None:
    """Let in to a third programme, they miss their window: no dead end, they may join again at the
    back, and are let in once more."""
    third = await api(
        kanda, "POST", made, _programme("โครงการรอบสาม", "Third round", now - dt.timedelta(minutes=1))
    )
    await page.goto(f"{demo_app.base}/programmes/{third['id']}")
    await page.locator("button:has-text('เข้าคิว')").click()
    confirm = page.locator("button:has-text('ยืนยันลงทะเบียน')")
    await expect(confirm).to_be_visible(timeout=WAIT)
    me = await api(page, "GET", "/api/v1/me")
    await _window_ran_out(demo_app, third["id"], me["id"])
    await page.reload()
    rejoin = page.locator("button:has-text('ต่อคิวใหม่')")
    await expect(rejoin).to_be_visible(timeout=WAIT)
    await expect(page.locator(".waiting-room")).to_contain_text("หมดเวลาลงทะเบียนของคุณแล้ว")
    await tap_size(page, ".waiting-room button")
    await fits(page, "the lapsed place at 360 px and 200 % text")
    await shot(page, "w5-lapsed-th")
    await rejoin.click()
    await expect(confirm).to_be_visible(timeout=WAIT)  # in line again, and let in again
    place = await api(page, "GET", f"/api/v1/programmes/{third['id']}/queue")
    assert (place["state"], place["ticket"]) == ("admitted", 2)
