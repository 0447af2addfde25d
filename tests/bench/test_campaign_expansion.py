"""Campaign audience expansion (``make bench``): the time to list one chunk of 500 recipients, for every
audience kind, at SMALL and at LARGE citizens, with the queries as they were (before migration 0041) and as
they are, in one run; then the projection to Thailand's 66 M. Printed, never asserted.

Before, "after the cursor" was ``$2 IS NULL OR id > $2``, which no index can start from, and
agency-followers sorted every favourite of the agency's tiles: a chunk re-read the audience ahead of it,
so a campaign cost O(N^2). Now each kind walks an index from the cursor (agency followers from their own
table kept by the favourites' transactions) and a chunk costs the same wherever it starts."""

from __future__ import annotations

import statistics
import time

import pytest
from litestar import Litestar

from backend.core.db import Connection, Pool
from backend.core.resources import Resources
from notifications.campaigns import CHUNK_SIZE, MAX_RANGES
from notifications.queries import campaigns
from notifications.schemas import AgencyFollowers, AgeRange, Audience, EntitlementState, TileFollowers
from tests.factories import make_agency, make_connector, make_tile

SMALL = 10_000
LARGE = 1_000_000
PART = 100_000
READS = 51
NATIONAL = 66_000_000

pytestmark = pytest.mark.timeout(3600)

# The audience queries before migration 0041, with their parameters ($1 agency, $2 after or NULL, $3 limit,
# then the kind's own).
BEFORE = {
    "agency-followers": """
        SELECT DISTINCT f.citizen_id::text AS id FROM tile_favourites f JOIN tiles t ON t.id = f.tile_id
        WHERE t.agency_id = $1 AND ($2::uuid IS NULL OR f.citizen_id > $2::uuid)
        ORDER BY 1 LIMIT $3
    """,
    "tile-followers": """
        SELECT f.citizen_id::text AS id FROM tile_favourites f JOIN tiles t ON t.id = f.tile_id
        WHERE t.agency_id = $1 AND ($2::uuid IS NULL OR f.citizen_id > $2::uuid) AND f.tile_id = $4
        ORDER BY f.citizen_id LIMIT $3
    """,
    "age-range": """
        SELECT id::text FROM citizens
        WHERE $1::bigint IS NOT NULL AND ($2::uuid IS NULL OR id > $2::uuid)
          AND birthdate > (now() AT TIME ZONE 'Asia/Bangkok')::date - make_interval(years => $5 + 1)
          AND birthdate <= (now() AT TIME ZONE 'Asia/Bangkok')::date - make_interval(years => $4)
        ORDER BY id LIMIT $3
    """,
    "entitlement-state": """
        SELECT DISTINCT citizen_id::text AS id FROM entitlement_states
        WHERE agency_id = $1 AND ($2::uuid IS NULL OR citizen_id > $2::uuid)
          AND status = $4 AND ($5::text IS NULL OR scheme_id = $5)
        ORDER BY 1 LIMIT $3
    """,
}


async def _grow(
    pool: Pool, first: int, last: int, tiles: tuple[int, int], agency_id: int, connector: int
) -> None:
    """Citizens ``first``..``last`` (born 1930-2019), half following the first tile, one in five the second,
    and one in three eligible for the agency's scheme but not enrolled, in parts as a platform grows."""
    for start in range(first, last + 1, PART):
        await pool.execute(
            """
            WITH new AS (
                INSERT INTO citizens (national_id_hash, national_id_ciphertext, national_id_key_id, issuer,
                                      subject, birthdate)
                SELECT sha256(('expansion-' || i)::bytea), '\\x00', 'k1', 'bench', 'expansion-' || i,
                       date '1930-01-01' + (hashint4(i) & 32767)
                FROM generate_series($1::int, $2::int) AS i
                RETURNING id, hashtext(subject) & 2147483647 AS h
            ), followed AS (
                INSERT INTO tile_favourites (citizen_id, tile_id)
                SELECT new.id, t.tile
                FROM new CROSS JOIN (VALUES ($3::bigint, 2), ($4::bigint, 5)) AS t(tile, every)
                WHERE new.h % t.every = 0
            )
            INSERT INTO entitlement_states (citizen_id, connector_id, agency_id, scheme_id, status,
                                            scheme_name_th, scheme_name_en)
            SELECT id, $5, $6, 'allowance', 'eligible_not_enrolled', 'เบี้ยยังชีพ', 'Allowance'
            FROM new WHERE h % 3 = 0
            """,
            start,
            min(start + PART - 1, last),
            tiles[0],
            tiles[1],
            connector,
            agency_id,
        )
    await pool.execute("VACUUM ANALYZE citizens, tile_favourites, agency_followers, entitlement_states")


