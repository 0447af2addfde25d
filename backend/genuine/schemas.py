"""Request and response shapes of genuine messages. Their names are the OpenAPI document's schema names
(``pwa/openapi.json``): renaming one is an API change."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

import msgspec

from backend.core.errors import invalid
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


# --- the sender registry ----------------------------------------------------------------------------

SenderKind = Literal["sms_sender", "link_domain", "phone", "email", "line_official"]
ReviewStatus = Literal["pending", "approved", "returned"]

# What each kind of value looks like. An SMS sender name (alphanumeric sender ID) is at most 11 GSM
# characters; a domain is a hostname with a dot (no scheme or path: a register of domains, not links).
_VALUE_RULES: dict[str, tuple[re.Pattern[str], str]] = {
    "sms_sender": (
        re.compile(r"^[A-Za-z0-9][A-Za-z0-9 .&_-]{0,10}$"),
        "is not an SMS sender name (1 to 11 letters, digits, spaces or . & _ -)",
    ),
    "link_domain": (
        re.compile(r"^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$"),
        "is not a domain name such as dsdw.go.th",
    ),
    "phone": (
        re.compile(r"^\+?[0-9][0-9 -]{2,18}[0-9]$"),
        "is not a phone number such as 1300 or 02-123-4567",
    ),
    "email": (
        re.compile(r"^[A-Za-z0-9._%+-]{1,64}@([a-z0-9-]{1,63}\.)+[a-z]{2,63}$"),
        "is not an email address",
    ),
    "line_official": (re.compile(r"^@[a-z0-9._-]{1,40}$"), "is not a LINE Official Account ID such as @dsdw"),
}


class NewSenderEntry(Input, kw_only=True, forbid_unknown_fields=True):
    """One official channel of the agency; it is published once a platform admin approves it."""

    kind: SenderKind
    value: Annotated[str, msgspec.Meta(min_length=1, max_length=254)]
    """``sms_sender``: the name shown as the SMS sender (1-11 characters); ``link_domain``: a hostname
    (``dsdw.go.th``); ``phone``; ``email``; ``line_official``: the account ID with its ``@``."""
    note_th: Annotated[str, msgspec.Meta(max_length=300)] = ""
    note_en: Annotated[str, msgspec.Meta(max_length=300)] = ""

    def __post_init__(self) -> None:
        super().__post_init__()
        value = self.value.strip()
        # Domains, emails and LINE IDs are case-insensitive: one spelling, so duplicates are caught.
        self.value = value if self.kind in ("sms_sender", "phone") else value.lower()
        pattern, message = _VALUE_RULES[self.kind]
        if not pattern.fullmatch(self.value):
            raise invalid("value", message)


class SenderEntry(msgspec.Struct, kw_only=True):
    """An entry as its agency (and the reviewer) sees it."""

    id: int
    kind: SenderKind
    value: str
    note_th: str
    note_en: str
    review_status: ReviewStatus
    review_comment: str | None
    """Why a platform admin returned it (null unless returned)."""
    created_at: dt.datetime


class SenderEntryInReview(SenderEntry, kw_only=True):
    agency_id: int
    agency_code: str
    agency_name_th: str
    agency_name_en: str


class SenderEntryReturn(Input, forbid_unknown_fields=True):
    comment: Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]


class OpenSender(msgspec.Struct, kw_only=True):
    """One published official channel: anyone may treat a message from it as the agency's."""

    agency_code: str
    agency_name_th: str
    agency_name_en: str
    kind: SenderKind
    value: str
    note_th: str
    note_en: str
    approved_at: dt.datetime | None


# --- links inside messages ------------------------------------------------------------------------


class LeavingLink(msgspec.Struct, kw_only=True):
    """Where a link in a message leads, for the page a citizen sees before leaving the platform."""

    agency_code: str
    agency_name_th: str
    agency_name_en: str
    url: str
    host: str
    registered: bool
    """The host is (still) on one of the agency's link domains approved in the sender registry."""
