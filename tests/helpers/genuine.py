"""Genuine messages in a demo app: a demo agency's system sending a real (sealed) message."""

from __future__ import annotations

import json
import uuid

import httpx

from tests.helpers.agency_clients import request_token
from tests.helpers.pwa import DemoApp

TEMPLATE = {
    "key": "card-ready",
    "category": "general",
    "title_th": "บัตรของท่านพร้อมรับแล้ว",
    "title_en": "Your card is ready",
    "body_th": "รับบัตรได้ที่สำนักงานเขต {office}",
    "body_en": "Collect it at the {office} district office",
}


async def agency_system(demo_app: DemoApp, agency_code: str) -> tuple[httpx.AsyncClient, int]:
    """An HTTP client holding the demo agency's token (credentials from the demo app's demo.json),
    and the agency's id."""
    guide = json.loads((demo_app.log.parent / "var" / "demo.json").read_text())
    [entry] = [e for e in guide["agency_clients"] if e["agency_code"] == agency_code]
    client = httpx.AsyncClient(base_url=demo_app.base, timeout=30)
    token = await request_token(client, entry["client_id"], entry["client_secret"])
    assert token.status_code == 200, token.text
    client.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
    return client, int(entry["agency_id"])


async def send_message(
    system: httpx.AsyncClient, agency_id: int, national_id: str, url: str | None = None
) -> dict[str, str]:
    """A template (made once) and one message from it to ``national_id`` (with ``url`` as its link when
    given); the message's id and status."""
    made = await system.post(f"/api/v1/agency/{agency_id}/notification-templates", json=TEMPLATE)
    assert made.status_code in (201, 409), made.text
    sent = await system.post(
        "/api/v1/agency/notifications",
        json={
            "national_id": national_id,
            "template": TEMPLATE["key"],
            "params": {"office": "Bang Rak"},
            "idempotency_key": uuid.uuid4().hex,
            "agency_id": agency_id,
            **({"url": url} if url else {}),
        },
    )
    assert sent.status_code == 201, sent.text
    body: dict[str, str] = sent.json()
    return body


async def register_sms(
    system: httpx.AsyncClient, agency_id: int, national_id: str, text: str
) -> dict[str, str]:
    """The code and link the agency appends to an SMS it sends through its own provider."""
    made = await system.post(
        "/api/v1/agency/message-codes",
        json={
            "national_id": national_id,
            "channel": "sms",
            "text": text,
            "idempotency_key": uuid.uuid4().hex,
            "agency_id": agency_id,
        },
    )
    assert made.status_code == 201, made.text
    body: dict[str, str] = made.json()
    return body
