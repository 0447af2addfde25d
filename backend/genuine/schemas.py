"""Request and response shapes of genuine messages. Their names are the OpenAPI document's schema names
(``pwa/openapi.json``): renaming one is an API change."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec

from backend.core.input import Input, NationalId

OtherChannel = Literal["sms", "letter", "email"]
Sha256Hex = Annotated[str, msgspec.Meta(pattern="^[0-9a-f]{64}$")]


class NewMessageCode(Input, kw_only=True, forbid_unknown_fields=True):
    """An agency about to send a message through its own SMS, post or email provider."""

    national_id: NationalId
    channel: OtherChannel
    text: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)] | None = None
    """What the message says (shown to whoever checks the code, to compare). Give this or ``text_sha256``."""
    text_sha256: Sha256Hex | None = None
    """SHA-256 (lowercase hex) of the message's UTF-8 text, when the text may not leave the agency."""
    idempotency_key: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    agency_id: int | None = None


class MessageCode(msgspec.Struct, kw_only=True):
    code: str
    """Grouped as it should be printed: ``7K3M-QX9P-2RTV-H8WC``."""
    link: str
    """The platform's page that checks this code: print it (or its QR) on the letter, append it to the SMS."""
    channel: str
    sent_at: dt.datetime


class MessageCheck(msgspec.Struct, kw_only=True):
    """A genuine message as the public check shows it: who sent it, when, how, and what it says; and
    all it takes to check the platform's signature without trusting this answer."""

    code: str
    agency_code: str
    agency_name_th: str
    agency_name_en: str
    channel: str
    """``app`` (this app's inbox and notifications), ``sms``, ``letter`` or ``email``."""
    sent_at: dt.datetime
    text: str | None
    """What the message should say, to compare with the one in hand (null: the agency gave only its hash)."""
    text_sha256: str
    recipient: str
    """A keyed hash of the recipient salted with the code: it tells nobody who it was."""
    key_id: str
    signature: str
    """Ed25519, base64url without padding, over ``statement`` under the published key ``key_id``."""
    statement: str
