"""The VAPID signature (RFC 8292) is made once per push service and reused for its pushes until an hour
before it expires, and it stays a valid JWT for that service's origin alone."""

from __future__ import annotations

import base64
import json

from notifications import delivery
from tests.conftest import _VAPID_KEY

SUBJECT = "mailto:notify@example.org"


def _claims(headers: dict[str, str]) -> dict[str, object]:
    token = headers["Authorization"].removeprefix("vapid t=").split(",")[0]
    payload = token.split(".")[1]
    decoded: dict[str, object] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return decoded


def test_one_signature_per_push_service_reused_until_an_hour_before_it_expires() -> None:
    delivery._signed.clear()
    first = delivery._vapid_headers(_VAPID_KEY, SUBJECT, "https://fcm.googleapis.com")
    assert delivery._vapid_headers(_VAPID_KEY, SUBJECT, "https://fcm.googleapis.com") is first
    other = delivery._vapid_headers(_VAPID_KEY, SUBJECT, "https://updates.push.services.mozilla.com")
    assert other != first
    assert _claims(first)["aud"] == "https://fcm.googleapis.com"
    assert _claims(other)["aud"] == "https://updates.push.services.mozilla.com"
    assert _claims(first)["sub"] == SUBJECT

    # With less than an hour of its twelve left, the next push gets a new signature.
    expires, headers = delivery._signed[(_VAPID_KEY, SUBJECT, "https://fcm.googleapis.com")]
    delivery._signed[(_VAPID_KEY, SUBJECT, "https://fcm.googleapis.com")] = (expires - 11.5 * 3600, headers)
    renewed = delivery._vapid_headers(_VAPID_KEY, SUBJECT, "https://fcm.googleapis.com")
    assert renewed is not first
    assert _claims(renewed)["aud"] == "https://fcm.googleapis.com"
