"""A citizen's bills come a page at a time (issue 23: no list reads everything a citizen ever had).
Kanda, the demo welfare department's administrator, issues 52 bills to Boonmee through the agency API;
on Boonmee's phone, in Thai at 360 px, the bills screen shows the first 50 in the order she pays them
(soonest due first, with any bill the demo data gave her), and "ดูบิลเพิ่มเติม" brings the rest once.
Screenshot 87 in ``tests/e2e/screenshots/``, checked by axe-core."""

from __future__ import annotations

import datetime as dt
import uuid

from playwright.async_api import Page

from tests.helpers.console import api, person
from tests.helpers.pwa import DemoApp, Phones, fits, require_pwa_build, shot, view

require_pwa_build()

BOONMEE = "3700500123452"  # a demo citizen with no bills of her own
ISSUED = 52
MORE = "button:text-is('ดูบิลเพิ่มเติม')"


async def _issue(page: Page) -> list[str]:
    """The references of the bills issued, in the order the app lists them: by due date."""
    [role] = [row for row in (await api(page, "GET", "/api/v1/me"))["roles"] if row["agency_id"] is not None]
    first_due = dt.date.today() + dt.timedelta(days=10)
    refs = [f"BP{number:04d}" for number in range(ISSUED)]
    for number, ref in enumerate(refs):
        bill = {
            "national_id": BOONMEE, "amount_satang": 5000 + number, "biller_id": "0994000512007", "ref1": ref,
            "due_date": (first_due + dt.timedelta(days=number)).isoformat(),
            "description_th": f"ค่าธรรมเนียม {ref}", "description_en": f"Fee {ref}",
            "idempotency_key": uuid.uuid4().hex, "agency_id": role["agency_id"],
        }  # fmt: skip
        await api(page, "POST", "/api/v1/agency/bills", bill)
    return refs


async def _shown(page: Page) -> list[str]:
    return [text.strip() for text in await page.locator("ul.cards li.card h2").all_inner_texts()]


async def test_the_bills_screen_shows_fifty_then_the_rest_on_more(demo_app: DemoApp, phones: Phones) -> None:
    kanda = await person(phones, demo_app.base, "Kanda Phudulae", "/console")
    refs = await _issue(kanda)

    page = await person(phones, demo_app.base, "Boonmee Phophiang", "/bills")
    # Every unpaid bill of hers in one answer, as the API lists them: ours and any the demo data gave her.
    unpaid = await api(page, "GET", "/api/v1/bills?status=unpaid&limit=200")
    assert sum(bill["ref1"] in refs for bill in unpaid) == ISSUED
    expected = [bill["description_th"] for bill in unpaid]
    await page.locator("ul.cards li.card").first.wait_for()
    assert await _shown(page) == expected[:50]
    more = page.locator(MORE)
    await more.scroll_into_view_if_needed()
    await fits(page, "the bills screen with more to show")
    await shot(page, "87-bills-more")
    await view(page, "87-bills-more-screen")

    await more.click()
    await page.locator(f"li.card:has-text('{refs[-1]}')").wait_for()
    assert await _shown(page) == expected  # the first page stays, the next follows it, nothing twice
    assert await page.locator(MORE).count() == 0  # nothing further
