"""The published catalogue as citizens and open data see it.

The published catalogue (the national target is 2,000+ services) is read from PostgreSQL once and
kept in each process, both languages (a search asks PostgreSQL which tiles match), until a publish,
retire or agency decision tells every replica to read it again (``backend.core.shared``).

What is the citizen's own on their home screen (favourites, recently used, birth date) is kept in Redis
under their key (``citizen_key``), which the authentication middleware reads with their session; it is
dropped on every change made through the app, and lives ``PERSONAL_SECONDS`` at most (a birth date the
identity provider corrects at a login shows within that).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import uuid
from collections.abc import Callable, Mapping
from zoneinfo import ZoneInfo

import msgspec
import redis.asyncio
from litestar.datastructures import State

from backend.catalogue import queries
from backend.catalogue.schemas import (
    CATEGORY_LABELS,
    LIFE_EVENT_LABELS,
    OTHER_LIFE_EVENT,
    OTHER_LIFE_EVENT_LABEL,
    CatalogueView,
    CitizenTile,
    Language,
    OpenTile,
    PublishedTile,
    TileGroup,
)
from backend.core.dates import age_on
from backend.core.db import Pool
from backend.core.shared import LocalCopy, Shared
from backend.identity.sessions import citizen_key

BANGKOK = ZoneInfo("Asia/Bangkok")
CATALOGUE_TOPIC = "catalogue"
PERSONAL_SECONDS = 300


class Personal(msgspec.Struct, frozen=True):
    favourites: list[int]
    recent: list[int]
    birthdate: dt.date | None


def personal_key(citizen_id: uuid.UUID) -> str:
    return citizen_key(citizen_id, "catalogue-personal")


RECENT_LIMIT = 8


def provide_catalogue(state: State) -> Catalogue:
    catalogue: Catalogue = state.catalogue
    return catalogue


class Catalogue:
    def __init__(self, pool: Pool, redis_client: redis.asyncio.Redis, shared: Shared) -> None:
        self._pool = pool
        self._redis = redis_client
        self._shared = shared
        self._entries: LocalCopy[list[PublishedTile]] = shared.copy(CATALOGUE_TOPIC)

    async def changed(self) -> None:
        """Call after any change citizens would see: this process reads it again now, the others on
        hearing of it."""
        await self._shared.changed(CATALOGUE_TOPIC)

    def forget(self) -> None:
        self._entries.drop()

    async def personal_changed(self, citizen_id: uuid.UUID) -> None:
        """Call after a change to the citizen's favourites or recently used tiles has committed."""
        await self._redis.delete(personal_key(citizen_id))

    async def _personal(self, citizen_id: uuid.UUID, prefetched: Mapping[str, bytes | None]) -> Personal:
        key = personal_key(citizen_id)
        raw = prefetched[key] if key in prefetched else await self._redis.get(key)
        if raw is not None:
            with contextlib.suppress(msgspec.DecodeError):
                return msgspec.json.decode(raw, type=Personal)
        personal = Personal(
            favourites=await queries.favourites(self._pool, citizen_id),
            recent=await queries.recently_used(self._pool, citizen_id, RECENT_LIMIT),
            birthdate=await queries.citizen_birthdate(self._pool, citizen_id),
        )
        await self._redis.set(key, msgspec.json.encode(personal), ex=PERSONAL_SECONDS)
        return personal

    async def _current(self) -> list[PublishedTile]:
        return await self._entries.get_or_read(lambda: queries.published_catalogue(self._pool))

    async def tiles(self) -> list[PublishedTile]:
        return await self._current()

    async def for_citizen(
        self,
        *,
        language: Language,
        query: str | None,
        category: str | None,
        life_event: str | None,
        citizen_id: uuid.UUID | None,
        today: dt.date | None = None,
        prefetched: Mapping[str, bytes | None] | None = None,
    ) -> CatalogueView:
        """Tiles matching the filters, for the citizen's age (on ``today``, by default the date in
        Thailand), their favourites and recently used ones first. ``prefetched``: the citizen's keys
        read with their session."""
        tiles = await self._current()
        favourite_ids: list[int] = []
        recent_ids: list[int] = []
        age: int | None = None
        if citizen_id is not None:
            personal = await self._personal(citizen_id, prefetched or {})
            favourite_ids, recent_ids, birthdate = personal.favourites, personal.recent, personal.birthdate
            age = age_on(birthdate, today or dt.datetime.now(BANGKOK).date()) if birthdate else None
        # Search is PostgreSQL's trigram matching (typos, Thai without spaces, agencies' synonyms).
        scores = await queries.search(self._pool, query.strip()) if query and query.strip() else None
        favourite_set = set(favourite_ids)
        matching: list[CitizenTile] = []
        for tile in tiles:
            if scores is not None and tile.id not in scores:
                continue
            if category and tile.category != category:
                continue
            if life_event and life_event not in tile.life_events:
                continue
            if age is not None and not (
                (tile.audience_min_age is None or age >= tile.audience_min_age)
                and (tile.audience_max_age is None or age <= tile.audience_max_age)
            ):
                continue
            matching.append(_citizen_tile(tile, language, tile.id in favourite_set))
        if scores is not None:  # best matches first, within each group too
            matching.sort(key=lambda tile: -scores[tile.id])
        by_id = {tile.id: tile for tile in matching}
        return CatalogueView(
            language=language,
            favourites=[by_id[i] for i in favourite_ids if i in by_id],
            recent=[by_id[i] for i in recent_ids if i in by_id],
            categories=_groups(matching, CATEGORY_LABELS, language, lambda tile: [tile.category]),
            # A tile tied to no life event still belongs in this view, under "other", so none is lost.
            life_events=_groups(
                matching,
                {**LIFE_EVENT_LABELS, OTHER_LIFE_EVENT: OTHER_LIFE_EVENT_LABEL},
                language,
                lambda tile: tile.life_events or [OTHER_LIFE_EVENT],
            ),
            total=len(matching),
        )

    async def is_published(self, tile_id: int) -> PublishedTile | None:
        return next((tile for tile in await self._current() if tile.id == tile_id), None)

    async def open_tiles(self) -> list[OpenTile]:
        """The open-data shape of every published tile."""
        return [msgspec.convert(tile, OpenTile, from_attributes=True) for tile in await self.tiles()]

    async def open_tiles_csv(self) -> str:
        return open_tiles_csv(await self.open_tiles())


