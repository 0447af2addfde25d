"""Support finds a citizen's messages (masked, recorded) and sends one again; retention purges old message
text, then the delivery record."""

from __future__ import annotations

import datetime as dt
import json

from backend.core.crypto import mask_national_id
from backend.core.partitions import ensure_months
from backend.core.resources import Resources
from notifications.queries.deliveries import ATTEMPTS
from notifications.retention import apply_retention
from tests.factories import valid_national_id
from tests.helpers.notifications import (
    deliver_all,
    push_service_answers,
    received,
    send,
    sender_and_subscriber,
)
from tests.integration.conftest import SignIn


async def test_support_finds_a_citizens_messages_sees_each_attempt_resends_and_is_recorded(
    sign_in: SignIn, resources: Resources, push_service: str
) -> None:
    sender, citizen, device, national_id = await sender_and_subscriber(sign_in, resources, push_service, 76)
    await push_service_answers(push_service, device["device_id"], 500)
    sent = (await sender.post("/api/v1/agency/notifications", json=send(national_id))).json()
    assert await deliver_all(resources) == ["done"]
    support = await sign_in(("support", None))
    search_url = "/api/v1/support/notifications/search"
    search = {"national_id": national_id}
    assert (await citizen.post("/api/v1/support/notifications/search", json=search)).status_code == 403
    unnarrowed = await support.post("/api/v1/support/notifications/search", json={"status": "sending"})
    assert unnarrowed.status_code == 400
    assert unnarrowed.headers["content-type"].startswith("application/problem+json")

    [found] = (await support.post("/api/v1/support/notifications/search", json=search)).json()
    assert found["id"] == sent["id"]
    assert found["national_id_masked"] == mask_national_id(national_id)
    assert national_id not in json.dumps(found)
    # A message held for someone with no account yet has no citizen to show: it is no result and takes
    # no place in the page, so a page of one by agency is still the citizen's message.
    held = await sender.post("/api/v1/agency/notifications", json=send(valid_national_id(77)))
    assert held.status_code < 300, held.text
    by_agency = {"agency_id": found["agency_id"], "limit": 1}
    assert [m["id"] for m in (await support.post(search_url, json=by_agency)).json()] == [sent["id"]]
    by_id = {"notification_id": sent["id"], "status": "delivered"}
    assert (await support.post("/api/v1/support/notifications/search", json=by_id)).json() == []

    messages_url = f"/api/v1/support/citizens/{found['citizen_id']}/notifications"
    for out_of_range in ("0", "100000"):
        refused = await support.get(messages_url, params={"limit": out_of_range})
        assert refused.status_code == 400, out_of_range
    view = (await support.get(messages_url)).json()
    [device_view] = view["devices"]
    assert device_view["healthy"] is False
    [message] = view["messages"]
    [delivery] = message["deliveries"]
    [attempt] = delivery["attempts"]
    assert (attempt["status_code"], attempt["outcome"]) == (500, "temporary-failure")
    assert attempt["reason"]

    await push_service_answers(push_service, device["device_id"], 201)
    resent = await support.post(
        f"/api/v1/support/notifications/{sent['id']}/resend", json={"note": "Citizen called: never got it"}
    )
    assert resent.json() == {"notification_id": sent["id"], "deliveries": 1}
    await resources.pool.execute("UPDATE task_outbox SET run_after = now()")
    await deliver_all(resources)
    assert len(await received(push_service, device["device_id"])) >= 1
    after = (await support.get(f"/api/v1/support/citizens/{found['citizen_id']}/notifications")).json()
    assert after["messages"][0]["status"] == "delivered"
    assert after["devices"][0]["healthy"] is True

    log = (await citizen.get("/api/v1/me/data-access")).json()["items"]
    assert [(item["actor_kind"], item["purpose_en"]) for item in log] == [
        ("staff", "Support staff looked at your messages and devices"),
        ("staff", "Support staff pushed a message to your devices again"),
        ("staff", "Support staff looked at your messages and devices"),
        ("staff", "Support staff searched messages sent to you"),
        ("staff", "Support staff searched messages sent to you"),
    ]


