"""DOCUMENT_SIGNING_KEYS read into a keyring of Ed25519 seeds: the settings check it at start, the
document signer and the message sealer are built from it."""

from __future__ import annotations

import base64
import binascii
import re

from backend.core.errors import ConfigurationError

DOCUMENT_SIGNING_SETTING = "DOCUMENT_SIGNING_KEYS"
SIGNING_SEED_BYTES = 32
_KEY_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def parse_keyring(value: str) -> dict[str, bytes]:
    """DOCUMENT_SIGNING_KEYS, ``kid:base64seed,kid2:base64seed`` (newest first), to a keyring of
    Ed25519 seeds. Errors name the setting, never a key."""
    if not value.strip():
        raise _setting_error(f"must be set: kid:base64 of {SIGNING_SEED_BYTES} random bytes, newest first")
    keyring: dict[str, bytes] = {}
    for position, entry in enumerate(value.split(","), start=1):
        key_id, separator, encoded = entry.strip().partition(":")
        if not separator or not _KEY_ID.fullmatch(key_id):
            raise _setting_error(f"entry {position} needs a key id (letters, digits, . _ -) before ':'")
        if key_id in keyring:
            raise _setting_error(f"key id {key_id!r} appears twice")
        try:
            seed = base64.b64decode(encoded.strip(), validate=True)
        except binascii.Error:
            seed = b""
        if len(seed) != SIGNING_SEED_BYTES:
            raise _setting_error(f"key {key_id!r} must be standard base64 of {SIGNING_SEED_BYTES} bytes")
        keyring[key_id] = seed
    return keyring


def _setting_error(problem: str) -> ConfigurationError:
    return ConfigurationError(f"{DOCUMENT_SIGNING_SETTING}: {problem}")