def _citizen_tile(tile: PublishedTile, language: Language, favourite: bool) -> CitizenTile:
    english = language == "en"
    return CitizenTile(
        id=tile.id,
        agency_code=tile.agency_code,
        agency_name=tile.agency_name_en if english else tile.agency_name_th,
        title=tile.title_en if english else tile.title_th,
        description=tile.description_en if english else tile.description_th,
        icon=tile.icon,
        category=tile.category,
        life_events=tile.life_events,
        kind=tile.kind,
        link_url=tile.link_url,
        favourite=favourite,
    )


def _groups(
    tiles: list[CitizenTile],
    labels: dict[str, tuple[str, str]],
    language: Language,
    keys_of: Callable[[CitizenTile], list[str]],
) -> list[TileGroup]:
    grouped: dict[str, list[CitizenTile]] = {key: [] for key in labels}
    for tile in tiles:
        for key in keys_of(tile):
            grouped[key].append(tile)
    index = 0 if language == "th" else 1
    return [
        TileGroup(key=key, label=labels[key][index], tiles=members)
        for key, members in grouped.items()
        if members
    ]


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_safe(value: object) -> str:
    """Spreadsheet programs run cells that start like formulas; a leading quote keeps them text."""
    text = "" if value is None else " ".join(value) if isinstance(value, list) else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def open_tiles_csv(tiles: list[OpenTile]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    columns = [field.name for field in msgspec.structs.fields(OpenTile)]
    writer.writerow(columns)
    for tile in tiles:
        writer.writerow([_csv_safe(getattr(tile, column)) for column in columns])
    return buffer.getvalue()
