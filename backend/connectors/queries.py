"""All SQL of the connectors feature: registry, consents, and the data-access record."""

from __future__ import annotations

from typing import Any

from backend.core.db import Connection, Pool

Db = Pool | Connection

CONNECTOR_COLUMNS = """
    id, agency_id, name, title_th, title_en, base_url, auth_kind, api_key_header, oauth_token_url,
    oauth_client_id, oauth_scope, secret_ciphertext, secret_key_id, timeout_ms, retries, cache_seconds,
    consent_required, purpose, fields, status, created_at, updated_at
"""


async def create_connector(
    db: Db, agency_id: int, fields: dict[str, Any], created_by: str | None
) -> int | None:
    connector_id: int | None = await db.fetchval(
        """
        INSERT INTO connectors (agency_id, name, title_th, title_en, base_url, auth_kind, api_key_header,
            oauth_token_url, oauth_client_id, oauth_scope, secret_ciphertext, secret_key_id, timeout_ms,
            retries, cache_seconds, consent_required, purpose, fields, created_by)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19::uuid)
        ON CONFLICT (agency_id, name) DO NOTHING RETURNING id
        """,
        agency_id,
        fields["name"],
        fields["title_th"],
        fields["title_en"],
        fields["base_url"],
        fields["auth_kind"],
        fields["api_key_header"],
        fields["oauth_token_url"],
        fields["oauth_client_id"],
        fields["oauth_scope"],
        fields["secret_ciphertext"],
        fields["secret_key_id"],
        fields["timeout_ms"],
        fields["retries"],
        fields["cache_seconds"],
        fields["consent_required"],
        fields["purpose"],
        fields["fields"],
        created_by,
    )
    return connector_id


async def update_connector(db: Db, agency_id: int, connector_id: int, fields: dict[str, Any]) -> None:
    await db.execute(
        """
        UPDATE connectors SET
            title_th = $3, title_en = $4, base_url = $5, auth_kind = $6, api_key_header = $7,
            oauth_token_url = $8, oauth_client_id = $9, oauth_scope = $10, secret_ciphertext = $11,
            secret_key_id = $12, timeout_ms = $13, retries = $14, cache_seconds = $15,
            consent_required = $16, purpose = $17, fields = $18, status = 'active', updated_at = now()
        WHERE id = $1 AND agency_id = $2
        """,
        connector_id,
        agency_id,
        fields["title_th"],
        fields["title_en"],
        fields["base_url"],
        fields["auth_kind"],
        fields["api_key_header"],
        fields["oauth_token_url"],
        fields["oauth_client_id"],
        fields["oauth_scope"],
        fields["secret_ciphertext"],
        fields["secret_key_id"],
        fields["timeout_ms"],
        fields["retries"],
        fields["cache_seconds"],
        fields["consent_required"],
        fields["purpose"],
        fields["fields"],
    )


async def set_connector_status(db: Db, agency_id: int, connector_id: int, status: str) -> bool:
    result: str = await db.execute(
        "UPDATE connectors SET status = $3, updated_at = now() WHERE id = $1 AND agency_id = $2",
        connector_id,
        agency_id,
        status,
    )
    return result.endswith(" 1")


async def agency_connectors(db: Db, agency_id: int) -> list[dict[str, Any]]:
    rows = await db.fetch(
        f"SELECT {CONNECTOR_COLUMNS} FROM connectors WHERE agency_id = $1 ORDER BY name",  # noqa: S608
        agency_id,
    )
    return [dict(row) for row in rows]


async def active_connectors(db: Db) -> list[dict[str, Any]]:
    """Connectors citizens' entitlements come from: active, of approved agencies."""
    rows = await db.fetch(
        f"""
        SELECT {", ".join("c." + column.strip() for column in CONNECTOR_COLUMNS.split(","))},
               a.code AS agency_code, a.name_th AS agency_name_th, a.name_en AS agency_name_en
        FROM connectors c JOIN agencies a ON a.id = c.agency_id
        WHERE c.status = 'active' AND a.status = 'approved'
        ORDER BY a.code, c.name
        """  # noqa: S608
    )
    return [dict(row) for row in rows]


async def live_consents(db: Db, citizen_id: str) -> dict[int, dict[str, Any]]:
    rows = await db.fetch(
        """
        SELECT id, connector_id, purpose, granted_at, expires_at FROM consents
        WHERE citizen_id = $1::uuid AND withdrawn_at IS NULL AND expires_at > now()
        """,
        citizen_id,
    )
    return {row["connector_id"]: dict(row) for row in rows}


async def grant_consent(
    connection: Connection, citizen_id: str, connector_id: int, purpose: str, days: int
) -> dict[str, Any]:
    """Replaces any live consent for the same connector; run inside a transaction."""
    await connection.execute(
        "UPDATE consents SET withdrawn_at = now() "
        "WHERE citizen_id = $1::uuid AND connector_id = $2 AND withdrawn_at IS NULL",
        citizen_id,
        connector_id,
    )
    row = await connection.fetchrow(
        """
        INSERT INTO consents (citizen_id, connector_id, purpose, expires_at)
        VALUES ($1::uuid, $2, $3, now() + make_interval(days => $4))
        RETURNING id, connector_id, purpose, granted_at, expires_at
        """,
        citizen_id,
        connector_id,
        purpose,
        days,
    )
    assert row is not None
    return dict(row)


async def withdraw_all_consents(connection: Connection, connector_id: int) -> None:
    """Run inside a transaction: what the connector told us under those consents goes with them."""
    await connection.execute(
        "UPDATE consents SET withdrawn_at = now() WHERE connector_id = $1 AND withdrawn_at IS NULL",
        connector_id,
    )
    await connection.execute("DELETE FROM entitlement_states WHERE connector_id = $1", connector_id)


