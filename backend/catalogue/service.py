"""Agencies and the tile workflow: what the catalogue's handlers do, one function each.

Workflow: an agency saves content (each save is a new version, kept for good) into the tile's draft,
submits it for review, and a platform admin publishes it or returns it with a comment. Citizens only
ever see the published version, which stays in place while a newer draft is being worked on; the
published catalogue itself is ``backend.catalogue.published.Catalogue``.

Who may call each function is decided by the router's guard before it runs; functions that record who
acted take the caller's ``Principal``.
"""

from __future__ import annotations

import msgspec

from backend.catalogue import queries
from backend.catalogue.published import Catalogue
from backend.catalogue.schemas import (
    AgencyTileView,
    AgencyView,
    NewAgency,
    OpenedTile,
    Retirement,
    ReviewDecision,
    TileContent,
    TileRow,
    TileState,
    TileVersionView,
)
from backend.core.errors import Conflict, FieldError, InvalidInput, NotFound
from backend.core.principal import Principal, citizen_of
from backend.core.resources import Resources
from backend.core.text import normalise
from backend.identity import queries as identity_queries
from backend.identity.service import Identity

_TEXT_FIELDS = ("title_th", "title_en", "description_th", "description_en")


# --- agencies -------------------------------------------------------------------------------------


async def propose_agency(resources: Resources, data: NewAgency, principal: Principal) -> AgencyView:
    agency_id = await queries.propose_agency(resources.pool, data, citizen_of(principal))
    if agency_id is None:
        raise Conflict("An agency with this code already exists.")
    agency = await queries.agency(resources.pool, agency_id)
    assert agency is not None
    return agency


async def agencies(resources: Resources, status: str | None) -> list[AgencyView]:
    return await queries.agencies(resources.pool, status)


async def decide_agency(
    resources: Resources,
    identity: Identity,
    catalogue: Catalogue,
    agency_id: int,
    status: str,
    principal: Principal,
) -> AgencyView:
    admin_id = citizen_of(principal)
    async with resources.pool.acquire() as connection, connection.transaction():
        decided = await queries.decide_agency(connection, agency_id, status, admin_id)
        if decided is None:
            raise NotFound("No such agency.")
        # The proposer becomes its administrator once, at the first approval (not again after a
        # suspension, which could undo a revocation).
        if status == "approved" and decided.previous_status == "pending" and decided.proposed_by:
            await identity_queries.grant_role(
                connection,
                citizen_id=decided.proposed_by,
                role="agency_admin",
                agency_id=agency_id,
                granted_by=admin_id,
                reason="proposed the agency, which was approved",
            )
    await identity.roles.changed()
    if status == "suspended":  # its systems' live tokens stop at once, as its staff's roles have
        for client in await identity_queries.agency_client_listing(resources.pool, agency_id):
            await identity.agency_tokens.mark_revoked(client.id)
            await identity.agency_tokens.revoke_all(client.id)
    await catalogue.changed()
    return decided.agency


# --- the agency's tiles ---------------------------------------------------------------------------


def checked_content(content: TileContent) -> TileContent:
    """Field rules msgspec cannot express, with the field named; returns the content to store, its
    text normalised and its life events sorted once each."""
    errors: list[FieldError] = []
    # Hidden characters are refused by TileContent itself (an Input), decoded or built in code.
    texts = {name: normalise(getattr(content, name)) for name in _TEXT_FIELDS}
    # Each word once, in the order written (a word differing only in case is the same word).
    words = {
        field: list({normalise(w).casefold(): normalise(w) for w in getattr(content, field)}.values())
        for field in ("keywords", "synonyms")
    }
    for field, listed in words.items():
        if "" in listed:
            errors.append(FieldError(field=field, message="has an empty word"))
    if content.kind == "link" and not content.link_url:
        errors.append(FieldError(field="link_url", message="a link tile needs the agency's https:// address"))
    if content.kind != "link" and content.link_url:
        errors.append(FieldError(field="link_url", message="only link tiles have a link_url"))
    low, high = content.audience_min_age, content.audience_max_age
    if low is not None and high is not None and low > high:
        errors.append(FieldError(field="audience_max_age", message="must not be below audience_min_age"))
    if not texts["title_th"] or not texts["title_en"]:
        errors.append(
            FieldError(field="title_th" if not texts["title_th"] else "title_en", message="is empty")
        )
    if errors:
        raise InvalidInput("; ".join(f"{e.field}: {e.message}" for e in errors), errors=errors)
    return msgspec.structs.replace(content, **texts, **words, life_events=sorted(set(content.life_events)))


