"""RFC 8291 Appendix A: the aes128gcm push message encryption, against the RFC's own vector."""

from __future__ import annotations

import base64
from pathlib import Path

import http_ece
from cryptography.hazmat.primitives.asymmetric import ec

VECTOR = Path(__file__).resolve().parents[1] / "vectors" / "webpush-rfc8291.txt"


def _b64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _vector() -> dict[str, str]:
    lines = [
        line.split("=", 1)
        for line in VECTOR.read_text().splitlines()
        if "=" in line and not line.startswith("#")
    ]
    return {key: value for key, value in lines}


def _private(raw: bytes) -> ec.EllipticCurvePrivateKey:
    return ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())


def test_encrypting_the_rfc_example_gives_the_rfc_message() -> None:
    v = _vector()
    message = http_ece.encrypt(
        _b64(v["plaintext"]),
        salt=_b64(v["salt"]),
        private_key=_private(_b64(v["as_private"])),
        dh=_b64(v["ua_public"]),
        auth_secret=_b64(v["auth_secret"]),
        rs=int(v["record_size"]),
        version="aes128gcm",
    )
    assert message == _b64(v["message"])


def test_the_user_agent_decrypts_the_rfc_message() -> None:
    v = _vector()
    plaintext = http_ece.decrypt(
        _b64(v["message"]),
        private_key=_private(_b64(v["ua_private"])),
        auth_secret=_b64(v["auth_secret"]),
        version="aes128gcm",
    )
    assert plaintext == b"When I grow up, I want to be a watermelon"