async def _cursors(connection: Connection) -> list[str | None]:
    """Where chunks start: the beginning of the citizen-id space and three tenths through it (as far as a
    full chunk of every kind still follows at SMALL)."""
    return [
        None,
        *[
            await connection.fetchval(
                "SELECT id::text FROM citizens ORDER BY id "
                "OFFSET (SELECT count(*) * $1 / 10 FROM citizens) LIMIT 1",
                tenths,
            )
            for tenths in (3,)
        ],
    ]


async def _median_chunk(connection: Connection, sql: str, *args: object) -> float:
    """Median seconds of READS runs of one chunk's query, after five that let asyncpg settle on its plan."""
    for _ in range(6):
        await connection.fetch(sql, *args)
    timings = []
    for _ in range(READS):
        started = time.perf_counter()
        rows = await connection.fetch(sql, *args)
        timings.append(time.perf_counter() - started)
    assert len(rows) == CHUNK_SIZE  # a full chunk, wherever it starts
    return statistics.median(timings)


async def _measure(
    pool: Pool, agency_id: int, audiences: dict[str, Audience]
) -> dict[str, tuple[float, float]]:
    """(before, now): each kind's slower chunk of the two starting points, in seconds."""
    figures = {}
    async with pool.acquire() as connection:
        cursors = await _cursors(connection)
        for kind, audience in audiences.items():
            sql, extra = campaigns.audience_query(audience)
            now = max(
                [
                    await _median_chunk(
                        connection,
                        sql,
                        agency_id,
                        after or str(campaigns.FIRST_ID),
                        CHUNK_SIZE,
                        str(campaigns.LAST_ID),
                        *extra,
                    )
                    for after in cursors
                ]
            )
            before = max(
                [
                    await _median_chunk(connection, BEFORE[kind], agency_id, after, CHUNK_SIZE, *extra)
                    for after in cursors
                ]
            )
            figures[kind] = (before, now)
    return figures


async def test_a_chunk_costs_the_same_at_a_million_citizens_as_at_ten_thousand(
    app: Litestar, resources: Resources
) -> None:
    pool = resources.pool
    agency_id = await make_agency(pool, status="approved")
    tiles = ((await make_tile(pool, agency_id)).id, (await make_tile(pool, agency_id)).id)
    connector = (await make_connector(pool, agency_id)).id
    audiences: dict[str, Audience] = {
        "agency-followers": AgencyFollowers(),
        "tile-followers": TileFollowers(tile_id=tiles[1]),
        "age-range": AgeRange(min_age=60, max_age=69),
        "entitlement-state": EntitlementState(status="eligible_not_enrolled", scheme_id="allowance"),
    }
    await _grow(pool, 1, SMALL, tiles, agency_id, connector)
    small = await _measure(pool, agency_id, audiences)
    grew_at = time.perf_counter()
    await _grow(pool, SMALL + 1, LARGE, tiles, agency_id, connector)
    grew = time.perf_counter() - grew_at
    large = await _measure(pool, agency_id, audiences)

    lines = [
        f"\ncampaign expansion, one chunk of {CHUNK_SIZE} (median of {READS}, the slower of two cursor"
        f" positions), {SMALL:,} and {LARGE:,} citizens:",
        f"{'audience':<18} {'before 10k':>11} {'before 1M':>10} {'ratio':>7} {'now 10k':>9} {'now 1M':>8}"
        f" {'ratio':>6} (target <= 1.2)",
    ]
    for kind in audiences:
        (before_small, now_small), (before_large, now_large) = small[kind], large[kind]
        lines.append(
            f"{kind:<18} {before_small * 1000:>9.2f}ms {before_large * 1000:>8.2f}ms"
            f" {before_large / before_small:>7.2f} {now_small * 1000:>7.2f}ms {now_large * 1000:>6.2f}ms"
            f" {now_large / now_small:>6.2f}"
        )
    slowest = max(now for _, now in large.values())
    chunks = NATIONAL // CHUNK_SIZE
    lines.append(
        f"projection to {NATIONAL:,} recipients: {chunks:,} chunks x {slowest * 1000:.2f} ms"
        f" (the slowest kind at {LARGE:,}) = {chunks * slowest / 60:.1f} min of audience queries,"
        f" in {MAX_RANGES} ranges side by side: {chunks * slowest / MAX_RANGES / 60:.1f} min of wall time"
    )
    lines.append(f"(growing from {SMALL:,} to {LARGE:,} citizens with their favourites took {grew:.0f} s)")
    print("\n".join(lines))
