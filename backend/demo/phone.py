"""Demo mode only: a "phone" for citizens trying the app on a computer.

``citizen run`` starts the local push service (``backend/demo/push_service.py``) in demo mode; these
routes give the logged-in citizen a device there, registered like any other push subscription, and
show what that device received, decrypted by the push service with the device's own keys. Nothing
here exists outside demo mode.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import msgspec
from litestar import get, post
from litestar.di import NamedDependency
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath
from litestar.status_codes import HTTP_201_CREATED

from backend.core.errors import NotFound, ServiceUnavailable
from backend.core.principal import Principal, citizen_of
from backend.core.resources import Resources
from backend.settings import Settings
from notifications import queries

# The demo phone says what a real one would: its browser's User-Agent, which the app puts in words.
DEMO_DEVICE_NAME = (
    "Mozilla/5.0 (Linux; Android 14; SM-A155F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0"
    " Mobile Safari/537.36"
)


class DemoDevice(msgspec.Struct, kw_only=True):
    subscription_id: uuid.UUID
    endpoint: str


class ReceivedPush(msgspec.Struct, kw_only=True):
    title_th: str | None = None
    title_en: str | None = None
    body_th: str | None = None
    body_en: str | None = None
    url: str | None = None
    id: str | None = None
    urgency: str | None = None
    ttl: str | None = None


def demo_device_routes(settings: Settings) -> list[HTTPRouteHandler]:
    if not settings.demo_mode:
        raise RuntimeError("Demo devices exist only in demo mode")
    push_service = f"http://127.0.0.1:{settings.demo_push_service_port}"

    async def call(resources: Resources, method: str, path: str) -> Any:
        try:
            response = await resources.http.request(method, f"{push_service}{path}")
        except httpx.HTTPError as exc:
            raise ServiceUnavailable(
                "The demo push service is not running (it starts with `citizen run`)."
            ) from exc
        if response.status_code == 404:
            raise NotFound("The demo push service no longer knows this device (it was restarted).")
        response.raise_for_status()
        return response.json()

    @post(
        "/api/v1/demo/push-device",
        tags=["demo"],
        summary="Demo mode: give me a demo phone that receives my pushes",
        status_code=HTTP_201_CREATED,
    )
    async def add_demo_device(
        principal: NamedDependency[Principal], resources: NamedDependency[Resources]
    ) -> DemoDevice:
        citizen_id = citizen_of(principal)  # the router's person guard made sure there is one
        device = await call(resources, "POST", "/devices")
        row = await queries.upsert_subscription(
            resources.pool,
            citizen_id=citizen_id,
            endpoint=device["endpoint"],
            p256dh=device["keys"]["p256dh"],
            auth=device["keys"]["auth"],
            user_agent=DEMO_DEVICE_NAME,
        )
        return DemoDevice(subscription_id=row.id, endpoint=row.endpoint)

    @get(
        "/api/v1/demo/push-device/{subscription_id:uuid}/messages",
        tags=["demo"],
        summary="Demo mode: what my demo phone received, decrypted",
    )
    async def demo_device_messages(
        subscription_id: FromPath[Any],
        principal: NamedDependency[Principal],
        resources: NamedDependency[Resources],
    ) -> list[ReceivedPush]:
        citizen_id = citizen_of(principal)
        mine = {row.id: row for row in await queries.subscriptions(resources.pool, citizen_id)}
        row = mine.get(subscription_id)
        if row is None or not row.endpoint.startswith(f"{push_service}/push/"):
            raise NotFound("No such demo device.")
        device_id = row.endpoint.rsplit("/", 1)[1]
        received = await call(resources, "GET", f"/devices/{device_id}/messages")
        return [
            msgspec.convert(
                msgspec.json.decode(item["payload"]) | {"urgency": item["urgency"], "ttl": item["ttl"]},
                ReceivedPush,
            )
            for item in reversed(received)  # newest first
        ]

    return [add_demo_device, demo_device_messages]
