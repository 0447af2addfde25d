"""Issue 17 (6): only the platform's own messages and approved emergency alerts pass citizens'
opt-outs and quiet hours; an agency cannot claim that by naming a category."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from backend.core.resources import Resources
from backend.core.tasks import run_task
from notifications.queries import upsert_subscription
from tests.factories import make_agency, valid_national_id
from tests.helpers.notifications import PARAMS, TEMPLATE, send
from tests.helpers.payments import callback, pending_payment, post_callback, tell_receipts
from tests.integration.conftest import SignIn

THAI = re.compile(r"[\u0E00-\u0E7F]")


def _unreachable() -> dict[str, Any]:
    """Opted out of everything this test's agency sends, and in quiet hours: from two hours before now to
    two after, in Thai time (past midnight when it is late), since fixed hours such as 00:00-23:59 left a
    minute of the day in which the tests failed."""
    now = dt.datetime.now(ZoneInfo("Asia/Bangkok"))
    hours = {
        "start": f"{now - dt.timedelta(hours=2):%H:%M}:00",
        "end": f"{now + dt.timedelta(hours=2):%H:%M}:00",
    }
    return {"quiet_hours": hours, "opt_out_categories": ["payments", "safety", "bills"]}


async def _citizen_with_a_device(
    sign_in: SignIn, resources: Resources, seed: int, agency_id: int | None = None
) -> tuple[httpx.AsyncClient, str]:
    national_id = valid_national_id(seed)
    citizen = await sign_in(national_id=national_id)
    me = (await citizen.get("/api/v1/me")).json()
    await upsert_subscription(
        resources.pool, citizen_id=me["id"], endpoint=f"https://push.example.org/{uuid.uuid4().hex}",
        p256dh="B" + "A" * 86, auth="A" * 22, user_agent="test",
    )  # fmt: skip
    opt_outs = {**_unreachable(), "opt_out_agencies": [] if agency_id is None else [agency_id]}
    assert (await citizen.put("/api/v1/me/notification-preferences", json=opt_outs)).status_code == 200
    return citizen, national_id


async def _expand_campaigns(resources: Resources) -> None:
    """The campaigns' expansion only (planning, then the ranges' chunks): their pushes stay queued (each
    message's status says how)."""
    while pending := await resources.pool.fetch(
        "SELECT id FROM task_outbox WHERE task = 'notifications.expand_campaign' AND state = 'pending'"
    ):
        for row in pending:
            assert await run_task(resources, row["id"]) == "done"


def _refused_in_both_languages(response: httpx.Response, field: str) -> None:
    assert response.status_code == 403, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == "/problems/emergency-alerts-only"
    for text in (problem["title"], problem["detail"]):
        assert THAI.search(text), text
        assert "emergency alerts" in text
    assert [error["field"] for error in problem["errors"]] == [field]


async def test_an_agency_without_approval_cannot_claim_the_money_or_safety_exception(
    sign_in: SignIn, resources: Resources
) -> None:
    """Before: any template could be category "safety" and, sent urgent, reached opted-out citizens
    in their quiet hours, one by one or as a whole campaign."""
    agency_id = await make_agency(resources.pool, status="approved")
    sender = await sign_in(("agency_sender", agency_id))
    _, national_id = await _citizen_with_a_device(sign_in, resources, 1701, agency_id)
    templates = f"/api/v1/agency/{agency_id}/notification-templates"
    for category in ("safety", "payments"):
        refused = await sender.post(
            templates, json={**TEMPLATE, "key": f"x-{category}", "category": category}
        )
        _refused_in_both_languages(refused, "category")
    assert await resources.pool.fetchval("SELECT count(*) FROM notification_templates") == 0

    # A template saved before the categories were reserved cannot be sent with them either.
    await resources.pool.execute(
        "INSERT INTO notification_templates (agency_id, key, version, category, title_th, title_en, "
        "body_th, body_en, placeholders) VALUES ($1, 'old-alert', 1, 'safety', 'ด่วน', 'Urgent', 'ด่วน', "
        "'Urgent', '{}')",
        agency_id,
    )
    single = await sender.post(
        "/api/v1/agency/notifications",
        json=send(national_id, template="old-alert", params={}, urgency="high"),
    )
    _refused_in_both_languages(single, "template")
    campaign = await sender.post(
        "/api/v1/agency/notification-campaigns",
        json={
            "audience": {"kind": "agency-followers"},
            "template": "old-alert",
            "urgency": "high",
            "idempotency_key": "alert",
        },
    )
    _refused_in_both_languages(campaign, "template")
    assert await resources.pool.fetchval("SELECT count(*) FROM notifications") == 0


async def test_urgency_alone_never_passes_quiet_hours_or_opt_outs(
    sign_in: SignIn, resources: Resources
) -> None:
    agency_id = await make_agency(resources.pool, status="approved")
    sender = await sign_in(("agency_sender", agency_id))
    assert (
        await sender.post(f"/api/v1/agency/{agency_id}/notification-templates", json=TEMPLATE)
    ).status_code == 201
    _, quiet_only = await _citizen_with_a_device(sign_in, resources, 1702)
    await resources.pool.execute("UPDATE notification_preferences SET opt_out_categories = '{}'")
    waiting = await sender.post("/api/v1/agency/notifications", json=send(quiet_only, urgency="high"))
    assert waiting.json()["status"] == "created", waiting.text  # its push waits for the quiet hours' end
    assert waiting.json()["status_reason"].startswith("Quiet hours")


async def test_an_approved_agencys_urgent_alerts_reach_everyone_until_the_approval_is_revoked(
    sign_in: SignIn, resources: Resources
) -> None:
    agency_id = await make_agency(resources.pool, status="approved")
    sender = await sign_in(("agency_sender", agency_id))
    admin = await sign_in(("platform_admin", None))
    _, national_id = await _citizen_with_a_device(sign_in, resources, 1703, agency_id)
    tile_id = await resources.pool.fetchval(
        "INSERT INTO tiles (agency_id) VALUES ($1) RETURNING id", agency_id
    )
    await resources.pool.execute(
        "INSERT INTO tile_favourites (citizen_id, tile_id) SELECT citizen_id, $1 FROM push_subscriptions",
        tile_id,
    )

    approved = await admin.post(
        "/api/v1/admin/emergency-alert-approvals",
        json={"agency_id": agency_id, "reason": "Flood warnings for the Chao Phraya basin"},
    )
    assert approved.status_code == 201, approved.text
    approval = approved.json()
    admin_id = (await admin.get("/api/v1/me")).json()["id"]
    assert (approval["agency_id"], approval["granted_by"], approval["grant_reason"]) == (
        agency_id, admin_id, "Flood warnings for the Chao Phraya basin",
    )  # fmt: skip
    again = await admin.post(
        "/api/v1/admin/emergency-alert-approvals", json={"agency_id": agency_id, "reason": "twice"}
    )
    assert again.status_code == 409

    alert = {**TEMPLATE, "key": "flood", "category": "safety"}
    assert (
        await sender.post(f"/api/v1/agency/{agency_id}/notification-templates", json=alert)
    ).status_code == 201
    urgent = await sender.post(
        "/api/v1/agency/notifications", json=send(national_id, template="flood", urgency="high")
    )
    assert urgent.json()["status"] == "sending", urgent.text  # past the opt-outs and the quiet hours
    normal = await sender.post("/api/v1/agency/notifications", json=send(national_id, template="flood"))
    assert normal.json()["status"] == "suppressed"  # only urgent alerts are the exception
    alert_campaign: dict[str, Any] = {
        "audience": {"kind": "agency-followers"},
        "template": "flood",
        "params": PARAMS,
        "urgency": "high",
        "idempotency_key": "flood-1",
    }
    started = await sender.post("/api/v1/agency/notification-campaigns", json=alert_campaign)
    assert started.status_code == 202, started.text
    await _expand_campaigns(resources)
    progress = f"/api/v1/agency/{agency_id}/notification-campaigns/{started.json()['id']}"
    assert (await sender.get(progress)).json()["counts"] == {"sending": 1}

    # Revoked: effective at once, even for a campaign accepted before (expanded only now).
    pending = await sender.post(
        "/api/v1/agency/notification-campaigns", json={**alert_campaign, "idempotency_key": "flood-2"}
    )
    assert pending.status_code == 202
    revoked = await admin.delete(f"/api/v1/admin/emergency-alert-approvals/{approval['id']}")
    assert revoked.status_code == 204
    await _expand_campaigns(resources)
    late = f"/api/v1/agency/{agency_id}/notification-campaigns/{pending.json()['id']}"
    assert (await sender.get(late)).json()["counts"] == {"suppressed": 1}
    refused = await sender.post(
        "/api/v1/agency/notifications", json=send(national_id, template="flood", urgency="high")
    )
    _refused_in_both_languages(refused, "template")
    history = (await admin.get("/api/v1/admin/emergency-alert-approvals?include_revoked=true")).json()
    assert [(row["id"], row["revoked_by"]) for row in history] == [(approval["id"], admin_id)]
    assert (await admin.get("/api/v1/admin/emergency-alert-approvals")).json() == []
    assert (
        await admin.delete(f"/api/v1/admin/emergency-alert-approvals/{approval['id']}")
    ).status_code == 404


async def test_only_platform_admins_approve_and_only_approved_agencies(
    sign_in: SignIn, resources: Resources
) -> None:
    pending_agency = await make_agency(resources.pool, status="pending")
    admin = await sign_in(("platform_admin", None))
    agency_admin = await sign_in(("agency_admin", pending_agency))
    body = {"agency_id": pending_agency, "reason": "x"}
    assert (await agency_admin.post("/api/v1/admin/emergency-alert-approvals", json=body)).status_code == 403
    assert (await admin.post("/api/v1/admin/emergency-alert-approvals", json=body)).status_code == 409
    missing = {"agency_id": 987654321, "reason": "x"}
    assert (await admin.post("/api/v1/admin/emergency-alert-approvals", json=missing)).status_code == 404


async def test_the_platforms_own_payment_receipt_still_reaches_an_opted_out_citizen_at_once(
    sign_in: SignIn, resources: Resources, client: httpx.AsyncClient
) -> None:
    national_id = valid_national_id(1704)
    agency_id, _, issued, citizen, _ = await pending_payment(sign_in, resources, national_id)
    me = (await citizen.get("/api/v1/me")).json()
    await upsert_subscription(
        resources.pool, citizen_id=me["id"], endpoint="https://push.example.org/receipt",
        p256dh="B" + "A" * 86, auth="A" * 22, user_agent="test",
    )  # fmt: skip
    await citizen.put(
        "/api/v1/me/notification-preferences", json={**_unreachable(), "opt_out_agencies": [agency_id]}
    )
    paid = await post_callback(client, callback(issued))
    assert paid.json()["outcome"] == "paid", paid.text
    assert await tell_receipts(resources) == ["done"]
    receipt = await resources.pool.fetchrow("SELECT status, from_platform FROM notifications")
    assert receipt is not None
    assert (receipt["status"], receipt["from_platform"]) == ("sending", True)
    assert await resources.pool.fetchval(
        "SELECT count(*) FROM task_outbox WHERE task = 'notifications.deliver' AND run_after <= now()"
    ) == 1  # fmt: skip