def tile_state(row: TileRow) -> TileState:
    if row.retired_at is not None:
        return "retired"
    if row.draft_state == "in_review":
        return "in_review"
    if row.draft_state == "draft" or row.published_version is None:
        return "draft"
    return "published"


def agency_tile_view(row: TileRow) -> AgencyTileView:
    return AgencyTileView(
        id=row.id,
        agency_id=row.agency_id,
        state=tile_state(row),
        draft_version=row.draft_version,
        published_version=row.published_version,
        review_comment=row.review_comment,
        retired_at=row.retired_at,
        updated_at=row.updated_at,
        draft=row.draft,
        published=row.published,
    )


async def _tile_view(resources: Resources, agency_id: int, tile_id: int) -> AgencyTileView:
    rows = await queries.agency_tiles(resources.pool, agency_id, tile_id)
    if not rows:
        raise NotFound("No such tile.")
    return agency_tile_view(rows[0])


async def agency_tiles(resources: Resources, agency_id: int) -> list[AgencyTileView]:
    return [agency_tile_view(row) for row in await queries.agency_tiles(resources.pool, agency_id)]


async def create_tile(
    resources: Resources, agency_id: int, data: TileContent, principal: Principal
) -> AgencyTileView:
    content = checked_content(data)
    async with resources.pool.acquire() as connection, connection.transaction():
        if await identity_queries.agency_status(connection, agency_id) != "approved":
            raise Conflict("The agency must be approved before it can publish services.")
        tile_id = await queries.create_tile(connection, agency_id)
        await queries.insert_version(connection, tile_id, 1, content, principal.citizen_id)
    return await _tile_view(resources, agency_id, tile_id)


async def update_tile(
    resources: Resources, agency_id: int, tile_id: int, data: TileContent, principal: Principal
) -> AgencyTileView:
    content = checked_content(data)
    async with resources.pool.acquire() as connection, connection.transaction():
        tile = await queries.tile_for_update(connection, agency_id, tile_id)
        if tile is None:
            raise NotFound("No such tile.")
        if tile.draft_state == "in_review":
            raise Conflict("This tile is in review; wait for the decision before changing it.")
        version = tile.latest_version + 1
        await queries.insert_version(connection, tile_id, version, content, principal.citizen_id)
        await queries.set_draft(connection, tile_id, version, "draft", None)
    return await _tile_view(resources, agency_id, tile_id)


async def submit_tile(
    resources: Resources, agency_id: int, tile_id: int, principal: Principal
) -> AgencyTileView:
    async with resources.pool.acquire() as connection, connection.transaction():
        tile = await queries.tile_for_update(connection, agency_id, tile_id)
        if tile is None:
            raise NotFound("No such tile.")
        if tile.draft_state != "draft" or tile.draft_version is None:
            raise Conflict(
                "Only a draft can be submitted (this tile has no draft, or it is already in review)."
            )
        await queries.set_draft(connection, tile_id, tile.draft_version, "in_review", None)
        await queries.record_review(
            connection, tile_id=tile_id, version=tile.draft_version, action="submitted", comment=None,
            actor=principal.citizen_id, client=principal.client_id,
        )  # fmt: skip
    return await _tile_view(resources, agency_id, tile_id)


