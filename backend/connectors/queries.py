"""All SQL of the connectors feature: registry, consents, and the data-access record.

Rows come back as the Structs of ``schemas``. Other features use some of these as they are: the
data-access record (``record_access``, ``record_staff_look``) and ``connectors_of``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

import msgspec

from backend.connectors.schemas import ActiveConnector, ConnectorRow, ConsentView, NewConnector
from backend.core.db import Connection, Db

# What an agency sets when registering or changing a connector (besides its fixed name).
WRITABLE_COLUMNS = (
    "title_th", "title_en", "base_url", "auth_kind", "api_key_header", "oauth_token_url",
    "oauth_client_id", "oauth_scope", "secret_ciphertext", "secret_key_id", "timeout_ms", "retries",
    "cache_seconds", "consent_required", "consent_days", "purpose_th", "purpose_en", "fields_th", "fields_en",
    "client_certificate_pem", "server_ca_pem", "min_age", "max_age",
)  # fmt: skip
CONNECTOR_COLUMNS = ", ".join(
    (
        "id",
        "agency_id",
        "name",
        *WRITABLE_COLUMNS,
        "status",
        "review_comment",
        "approved_at",
        "created_at",
        "updated_at",
    )
)


def _writable(data: NewConnector, secret_key_id: str | None, secret_ciphertext: bytes | None) -> list[object]:
    """The values of ``WRITABLE_COLUMNS`` for what an agency sent, its secret sealed."""
    sealed = {"secret_key_id": secret_key_id, "secret_ciphertext": secret_ciphertext}
    return [sealed[column] if column in sealed else getattr(data, column) for column in WRITABLE_COLUMNS]


async def _insert(
    db: Db,
    agency_id: int,
    name: str,
    values: Sequence[object],
    created_by: uuid.UUID | None,
    client: str | None,
) -> int | None:
    columns = ", ".join(WRITABLE_COLUMNS)
    placeholders = ", ".join(f"${i}" for i in range(5, 5 + len(WRITABLE_COLUMNS)))
    connector_id: int | None = await db.fetchval(
        f"""
        INSERT INTO connectors (agency_id, name, created_by, created_by_client, {columns})
        VALUES ($1, $2, $3, $4, {placeholders})
        ON CONFLICT (agency_id, name) DO NOTHING RETURNING id
        """,  # noqa: S608 (column names are constants)
        agency_id,
        name,
        created_by,
        client,
        *values,
    )
    return connector_id


async def register_connector(
    db: Db,
    agency_id: int,
    data: NewConnector,
    secret_key_id: str | None,
    secret_ciphertext: bytes | None,
    created_by: uuid.UUID | None,
    client: str | None = None,
) -> int | None:
    """None when the agency already has a connector of that name; ``client``: the machine client that
    registered it, if no person did."""
    values = _writable(data, secret_key_id, secret_ciphertext)
    return await _insert(db, agency_id, data.name, values, created_by, client)


async def update_connector(
    db: Db,
    agency_id: int,
    connector_id: int,
    data: NewConnector,
    secret_key_id: str | None,
    secret_ciphertext: bytes | None,
    status: str,
) -> None:
    """In place, with the status the review decided (``review.status_after_change``); a change
    waiting for review is dropped: the agency's latest word replaces it."""
    assignments = ", ".join(f"{column} = ${i}" for i, column in enumerate(WRITABLE_COLUMNS, start=4))
    await db.execute(
        f"""
        UPDATE connectors SET {assignments}, status = $3, updated_at = now(),
            submitted_at = CASE WHEN $3 = 'pending' THEN now() ELSE submitted_at END,
            review_comment = CASE WHEN $3 = 'pending' THEN NULL ELSE review_comment END
        WHERE id = $1 AND agency_id = $2
        """,  # noqa: S608 (column names are constants)
        connector_id,
        agency_id,
        status,
        *_writable(data, secret_key_id, secret_ciphertext),
    )
    await db.execute("DELETE FROM connector_changes WHERE connector_id = $1", connector_id)


async def set_connector_status(db: Db, agency_id: int, connector_id: int, status: str) -> bool:
    result: str = await db.execute(
        "UPDATE connectors SET status = $3, updated_at = now() WHERE id = $1 AND agency_id = $2",
        connector_id,
        agency_id,
        status,
    )
    return result.endswith(" 1")


async def connectors_of(db: Db, agency_id: int, connector_id: int | None = None) -> list[ConnectorRow]:
    """The agency's connectors (or the one named), in every status, by name."""
    rows = await db.fetch(
        f"""
        SELECT {CONNECTOR_COLUMNS} FROM connectors
        WHERE agency_id = $1 AND ($2::bigint IS NULL OR id = $2) ORDER BY name
        """,  # noqa: S608
        agency_id,
        connector_id,
    )
    return [msgspec.convert(dict(row), ConnectorRow) for row in rows]


