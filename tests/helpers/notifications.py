"""Templates, sends and devices on the local push service, shared by the notification tests."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from backend.core.resources import Resources
from backend.core.tasks import run_task
from tests.factories import make_agency, valid_national_id
from tests.helpers.tasks import run_pending
from tests.integration.conftest import SignIn

TEMPLATE = {
    "key": "bill-due",
    "category": "bills",  # an agency's reminder; "payments" is reserved (see test_emergency_alerts.py)
    "title_th": "บิล {biller} ครบกำหนด",
    "title_en": "{biller} bill due",
    "body_th": "ยอด {amount} บาท ครบกำหนด {due}",
    "body_en": "{amount} baht due on {due}",
}


PARAMS = {"biller": "Water", "amount": "187.00", "due": "30 Nov"}


async def new_device(push_service: str) -> dict[str, Any]:
    async with httpx.AsyncClient() as client:
        device: dict[str, Any] = (await client.post(f"{push_service}/devices")).json()
    return device


async def push_service_answers(
    push_service: str, device_id: str, status: int, retry_after: int | None = None
) -> None:
    """The test push service answers this device's next pushes with ``status`` (and Retry-After)."""
    async with httpx.AsyncClient() as client:
        await client.post(
            f"{push_service}/devices/{device_id}/respond", json={"status": status, "retry_after": retry_after}
        )


async def received(push_service: str, device_id: str) -> list[dict[str, Any]]:
    async with httpx.AsyncClient() as client:
        received: list[dict[str, Any]] = (
            await client.get(f"{push_service}/devices/{device_id}/messages")
        ).json()
    return received


async def sender_and_subscriber(
    sign_in: SignIn, resources: Resources, push_service: str, seed: int
) -> tuple[httpx.AsyncClient, httpx.AsyncClient, dict[str, Any], str]:
    agency_id = await make_agency(resources.pool, status="approved")
    sender = await sign_in(("agency_sender", agency_id))
    assert (
        await sender.post(f"/api/v1/agency/{agency_id}/notification-templates", json=TEMPLATE)
    ).status_code == 201
    national_id = valid_national_id(seed)
    citizen = await sign_in(national_id=national_id)
    device = await new_device(push_service)
    registered = await citizen.post(
        "/api/v1/push/subscriptions", json={"endpoint": device["endpoint"], "keys": device["keys"]}
    )
    assert registered.status_code == 201, registered.text
    return sender, citizen, device, national_id


def send(national_id: str, **overrides: Any) -> dict[str, Any]:
    return {
        "national_id": national_id,
        "template": "bill-due",
        "params": PARAMS,
        "idempotency_key": uuid.uuid4().hex,
        **overrides,
    }


async def deliver_all(resources: Resources) -> list[str]:
    return await run_pending(resources, "notifications.deliver")


async def run_until_idle(resources: Resources) -> None:
    while ids := [
        row["id"]
        for row in await resources.pool.fetch(
            "SELECT id FROM task_outbox WHERE state = 'pending' AND run_after <= now() ORDER BY id"
        )
    ]:
        for task_id in ids:
            await run_task(resources, task_id)
