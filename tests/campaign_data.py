"""Many citizens at once, each with a device at the local push service and following one agency."""

from __future__ import annotations

import httpx

from backend.core.db import Pool


async def seed_followers_with_devices(
    pool: Pool, push_service: str, agency_id: int, count: int, issuer: str = "bulk"
) -> list[str]:
    """``count`` citizens (of ``issuer``), each with one subscription at the push service, following a
    tile of the agency (written directly: the API would take minutes); returns the device ids."""
    async with httpx.AsyncClient(timeout=300) as client:
        made = await client.post(f"{push_service}/devices/batch", params={"count": count})
        devices = made.json()
    await pool.execute(
        """
        INSERT INTO citizens (national_id_hash, national_id_ciphertext, national_id_key_id, issuer, subject)
        SELECT sha256(($2::text || i)::bytea), '\\x00', 'k1', $2::text, i::text
        FROM generate_series(1, $1::int) AS i
        """,
        count,
        issuer,
    )
    await pool.execute(
        """
        INSERT INTO push_subscriptions (citizen_id, endpoint, p256dh, auth)
        SELECT c.id, d.endpoint, d.p256dh, d.auth
        FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS d(endpoint, p256dh, auth, n)
        JOIN citizens c ON c.issuer = $4::text AND c.subject = d.n::text
        """,
        [d["endpoint"] for d in devices],
        [d["keys"]["p256dh"] for d in devices],
        [d["keys"]["auth"] for d in devices],
        issuer,
    )
    tile_id = await pool.fetchval("INSERT INTO tiles (agency_id) VALUES ($1) RETURNING id", agency_id)
    await pool.execute(
        "INSERT INTO tile_favourites (citizen_id, tile_id) "
        "SELECT id, $1::bigint FROM citizens WHERE issuer = $2",
        tile_id,
        issuer,
    )
    return [str(device["device_id"]) for device in devices]