async def active_connectors(db: Db, connector_id: int | None = None) -> list[ActiveConnector]:
    """Connectors citizens' entitlements come from (or the one named, if it is one): active, of
    approved agencies, answering entitlements (not a relationship registry: ``registries``)."""
    rows = await db.fetch(
        f"""
        SELECT {", ".join("c." + column for column in CONNECTOR_COLUMNS.split(", "))},
               a.code AS agency_code, a.name_th AS agency_name_th, a.name_en AS agency_name_en
        FROM connectors c JOIN agencies a ON a.id = c.agency_id
        WHERE c.status = 'active' AND a.status = 'approved' AND ($1::bigint IS NULL OR c.id = $1)
          AND c.answers = 'entitlements'  -- a registry is never asked for anyone's entitlements
        ORDER BY a.code, c.name
        """,  # noqa: S608
        connector_id,
    )
    return [msgspec.convert(dict(row), ActiveConnector) for row in rows]


async def live_consents(db: Db, citizen_id: uuid.UUID) -> dict[int, ConsentView]:
    rows = await db.fetch(
        """
        SELECT id, connector_id, purpose_th, purpose_en, granted_at, expires_at FROM consents
        WHERE citizen_id = $1 AND withdrawn_at IS NULL AND expires_at > now()
        """,
        citizen_id,
    )
    return {row["connector_id"]: msgspec.convert(dict(row), ConsentView) for row in rows}


async def grant_consent(
    connection: Connection, citizen_id: uuid.UUID, connector: ConnectorRow
) -> ConsentView:
    """For the connector's purpose and duration as they read now; replaces any live consent for the
    same connector; run inside a transaction."""
    await connection.execute(
        "UPDATE consents SET withdrawn_at = now() "
        "WHERE citizen_id = $1 AND connector_id = $2 AND withdrawn_at IS NULL",
        citizen_id,
        connector.id,
    )
    row = await connection.fetchrow(
        """
        INSERT INTO consents (citizen_id, connector_id, purpose_th, purpose_en, expires_at)
        VALUES ($1, $2, $3, $4, now() + make_interval(days => $5))
        RETURNING id, connector_id, purpose_th, purpose_en, granted_at, expires_at
        """,
        citizen_id,
        connector.id,
        connector.purpose_th,
        connector.purpose_en,
        connector.consent_days,
    )
    assert row is not None
    return msgspec.convert(dict(row), ConsentView)


async def withdraw_all_consents(connection: Connection, connector_id: int) -> None:
    """Run inside a transaction: what the connector told us under those consents goes with them."""
    await connection.execute(
        "UPDATE consents SET withdrawn_at = now() WHERE connector_id = $1 AND withdrawn_at IS NULL",
        connector_id,
    )
    await connection.execute("DELETE FROM entitlement_states WHERE connector_id = $1", connector_id)
    await connection.execute("DELETE FROM entitlement_answers WHERE connector_id = $1", connector_id)


async def withdraw_consent(connection: Connection, citizen_id: uuid.UUID, consent_id: int) -> bool:
    """Withdraws the consent and forgets what its connector told us about the citizen; run inside a
    transaction."""
    connector_id = await connection.fetchval(
        "UPDATE consents SET withdrawn_at = now() "
        "WHERE id = $1 AND citizen_id = $2 AND withdrawn_at IS NULL RETURNING connector_id",
        consent_id,
        citizen_id,
    )
    if connector_id is None:
        return False
    for table in ("entitlement_states", "entitlement_answers"):
        await connection.execute(
            f"DELETE FROM {table} WHERE citizen_id = $1 AND connector_id = $2",  # noqa: S608
            citizen_id,
            connector_id,
        )
    return True


class CallCounts(msgspec.Struct, kw_only=True, frozen=True):
    calls: int
    failures: int
    last_failure_at: dt.datetime | None
    last_ok_at: dt.datetime | None


async def recent_calls(db: Db, connector_id: int) -> CallCounts:
    """The connector's calls of the last 24 hours, from the data-access log (each call is a row)."""
    row = await db.fetchrow(
        """
        SELECT count(*) AS calls, count(*) FILTER (WHERE outcome <> 'ok') AS failures,
               max(at) FILTER (WHERE outcome <> 'ok') AS last_failure_at,
               max(at) FILTER (WHERE outcome = 'ok') AS last_ok_at
        FROM data_access_log WHERE connector_id = $1 AND at > now() - interval '24 hours'
        """,
        connector_id,
    )
    assert row is not None  # an aggregate always answers one row
    return msgspec.convert(dict(row), CallCounts)


async def forget_states_unseen_for(db: Db, days: int, batch: int = 5000) -> int:
    """One batch of entitlement states no connector has confirmed for ``days`` (``seen_at``, index of
    migration 0043), deleted; how many."""
    result: str = await db.execute(
        """
        DELETE FROM entitlement_states WHERE ctid = ANY(ARRAY(
            SELECT ctid FROM entitlement_states WHERE seen_at < now() - make_interval(days => $1) LIMIT $2
        ))
        """,
        days,
        batch,
    )
    return int(result.rsplit(maxsplit=1)[-1])
