"""HTTP surface of the catalogue: agency proposals and approval, the agency tile API, review by
platform admins, the citizens' catalogue and the open-data export."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import msgspec
from litestar import Response, delete, get, post, put
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from backend.catalogue import queries
from backend.catalogue.schemas import (
    AgencyTileView,
    AgencyView,
    CatalogueView,
    Category,
    Language,
    LifeEvent,
    NewAgency,
    OpenTile,
    ReviewDecision,
    TileContent,
    TileVersionView,
)
from backend.catalogue.service import Catalogue, agency_tile_view, checked_content, open_tiles, open_tiles_csv
from backend.core.errors import Conflict, NotFound
from backend.core.principal import (
    Principal,
    require_agency_permission,
    require_person,
    require_platform_admin,
)
from backend.core.resources import Resources
from backend.core.text import refuse_hidden_text
from backend.identity import queries as identity_queries
from backend.identity.service import Identity

BANGKOK = ZoneInfo("Asia/Bangkok")


def provide_catalogue(state: State) -> Catalogue:
    catalogue: Catalogue = state.catalogue
    return catalogue


def _actor(principal: Principal) -> tuple[str | None, str | None]:
    return principal.citizen_id, principal.client_id


# --- agencies ---------------------------------------------------------------------------------


@post(
    "/api/v1/agencies",
    tags=["catalogue"],
    summary="Propose an agency (a platform admin approves it)",
    status_code=HTTP_201_CREATED,
)
async def propose_agency(
    data: Annotated[NewAgency, msgspec.Meta()],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
) -> AgencyView:
    refuse_hidden_text(data)
    person = require_person(principal)
    assert person.citizen_id is not None
    agency_id = await queries.propose_agency(resources.pool, msgspec.structs.asdict(data), person.citizen_id)
    if agency_id is None:
        raise Conflict("An agency with this code already exists.")
    rows = await queries.agencies(resources.pool, None)
    return msgspec.convert(next(row for row in rows if row["id"] == agency_id), AgencyView)


@get("/api/v1/agencies", tags=["catalogue"], summary="Approved agencies")
async def list_agencies(resources: NamedDependency[Resources]) -> list[AgencyView]:
    return [msgspec.convert(row, AgencyView) for row in await queries.agencies(resources.pool, "approved")]


@get("/api/v1/admin/agencies", tags=["administration"], summary="Agencies by status")
async def admin_list_agencies(
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
    status: Annotated[str | None, QueryParameter(pattern="^(pending|approved|suspended)$")] = None,
) -> list[AgencyView]:
    require_platform_admin(principal)
    return [msgspec.convert(row, AgencyView) for row in await queries.agencies(resources.pool, status)]


async def _decide(
    principal: Principal,
    resources: Resources,
    identity: Identity,
    catalogue: Catalogue,
    agency_id: int,
    status: str,
) -> AgencyView:
    admin = require_platform_admin(principal)
    assert admin.citizen_id is not None
    async with resources.pool.acquire() as connection, connection.transaction():
        row = await queries.decide_agency(connection, agency_id, status, admin.citizen_id)
        if row is None:
            raise NotFound("No such agency.")
        # The proposer becomes its administrator once, at the first approval (not again after a
        # suspension, which could undo a revocation).
        if status == "approved" and row["previous_status"] == "pending" and row["proposed_by"]:
            await identity_queries.grant_role(
                connection,
                citizen_id=row["proposed_by"],
                role="agency_admin",
                agency_id=agency_id,
                granted_by=admin.citizen_id,
                reason="proposed the agency, which was approved",
            )
    await identity.roles.changed()
    if status == "suspended":  # its systems' live tokens stop at once, as its staff's roles have
        for client in await identity_queries.agency_clients(resources.pool, agency_id):
            await identity.agency_tokens.mark_revoked(client["id"])
            await identity.agency_tokens.revoke_all(client["id"])
    await catalogue.changed()
    return msgspec.convert(row, AgencyView)


@post(
    "/api/v1/admin/agencies/{agency_id:int}/approve",
    tags=["administration"],
    summary="Approve an agency",
    status_code=200,
)
async def approve_agency(
    agency_id: FromPath[int],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
    identity: NamedDependency[Identity],
    catalogue: NamedDependency[Catalogue],
) -> AgencyView:
    return await _decide(principal, resources, identity, catalogue, agency_id, "approved")


@post(
    "/api/v1/admin/agencies/{agency_id:int}/suspend",
    tags=["administration"],
    summary="Suspend an agency: its tiles leave the catalogue",
    status_code=200,
)
async def suspend_agency(
    agency_id: FromPath[int],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
    identity: NamedDependency[Identity],
    catalogue: NamedDependency[Catalogue],
) -> AgencyView:
    return await _decide(principal, resources, identity, catalogue, agency_id, "suspended")


# --- the agency tile API ----------------------------------------------------------------------


async def _tile_view(resources: Resources, agency_id: int, tile_id: int) -> AgencyTileView:
    rows = await queries.agency_tiles(resources.pool, agency_id, tile_id)
    if not rows:
        raise NotFound("No such tile.")
    return agency_tile_view(rows[0])


@get("/api/v1/agency/{agency_id:int}/tiles", tags=["agency"], summary="The agency's tiles in every state")
async def list_agency_tiles(
    agency_id: FromPath[int], principal: NamedDependency[Principal], resources: NamedDependency[Resources]
) -> list[AgencyTileView]:
    require_agency_permission(principal, agency_id, "tiles")
    return [agency_tile_view(row) for row in await queries.agency_tiles(resources.pool, agency_id)]


@post(
    "/api/v1/agency/{agency_id:int}/tiles",
    tags=["agency"],
    summary="Create a tile (a draft, version 1)",
    status_code=HTTP_201_CREATED,
)
async def create_tile(
    agency_id: FromPath[int],
    data: Annotated[TileContent, msgspec.Meta()],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
) -> AgencyTileView:
    require_agency_permission(principal, agency_id, "tiles")
    content = checked_content(data)
    async with resources.pool.acquire() as connection, connection.transaction():
        if await identity_queries.agency_status(connection, agency_id) != "approved":
            raise Conflict("The agency must be approved before it can publish services.")
        tile_id = await queries.create_tile(connection, agency_id)
        await queries.insert_version(connection, tile_id, 1, content, principal.citizen_id)
    return await _tile_view(resources, agency_id, tile_id)


@put(
    "/api/v1/agency/{agency_id:int}/tiles/{tile_id:int}",
    tags=["agency"],
    summary="Save new content as the next version of the draft",
)
async def update_tile(
    agency_id: FromPath[int],
    tile_id: FromPath[int],
    data: Annotated[TileContent, msgspec.Meta()],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
) -> AgencyTileView:
    require_agency_permission(principal, agency_id, "tiles")
    content = checked_content(data)
    async with resources.pool.acquire() as connection, connection.transaction():
        tile = await queries.tile_for_update(connection, agency_id, tile_id)
        if tile is None:
            raise NotFound("No such tile.")
        if tile["draft_state"] == "in_review":
            raise Conflict("This tile is in review; wait for the decision before changing it.")
        version = tile["latest_version"] + 1
        await queries.insert_version(connection, tile_id, version, content, principal.citizen_id)
        await queries.set_draft(connection, tile_id, version, "draft", None)
    return await _tile_view(resources, agency_id, tile_id)


@post(
    "/api/v1/agency/{agency_id:int}/tiles/{tile_id:int}/submit",
    tags=["agency"],
    summary="Submit the draft for review",
    status_code=200,
)
async def submit_tile(
    agency_id: FromPath[int],
    tile_id: FromPath[int],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
) -> AgencyTileView:
    require_agency_permission(principal, agency_id, "tiles")
    citizen_id, client_id = _actor(principal)
    async with resources.pool.acquire() as connection, connection.transaction():
        tile = await queries.tile_for_update(connection, agency_id, tile_id)
        if tile is None:
            raise NotFound("No such tile.")
        if tile["draft_state"] != "draft":
            raise Conflict(
                "Only a draft can be submitted (this tile has no draft, or it is already in review)."
            )
        await queries.set_draft(connection, tile_id, tile["draft_version"], "in_review", None)
        await queries.record_review(
            connection, tile_id=tile_id, version=tile["draft_version"], action="submitted", comment=None,
            actor=citizen_id, client=client_id,
        )  # fmt: skip
    return await _tile_view(resources, agency_id, tile_id)


@post(
    "/api/v1/agency/{agency_id:int}/tiles/{tile_id:int}/retire",
    tags=["agency"],
    summary="Take the tile out of the catalogue",
    status_code=200,
)
async def retire_tile(
    agency_id: FromPath[int],
    tile_id: FromPath[int],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
    catalogue: NamedDependency[Catalogue],
) -> AgencyTileView:
    require_agency_permission(principal, agency_id, "tiles")
    citizen_id, client_id = _actor(principal)
    async with resources.pool.acquire() as connection, connection.transaction():
        tile = await queries.tile_for_update(connection, agency_id, tile_id)
        if tile is None:
            raise NotFound("No such tile.")
        if tile["retired_at"] is not None:
            raise Conflict("This tile is already retired.")
        await queries.retire(connection, tile_id)
        await queries.record_review(
            connection, tile_id=tile_id, version=tile["published_version"] or tile["latest_version"],
            action="retired", comment=None, actor=citizen_id, client=client_id,
        )  # fmt: skip
    await catalogue.changed()
    return await _tile_view(resources, agency_id, tile_id)


@get(
    "/api/v1/agency/{agency_id:int}/tiles/{tile_id:int}/versions",
    tags=["agency"],
    summary="Every saved version, newest first",
)
async def tile_versions(
    agency_id: FromPath[int],
    tile_id: FromPath[int],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
) -> list[TileVersionView]:
    require_agency_permission(principal, agency_id, "tiles")
    rows = await queries.tile_versions(resources.pool, agency_id, tile_id)
    if not rows:
        raise NotFound("No such tile.")
    return [msgspec.convert(row, TileVersionView) for row in rows]


# --- review by platform admins ----------------------------------------------------------------


@get("/api/v1/admin/tile-reviews", tags=["administration"], summary="Tiles waiting for review, oldest first")
async def tiles_in_review(
    principal: NamedDependency[Principal], resources: NamedDependency[Resources]
) -> list[AgencyTileView]:
    require_platform_admin(principal)
    return [agency_tile_view(row) for row in await queries.tiles_in_review(resources.pool)]


async def _decide_tile(
    principal: Principal, resources: Resources, tile_id: int, *, publish: bool, comment: str | None
) -> int:
    admin = require_platform_admin(principal)
    async with resources.pool.acquire() as connection, connection.transaction():
        tile = await queries.tile_in_review_for_update(connection, tile_id)
        if tile is None:
            raise NotFound("No tile with that id is waiting for review.")
        version = tile["draft_version"]
        if publish:
            await queries.publish(connection, tile_id, version)
        else:
            await queries.set_draft(connection, tile_id, version, "draft", comment)
        await queries.record_review(
            connection, tile_id=tile_id, version=version, action="published" if publish else "returned",
            comment=comment, actor=admin.citizen_id, client=None,
        )  # fmt: skip
        agency_id: int = await connection.fetchval("SELECT agency_id FROM tiles WHERE id = $1", tile_id)
    return agency_id


@post(
    "/api/v1/admin/tiles/{tile_id:int}/publish",
    tags=["administration"],
    summary="Publish the version in review",
    status_code=200,
)
async def publish_tile(
    tile_id: FromPath[int],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
    catalogue: NamedDependency[Catalogue],
) -> AgencyTileView:
    agency_id = await _decide_tile(principal, resources, tile_id, publish=True, comment=None)
    await catalogue.changed()
    return await _tile_view(resources, agency_id, tile_id)


@post(
    "/api/v1/admin/tiles/{tile_id:int}/return",
    tags=["administration"],
    summary="Return the version in review to the agency with a comment",
    status_code=200,
)
async def return_tile(
    tile_id: FromPath[int],
    data: Annotated[ReviewDecision, msgspec.Meta()],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
) -> AgencyTileView:
    refuse_hidden_text(data)
    agency_id = await _decide_tile(principal, resources, tile_id, publish=False, comment=data.comment)
    return await _tile_view(resources, agency_id, tile_id)


# --- citizens ---------------------------------------------------------------------------------


@get(
    "/api/v1/tiles",
    tags=["catalogue"],
    summary="The catalogue: favourites and recent first, by category and life event",
)
async def citizen_catalogue(
    optional_principal: NamedDependency[Principal | None],
    catalogue: NamedDependency[Catalogue],
    lang: FromQuery[Language] = "th",
    q: Annotated[str | None, QueryParameter(max_length=100)] = None,
    category: FromQuery[Category | None] = None,
    life_event: FromQuery[LifeEvent | None] = None,
) -> CatalogueView:
    citizen_id = optional_principal.citizen_id if optional_principal else None
    return await catalogue.for_citizen(
        language=lang, query=q, category=category, life_event=life_event, citizen_id=citizen_id,
        today=dt.datetime.now(BANGKOK).date(),
    )  # fmt: skip


async def _published_or_404(catalogue: Catalogue, tile_id: int) -> dict[str, Any]:
    tile = await catalogue.is_published(tile_id)
    if tile is None:
        raise NotFound("No such service.")
    return tile


@put(
    "/api/v1/tiles/{tile_id:int}/favourite",
    tags=["catalogue"],
    summary="Add to favourites",
    status_code=HTTP_204_NO_CONTENT,
)
async def add_favourite(
    tile_id: FromPath[int],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
    catalogue: NamedDependency[Catalogue],
) -> None:
    person = require_person(principal)
    await _published_or_404(catalogue, tile_id)
    assert person.citizen_id is not None
    await queries.set_favourite(resources.pool, person.citizen_id, tile_id, True)


@delete(
    "/api/v1/tiles/{tile_id:int}/favourite",
    tags=["catalogue"],
    summary="Remove from favourites",
    status_code=HTTP_204_NO_CONTENT,
)
async def remove_favourite(
    tile_id: FromPath[int], principal: NamedDependency[Principal], resources: NamedDependency[Resources]
) -> None:
    person = require_person(principal)
    assert person.citizen_id is not None
    await queries.set_favourite(resources.pool, person.citizen_id, tile_id, False)


class OpenedTile(msgspec.Struct, frozen=True):
    id: int
    kind: str
    link_url: str | None


@post(
    "/api/v1/tiles/{tile_id:int}/open",
    tags=["catalogue"],
    summary="The citizen opens a tile (kept for 'recently used')",
    status_code=200,
)
async def open_tile(
    tile_id: FromPath[int],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
    catalogue: NamedDependency[Catalogue],
) -> OpenedTile:
    person = require_person(principal)
    tile = await _published_or_404(catalogue, tile_id)
    assert person.citizen_id is not None
    await queries.record_use(resources.pool, person.citizen_id, tile_id)
    return OpenedTile(id=tile_id, kind=tile["kind"], link_url=tile["link_url"])


# --- open data --------------------------------------------------------------------------------


@get(
    "/api/v1/open/catalogue.json",
    tags=["open data"],
    summary="The published catalogue, both languages, no login",
)
async def open_catalogue_json(catalogue: NamedDependency[Catalogue]) -> Response[list[OpenTile]]:
    tiles = open_tiles(await catalogue.published())
    return Response(
        tiles, headers={"Cache-Control": "public, max-age=60", "Access-Control-Allow-Origin": "*"}
    )


@get(
    "/api/v1/open/catalogue.csv",
    tags=["open data"],
    summary="The published catalogue as CSV (UTF-8), no login",
    media_type="text/csv; charset=utf-8",
)
async def open_catalogue_csv(catalogue: NamedDependency[Catalogue]) -> Response[str]:
    body = open_tiles_csv(open_tiles(await catalogue.published()))
    return Response(
        "\ufeff" + body,  # a byte-order mark so spreadsheet programs read Thai as UTF-8
        media_type="text/csv; charset=utf-8",
        headers={
            "Cache-Control": "public, max-age=60",
            "Content-Disposition": 'attachment; filename="catalogue.csv"',
            "Access-Control-Allow-Origin": "*",
        },
    )


CATALOGUE_ROUTES = [
    propose_agency, list_agencies, admin_list_agencies, approve_agency, suspend_agency,
    list_agency_tiles, create_tile, update_tile, submit_tile, retire_tile, tile_versions,
    tiles_in_review, publish_tile, return_tile,
    citizen_catalogue, add_favourite, remove_favourite, open_tile,
    open_catalogue_json, open_catalogue_csv,
]  # fmt: skip
