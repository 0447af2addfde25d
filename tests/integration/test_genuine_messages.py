"""Genuine messages: every message carries a verification code sealed with the platform's signature."""

from __future__ import annotations

import base64
import json

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from backend.core.resources import Resources
from backend.genuine import codes, statement
from tests.helpers.notifications import deliver_all, received, send, sender_and_subscriber
from tests.integration.conftest import SignIn


async def test_a_message_carries_a_code_in_the_inbox_and_the_push_signed_by_the_published_key(
    sign_in: SignIn, resources: Resources, push_service: str
) -> None:
    sender, citizen, device, national_id = await sender_and_subscriber(sign_in, resources, push_service, 121)
    sent = await sender.post("/api/v1/agency/notifications", json=send(national_id, url="/bills"))
    assert sent.status_code == 201, sent.text
    [item] = (await citizen.get("/api/v1/inbox")).json()["items"]
    code = item["verification_code"]
    assert codes.normalise(code) == code

    assert await deliver_all(resources) == ["done"]
    [pushed] = await received(push_service, device["device_id"])
    assert json.loads(pushed["payload"])["code"] == code

    seal = await resources.pool.fetchrow(
        "SELECT s.*, a.code AS sender FROM message_seals s JOIN agencies a ON a.id = s.agency_id "
        "WHERE s.code = $1",
        code,
    )
    assert seal is not None
    assert seal["channel"] == "app"
    assert seal["message_text"] == "บิล Water ครบกำหนด\nยอด 187.00 บาท ครบกำหนด 30 Nov\n\nWater bill due\n" + (
        "187.00 baht due on 30 Nov\n/bills"
    )
    id_hash = await resources.pool.fetchval(
        "SELECT c.national_id_hash FROM citizens c JOIN notifications n ON n.citizen_id = c.id"
    )
    assert seal["recipient_tag"] == statement.recipient_tag(id_hash, code)
    signed = statement.statement(
        code=code,
        sender=seal["sender"],
        recipient=seal["recipient_tag"].hex(),
        channel="app",
        sent_at=seal["sent_at"],
        text_hash=statement.text_sha256(seal["message_text"]),
    )
    keys = (await citizen.get("/api/v1/documents/signing-keys")).json()["keys"]
    [key] = [key for key in keys if key["kid"] == seal["key_id"]]
    public = Ed25519PublicKey.from_public_bytes(base64.urlsafe_b64decode(key["x"] + "=="))
    public.verify(seal["signature"], signed)  # raises unless the platform signed exactly this
