"""The exact bytes the platform signs for one message, and the two hashes inside them.

One ``name:value`` per line, like a document's statement (backend/applications/signing.py), signed with
the same Ed25519 keys, so anyone can rebuild it from what the public check shows and verify it against
the published keys (``/api/v1/documents/signing-keys``) without trusting the platform for more than the
key. The recipient is never in it: only a keyed hash salted with the code, which nobody without the
platform's ID hash key can link to a person or to the recipient's other messages.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import UTC, datetime

VERSION = "citizen-message-v1"
CHANNELS = ("app", "sms", "letter", "email")
_HEX_64 = re.compile(r"[0-9a-f]{64}")
_ONE_LINE = re.compile(r"[^\r\n\x85\u2028\u2029]+")


def recipient_tag(national_id_hash: bytes, code: str) -> bytes:
    """HMAC-SHA256 keyed with the recipient's national-ID lookup hash (itself an HMAC under
    ID_HASH_KEY) over the code: the platform can tell whose message it was; nobody else can."""
    return hmac.new(national_id_hash, f"{VERSION}:recipient:{code}".encode(), hashlib.sha256).digest()


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def app_message_text(title_th: str, body_th: str, title_en: str, body_en: str, url: str | None) -> str:
    """The text of an in-app message as the public check shows it and as its hash is taken."""
    text = f"{title_th}\n{body_th}\n\n{title_en}\n{body_en}"
    return f"{text}\n{url}" if url else text


def statement(
    *, code: str, sender: str, recipient: str, channel: str, sent_at: datetime, text_hash: str
) -> bytes:
    """``sender`` the agency's code; ``recipient`` the tag's hex; ``text_hash`` SHA-256 hex of the text."""
    if sent_at.tzinfo is None or sent_at.utcoffset() is None:
        raise ValueError("sent_at must be timezone-aware")
    if channel not in CHANNELS:
        raise ValueError(f"channel must be one of {CHANNELS}")
    if not (_HEX_64.fullmatch(recipient) and _HEX_64.fullmatch(text_hash)):
        raise ValueError("recipient and text_hash must be 64 lowercase hex characters")
    for name, value in (("code", code), ("sender", sender)):
        if not _ONE_LINE.fullmatch(value):
            raise ValueError(f"{name} must be non-empty and on one line")
    sent = sent_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        f"{VERSION}\ncode:{code}\nsender:{sender}\nrecipient:{recipient}\nchannel:{channel}\n"
        f"sent:{sent}\ntext-sha256:{text_hash}\n"
    ).encode()