async def retire_tile(
    resources: Resources,
    catalogue: Catalogue,
    agency_id: int,
    tile_id: int,
    principal: Principal,
    retirement: Retirement | None = None,
) -> AgencyTileView:
    """Out of the catalogue, with the reason (if given) kept in the review record and shown with the tile."""
    reason = retirement.reason if retirement is not None else None
    async with resources.pool.acquire() as connection, connection.transaction():
        tile = await queries.tile_for_update(connection, agency_id, tile_id)
        if tile is None:
            raise NotFound("No such tile.")
        if tile.retired_at is not None:
            raise Conflict("This tile is already retired.")
        await queries.retire(connection, tile_id, reason)
        await queries.record_review(
            connection, tile_id=tile_id, version=tile.published_version or tile.latest_version,
            action="retired", comment=reason, actor=principal.citizen_id, client=principal.client_id,
        )  # fmt: skip
    await catalogue.changed()
    return await _tile_view(resources, agency_id, tile_id)


async def tile_versions(resources: Resources, agency_id: int, tile_id: int) -> list[TileVersionView]:
    versions = await queries.tile_versions(resources.pool, agency_id, tile_id)
    if not versions:
        raise NotFound("No such tile.")
    return versions


# --- review by platform admins --------------------------------------------------------------------


async def tiles_in_review(resources: Resources) -> list[AgencyTileView]:
    """With who submitted each, for the reviewer."""
    views = [agency_tile_view(row) for row in await queries.tiles_in_review(resources.pool)]
    names = await queries.submitters(resources.pool, [view.id for view in views])
    for view in views:
        names_th, names_en, client = names.get(view.id, (None, None, None))
        view.submitted_by_th, view.submitted_by_en, view.submitted_by_client = names_th, names_en, client
    return views


async def decide_tile(
    resources: Resources,
    catalogue: Catalogue,
    tile_id: int,
    principal: Principal,
    *,
    publish: bool,
    decision: ReviewDecision | None = None,
) -> AgencyTileView:
    """Publishes the version in review, or returns it to the agency with the decision's comment."""
    comment = decision.comment if decision else None
    async with resources.pool.acquire() as connection, connection.transaction():
        tile = await queries.tile_in_review_for_update(connection, tile_id)
        if tile is None:
            raise NotFound("No tile with that id is waiting for review.")
        version = tile.draft_version
        if publish:
            await queries.publish(connection, tile_id, version)
        else:
            await queries.set_draft(connection, tile_id, version, "draft", comment)
        await queries.record_review(
            connection, tile_id=tile_id, version=version, action="published" if publish else "returned",
            comment=comment, actor=principal.citizen_id, client=None,
        )  # fmt: skip
    if publish:
        await catalogue.changed()
    return await _tile_view(resources, tile.agency_id, tile_id)


# --- citizens -------------------------------------------------------------------------------------


async def _published_or_404(catalogue: Catalogue, tile_id: int) -> OpenedTile:
    tile = await catalogue.is_published(tile_id)
    if tile is None:
        raise NotFound("No such service.")
    return OpenedTile(id=tile_id, kind=tile.kind, link_url=tile.link_url)


async def add_favourite(
    resources: Resources, catalogue: Catalogue, principal: Principal, tile_id: int
) -> None:
    await _published_or_404(catalogue, tile_id)
    await queries.set_favourite(resources.pool, citizen_of(principal), tile_id, True)
    await catalogue.personal_changed(citizen_of(principal))


async def remove_favourite(
    resources: Resources, catalogue: Catalogue, principal: Principal, tile_id: int
) -> None:
    """Any tile, published or not any more."""
    await queries.set_favourite(resources.pool, citizen_of(principal), tile_id, False)
    await catalogue.personal_changed(citizen_of(principal))


async def open_tile(
    resources: Resources, catalogue: Catalogue, principal: Principal, tile_id: int
) -> OpenedTile:
    """Kept for the citizen's 'recently used'."""
    opened = await _published_or_404(catalogue, tile_id)
    await queries.record_use(resources.pool, citizen_of(principal), tile_id)
    await catalogue.personal_changed(citizen_of(principal))
    return opened
