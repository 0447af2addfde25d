"""The agency's bills list pages as Kanda (the demo welfare department's administrator) reads it, in
Thai on a 360 px phone: with 21 bills issued through the API on top of the demo data's 3, the list
shows the newest 20 and "show more" brings the rest, once, for all bills and for one state. Screenshot
85 in ``tests/e2e/screenshots/``, checked by axe-core."""

from __future__ import annotations

import datetime as dt
import uuid

from playwright.async_api import Page

from tests.helpers.console import api, person
from tests.helpers.pwa import DemoApp, Phones, require_pwa_build, shot

require_pwa_build()

MALEE = "1100700945129"  # a demo citizen (Malee Sukjai)
ISSUED = [f"PG{number:04d}" for number in range(1, 22)]
SEEDED = ["WD0001", "WD0002", "WD0003"]  # the demo data's, issued before any of ours
MORE = "button:text-is('แสดงเพิ่ม')"


async def _issue(page: Page) -> None:
    [role] = [row for row in (await api(page, "GET", "/api/v1/me"))["roles"] if row["agency_id"] is not None]
    due = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    for ref in ISSUED:  # one after another: the list's order is the order they were issued
        bill = {
            "national_id": MALEE, "amount_satang": 10000, "due_date": due, "biller_id": "0994000512007",
            "ref1": ref, "description_th": f"ค่าปรับ {ref}", "description_en": f"Fine {ref}",
            "idempotency_key": uuid.uuid4().hex, "agency_id": role["agency_id"],
        }  # fmt: skip
        await api(page, "POST", "/api/v1/agency/bills", bill)


async def _shown(page: Page) -> list[str]:
    return [text.strip() for text in await page.locator("ul.cards li.card code").all_inner_texts()]


async def test_the_bills_list_shows_twenty_then_the_rest_on_show_more(
    demo_app: DemoApp, phones: Phones
) -> None:
    page = await person(phones, demo_app.base, "Kanda Phudulae", "/console")
    await _issue(page)
    await page.reload()
    await page.click(".segmented button:text-is('บิลและการชำระ')")
    await page.locator("dl.summary:has-text('ยังไม่ชำระ')").wait_for()
    assert "ยังไม่ชำระ\n22 บิล" in await page.inner_text("dl.summary")  # totals count every page

    await page.locator(f"li.card:has-text('{ISSUED[-1]}')").wait_for()
    assert await _shown(page) == ISSUED[:0:-1]  # the newest 20, newest first
    await page.click(MORE)
    await page.locator(f"li.card:has-text('{SEEDED[0]}')").wait_for()
    shown = await _shown(page)
    assert shown[:20] == ISSUED[:0:-1]  # the first page stays, the next follows it
    assert shown[20:21] == ["PG0001"]
    assert sorted(shown[21:]) == SEEDED
    assert await page.locator(MORE).count() == 0  # nothing older
    overflow = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, overflow

    # One state pages the same way: 22 unpaid (ours and the demo's unpaid one), 20 then 2.
    await page.locator("label:has-text('แสดงสถานะ') select").select_option("unpaid")
    await page.locator(MORE).wait_for()
    assert len(await _shown(page)) == 20
    await page.click(MORE)
    await page.locator("li.card:has-text('WD0001')").wait_for()
    shown = await _shown(page)
    assert (len(shown), shown[-2:]) == (22, ["PG0001", "WD0001"])
    assert await page.locator(MORE).count() == 0
    await shot(page, "85-agency-bills-after-show-more")
