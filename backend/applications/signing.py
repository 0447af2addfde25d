"""The platform's signature on the documents agencies issue, Ed25519 over a fixed text statement.

A document's signature covers a short statement (verification code, SHA-256 of the file, issuing
agency, time), not the file itself: anyone can rebuild the statement from what
``/documents/verify/{code}`` shows and check it against the published key, without trusting us for
anything but the key. The statement is one ``name:value`` per line, so its values may not hold line
breaks (one could forge another line).

Keys are a keyring, newest first (``DOCUMENT_SIGNING_KEYS``): the first signs; the older ones only
verify, so documents signed before a rotation stay genuine. All public keys are published as a
JWKS. Ed25519 signatures are deterministic, so signing the same statement twice gives the same bytes.
"""

from __future__ import annotations

import base64
import os
import re
from datetime import UTC, datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from backend.core.keyrings import SIGNING_SEED_BYTES as _SEED_BYTES

_STATEMENT_VERSION = "citizen-document-v1"
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")


def statement(*, code: str, sha256: str, issuer: str, issued_at: datetime) -> bytes:
    """The exact bytes signed for one document (docs/applications.md, "Documents")."""
    if issued_at.tzinfo is None or issued_at.utcoffset() is None:
        raise ValueError("issued_at must be timezone-aware")
    if not _SHA256_HEX.fullmatch(sha256):
        raise ValueError("sha256 must be 64 lowercase hex characters")
    for name, value in (("code", code), ("issuer", issuer)):
        if not value or any(char in value for char in "\r\n\x85\u2028\u2029"):
            raise ValueError(f"{name} must be non-empty and on one line")
    issued = issued_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        f"{_STATEMENT_VERSION}\ncode:{code}\nsha256:{sha256}\nissuer:{issuer}\nissued:{issued}\n"
    ).encode()


class DocumentSigner:
    def __init__(self, keyring: dict[str, bytes]) -> None:
        """``keyring``: key id to 32-byte Ed25519 private seed, the signing key first."""
        if not keyring:
            raise ValueError("at least one document signing key is needed")
        for key_id, seed in keyring.items():
            if len(seed) != _SEED_BYTES:
                raise ValueError(f"document signing key {key_id!r} must be {_SEED_BYTES} bytes")
        self._private_keys = {
            key_id: Ed25519PrivateKey.from_private_bytes(seed) for key_id, seed in keyring.items()
        }
        self._public_keys = {key_id: key.public_key() for key_id, key in self._private_keys.items()}
        self._current_key_id = next(iter(keyring))

    @property
    def current_key_id(self) -> str:
        return self._current_key_id

    def sign(self, message: bytes) -> tuple[str, bytes]:
        """(key id, 64-byte signature) under the current key."""
        return self._current_key_id, self._private_keys[self._current_key_id].sign(message)

    def verify(self, key_id: str, message: bytes, signature: bytes) -> bool:
        """Whether ``signature`` is ours over ``message``; never raises."""
        public_key = self._public_keys.get(key_id)
        if public_key is None:
            return False
        try:
            public_key.verify(signature, message)
        except (InvalidSignature, ValueError, TypeError):
            return False
        return True

    def jwks(self) -> dict[str, list[dict[str, str]]]:
        """Every public key, the current first (RFC 8037 OKP keys)."""
        return {"keys": [_jwk(key_id, key) for key_id, key in self._public_keys.items()]}


def _jwk(key_id: str, key: Ed25519PublicKey) -> dict[str, str]:
    raw = key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": base64.urlsafe_b64encode(raw).rstrip(b"=").decode(),
        "kid": key_id,
        "use": "sig",
        "alg": "EdDSA",
    }


def new_signing_key() -> str:
    """A fresh Ed25519 private seed, as ``parse_keyring`` reads it."""
    return base64.b64encode(os.urandom(_SEED_BYTES)).decode()
