"""National ID protection: validation, a keyed hash for look-ups, AES-GCM encryption at rest, masking.

The ID is encrypted with the newest key of ``ID_ENCRYPTION_KEYS`` and the key id is stored beside the
ciphertext, so older rows stay readable while keys rotate. Look-ups never decrypt: they compare an
HMAC-SHA256 of the ID under ``ID_HASH_KEY``. Nothing here logs or returns the ID in clear except
``decrypt`` (for the citizen themself) and ``mask`` (for staff).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_DIGITS_13 = re.compile(r"[0-9]{13}")
_NONCE_BYTES = 12
# Binds each ciphertext to its purpose, so a blob cannot be replayed into another encrypted column.
_ASSOCIATED_DATA = b"citizen.national_id.v1"


def national_id_check_digit(first_twelve: str) -> int:
    total = sum(int(digit) * (13 - position) for position, digit in enumerate(first_twelve))
    return (11 - total % 11) % 10


def is_valid_national_id(value: str) -> bool:
    """13 ASCII digits whose last is the check digit of the first twelve."""
    return bool(_DIGITS_13.fullmatch(value)) and national_id_check_digit(value[:12]) == int(value[12])


def mask_national_id(value: str) -> str:
    """What staff see: the grouping of the card with all but the last three digits hidden."""
    return f"x-xxxx-xxxxx-{value[10:12]}-{value[12]}" if len(value) == 13 else "x-xxxx-xxxxx-xx-x"


class NationalIdCipher:
    def __init__(self, keyring: dict[str, bytes], hash_key: bytes) -> None:
        if not keyring:
            raise ValueError("at least one encryption key is needed")
        self._keys = {key_id: AESGCM(key) for key_id, key in keyring.items()}
        self._current_key_id = next(iter(keyring))
        self._hash_key = hash_key

    def lookup_hash(self, national_id: str) -> bytes:
        return hmac.new(self._hash_key, national_id.encode(), hashlib.sha256).digest()

    def encrypt(self, national_id: str, *, purpose: bytes = _ASSOCIATED_DATA) -> tuple[str, bytes]:
        """Returns (key id, nonce + ciphertext). ``purpose`` binds the ciphertext to its column:
        the same keys also seal agency connectors' credentials, under another purpose."""
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._keys[self._current_key_id].encrypt(nonce, national_id.encode(), purpose)
        return self._current_key_id, nonce + sealed

    def can_decrypt(self, key_id: str) -> bool:
        """Whether ``key_id``'s key is still configured (a retired key's blobs are read elsewhere)."""
        return key_id in self._keys

    def decrypt(self, key_id: str, blob: bytes, *, purpose: bytes = _ASSOCIATED_DATA) -> str:
        key = self._keys.get(key_id)
        if key is None:
            raise LookupError(f"encryption key {key_id!r} is no longer configured")
        return key.decrypt(blob[:_NONCE_BYTES], blob[_NONCE_BYTES:], purpose).decode()


def b64url(data: bytes) -> str:
    """Unpadded base64url (RFC 7515 and web push keys)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
