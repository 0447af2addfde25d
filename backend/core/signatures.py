"""Signed bodies between the platform and banks or agencies: ``X-Signature: t=<unix>,v1=<HMAC-SHA256 of
"t.body">``. Banks sign their callbacks to us this way (docs/bank-callbacks.md) and the platform signs its
webhooks to agencies the same way, so one implementation serves both."""

from __future__ import annotations

import hashlib
import hmac
import re
import time

from backend.core.errors import AppError

SIGNATURE_HEADER = "x-signature"
SIGNATURE_TOLERANCE_SECONDS = 300
_UNIX_SECONDS = re.compile(r"[0-9]{1,12}")
_HEX_DIGEST = re.compile(r"[0-9a-f]{64}")


class SignatureRefused(AppError):
    status_code = 401
    problem_type = "bad-signature"
    title = "The callback's signature is not valid"


def sign(secret: bytes, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret, f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify_signature(secret: bytes, header: str | None, body: bytes, now: float | None = None) -> None:
    parts = dict(part.strip().split("=", 1) for part in (header or "").split(",") if "=" in part)
    stamp, given = parts.get("t", ""), parts.get("v1", "")
    if not (_UNIX_SECONDS.fullmatch(stamp) and _HEX_DIGEST.fullmatch(given)):
        raise SignatureRefused("X-Signature needs t=<unix seconds>,v1=<64 hex digits of HMAC-SHA256>")
    timestamp = int(stamp)
    current = time.time() if now is None else now
    if abs(current - timestamp) > SIGNATURE_TOLERANCE_SECONDS:
        raise SignatureRefused("The callback's timestamp is more than five minutes off; send a fresh one.")
    expected = sign(secret, timestamp, body).split("v1=", 1)[1]
    if not hmac.compare_digest(expected, given):
        raise SignatureRefused("The signature does not match this bank's secret and the body sent.")
