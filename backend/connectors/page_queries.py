"""SQL of everything an entitlements page's calls leave in PostgreSQL, as one statement: one round trip,
atomic on its own (it was seven in a transaction, a fifth of an uncached page's CPU).

- a data-access record per call (``access_log``);
- each answer kept, for the day it may be shown stale (``answers_queries``), an older one (a slow
  background refresh finishing last) never replacing a newer one;
- each answer's statuses in place of the connector's previous ones (``entitlement_states``);
- a task (``task_outbox``) for each benefit the citizen has newly become eligible for but is not
  enrolled in: a status that began in this statement (``status_since = now()``). The upsert decides
  that under the row's lock, against its latest committed version, so two pages answering at once
  cannot both see a change begin; even two transactions starting in the same microsecond would only
  queue the same message twice, and its idempotency key (the status's start) keeps it one.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import msgspec

from backend.connectors.contract import EntitlementsResponse
from backend.connectors.schemas import ConnectorRow, Said
from backend.core.db import Db
from backend.core.tasks import TaskKind

_KEEP_CALLS = """
WITH calls AS (
    SELECT * FROM unnest($4::bigint[], $5::bigint[], $6::text[], $7::text[], $8::text[], $9::text[],
                         $10::text[], $11::text[], $12::text[])
        AS c(agency_id, connector_id, purpose_th, purpose_en, fields_th, fields_en, outcome, detail_th,
             detail_en)
), logged AS (
    INSERT INTO data_access_log (citizen_id, agency_id, connector_id, kind, actor_kind, actor_id,
                                 purpose_th, purpose_en, fields_th, fields_en, outcome, detail_th, detail_en)
    SELECT $1::uuid, agency_id, connector_id, 'agency_call', $2, $3, purpose_th, purpose_en,
           ARRAY(SELECT jsonb_array_elements_text(fields_th::jsonb)),
           ARRAY(SELECT jsonb_array_elements_text(fields_en::jsonb)), outcome, detail_th, detail_en
    FROM calls
), kept AS (
    INSERT INTO entitlement_answers AS kept (citizen_id, connector_id, fetched_at, answer)
    SELECT $1::uuid, connector_id, to_timestamp(fetched_at), answer::jsonb
    FROM unnest($13::bigint[], $14::float8[], $15::text[]) AS a(connector_id, fetched_at, answer)
    ON CONFLICT (citizen_id, connector_id) DO UPDATE
        SET fetched_at = excluded.fetched_at, answer = excluded.answer
        WHERE kept.fetched_at <= excluded.fetched_at
), latest AS (
    SELECT * FROM unnest($16::bigint[], $17::bigint[], $18::text[], $19::text[], $20::text[], $21::text[],
                         $22::text[], $23::text[], $24::boolean[])
        AS s(connector_id, agency_id, scheme_id, status, scheme_name_th, scheme_name_en, how_to_claim_th,
             how_to_claim_en, benefit)
), gone AS (
    DELETE FROM entitlement_states e
    WHERE e.citizen_id = $1 AND e.connector_id = ANY($13::bigint[])
      AND NOT EXISTS (
          SELECT 1 FROM latest l WHERE l.connector_id = e.connector_id AND l.scheme_id = e.scheme_id
      )
), states AS (
    INSERT INTO entitlement_states AS e (citizen_id, connector_id, agency_id, scheme_id, status,
                                         scheme_name_th, scheme_name_en, how_to_claim_th, how_to_claim_en)
    SELECT DISTINCT ON (connector_id, scheme_id) $1::uuid, connector_id, agency_id, scheme_id, status,
           scheme_name_th, scheme_name_en, how_to_claim_th, how_to_claim_en
    FROM latest ORDER BY connector_id, scheme_id
    ON CONFLICT (citizen_id, connector_id, scheme_id) DO UPDATE SET
        status = EXCLUDED.status, scheme_name_th = EXCLUDED.scheme_name_th,
        scheme_name_en = EXCLUDED.scheme_name_en, how_to_claim_th = EXCLUDED.how_to_claim_th,
        how_to_claim_en = EXCLUDED.how_to_claim_en, seen_at = now(),
        status_since = CASE WHEN e.status = EXCLUDED.status THEN e.status_since ELSE now() END
    RETURNING connector_id, scheme_id, status, status_since
), told AS (
    INSERT INTO task_outbox (task, payload, run_after, max_attempts)
    SELECT $25, jsonb_build_object('citizen_id', $1::uuid, 'connector_id', s.connector_id,
                                   'scheme_id', s.scheme_id), now(), $26
    FROM states s
    WHERE s.status = 'eligible_not_enrolled' AND s.status_since = now()
      AND EXISTS (  -- a fee-paying service is not news to tell a citizen of
          SELECT 1 FROM latest l
          WHERE l.connector_id = s.connector_id AND l.scheme_id = s.scheme_id AND l.status = s.status
            AND l.benefit
      )
    RETURNING id
)
SELECT id FROM told ORDER BY id
"""


async def keep_calls(
    db: Db,
    *,
    citizen_id: uuid.UUID,
    actor_kind: str,
    actor_id: str | None,
    calls: Sequence[tuple[ConnectorRow, str, Said | None]],
    answered: Sequence[tuple[ConnectorRow, float, EntitlementsResponse]],
    newly_eligible: TaskKind[Any],
) -> list[int]:
    """``calls``: (connector, outcome, detail) of each; ``answered``: (connector, fetched at, answer).
    Returns the ids of the ``newly_eligible`` tasks added (their payload: citizen_id, connector_id,
    scheme_id), to be queued."""
    states = [
        (row.id, row.agency_id, entitlement)
        for row, _, answer in answered
        for entitlement in answer.entitlements
    ]
    rows = await db.fetch(
        _KEEP_CALLS,
        citizen_id,
        actor_kind,
        actor_id,
        [row.agency_id for row, _, _ in calls],
        [row.id for row, _, _ in calls],
        [row.purpose_th for row, _, _ in calls],
        [row.purpose_en for row, _, _ in calls],
        [_json(row.fields_th) for row, _, _ in calls],
        [_json(row.fields_en) for row, _, _ in calls],
        [outcome for _, outcome, _ in calls],
        [detail.th if detail else None for _, _, detail in calls],
        [detail.en if detail else None for _, _, detail in calls],
        [row.id for row, _, _ in answered],
        [at for _, at, _ in answered],
        [_json(answer) for _, _, answer in answered],
        [connector_id for connector_id, _, _ in states],
        [agency_id for _, agency_id, _ in states],
        *([getattr(state, key) for _, _, state in states] for key in _STATE_KEYS),
        [state.kind == "benefit" for _, _, state in states],
        newly_eligible.name,
        newly_eligible.max_attempts,
    )
    return [row["id"] for row in rows]


_STATE_KEYS = (
    "scheme_id",
    "status",
    "scheme_name_th",
    "scheme_name_en",
    "how_to_claim_th",
    "how_to_claim_en",
)


def _json(value: object) -> str:
    return msgspec.json.encode(value).decode()
