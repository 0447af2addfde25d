"""Connector contract, version 1: what an agency's system answers. Documented for agencies in
``docs/connector-contract-v1.md`` and ``docs/connector-contract-v1.openapi.yaml``.

Every response is decoded straight into these structs; anything else (wrong shape, wrong types,
unknown status, an amount that is not whole satang) is treated as the connector failing.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec

from backend.core.text import hidden_character

CONTRACT_VERSION = "1"
EntitlementStatus = Literal["receiving", "eligible_not_enrolled", "not_eligible", "pending"]
EntitlementKind = Literal["benefit", "fee", "status"]
"""What the citizen gets (money, a card), a service they pay a fee for, or where they stand (a cover,
a membership): the app never tells a citizen they "may be eligible" for a fee."""


class EntitlementsRequest(msgspec.Struct, kw_only=True):
    national_id: str
    purpose: str
    request_id: str
    """Our id for this call, also in the X-Request-ID header, for the agency's own records."""
    contract_version: str = CONTRACT_VERSION


class CheckedEntitlement(msgspec.Struct, kw_only=True, forbid_unknown_fields=False):
    """An entitlement once ``Entitlement`` has checked it: how a copy this process has checked before
    is read back (``backend.connectors.answers``) without checking every text again."""

    scheme_id: Annotated[str, msgspec.Meta(pattern="^[a-z0-9][a-z0-9-]{0,63}$")]
    scheme_name_th: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    scheme_name_en: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    status: EntitlementStatus
    kind: EntitlementKind = "benefit"
    """Answers from before ``kind`` was in the contract were benefits."""
    amount_satang: Annotated[int, msgspec.Meta(ge=0)] | None = None
    period: Literal["once", "monthly", "yearly"] | None = None
    next_payment_date: dt.date | None = None
    details_th: Annotated[str, msgspec.Meta(max_length=1000)] = ""
    details_en: Annotated[str, msgspec.Meta(max_length=1000)] = ""
    how_to_claim_th: Annotated[str, msgspec.Meta(max_length=1000)] = ""
    how_to_claim_en: Annotated[str, msgspec.Meta(max_length=1000)] = ""
    url: Annotated[str, msgspec.Meta(max_length=2000, pattern="^https://")] | None = None


class Entitlement(CheckedEntitlement, kw_only=True, forbid_unknown_fields=False):
    def __post_init__(self) -> None:
        # Citizens read these, and they become inbox messages: held to the rule for text people write
        # (backend/core/text.py). A failing text fails the whole answer (a bad answer: the agency's
        # last good one, marked stale, or "could not read") rather than being cleaned or the one
        # entitlement dropped: removing characters changes what the agency said, and a missing
        # entitlement would read as "not entitled"; the agency sees the failed call in its records.
        for name in _SHOWN_TEXTS:
            if (hidden := hidden_character(getattr(self, name))) is not None:
                raise ValueError(f"{name} contains {hidden}")


_SHOWN_TEXTS = (
    "scheme_name_th", "scheme_name_en", "details_th", "details_en", "how_to_claim_th", "how_to_claim_en",
)  # fmt: skip


class EntitlementsResponse(msgspec.Struct, kw_only=True):
    contract_version: Literal["1"]
    entitlements: Annotated[list[Entitlement], msgspec.Meta(max_length=200)]
    as_of: dt.datetime | None = None


class CheckedResponse(msgspec.Struct, kw_only=True):
    """``EntitlementsResponse`` as our own copies keep it, checked when it arrived."""

    contract_version: Literal["1"]
    entitlements: list[CheckedEntitlement]
    as_of: dt.datetime | None = None


class ApplicationFile(msgspec.Struct, kw_only=True):
    field: str
    file_name: str
    content_type: str
    size_bytes: int
    sha256: str
    content_base64: str


class OnBehalf(msgspec.Struct, kw_only=True, frozen=True):
    """Who did it for the citizen, present only when it was not the citizen themselves: a delegate
    acting under the citizen's grant (docs/delegation.md). Optional in contract v1: agencies that do
    not know the field ignore it, as they ignore any field they do not know."""

    kind: Literal["delegate"]
    delegate_reference: str
    """The grant's id: the same for every step taken under one grant, meaningless anywhere else."""
    name_th: str | None = None
    name_en: str | None = None
    national_id_masked: str | None = None
    """The delegate's, as staff see national IDs ("x-xxxx-xxxxx-24-9"); never the full one."""


class ApplicationSubmission(msgspec.Struct, kw_only=True):
    """``POST {base}/v1/applications``: a citizen's application, sent once it is submitted."""

    tracking_number: str
    service_code: str
    national_id: str
    name_th: str | None
    name_en: str | None
    birthdate: dt.date | None
    answers: dict[str, object]
    files: list[ApplicationFile]
    submitted_at: dt.datetime
    status_callback_url: str
    """Where the agency reports progress (the agency API, with a client-credentials token holding
    the ``applications`` scope)."""
    request_id: str
    contract_version: str = CONTRACT_VERSION
    on_behalf: OnBehalf | msgspec.UnsetType = msgspec.UNSET
    """Absent when the citizen submitted it themselves."""


class ApplicationAccepted(msgspec.Struct, kw_only=True):
    contract_version: Literal["1"]
    reference: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    """The agency's own reference for the application, shown to its staff beside ours."""

    def __post_init__(self) -> None:
        if (hidden := hidden_character(self.reference)) is not None:
            raise ValueError(f"reference contains {hidden}")


Relationship = Literal["parent", "guardian"]


class RelationshipRequest(msgspec.Struct, kw_only=True):
    """To a registry (a connector whose ``answers`` is ``parentage`` or ``guardianship``): is the adult
    the child's parent (or the ward's guardian) now? Asked for the adult, about both."""

    relationship: Relationship
    adult_national_id: str
    child_national_id: str
    child_birthdate: dt.date
    """As the adult gave it: a registry confirms only when it matches its own record."""
    purpose: str
    request_id: str
    contract_version: str = CONTRACT_VERSION


_Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class RelationshipAnswer(msgspec.Struct, kw_only=True, forbid_unknown_fields=False):
    """``confirmed`` false for "no", "no longer" and "we do not know them" alike: the platform never
    tells the adult which."""

    contract_version: Literal["1"]
    confirmed: bool
    child_name_th: _Name | None = None
    child_name_en: _Name | None = None
    ends_on: dt.date | None = None
    """A guardianship's last day when the court order sets one."""

    def __post_init__(self) -> None:
        for text in (self.child_name_th, self.child_name_en):
            if text and hidden_character(text):
                raise ValueError("a name carries an invisible or control character")