async def withdraw_consent(connection: Connection, citizen_id: str, consent_id: int) -> bool:
    """Withdraws the consent and forgets what its connector told us about the citizen; run inside a
    transaction."""
    connector_id = await connection.fetchval(
        "UPDATE consents SET withdrawn_at = now() "
        "WHERE id = $1 AND citizen_id = $2::uuid AND withdrawn_at IS NULL RETURNING connector_id",
        consent_id,
        citizen_id,
    )
    if connector_id is None:
        return False
    await connection.execute(
        "DELETE FROM entitlement_states WHERE citizen_id = $1::uuid AND connector_id = $2",
        citizen_id,
        connector_id,
    )
    return True


async def replace_entitlement_states(
    connection: Connection,
    *,
    citizen_id: str,
    connector_id: int,
    agency_id: int,
    states: list[dict[str, str]],
) -> list[str]:
    """The connector's latest answer in place of its previous one, inside a transaction; returns the
    schemes the citizen has newly become eligible for but not enrolled in."""
    # One replacement at a time per citizen and connector, so that a change is seen exactly once.
    await connection.execute(
        "SELECT pg_advisory_xact_lock(hashtextextended($1::uuid::text || ':' || $2::bigint::text, 0))",
        citizen_id,
        connector_id,
    )
    before = {
        row["scheme_id"]: row["status"]
        for row in await connection.fetch(
            "SELECT scheme_id, status FROM entitlement_states "
            "WHERE citizen_id = $1::uuid AND connector_id = $2",
            citizen_id,
            connector_id,
        )
    }
    await connection.execute(
        """
        WITH latest AS (
            SELECT * FROM unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
                AS s(scheme_id, status, scheme_name_th, scheme_name_en, how_to_claim_th, how_to_claim_en)
        ), gone AS (
            DELETE FROM entitlement_states e
            WHERE e.citizen_id = $1::uuid AND e.connector_id = $2
              AND NOT EXISTS (SELECT 1 FROM latest l WHERE l.scheme_id = e.scheme_id)
        )
        INSERT INTO entitlement_states (citizen_id, connector_id, agency_id, scheme_id, status,
                                        scheme_name_th, scheme_name_en, how_to_claim_th, how_to_claim_en)
        SELECT DISTINCT ON (scheme_id) $1::uuid, $2, $3, scheme_id, status, scheme_name_th, scheme_name_en,
               how_to_claim_th, how_to_claim_en
        FROM latest ORDER BY scheme_id
        ON CONFLICT (citizen_id, connector_id, scheme_id) DO UPDATE SET
            status = EXCLUDED.status, scheme_name_th = EXCLUDED.scheme_name_th,
            scheme_name_en = EXCLUDED.scheme_name_en, how_to_claim_th = EXCLUDED.how_to_claim_th,
            how_to_claim_en = EXCLUDED.how_to_claim_en, seen_at = now(),
            status_since = CASE WHEN entitlement_states.status = EXCLUDED.status
                                THEN entitlement_states.status_since ELSE now() END
        """,
        citizen_id,
        connector_id,
        agency_id,
        *([state[key] for state in states] for key in _STATE_KEYS),
    )
    return sorted(
        {
            state["scheme_id"]
            for state in states
            if state["status"] == "eligible_not_enrolled"
            and before.get(state["scheme_id"]) != state["status"]
        }
    )


_STATE_KEYS = (
    "scheme_id",
    "status",
    "scheme_name_th",
    "scheme_name_en",
    "how_to_claim_th",
    "how_to_claim_en",
)


async def record_access(
    db: Db,
    *,
    citizen_id: str,
    agency_id: int | None,
    connector_id: int | None,
    actor_kind: str,
    actor_id: str | None,
    purpose: str,
    fields: list[str],
    outcome: str,
    detail: str | None,
) -> None:
    await db.execute(
        """
        INSERT INTO data_access_log (citizen_id, agency_id, connector_id, actor_kind, actor_id, purpose,
                                     fields, outcome, detail)
        VALUES ($1::uuid, $2, $3, $4, $5, $6, $7, $8, $9)
        """,
        citizen_id,
        agency_id,
        connector_id,
        actor_kind,
        actor_id,
        purpose,
        fields,
        outcome,
        detail,
    )


async def data_access_for_citizen(
    db: Db, citizen_id: str, before_id: int | None, limit: int
) -> list[dict[str, Any]]:
    rows = await db.fetch(
        """
        SELECT l.id, l.at, l.actor_kind, l.purpose, l.fields, l.outcome, l.agency_id,
               a.name_th AS agency_name_th, a.name_en AS agency_name_en,
               c.title_th AS connector_title_th, c.title_en AS connector_title_en
        FROM data_access_log l
        LEFT JOIN agencies a ON a.id = l.agency_id
        LEFT JOIN connectors c ON c.id = l.connector_id
        WHERE l.citizen_id = $1::uuid AND ($2::bigint IS NULL OR l.id < $2)
        ORDER BY l.id DESC LIMIT $3
        """,
        citizen_id,
        before_id,
        limit,
    )
    return [dict(row) for row in rows]


async def data_access_for_agency(
    db: Db, agency_id: int, before_id: int | None, limit: int
) -> list[dict[str, Any]]:
    rows = await db.fetch(
        """
        SELECT id, at, actor_kind, purpose, fields, outcome, connector_id
        FROM data_access_log
        WHERE agency_id = $1 AND ($2::bigint IS NULL OR id < $2)
        ORDER BY id DESC LIMIT $3
        """,
        agency_id,
        before_id,
        limit,
    )
    return [dict(row) for row in rows]
