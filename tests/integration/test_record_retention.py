"""Tables that grow every day keep what the law and the citizen need, then let go (the worker's hourly
retention job): "who accessed my data" records past ACCESS_LOG_RETENTION_DAYS, and entitlement states no
connector has confirmed for ENTITLEMENT_STATE_RETENTION_DAYS."""

from __future__ import annotations

from litestar import Litestar

from backend.connectors.service import forget_old_records
from backend.core.partitions import Dropped
from backend.core.resources import Resources
from backend.identity.service import Identity
from tests.factories import make_access_record, make_agency, make_citizen, make_connector


async def test_old_access_records_and_unconfirmed_states_go_and_the_rest_stay(
    app: Litestar, resources: Resources
) -> None:
    pool = resources.pool
    identity: Identity = app.state.identity
    citizen = await make_citizen(pool, identity.cipher)
    agency_id = await make_agency(pool, status="approved")
    connector = await make_connector(pool, agency_id)
    ages = {"three years": 3 * 365, "a year": 365, "today": 0}
    records = {}
    for name, days in ages.items():
        record = await make_access_record(pool, citizen, agency_id=agency_id)
        await pool.execute(
            "UPDATE data_access_log SET at = now() - make_interval(days => $2) WHERE id = $1", record.id, days
        )
        records[name] = record.id
    for scheme, days in (("allowance", 500), ("grant", 10)):
        await pool.execute(
            """
            INSERT INTO entitlement_states (citizen_id, connector_id, agency_id, scheme_id, status,
                                            scheme_name_th, scheme_name_en, seen_at)
            VALUES ($1::uuid, $2, $3, $4, 'eligible_not_enrolled', 'เบี้ย', 'Allowance',
                    now() - make_interval(days => $5))
            """,
            citizen,
            connector.id,
            agency_id,
            scheme,
            days,
        )

    deleted = await forget_old_records(pool, access_log_days=730, state_days=400)

    access, states = deleted
    assert access.months or access.default_rows  # this citizen's record, with any other test's as old
    assert states >= 1
    kept = {
        row["id"]
        for row in await pool.fetch("SELECT id FROM data_access_log WHERE citizen_id = $1::uuid", citizen)
    }
    assert kept == {records["a year"], records["today"]}  # within two years: a PDPA request can be answered
    schemes = await pool.fetch(
        "SELECT scheme_id FROM entitlement_states WHERE citizen_id = $1::uuid", citizen
    )
    assert [row["scheme_id"] for row in schemes] == ["grant"]  # the allowance answer was 500 days old
    assert await forget_old_records(pool, access_log_days=730, state_days=400) == (Dropped(months=[]), 0)