async def test_retention_purges_old_message_text_and_later_the_delivery_record(
    sign_in: SignIn, resources: Resources, push_service: str
) -> None:
    sender, citizen, _, national_id = await sender_and_subscriber(sign_in, resources, push_service, 77)
    old = (await sender.post("/api/v1/agency/notifications", json=send(national_id, url="/bills"))).json()
    recent = (await sender.post("/api/v1/agency/notifications", json=send(national_id))).json()
    assert await deliver_all(resources) == ["done", "done"]
    # Written before migration 0065: its body in its own row, cleared by rewriting the row (a body of its
    # own table goes a month at a time: tests/integration/test_inbox_retention.py).
    await resources.pool.execute(
        "WITH moved AS (DELETE FROM notification_bodies WHERE notification_id = $1::uuid RETURNING *) "
        "UPDATE notifications n SET created_at = now() - interval '40 days', body_th = moved.body_th, "
        "body_en = moved.body_en, url = moved.url, body_purged_at = NULL FROM moved "
        "WHERE n.id = moved.notification_id",
        old["id"],
    )
    # Attempts go a whole month at a time: the old one is moved to a month long past.
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=200)
    await ensure_months(resources.pool, ATTEMPTS, long_ago.date(), long_ago.date())
    await resources.pool.execute(
        "UPDATE delivery_attempts a SET at = $2 FROM notification_deliveries d "
        "WHERE d.id = a.delivery_id AND d.notification_id = $1::uuid",
        old["id"],
        long_ago,
    )
    month = f"delivery_attempts_p{long_ago:%Y%m}"
    assert await resources.pool.fetchval("SELECT count(*) FROM " + month) == 1

    purged = await apply_retention(resources.pool, body_days=30, metadata_days=400)
    assert (purged.cleared, purged.bodies.months, purged.attempts.months) == (1, [], [])
    items = {item["id"]: item for item in (await citizen.get("/api/v1/inbox")).json()["items"]}
    assert (items[old["id"]]["title_en"], items[old["id"]]["body_en"], items[old["id"]]["url"]) == (
        "Water bill due",
        None,
        None,
    )
    assert items[recent["id"]]["body_en"] == "187.00 baht due on 30 Nov"
    assert await resources.pool.fetchval("SELECT count(*) FROM delivery_attempts") == 2
    assert (await apply_retention(resources.pool, body_days=30, metadata_days=400)).cleared == 0

    purged = await apply_retention(resources.pool, body_days=30, metadata_days=35)
    assert month in purged.attempts.months  # dropped whole, with any other test's months as old
    assert await resources.pool.fetchval("SELECT count(*) FROM delivery_attempts") == 1
    status = await resources.pool.fetchval("SELECT status FROM notifications WHERE id = $1::uuid", old["id"])
    assert status == "delivered"  # the outcome stays on the message itself


async def test_support_finds_a_citizen_without_messages_by_national_id_masked_and_recorded(
    sign_in: SignIn, resources: Resources
) -> None:
    national_id = valid_national_id(8811)
    citizen = await sign_in(national_id=national_id)
    support = await sign_in(("support", None))
    assert (
        await citizen.post("/api/v1/support/citizens/find", json={"national_id": national_id})
    ).status_code == 403

    found = await support.post("/api/v1/support/citizens/find", json={"national_id": national_id})
    assert found.status_code == 200, found.text
    assert found.json()["national_id_masked"] == mask_national_id(national_id)
    assert national_id not in found.text
    me = (await citizen.get("/api/v1/me")).json()
    assert found.json()["citizen_id"] == me["id"]
    records = (await citizen.get("/api/v1/me/data-access")).json()["items"]
    assert [(r["actor_kind"], r["purpose_en"]) for r in records] == [
        ("staff", "Support staff looked you up by your national ID")
    ]

    unknown = await support.post(
        "/api/v1/support/citizens/find", json={"national_id": valid_national_id(8812)}
    )
    assert unknown.status_code == 404
    invalid = await support.post("/api/v1/support/citizens/find", json={"national_id": "1234567890123"})
    assert invalid.status_code == 400
    assert invalid.headers["content-type"].startswith("application/problem+json")
