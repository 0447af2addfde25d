"""Genuine messages: every message carries a verification code sealed with the platform's signature."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from backend.core.resources import Resources
from backend.genuine import codes, statement
from backend.genuine.service import apply_retention as apply_genuine_retention
from tests.factories import make_agency, valid_national_id
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
        "SELECT s.*, t.message_text, a.code AS sender FROM message_seals s "
        "JOIN agencies a ON a.id = s.agency_id "
        "JOIN message_texts t ON s.text_kept AND t.text_sha256 = s.text_sha256 WHERE s.code = $1",
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


async def test_an_agency_gets_a_code_for_its_own_sms_idempotently_and_the_citizen_sees_it_in_the_inbox(
    sign_in: SignIn, resources: Resources
) -> None:
    agency_id = await make_agency(resources.pool, status="approved")
    sender = await sign_in(("agency_sender", agency_id))
    national_id = valid_national_id(122)
    citizen = await sign_in(national_id=national_id)
    body = {
        "national_id": national_id,
        "channel": "sms",
        "text": "บัตรของท่านพร้อมรับแล้ว",
        "idempotency_key": "sms-1",
        "agency_id": agency_id,
    }
    first = await sender.post("/api/v1/agency/message-codes", json=body)
    assert first.status_code == 201, first.text
    code = first.json()["code"]
    assert codes.normalise(code) is not None
    assert first.json()["link"].endswith(f"/m/{code}")
    again = await sender.post("/api/v1/agency/message-codes", json=body)
    assert (again.status_code, again.json()) == (200, first.json())
    other = await sender.post("/api/v1/agency/message-codes", json={**body, "text": "อื่น"})
    assert other.status_code == 409
    both = await sender.post("/api/v1/agency/message-codes", json={**body, "text_sha256": "0" * 64})
    assert both.status_code == 400
    assert both.json()["errors"][0]["field"] == "text"

    [item] = (await citizen.get("/api/v1/inbox")).json()["items"]
    assert item["title_en"].endswith("sent you an SMS")
    assert code in item["body_th"]
    assert "บัตรของท่านพร้อมรับแล้ว" in item["body_th"]
    assert item["url"] == f"/m/{code}"
    assert item["verification_code"] != codes.normalise(code)  # the inbox entry is a message of its own


async def test_a_code_for_someone_not_yet_using_the_app_waits_in_their_inbox_and_says_nothing_to_the_agency(
    sign_in: SignIn, resources: Resources
) -> None:
    agency_id = await make_agency(resources.pool, status="approved")
    sender = await sign_in(("agency_sender", agency_id))
    stranger = valid_national_id(123)
    made = await sender.post(
        "/api/v1/agency/message-codes",
        json={"national_id": stranger, "channel": "letter", "text_sha256": "a" * 64, "idempotency_key": "l"},
    )
    assert made.status_code == 201, made.text
    assert set(made.json()) == {"code", "link", "channel", "sent_at"}
    held = await resources.pool.fetchrow("SELECT title_en, held_for IS NOT NULL AS held FROM notifications")
    assert held is not None
    assert held["held"]  # becomes theirs at first login, as any held message does
    assert held["title_en"].endswith("sent you a letter")
    outsider = await sign_in()
    refused = await outsider.post(
        "/api/v1/agency/message-codes",
        json={
            "national_id": stranger,
            "channel": "sms",
            "text": "x",
            "idempotency_key": "k",
            "agency_id": agency_id,
        },
    )
    assert refused.status_code == 403


async def test_anyone_checks_a_code_and_can_verify_the_signature_without_trusting_the_answer(
    sign_in: SignIn, resources: Resources, client: httpx.AsyncClient
) -> None:
    agency_id = await make_agency(resources.pool, status="approved")
    sender = await sign_in(("agency_sender", agency_id))
    body = {"national_id": valid_national_id(124), "channel": "sms", "text": "รับบัตรได้แล้ว"}
    made = await sender.post("/api/v1/agency/message-codes", json=body | {"idempotency_key": "c"})
    code = made.json()["code"]

    typed = code.lower().replace("-", " ")  # as a person might type it
    answer = await client.get(f"/api/v1/messages/verify/{typed}")
    assert answer.status_code == 200, answer.text
    checked = answer.json()
    assert (checked["code"], checked["channel"], checked["text"]) == (code, "sms", "รับบัตรได้แล้ว")
    assert checked["text_sha256"] == statement.text_sha256("รับบัตรได้แล้ว")
    assert body["national_id"] not in answer.text
    keys = (await client.get("/api/v1/documents/signing-keys")).json()["keys"]
    [key] = [key for key in keys if key["kid"] == checked["key_id"]]
    public = Ed25519PublicKey.from_public_bytes(base64.urlsafe_b64decode(key["x"] + "=="))
    signature = base64.urlsafe_b64decode(checked["signature"] + "==")
    public.verify(signature, checked["statement"].encode())
    assert f"code:{codes.normalise(code)}\n" in checked["statement"]


async def test_malformed_codes_are_refused_before_any_look_up_and_guessing_is_rate_limited(
    client: httpx.AsyncClient,
) -> None:
    real = codes.new_code()
    wrong_check = real[:-1] + next(c for c in codes.ALPHABET if c != real[-1])
    for typed in ["x" * 16, real[:-2], wrong_check, "0" * 200] * 10:  # more than the bucket holds
        refused = await client.get(f"/api/v1/messages/verify/{typed}")
        assert refused.status_code == 400, typed
        assert refused.json()["type"].endswith("not-a-verification-code")
    answers = [
        (await client.get(f"/api/v1/messages/verify/{codes.new_code()}")).status_code for _ in range(31)
    ]
    assert answers[:30] == [404] * 30
    assert answers[30] == 429


async def test_a_seals_text_is_forgotten_with_the_inbox_body_and_the_code_still_checks(
    sign_in: SignIn, resources: Resources, client: httpx.AsyncClient
) -> None:
    agency_id = await make_agency(resources.pool, status="approved")
    sender = await sign_in(("agency_sender", agency_id))
    body = {
        "national_id": valid_national_id(125),
        "channel": "letter",
        "text": "ท่านมีสิทธิ์",
        "idempotency_key": "r",
    }
    code = (await sender.post("/api/v1/agency/message-codes", json=body)).json()["code"]
    assert await apply_genuine_retention(resources.pool, text_days=365) == 0  # nothing old yet
    # A zero-day retention stands for a year gone by (the seal's time is signed: it cannot be moved back).
    assert await apply_genuine_retention(resources.pool, text_days=0) == 2  # the letter's and the inbox's
    checked = (await client.get(f"/api/v1/messages/verify/{code}")).json()
    assert checked["text"] is None
    assert checked["text_sha256"] == statement.text_sha256("ท่านมีสิทธิ์")
    # The texts themselves (kept once for all their seals) go a day after the last seal showing them.
    assert await resources.pool.fetchval("SELECT count(*) FROM message_texts") == 2
    await resources.pool.execute("UPDATE message_texts SET last_sent_at = last_sent_at - interval '2 days'")
    assert await apply_genuine_retention(resources.pool, text_days=0) == 0
    assert await resources.pool.fetchval("SELECT count(*) FROM message_texts") == 0


class _CountingPool:
    """The real pool, counting what asks it for anything (a look-up, a connection)."""

    def __init__(self, pool: Any) -> None:
        self.pool, self.uses = pool, 0

    def __getattr__(self, name: str) -> Any:
        self.uses += 1
        return getattr(self.pool, name)


async def test_a_malformed_code_reaches_no_database_and_a_well_formed_one_does(
    app: Any, client: httpx.AsyncClient
) -> None:
    genuine = app.state.genuine
    counting = _CountingPool(genuine.pool)
    genuine.pool = counting
    try:
        for typed in ["x" * 16, "K7Q2-M9X4-T1B8", "0" * 200, "%00" * 16]:
            refused = await client.get(f"/api/v1/messages/verify/{typed}")
            assert refused.status_code == 400, typed
        assert counting.uses == 0
        assert (await client.get(f"/api/v1/messages/verify/{codes.new_code()}")).status_code == 404
        assert counting.uses >= 1  # the counter sees a look-up when there is one
    finally:
        genuine.pool = counting.pool


async def test_an_agency_gets_codes_within_its_sending_limit(
    sign_in: SignIn, resources: Resources, settings: Any, tmp_path: Any
) -> None:
    from backend.server.app import create_app
    from backend.settings import load_settings
    from tests.conftest import environment_for_tests, serve_in_process

    agency_id = await make_agency(resources.pool, status="approved")
    sender = await sign_in(("agency_sender", agency_id))
    environ = environment_for_tests(
        tmp_path,
        DATABASE_URL=settings.database_url,
        REDIS_URL=settings.redis_url,
        ID_HASH_KEY=settings.id_hash_key,
        ID_ENCRYPTION_KEYS=settings.id_encryption_keys,
        AGENCY_SENDS_PER_MINUTE="2",
    )
    async with serve_in_process(create_app(load_settings(environ))) as limited:
        limited.cookies = sender.cookies
        headers = {"X-CSRF-Token": sender.headers["X-CSRF-Token"]}
        answers = []
        for n in range(3):
            body = {"national_id": valid_national_id(130 + n), "channel": "sms", "text": "บัตรพร้อมรับ",
                    "idempotency_key": f"limit-{n}", "agency_id": agency_id}  # fmt: skip
            answers.append(await limited.post("/api/v1/agency/message-codes", json=body, headers=headers))
    assert [a.status_code for a in answers] == [201, 201, 429]
    assert answers[2].headers["content-type"] == "application/problem+json"
    assert int(answers[2].headers["retry-after"]) >= 1
    assert "2 messages a minute" in answers[2].json()["detail"]
    assert await resources.pool.fetchval("SELECT count(*) FROM message_seals WHERE channel = 'sms'") == 2
