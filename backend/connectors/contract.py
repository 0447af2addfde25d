"""Connector contract, version 1: what an agency's system answers. Documented for agencies in
``docs/connector-contract-v1.md`` and ``docs/connector-contract-v1.openapi.yaml``.

Every response is decoded straight into these structs; anything else (wrong shape, wrong types,
unknown status, an amount that is not whole satang) is treated as the connector failing.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec

CONTRACT_VERSION = "1"
EntitlementStatus = Literal["receiving", "eligible_not_enrolled", "not_eligible", "pending"]


class EntitlementsRequest(msgspec.Struct, kw_only=True):
    national_id: str
    purpose: str
    request_id: str
    """Our id for this call, also in the X-Request-ID header, for the agency's own records."""
    contract_version: str = CONTRACT_VERSION


class Entitlement(msgspec.Struct, kw_only=True, forbid_unknown_fields=False):
    scheme_id: Annotated[str, msgspec.Meta(pattern="^[a-z0-9][a-z0-9-]{0,63}$")]
    scheme_name_th: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    scheme_name_en: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    status: EntitlementStatus
    amount_satang: Annotated[int, msgspec.Meta(ge=0)] | None = None
    period: Literal["once", "monthly", "yearly"] | None = None
    next_payment_date: dt.date | None = None
    details_th: Annotated[str, msgspec.Meta(max_length=1000)] = ""
    details_en: Annotated[str, msgspec.Meta(max_length=1000)] = ""
    how_to_claim_th: Annotated[str, msgspec.Meta(max_length=1000)] = ""
    how_to_claim_en: Annotated[str, msgspec.Meta(max_length=1000)] = ""
    url: Annotated[str, msgspec.Meta(max_length=2000, pattern="^https://")] | None = None


class EntitlementsResponse(msgspec.Struct, kw_only=True):
    contract_version: Literal["1"]
    entitlements: Annotated[list[Entitlement], msgspec.Meta(max_length=200)]
    as_of: dt.datetime | None = None
