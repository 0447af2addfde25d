"""Tiles in any state of their workflow, written as the catalogue's own queries write them."""

from __future__ import annotations

from typing import Any, Literal

import msgspec

from backend.catalogue import queries as catalogue_queries
from backend.catalogue.schemas import TileContent, TileKind, TileRow
from backend.core.db import Db
from tests.factories._numbers import next_number

TileStateName = Literal["draft", "in_review", "published", "retired"]


async def make_tile(
    db: Db,
    agency_id: int,
    *,
    state: TileStateName = "published",
    kind: TileKind = "link",
    **content: Any,
) -> TileRow:
    """One version (``content`` overrides the made-up one, by ``TileContent``'s field names), in ``state``.
    Version 1 is what is in review, published or retired."""
    number = next_number()
    defaults: dict[str, Any] = {
        "title_th": f"บริการทดสอบ {number}",
        "title_en": f"Test service {number}",
        "icon": "document",
        "category": "welfare",
        "kind": kind,
        "link_url": "https://agency.example.go.th/service" if kind == "link" else None,
    }
    tile_content = msgspec.convert({**defaults, **content}, TileContent)
    tile_id = await catalogue_queries.create_tile(db, agency_id)
    await catalogue_queries.insert_version(db, tile_id, 1, tile_content, None)
    if state == "in_review":
        await catalogue_queries.set_draft(db, tile_id, 1, "in_review", None)
    elif state in ("published", "retired"):
        await catalogue_queries.publish(db, tile_id, 1)
        if state == "retired":
            await catalogue_queries.retire(db, tile_id)
    return await tile_row(db, agency_id, tile_id)


async def tile_row(db: Db, agency_id: int, tile_id: int) -> TileRow:
    [row] = await catalogue_queries.agency_tiles(db, agency_id, tile_id)
    return row
