"""Notify: devices, the inbox, templates and sends, and delivery through a real RFC 8030 push service."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from typing import Any

import httpx

from backend.core.resources import Resources
from backend.core.signatures import verify_signature
from backend.core.tasks import run_task
from tests.factories import make_agency, make_notification, valid_national_id
from tests.helpers.notifications import (
    PARAMS,
    TEMPLATE,
    deliver_all,
    new_device,
    push_service_answers,
    received,
    send,
    sender_and_subscriber,
)
from tests.integration.conftest import SignIn
from tests.webhook_receiver import webhook_receiver


async def test_a_message_lands_in_the_inbox_first_then_reaches_the_device_encrypted(
    sign_in: SignIn, resources: Resources, push_service: str
) -> None:
    sender, citizen, device, national_id = await sender_and_subscriber(sign_in, resources, push_service, 70)
    sent = await sender.post(
        "/api/v1/agency/notifications", json=send(national_id, urgency="high", url="/bills")
    )
    assert sent.status_code == 201, sent.text
    assert sent.json()["status"] == "sending"
    page = (await citizen.get("/api/v1/inbox")).json()
    assert page["unread"] == 1
    assert page["items"][0]["title_en"] == "Water bill due"
    assert page["items"][0]["body_th"] == "ยอด 187.00 บาท ครบกำหนด 30 Nov"
    assert await received(push_service, device["device_id"]) == []  # nothing pushed before the worker

    assert await deliver_all(resources) == ["done"]
    [pushed] = await received(push_service, device["device_id"])
    payload = json.loads(pushed["payload"])
    assert (payload["title_en"], payload["url"], payload["id"]) == (
        "Water bill due",
        "/bills",
        sent.json()["id"],
    )
    assert (pushed["urgency"], pushed["ttl"]) == ("high", "86400")
    agency_id = await resources.pool.fetchval("SELECT agency_id FROM notifications")
    status = (await sender.get(f"/api/v1/agency/{agency_id}/notifications/{sent.json()['id']}")).json()
    assert status["status"] == "delivered"
    attempt = await resources.pool.fetchrow("SELECT status_code, outcome, reason FROM delivery_attempts")
    assert attempt is not None
    assert (attempt["status_code"], attempt["outcome"]) == (201, "delivered")
    [healthy] = (await citizen.get("/api/v1/push/subscriptions")).json()
    assert healthy["healthy"] is True


async def test_a_gone_device_is_removed_and_the_failure_is_permanent(
    sign_in: SignIn, resources: Resources, push_service: str
) -> None:
    sender, citizen, device, national_id = await sender_and_subscriber(sign_in, resources, push_service, 71)
    await push_service_answers(push_service, device["device_id"], 410)
    sent = (await sender.post("/api/v1/agency/notifications", json=send(national_id))).json()
    assert await deliver_all(resources) == ["done"]
    assert (await citizen.get("/api/v1/push/subscriptions")).json() == []
    assert (
        await resources.pool.fetchval("SELECT status FROM notifications WHERE id = $1::uuid", sent["id"])
        == "permanent-failure"
    )
    reason = await resources.pool.fetchval("SELECT reason FROM delivery_attempts")
    assert "no longer subscribed" in reason
    assert (await citizen.get("/api/v1/inbox")).json()["unread"] == 1  # the inbox still has it


async def test_a_gone_device_held_by_someone_else_does_not_undo_the_batch(
    sign_in: SignIn, resources: Resources, push_service: str
) -> None:
    """The device's row is locked (say, its owner removing it at that moment): the removal gives up after
    a short wait, and the batch's outcomes still commit, so the task is not run again and nobody is
    pushed the same message twice. The device is found gone again at its next push."""
    sender, citizen, device, national_id = await sender_and_subscriber(sign_in, resources, push_service, 82)
    await push_service_answers(push_service, device["device_id"], 410)
    first = (await sender.post("/api/v1/agency/notifications", json=send(national_id))).json()
    async with resources.pool.acquire() as holder, holder.transaction():
        await holder.execute("SELECT 1 FROM push_subscriptions FOR UPDATE")
        assert await deliver_all(resources) == ["done"]
    status = "SELECT status FROM notifications WHERE id = $1::uuid"
    assert await resources.pool.fetchval(status, first["id"]) == "permanent-failure"
    attempts = await resources.pool.fetchval(
        "SELECT count(*) FROM delivery_attempts a JOIN notification_deliveries d ON d.id = a.delivery_id "
        "WHERE d.notification_id = $1::uuid",
        first["id"],
    )
    assert attempts == 1  # recorded once, in the batch that committed
    assert len((await citizen.get("/api/v1/push/subscriptions")).json()) == 1  # not removed this time

    await push_service_answers(
        push_service, device["device_id"], 410
    )  # the demo service answers as told once
    second = (await sender.post("/api/v1/agency/notifications", json=send(national_id))).json()
    assert await deliver_all(resources) == ["done"]
    assert await resources.pool.fetchval(status, second["id"]) == "permanent-failure"
    assert (await citizen.get("/api/v1/push/subscriptions")).json() == []


async def test_a_busy_push_service_is_retried_after_its_retry_after_then_delivered(
    sign_in: SignIn, resources: Resources, push_service: str
) -> None:
    sender, _, device, national_id = await sender_and_subscriber(sign_in, resources, push_service, 72)
    await push_service_answers(push_service, device["device_id"], 429, retry_after=120)
    await sender.post("/api/v1/agency/notifications", json=send(national_id))
    assert await deliver_all(resources) == ["done"]  # the attempt is recorded; a later task pushes again
    due_in = await resources.pool.fetchval(
        "SELECT extract(epoch FROM run_after - now()) FROM task_outbox WHERE state = 'pending'"
    )
    assert 119 < due_in <= 133  # Retry-After (plus jitter), not the shorter default back-off
    assert await resources.pool.fetchval("SELECT status FROM notification_deliveries") == "temporary-failure"
    await resources.pool.execute("UPDATE task_outbox SET run_after = now()")
    assert await deliver_all(resources) == ["done"]
    outcomes = [
        row["outcome"]
        for row in await resources.pool.fetch("SELECT outcome FROM delivery_attempts ORDER BY id")
    ]
    assert outcomes == ["temporary-failure", "delivered"]


async def test_templates_refuse_missing_or_unknown_placeholders_and_sends_are_idempotent(
    sign_in: SignIn, resources: Resources, push_service: str
) -> None:
    sender, citizen, _, national_id = await sender_and_subscriber(sign_in, resources, push_service, 73)
    missing = await sender.post(
        "/api/v1/agency/notifications", json=send(national_id, params={"biller": "Water"})
    )
    assert {e["field"] for e in missing.json()["errors"]} == {"params.amount", "params.due"}
    unknown = await sender.post(
        "/api/v1/agency/notifications", json=send(national_id, params={**PARAMS, "x": "1"})
    )
    assert [e["field"] for e in unknown.json()["errors"]] == ["params.x"]
    body = send(national_id)
    first = await sender.post("/api/v1/agency/notifications", json=body)
    again = await sender.post("/api/v1/agency/notifications", json=body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    changed = await sender.post("/api/v1/agency/notifications", json={**body, "urgency": "high"})
    assert changed.status_code == 409
    assert (await citizen.get("/api/v1/inbox")).json()["unread"] == 1


async def test_the_inbox_pages_marks_read_deletes_and_is_private(
    sign_in: SignIn, resources: Resources
) -> None:
    agency_id = await make_agency(resources.pool, status="approved")
    citizen = await sign_in(national_id=valid_national_id(74))
    citizen_id = (await citizen.get("/api/v1/me")).json()["id"]
    for _ in range(3):
        await make_notification(resources.pool, citizen_id, agency_id)
    first = (await citizen.get("/api/v1/inbox", params={"limit": 2})).json()
    assert len(first["items"]) == 2
    rest = (await citizen.get("/api/v1/inbox", params={"cursor": first["next_cursor"]})).json()
    assert len(rest["items"]) == 1
    assert rest["next_cursor"] is None
    newest = first["items"][0]["id"]
    assert (await citizen.post(f"/api/v1/inbox/{newest}/read")).status_code == 204
    assert (await citizen.get("/api/v1/inbox/unread-count")).json() == {"unread": 2}
    stranger = await sign_in(national_id=valid_national_id(75))
    assert (await stranger.post(f"/api/v1/inbox/{newest}/read")).status_code == 404
    assert (await stranger.delete(f"/api/v1/inbox/{newest}")).status_code == 404
    assert (await citizen.delete(f"/api/v1/inbox/{newest}")).status_code == 204
    assert len((await citizen.get("/api/v1/inbox")).json()["items"]) == 2
    # Undo: back in its place, read as it was; only a deleted message of one's own can be restored.
    assert (await stranger.post(f"/api/v1/inbox/{newest}/restore")).status_code == 404
    assert (await citizen.post(f"/api/v1/inbox/{newest}/restore")).status_code == 204
    assert (await citizen.post(f"/api/v1/inbox/{newest}/restore")).status_code == 404
    back = (await citizen.get("/api/v1/inbox")).json()["items"]
    assert back[0]["id"] == newest
    assert back[0]["read_at"] is not None


async def test_devices_must_be_https_push_services(sign_in: SignIn, client: httpx.AsyncClient) -> None:
    citizen = await sign_in(national_id=valid_national_id(76))
    keys = {"p256dh": "B" + "A" * 86, "auth": "A" * 22}
    refused = await citizen.post(
        "/api/v1/push/subscriptions", json={"endpoint": "http://push.example.org/x", "keys": keys}
    )
    assert refused.json()["errors"][0]["field"] == "endpoint"
    key = (await client.get("/api/v1/push/vapid-public-key")).json()["public_key"]
    assert len(key) == 87  # an uncompressed P-256 point, base64url


async def test_preferences_suppress_or_delay_the_push_but_never_the_inbox(
    sign_in: SignIn, resources: Resources, push_service: str
) -> None:
    sender, citizen, _, national_id = await sender_and_subscriber(sign_in, resources, push_service, 77)
    agency_id = await resources.pool.fetchval("SELECT agency_id FROM notification_templates")
    saved = await citizen.put("/api/v1/me/notification-preferences", json={"opt_out_agencies": [agency_id]})
    assert saved.status_code == 200, saved.text
    muted = (await sender.post("/api/v1/agency/notifications", json=send(national_id))).json()
    assert muted["status"] == "suppressed"
    assert await resources.pool.fetchval("SELECT count(*) FROM notification_deliveries") == 0
    assert (await citizen.get("/api/v1/inbox")).json()["unread"] == 1

    always_quiet = {"quiet_hours": {"start": "00:00:00", "end": "23:59:00"}}  # covers almost every minute
    await citizen.put("/api/v1/me/notification-preferences", json=always_quiet)
    waiting = (await sender.post("/api/v1/agency/notifications", json=send(national_id))).json()
    assert waiting["status"] == "created"
    later = await resources.pool.fetchval(
        "SELECT run_after > now() FROM task_outbox WHERE task = 'notifications.deliver'"
    )
    if later is not None:  # (at 23:59-00:00 Bangkok time the window is open and it went at once)
        assert later is True
    assert (await citizen.get("/api/v1/inbox")).json()["unread"] == 2
    assert (await citizen.get("/api/v1/me/notification-preferences")).json()["quiet_hours"][
        "end"
    ] == "23:59:00"
    bad = await citizen.put("/api/v1/me/notification-preferences", json={"timezone": "Mars/Olympus"})
    assert bad.json()["errors"][0]["field"] == "timezone"


async def test_each_agency_sends_within_its_rate_limit(
    sign_in: SignIn, resources: Resources, push_service: str, settings: Any, tmp_path: Any
) -> None:
    from backend.server.app import create_app
    from backend.settings import load_settings
    from tests.conftest import environment_for_tests, serve_in_process

    sender, _, _, national_id = await sender_and_subscriber(sign_in, resources, push_service, 78)
    environ = environment_for_tests(
        tmp_path,
        DATABASE_URL=settings.database_url,
        REDIS_URL=settings.redis_url,
        ID_HASH_KEY=settings.id_hash_key,  # the same keys, to find the same citizen
        ID_ENCRYPTION_KEYS=settings.id_encryption_keys,
        AGENCY_SENDS_PER_MINUTE="2",
    )
    async with serve_in_process(create_app(load_settings(environ))) as limited:
        limited.cookies = sender.cookies
        headers = {"X-CSRF-Token": sender.headers["X-CSRF-Token"]}
        answers = [
            await limited.post("/api/v1/agency/notifications", json=send(national_id), headers=headers)
            for _ in range(3)
        ]
    assert [a.status_code for a in answers] == [201, 201, 429]
    assert int(answers[2].headers["retry-after"]) >= 1
    assert "2 messages a minute" in answers[2].json()["detail"]


async def test_the_sending_agency_hears_a_single_messages_final_status_on_its_signed_webhook(
    sign_in: SignIn, resources: Resources, push_service: str
) -> None:
    sender, _, device, national_id = await sender_and_subscriber(sign_in, resources, push_service, 79)
    agency_id = await resources.pool.fetchval("SELECT max(id) FROM agencies")
    admin = await sign_in(("agency_admin", agency_id))
    async with webhook_receiver() as receiver:
        registered = await admin.put(f"/api/v1/agency/{agency_id}/webhook", json={"url": receiver.url})
        secret = registered.json()["secret"].encode()
        await push_service_answers(push_service, device["device_id"], 410)
        sent = (await sender.post("/api/v1/agency/notifications", json=send(national_id))).json()
        assert await deliver_all(resources) == ["done"]
        [hook_task] = await resources.pool.fetch(
            "SELECT id FROM task_outbox WHERE task = 'notifications.status_webhook'"
        )
        assert await run_task(resources, hook_task["id"]) == "done"
        nobody_left = (await sender.post("/api/v1/agency/notifications", json=send(national_id))).json()
        [no_device_task] = await resources.pool.fetch(
            "SELECT id FROM task_outbox WHERE task = 'notifications.status_webhook' AND state = 'pending'"
        )
        assert await run_task(resources, no_device_task["id"]) == "done"

    first, second = (json.loads(hook.body) for hook in receiver.received)
    assert (first["event"], first["notification_id"], first["status"]) == (
        "notification.status",
        sent["id"],
        "permanent-failure",
    )
    assert (first["devices"], first["devices_delivered"]) == (1, 0)
    assert first["idempotency_key"]  # the agency's own reference for the message
    assert (second["notification_id"], second["status"]) == (nobody_left["id"], "permanent-failure")
    assert national_id not in receiver.received[0].body.decode()
    verify_signature(secret, receiver.received[0].headers["x-signature"], receiver.received[0].body)
    assert receiver.received[0].headers["x-event-id"] == f"notification.status:{sent['id']}:permanent-failure"
    history = (await admin.get(f"/api/v1/agency/{agency_id}/webhook")).json()["deliveries"]
    assert {d["notification_id"] for d in history} == {sent["id"], nobody_left["id"]}


async def test_pushes_to_one_push_service_stay_within_its_concurrency_limit(
    sign_in: SignIn, resources: Resources, push_service: str
) -> None:
    sender, citizen, first_device, national_id = await sender_and_subscriber(
        sign_in, resources, push_service, 80
    )
    devices = [first_device]
    for _ in range(5):
        device = await new_device(push_service)
        await citizen.post(
            "/api/v1/push/subscriptions", json={"endpoint": device["endpoint"], "keys": device["keys"]}
        )
        devices.append(device)
    for device in devices:
        async with httpx.AsyncClient() as client:
            await client.post(
                f"{push_service}/devices/{device['device_id']}/respond", json={"status": 201, "delay_ms": 300}
            )
    resources.push_slots[push_service] = asyncio.Semaphore(2)  # as PUSH_CONCURRENCY_PER_SERVICE=2 would
    try:
        await sender.post("/api/v1/agency/notifications", json=send(national_id))
        [task_id] = [row["id"] for row in await resources.pool.fetch("SELECT id FROM task_outbox")]
        assert await run_task(resources, task_id) == "done"  # one task pushes to all six devices
    finally:
        del resources.push_slots[push_service]
    async with httpx.AsyncClient() as client:
        stats = (await client.get(f"{push_service}/stats")).json()
    assert stats["most_in_flight"] == 2
    assert [len(await received(push_service, d["device_id"])) for d in devices] == [1] * 6


async def test_a_scheduled_message_stays_out_of_the_inbox_until_its_time_then_is_pushed(
    sign_in: SignIn, resources: Resources, push_service: str
) -> None:
    sender, citizen, device, national_id = await sender_and_subscriber(sign_in, resources, push_service, 81)
    send_at = dt.datetime.now(dt.UTC) + dt.timedelta(hours=2)
    sent = await sender.post(
        "/api/v1/agency/notifications", json=send(national_id, send_at=send_at.isoformat())
    )
    assert sent.status_code == 201, sent.text
    assert (sent.json()["status"], sent.json()["status_reason"][:13]) == ("created", "Scheduled for")
    assert (await citizen.get("/api/v1/inbox")).json() == {"items": [], "unread": 0, "next_cursor": None}
    [release] = await resources.pool.fetch("SELECT id, task, run_after FROM task_outbox")
    assert release["task"] == "notifications.release"
    assert abs((release["run_after"] - send_at).total_seconds()) < 1
    assert await resources.pool.fetchval("SELECT count(*) FROM notification_deliveries") == 0

    # Two hours later: the message's time has come.
    await resources.pool.execute("UPDATE notifications SET created_at = now() - interval '1 second'")
    await resources.pool.execute("UPDATE task_outbox SET run_after = now()")
    assert await run_task(resources, release["id"]) == "done"
    assert await deliver_all(resources) == ["done"]
    assert len(await received(push_service, device["device_id"])) == 1
    assert (await citizen.get("/api/v1/inbox")).json()["unread"] == 1


async def test_an_agency_lists_the_latest_version_of_each_of_its_templates_and_no_one_elses(
    sign_in: SignIn, resources: Resources
) -> None:
    agency_id = await make_agency(resources.pool, status="approved")
    other_agency = await make_agency(resources.pool, status="approved")
    sender = await sign_in(("agency_sender", agency_id))
    stranger = await sign_in(("agency_sender", other_agency))
    path = f"/api/v1/agency/{agency_id}/notification-templates"
    await sender.post(path, json=TEMPLATE)
    await sender.post(path, json={**TEMPLATE, "title_en": "Your bill is due soon"})
    await sender.post(path, json={**TEMPLATE, "key": "office-closed"})
    listed = (await sender.get(path)).json()
    assert [(t["key"], t["version"]) for t in listed] == [("bill-due", 2), ("office-closed", 1)]
    assert listed[0]["title_en"] == "Your bill is due soon"
    assert (await stranger.get(path)).status_code == 403
