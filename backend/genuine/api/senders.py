"""The sender registry's routes, one guarded router per audience: an agency's admins keep its official
channels (the ``senders`` permission, held by the agency-admin role only: a name the public trusts is
not for every editor to add), platform admins review them, and anyone reads the approved register."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Response, Router, delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from backend.core.guards import agency_may, platform_admin
from backend.core.principal import Principal
from backend.core.resources import Resources
from backend.genuine import registry
from backend.genuine.schemas import (
    NewSenderEntry,
    OpenSender,
    SenderEntry,
    SenderEntryInReview,
    SenderEntryReturn,
)

_OPEN_DATA_HEADERS = {"Cache-Control": "public, max-age=60", "Access-Control-Allow-Origin": "*"}


@get("/senders", summary="The agency's official SMS sender names, link domains and contact channels")
async def list_senders(agency_id: FromPath[int], resources: NamedDependency[Resources]) -> list[SenderEntry]:
    return await registry.entries(resources, agency_id)


@post(
    "/senders",
    summary="Add an official channel: it is published once a platform admin approves it",
    status_code=HTTP_201_CREATED,
)
async def add_sender(
    agency_id: FromPath[int],
    data: Annotated[NewSenderEntry, msgspec.Meta()],
    resources: NamedDependency[Resources],
) -> SenderEntry:
    return await registry.add(resources, agency_id, data)


@delete(
    "/senders/{entry_id:int}",
    summary="Remove an official channel (from the register too)",
    status_code=HTTP_204_NO_CONTENT,
)
async def remove_sender(
    agency_id: FromPath[int], entry_id: FromPath[int], resources: NamedDependency[Resources]
) -> None:
    await registry.remove(resources, agency_id, entry_id)


agency_router = Router(
    "/api/v1/agency/{agency_id:int}",
    guards=[agency_may("senders")],
    tags=["agency"],
    route_handlers=[list_senders, add_sender, remove_sender],
)


@get("/sender-reviews", summary="Agencies' official channels waiting for review, oldest first")
async def senders_in_review(resources: NamedDependency[Resources]) -> list[SenderEntryInReview]:
    return await registry.in_review(resources)


@post(
    "/senders/{entry_id:int}/approve",
    summary="Publish the official channel in the register",
    status_code=HTTP_200_OK,
)
async def approve_sender(
    entry_id: FromPath[int], principal: NamedDependency[Principal], resources: NamedDependency[Resources]
) -> SenderEntryInReview:
    return await registry.approve(resources, entry_id, principal)


@post(
    "/senders/{entry_id:int}/return",
    summary="Return the official channel to its agency with a comment",
    status_code=HTTP_200_OK,
)
async def return_sender(
    entry_id: FromPath[int],
    data: Annotated[SenderEntryReturn, msgspec.Meta()],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
) -> SenderEntryInReview:
    return await registry.send_back(resources, entry_id, data, principal)


admin_router = Router(
    "/api/v1/admin",
    guards=[platform_admin],
    tags=["administration"],
    route_handlers=[senders_in_review, approve_sender, return_sender],
)


@get(
    "/open/senders",
    tags=["open data"],
    summary="The register of agencies' official channels, both languages, no login",
)
async def open_senders_json(resources: NamedDependency[Resources]) -> Response[list[OpenSender]]:
    return Response(await registry.published(resources), headers=_OPEN_DATA_HEADERS)


@get(
    "/open/senders.csv",
    tags=["open data"],
    summary="The register of agencies' official channels as CSV (UTF-8), no login",
    media_type="text/csv; charset=utf-8",
)
async def open_senders_csv(resources: NamedDependency[Resources]) -> Response[str]:
    return Response(
        "\ufeff" + registry.published_csv(await registry.published(resources)),  # spreadsheets read Thai
        media_type="text/csv; charset=utf-8",
        headers={**_OPEN_DATA_HEADERS, "Content-Disposition": 'attachment; filename="senders.csv"'},
    )


@get(
    "/open/senders/{agency_code:str}",
    tags=["open data"],
    summary="One agency's official channels (the check page shows them beside a genuine code)",
)
async def open_senders_of(
    agency_code: FromPath[str], resources: NamedDependency[Resources]
) -> Response[list[OpenSender]]:
    return Response(await registry.published(resources, agency_code), headers=_OPEN_DATA_HEADERS)


public_router = Router("/api/v1", route_handlers=[open_senders_json, open_senders_csv, open_senders_of])
