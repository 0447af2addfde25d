"""Choosing whom a message reaches, as the demo welfare department's sender (Pim) does it, in Thai on a
360 px phone: everyone following the agency's tiles, the followers of one tile, and citizens by their
entitlement state. For each, the confirmation says how many people it reaches (the number the agency's
reach API gives for that very audience) before anything is sent, and "back to editing" sends nothing.
Screenshot 86 in ``tests/e2e/screenshots/``, checked by axe-core."""

from __future__ import annotations

from typing import Any

from playwright.async_api import Page

from tests.helpers.console import api, person
from tests.helpers.pwa import DemoApp, Phones, fits, require_pwa_build, shot

require_pwa_build()

AUDIENCE = "label.field:has(> span:text-is('ผู้รับ')) select"  # "ผู้รับ" alone: other labels contain it
CONFIRM = "[aria-labelledby=confirm-title]"


async def _reach_shown(page: Page, agency_id: int, audience: dict[str, Any]) -> int:
    """Ask for the confirmation, read the number it says, and go back to editing; returns the number."""
    await page.click("button:text-is('ตรวจสอบก่อนส่ง')")
    confirm = page.locator(CONFIRM)
    await confirm.wait_for()
    said = await confirm.inner_text()
    reach = await api(
        page, "POST", f"/api/v1/agency/{agency_id}/notification-campaigns/reach", {"audience": audience}
    )
    assert f"{reach['citizens']} คน" in said, (audience, said)
    assert "ข้อความนี้จะส่งถึง" in said
    return int(reach["citizens"])


async def test_a_sender_sees_how_many_each_kind_of_audience_reaches_before_sending(
    demo_app: DemoApp, phones: Phones
) -> None:
    page = await person(phones, demo_app.base, "Pim Songkhao", "/console")
    [role] = [row for row in (await api(page, "GET", "/api/v1/me"))["roles"] if row["agency_id"] is not None]
    agency_id = role["agency_id"]
    [tile, *_] = [t for t in await api(page, "GET", f"/api/v1/agency/{agency_id}/tiles") if t["published"]]
    # Malee follows one of the agency's tiles: both follower audiences reach at least her.
    malee = await person(phones, demo_app.base, "Malee Sukjai")
    await api(malee, "PUT", f"/api/v1/tiles/{tile['id']}/favourite")
    inbox_before = (await api(malee, "GET", "/api/v1/inbox"))["items"]

    await page.click(".segmented button:text-is('ส่งข้อความ')")
    await page.get_by_label("แม่แบบ").select_option(label="โอนเบี้ยยังชีพเดือนนี้แล้ว")

    await page.locator(AUDIENCE).select_option(label="ทุกคนที่ติดตามบริการของหน่วยงาน")
    assert await _reach_shown(page, agency_id, {"kind": "agency-followers"}) >= 1
    await page.click("button:text-is('กลับไปแก้ไข')")

    await page.locator(AUDIENCE).select_option(label="ผู้ที่ติดตามไทล์บริการหนึ่ง")
    await page.locator("label.field:has(> span:text-is('ไทล์บริการ')) select").select_option(
        label=tile["published"]["title_th"]
    )
    followers = {"kind": "tile-followers", "tile_id": tile["id"]}
    assert await _reach_shown(page, agency_id, followers) >= 1
    await fits(page, "tile followers' confirmation")
    await shot(page, "86-agency-audience-tile-followers-confirmation")
    await page.click("button:text-is('กลับไปแก้ไข')")

    await page.locator(AUDIENCE).select_option(label="ประชาชนตามสถานะสิทธิ์จากตัวเชื่อมต่อของหน่วยงาน")
    for words, status in (("มีสิทธิ์ แต่ยังไม่ลงทะเบียน", "eligible_not_enrolled"), ("กำลังได้รับสิทธิ์", "receiving")):
        await page.locator("label.field:has(> span:text-is('สถานะสิทธิ์')) select").select_option(label=words)
        await _reach_shown(
            page, agency_id, {"kind": "entitlement-state", "status": status, "scheme_id": None}
        )
        await page.click("button:text-is('กลับไปแก้ไข')")

    # Only looked: nothing reached Malee, who follows the tile.
    assert (await api(malee, "GET", "/api/v1/inbox"))["items"] == inbox_before
    await malee.context.close()
