"""Citizens: their entitlements from every agency, their consents, and who accessed their data.
Guarded on the router: a person logged in with their digital ID (not an agency's system)."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from litestar import Router, delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from backend.connectors import service
from backend.connectors.entitlements import EntitlementsService
from backend.connectors.schemas import (
    AccessKind,
    ConsentTerms,
    ConsentView,
    DataAccessPage,
    EntitlementsPage,
    NewConsent,
)
from backend.core.guards import person
from backend.core.principal import Principal
from backend.core.resources import Resources
from backend.identity.service import Identity


@get("/entitlements", summary="What the citizen is entitled to, from every agency, live")
async def my_entitlements(
    principal: NamedDependency[Principal],
    identity: NamedDependency[Identity],
    resources: NamedDependency[Resources],
    entitlements: NamedDependency[EntitlementsService],
    lang: FromQuery[Literal["th", "en"]] = "th",
    refresh: FromQuery[bool] = False,
) -> EntitlementsPage:
    return await service.entitlements_page(
        resources, identity, entitlements, principal, language=lang, refresh=refresh
    )


@get("/me/consents", summary="The citizen's live consents")
async def my_consents(
    principal: NamedDependency[Principal], resources: NamedDependency[Resources]
) -> list[ConsentView]:
    return await service.consents(resources, principal)


@get(
    "/me/consents/terms/{connector_id:int}",
    summary="What consenting to a connector means, before it is given",
)
async def consent_terms(
    connector_id: FromPath[int], principal: NamedDependency[Principal], resources: NamedDependency[Resources]
) -> ConsentTerms:
    return await service.consent_terms(resources, principal, connector_id)


@post(
    "/me/consents",
    summary="Consent to a connector being called for its stated purpose",
    status_code=HTTP_201_CREATED,
)
async def give_consent(
    data: Annotated[NewConsent, msgspec.Meta()],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
) -> ConsentView:
    return await service.give_consent(resources, principal, data)


@delete("/me/consents/{consent_id:int}", summary="Withdraw a consent", status_code=HTTP_204_NO_CONTENT)
async def withdraw_consent(
    consent_id: FromPath[int], principal: NamedDependency[Principal], resources: NamedDependency[Resources]
) -> None:
    await service.withdraw_consent(resources, principal, consent_id)


@get(
    "/me/data-access",
    summary="Who accessed my data: newest first, repeated calls grouped, paginated; by kind or agency",
)
async def my_data_access(
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
    before: FromQuery[int | None] = None,
    limit: Annotated[int, QueryParameter(ge=1, le=100)] = 20,
    kind: FromQuery[AccessKind | None] = None,
    agency_id: FromQuery[int | None] = None,
) -> DataAccessPage:
    return await service.data_access_page(resources, principal, before, limit, kind=kind, agency_id=agency_id)


router = Router(
    "/api/v1",
    guards=[person],
    tags=["entitlements"],
    route_handlers=[
        my_entitlements,
        my_consents,
        consent_terms,
        give_consent,
        withdraw_consent,
        my_data_access,
    ],
)
