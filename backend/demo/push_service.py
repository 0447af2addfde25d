"""A push service that speaks RFC 8030 on loopback, for tests, benchmarks and demo mode.

It hands out test subscriptions (it keeps their private keys), and for each push it checks what a
real push service checks (a TTL header, ``aes128gcm`` content, a VAPID ``Authorization: vapid t=…, k=…``
whose ES256 JWT verifies with ``k`` and names this origin as ``aud``, expires within 24 hours and has
a ``mailto:`` or ``https:`` subject), decrypts the message with the subscription's keys (RFC 8291),
records it, and answers as told per device: 201 by default, or 404, 410, 413, 429 or 500.
Run with ``citizen push-service --port N``.
"""

from __future__ import annotations

import asyncio
import base64
import os
import time
from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import urlsplit

import http_ece
import msgspec
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey
from litestar import Litestar, Request, Response, get, post
from litestar.params import FromPath

from backend.core.crypto import b64url

_MAX_EXPIRY_SECONDS = 24 * 3600


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Device:
    private_key: ec.EllipticCurvePrivateKey
    auth_secret: bytes
    responses: list[tuple[int, int | None, int]] = field(default_factory=list)
    received: list[dict[str, Any]] = field(default_factory=list)


class Respond(msgspec.Struct, forbid_unknown_fields=True):
    status: Annotated[int, msgspec.Meta(ge=200, le=599)]
    times: Annotated[int, msgspec.Meta(ge=1, le=1000)] = 1
    retry_after: int | None = None
    delay_ms: Annotated[int, msgspec.Meta(ge=0, le=10_000)] = 0
    """How long to take over the answer (to see how many pushes arrive at once)."""


def _verify_vapid(authorization: str, origin: str) -> str | None:
    """None when the VAPID authorization is good, else why not."""
    if not authorization.lower().startswith("vapid "):
        return "Authorization must be 'vapid t=<jwt>, k=<key>' (RFC 8292)"
    parts = dict(item.strip().split("=", 1) for item in authorization[6:].split(",") if "=" in item)
    token, key = parts.get("t"), parts.get("k")
    if not token or not key:
        return "VAPID needs t and k"
    try:
        public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(key))
        pem = public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        claims = jwt.decode(token, ECKey.import_key(pem), algorithms=["ES256"]).claims
    except (ValueError, JoseError) as exc:
        return f"VAPID signature does not verify ({type(exc).__name__})"
    return _check_claims(claims, origin)


def _check_claims(claims: dict[str, Any], origin: str) -> str | None:
    expires = claims.get("exp")
    if claims.get("aud") != origin:
        return f"VAPID aud must be {origin}"
    if not isinstance(expires, int) or not time.time() < expires <= time.time() + _MAX_EXPIRY_SECONDS:
        return "VAPID exp must be in the future and at most 24 hours ahead"
    if not str(claims.get("sub", "")).startswith(("mailto:", "https:")):
        return "VAPID sub must be a mailto: or https: URL"
    return None


@dataclass
class Load:
    in_flight: int = 0
    most_in_flight: int = 0


def create_push_service_app() -> Litestar:
    devices: dict[str, Device] = {}
    load = Load()

    @post("/devices", status_code=201)
    async def new_device(request: Request[Any, Any, Any]) -> dict[str, Any]:
        return _add_device(str(request.base_url))

    @post("/devices/batch", status_code=201)
    async def new_devices(request: Request[Any, Any, Any], count: int) -> list[dict[str, Any]]:
        """Many test subscriptions at once, for campaigns and benchmarks."""
        return [_add_device(str(request.base_url)) for _ in range(min(count, 100_000))]

    @get("/stats")
    async def stats() -> dict[str, int]:
        per_device = [len(device.received) for device in devices.values()]
        return {
            "devices": len(per_device),
            "received": sum(per_device),
            "devices_reached": sum(1 for n in per_device if n),
            "most_to_one_device": max(per_device, default=0),
            "most_in_flight": load.most_in_flight,
        }

    def _add_device(base_url: str) -> dict[str, Any]:
        device_id = b64url(os.urandom(9))
        private_key = ec.generate_private_key(ec.SECP256R1())
        device = Device(private_key=private_key, auth_secret=os.urandom(16))
        devices[device_id] = device
        public = private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        base = base_url.rstrip("/")
        return {
            "device_id": device_id,
            "endpoint": f"{base}/push/{device_id}",
            "keys": {"p256dh": b64url(public), "auth": b64url(device.auth_secret)},
        }

    @post("/devices/{device_id:str}/respond", status_code=200)
    async def respond(device_id: FromPath[str], data: Annotated[Respond, msgspec.Meta()]) -> dict[str, int]:
        devices[device_id].responses.extend([(data.status, data.retry_after, data.delay_ms)] * data.times)
        return {"queued": len(devices[device_id].responses)}

    @get("/devices/{device_id:str}/messages")
    async def messages(device_id: FromPath[str]) -> Response[Any]:
        device = devices.get(device_id)
        if device is None:
            return Response(b"no such subscription", status_code=404)
        return Response(device.received)

    @post("/push/{device_id:str}", status_code=201)
    async def push(device_id: FromPath[str], request: Request[Any, Any, Any]) -> Response[bytes]:
        device = devices.get(device_id)
        if device is None:
            return Response(b"no such subscription", status_code=404)
        headers = request.headers
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(str(request.base_url)))
        problem = None
        if "ttl" not in headers:
            problem = "TTL header is required (RFC 8030)"
        elif headers.get("content-encoding") != "aes128gcm":
            problem = "Content-Encoding must be aes128gcm (RFC 8291)"
        else:
            problem = _verify_vapid(headers.get("authorization", ""), origin)
        if problem:
            return Response(problem.encode(), status_code=400 if "VAPID" not in problem else 401)
        body = await request.body()
        status, retry_after, delay_ms = device.responses.pop(0) if device.responses else (201, None, 0)
        load.in_flight += 1
        load.most_in_flight = max(load.most_in_flight, load.in_flight)
        try:
            await asyncio.sleep(delay_ms / 1000)
        finally:
            load.in_flight -= 1
        if status == 201:
            plaintext = http_ece.decrypt(
                body, private_key=device.private_key, auth_secret=device.auth_secret, version="aes128gcm"
            )
            device.received.append(
                {
                    "payload": plaintext.decode(),
                    "ttl": headers.get("ttl"),
                    "urgency": headers.get("urgency"),
                    "topic": headers.get("topic"),
                }
            )
        reply_headers = {"Location": f"/messages/{b64url(os.urandom(6))}"} if status == 201 else {}
        if retry_after is not None:
            reply_headers["Retry-After"] = str(retry_after)
        return Response(b"", status_code=status, headers=reply_headers)

    @get("/health")
    async def health() -> dict[str, int]:
        return {"devices": len(devices)}

    return Litestar(
        route_handlers=[new_device, new_devices, stats, respond, messages, push, health], logging_config=None
    )
