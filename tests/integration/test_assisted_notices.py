"""Issue 22 item 6, the citizen's phone: a counter staff member's request reaches the citizen's inbox from
the platform ("ทางรัฐ"), naming the staff member and the service point, linking to Settings where they
confirm; the help starting (confirmed or by code) and ending (staff or citizen) is one notice each,
worded for help at a counter, and so is the hour running out (a task at its end); never a national
ID, never to the staff member's own inbox, never twice."""

from __future__ import annotations

from typing import Any

import httpx
from litestar import Litestar

from backend.core.resources import Resources
from backend.core.tasks import run_task
from tests.helpers.assisted import POINT, counter_world, enter_code, new_code
from tests.integration.conftest import SignIn


async def _notices(browser: httpx.AsyncClient) -> list[dict[str, Any]]:
    """The platform's notices about counter help, oldest first (a step's own notice left out)."""
    inbox = await browser.get("/api/v1/inbox")
    assert inbox.status_code == 200, inbox.text
    items = [item for item in inbox.json()["items"] if item["agency_code"] == "platform"]
    return [item for item in reversed(items) if "เจ้าหน้าที่" in item["title_th"]]


async def test_a_request_its_start_and_its_end_each_reach_the_citizen_once_and_never_the_staff(
    app: Litestar, sign_in: SignIn, resources: Resources
) -> None:
    world = await counter_world(app, sign_in, resources)
    somchai, somsri = world["somchai"], world["somsri"]
    body = {"national_id": world["national_id"], "service_point": POINT}
    asked = await somsri.post("/api/v1/counter/sessions", json=body)
    assert asked.status_code == 201, asked.text
    # Asking again while the first is open is refused and tells him nothing more.
    assert (await somsri.post("/api/v1/counter/sessions", json=body)).status_code == 409

    [request] = await _notices(somchai)
    assert request["title_th"] == f"เจ้าหน้าที่ สมศรี ใจงาม ที่ {POINT} ขอช่วยทำรายการแทนคุณ 1 ชั่วโมง"
    assert request["title_en"] == f"Somsri, counter staff, at {POINT}, asks to help you for one hour"
    assert "ยืนยันได้ที่หน้าตั้งค่า ภายใน 10 นาที" in request["body_th"]
    assert "within 10 minutes" in request["body_en"]
    assert (request["url"], request["agency_name_th"]) == ("/settings#assisted", "ทางรัฐ")
    assert request["verification_code"]

    session = asked.json()["id"]
    confirmed = await somchai.post(f"/api/v1/me/assisted/{session}/confirm", json={"scopes": ["bills"]})
    assert confirmed.status_code == 200, confirmed.text
    assert (
        await somchai.post(f"/api/v1/me/assisted/{session}/confirm", json={"scopes": ["bills"]})
    ).status_code == 409
    ended = await somsri.post(f"/api/v1/me/delegations/{session}/end", json={})
    assert ended.status_code == 200, ended.text
    assert (await somsri.post(f"/api/v1/me/delegations/{session}/end", json={})).status_code == 409

    notices = await _notices(somchai)
    titles = [n["title_th"] for n in notices]
    assert len(titles) == 3, titles
    assert titles[1].startswith(f"เจ้าหน้าที่ สมศรี ใจงาม ที่ {POINT} เริ่มการช่วยเหลือคุณ ถึงเวลา ")
    assert titles[1].endswith(" น.")
    assert titles[2] == "เจ้าหน้าที่ สมศรี ใจงาม จบการช่วยเหลือคุณแล้ว"
    assert [n["title_en"] for n in notices][2] == "Somsri, counter staff, stopped helping you"
    assert all(n["url"] == "/data-access" for n in notices[1:])
    everything = " ".join(f"{n['title_th']} {n['title_en']} {n['body_th']} {n['body_en']}" for n in notices)
    assert world["national_id"] not in everything
    assert "ทำแทนคุณ" not in titles[1] + titles[2], "counter wording, not a chosen grant's"
    assert [item for item in (await somsri.get("/api/v1/inbox")).json()["items"]] == [], "staff: nothing"


async def test_help_started_by_a_code_and_ended_by_the_citizen_is_one_notice_each(
    app: Litestar, sign_in: SignIn, resources: Resources
) -> None:
    world = await counter_world(app, sign_in, resources, seed=307)
    somchai, somsri = world["somchai"], world["somsri"]
    session = await enter_code(world, await new_code(world))
    assert session.status_code == 201, session.text
    ended = await somchai.post(f"/api/v1/me/delegations/{session.json()['id']}/end", json={})
    assert ended.status_code == 200, ended.text

    notices = await _notices(somchai)
    assert [n["title_th"].split(" ถึงเวลา")[0] for n in notices] == [
        f"เจ้าหน้าที่ สมศรี ใจงาม ที่ {POINT} เริ่มการช่วยเหลือคุณ",
        "คุณจบการช่วยเหลือของเจ้าหน้าที่ สมศรี ใจงามแล้ว",
    ]
    assert notices[1]["title_en"] == "You ended the help of Somsri, counter staff"
    assert (await somsri.get("/api/v1/inbox")).json()["items"] == []


async def _run_hour_tasks(resources: Resources) -> list[str]:
    rows = await resources.pool.fetch(
        "SELECT id FROM task_outbox WHERE task = 'delegation.assisted_hour_ends' AND state = 'pending'"
    )
    await resources.pool.execute(
        "UPDATE task_outbox SET run_after = now() WHERE task = 'delegation.assisted_hour_ends'"
    )
    return [await run_task(resources, row["id"]) for row in rows]


async def test_the_hour_running_out_is_one_notice_but_an_end_already_told_is_not_told_again(
    app: Litestar, sign_in: SignIn, resources: Resources
) -> None:
    world = await counter_world(app, sign_in, resources, seed=311)
    somchai, somsri = world["somchai"], world["somsri"]
    first = (await enter_code(world, await new_code(world))).json()["id"]
    assert len(await _notices(somchai)) == 1
    await resources.pool.execute(
        """UPDATE delegations SET created_at = now() - interval '61 minutes',
           accepted_at = now() - interval '61 minutes', ends_at = now() - interval '1 minute'
           WHERE id = $1::uuid""",
        first,
    )
    assert await _run_hour_tasks(resources) == ["done"]
    assert await _run_hour_tasks(resources) == []
    up = (await _notices(somchai))[-1]
    assert up["title_th"] == "ครบ 1 ชั่วโมงแล้ว เจ้าหน้าที่ สมศรี ใจงาม จบการช่วยเหลือคุณ"
    assert up["title_en"] == "The hour is up: Somsri, counter staff, no longer helps you"
    [given] = (await somchai.get("/api/v1/me/delegations")).json()["given"]
    assert given["status"] == "ended"

    # Ended by the citizen first: the hour's task, when it runs, tells nothing more.
    second = (await enter_code(world, await new_code(world))).json()["id"]
    assert (await somchai.post(f"/api/v1/me/delegations/{second}/end", json={})).status_code == 200
    await resources.pool.execute(
        "UPDATE delegations SET ends_at = now() - interval '1 minute' WHERE id = $1::uuid", second
    )
    told = len(await _notices(somchai))
    assert await _run_hour_tasks(resources) == ["done"]
    assert len(await _notices(somchai)) == told
    assert (await somsri.get("/api/v1/inbox")).json()["items"] == []
