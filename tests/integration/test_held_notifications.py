"""Issue 17 (11): an agency's send to one citizen answers the same whether or not the national ID
has ever used the app; a message to one that has not is held and reaches the inbox at first login."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
from litestar import Litestar

from backend.core.resources import Resources
from backend.core.tasks import run_task
from backend.identity.oidc import VerifiedLogin
from backend.identity.service import Identity
from notifications.schemas import NO_DEVICES
from tests.factories import make_agency, valid_national_id
from tests.helpers.notifications import TEMPLATE, send
from tests.integration.conftest import SignIn


async def _sender(sign_in: SignIn, resources: Resources) -> tuple[int, httpx.AsyncClient]:
    agency_id = await make_agency(resources.pool, status="approved")
    sender = await sign_in(("agency_sender", agency_id))
    template = await sender.post(f"/api/v1/agency/{agency_id}/notification-templates", json=TEMPLATE)
    assert template.status_code == 201, template.text
    return agency_id, sender


def _shape(response: httpx.Response) -> tuple[int, str, Any, Any]:
    """What may differ between two answers is only the message's id and when it was created."""
    body = response.json()
    return (
        response.status_code,
        response.headers["content-type"],
        sorted(body),
        {key: value for key, value in body.items() if key not in {"id", "created_at"}},
    )


async def test_a_send_answers_alike_for_a_citizen_and_for_a_national_id_never_seen(
    sign_in: SignIn, resources: Resources
) -> None:
    """Before: 404 "This person has not used the app yet" for one, 201 for the other."""
    agency_id, sender = await _sender(sign_in, resources)
    known, unknown = valid_national_id(1101), valid_national_id(1102)
    await sign_in(national_id=known)  # has used the app (no phone registered for pushes)

    answers = {}
    for national_id in (known, unknown):
        body = send(national_id)
        first = await sender.post("/api/v1/agency/notifications", json=body)
        again = await sender.post("/api/v1/agency/notifications", json=body)
        other = await sender.post("/api/v1/agency/notifications", json={**body, "urgency": "high"})
        status = await sender.get(f"/api/v1/agency/{agency_id}/notifications/{first.json()['id']}")
        answers[national_id] = [_shape(first), _shape(again), _shape(status), other.status_code]
        assert again.json()["id"] == first.json()["id"]
    assert answers[known] == answers[unknown]
    assert answers[unknown][0] == (
        201,
        "application/json",
        ["created_at", "deliveries", "id", "inbox_only", "status", "status_reason"],
        {"status": "permanent-failure", "status_reason": NO_DEVICES, "inbox_only": True, "deliveries": []},
    )
    assert answers[unknown][3] == 409
    # The agency's webhook hears of both the same way too.
    assert await resources.pool.fetchval(
        "SELECT count(*) FROM task_outbox WHERE task = 'notifications.status_webhook'"
    ) == 2  # fmt: skip


async def _first_login(app: Litestar, resources: Resources, national_id: str) -> str:
    """What the login callback does with a verified login from the identity provider."""
    identity: Identity = app.state.identity
    login = VerifiedLogin(
        national_id=national_id, issuer="https://id.example.invalid", subject=national_id, name_th=None,
        name_en="New Citizen", birthdate=None, acr=None, amr=["pwd"], auth_time=None, next_url="/inbox",
    )  # fmt: skip
    return str(await identity.record_login(resources, login))


async def test_held_messages_reach_the_inbox_at_first_login(
    app: Litestar, sign_in: SignIn, resources: Resources
) -> None:
    _, sender = await _sender(sign_in, resources)
    newcomer = valid_national_id(1103)
    body = send(newcomer, url="/bills")
    held = await sender.post("/api/v1/agency/notifications", json=body)
    assert held.status_code == 201, held.text
    soon = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    scheduled = await sender.post(
        "/api/v1/agency/notifications", json=send(newcomer, send_at=soon.isoformat())
    )
    assert scheduled.json()["status"] == "created"
    [release] = await resources.pool.fetch("SELECT id FROM task_outbox WHERE task = 'notifications.release'")
    # Its time comes before the citizen's first login: it ends as it would for one without devices.
    await resources.pool.execute("UPDATE notifications SET created_at = now() - interval '1 second'")
    await resources.pool.execute("UPDATE task_outbox SET run_after = now()")
    assert await run_task(resources, release["id"]) == "done"
    assert await resources.pool.fetchval(
        "SELECT status FROM notifications WHERE id = $1::uuid", scheduled.json()["id"]
    ) == "permanent-failure"  # fmt: skip
    assert await resources.pool.fetchval("SELECT count(*) FROM notifications WHERE citizen_id IS NULL") == 2

    citizen_id = await _first_login(app, resources, newcomer)
    citizen = await sign_in(national_id=newcomer)  # a session for the citizen that login created
    assert (await citizen.get("/api/v1/me")).json()["id"] == citizen_id
    inbox = (await citizen.get("/api/v1/inbox")).json()
    assert sorted(item["id"] for item in inbox["items"]) == sorted(
        [held.json()["id"], scheduled.json()["id"]]
    )
    assert inbox["unread"] == 2
    assert {item["url"] for item in inbox["items"]} == {"/bills", None}
    assert await resources.pool.fetchval("SELECT count(*) FROM notifications WHERE held_for IS NOT NULL") == 0

    # Afterwards the same key still names the same message; a new one goes straight to the citizen.
    again = await sender.post("/api/v1/agency/notifications", json=body)
    assert (again.status_code, again.json()["id"]) == (200, held.json()["id"])
    fresh = await sender.post("/api/v1/agency/notifications", json=send(newcomer))
    assert fresh.status_code == 201
    assert (await citizen.get("/api/v1/inbox/unread-count")).json() == {"unread": 3}
