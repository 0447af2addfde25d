"""Every status, role, kind and category the database allows has a Thai and an English label in the
PWA's one vocabulary (pwa/src/vocabulary.ts), so that no screen shows a raw code: a value added to a
CHECK constraint without its words fails here."""

from __future__ import annotations

import re
from pathlib import Path
from typing import get_args

from backend.catalogue.schemas import CATEGORY_LABELS, LIFE_EVENT_LABELS, TileState
from backend.connectors.schemas import ConnectorStatus
from backend.core.resources import Resources
from notifications.categories import CATEGORY_NAMES

VOCABULARY = Path(__file__).parents[2] / "pwa" / "src" / "vocabulary.ts"
THAI = re.compile(r"[\u0E00-\u0E7F]")
ENTRY = re.compile(r'    "?([\w-]+)"?: \{ th: "(.*)", en: "(.*)" \},')

# (table, column) whose CHECK lists the values, and the vocabulary section that names them.
CHECKED = {
    ("role_grants", "role"): "role",
    ("agencies", "status"): "agencyStatus",
    ("connectors", "status"): "connectorStatus",
    ("connectors", "auth_kind"): "authKind",
    ("tile_versions", "category"): "category",
    ("tile_versions", "kind"): "tileKind",
    ("tiles", "draft_state"): "tileState",
    ("notifications", "status"): "messageStatus",
    ("notification_deliveries", "status"): "messageStatus",
    ("notification_campaigns", "status"): "campaignStatus",
    ("bills", "status"): "billStatus",
    ("payments", "state"): "paymentState",
    ("refunds", "state"): "refundState",
    ("payment_exceptions", "kind"): "exceptionKind",
    ("payment_exceptions", "status"): "exceptionStatus",
    ("payment_events", "source"): "paymentSource",
    ("entitlement_states", "status"): "entitlementStatus",
    ("data_access_log", "outcome"): "accessOutcome",
    ("sender_entries", "kind"): "senderKind",
    ("sender_entries", "review_status"): "senderReview",
    ("scam_reports", "status"): "scamStatus",
    ("delegations", "kind"): "delegationKind",
}


def _sections() -> dict[str, dict[str, tuple[str, str]]]:
    sections: dict[str, dict[str, tuple[str, str]]] = {}
    current: dict[str, tuple[str, str]] | None = None
    for line in VOCABULARY.read_text(encoding="utf-8").splitlines():
        if opened := re.fullmatch(r"  (\w+): \{", line):
            current = sections.setdefault(opened[1], {})
        elif current is not None and (entry := ENTRY.fullmatch(line)):
            current[entry[1]] = (entry[2], entry[3])
    return sections


async def _allowed(resources: Resources, table: str, column: str) -> set[str]:
    definitions = await resources.pool.fetch(
        "SELECT pg_get_constraintdef(oid) AS definition FROM pg_constraint "
        "WHERE contype = 'c' AND conrelid = $1::regclass",
        table,
    )
    values: set[str] = set()
    for row in definitions:
        definition = row["definition"]
        if re.search(rf"\(\(?{column} = ANY", definition):
            values |= set(re.findall(r"'([^']+)'::text", definition))
    assert values, f"no CHECK lists the values of {table}.{column}"
    return values


async def test_every_value_the_backend_allows_has_thai_and_english_words(resources: Resources) -> None:
    sections = _sections()
    wanted = {
        (section, value)
        for (table, column), section in CHECKED.items()
        for value in await _allowed(resources, table, column)
    }
    states = await resources.pool.fetch("SELECT state FROM application_states")
    wanted |= {("applicationState", row["state"]) for row in states}
    wanted |= {("tileState", state) for state in get_args(TileState)}
    wanted |= {("connectorStatus", status) for status in get_args(ConnectorStatus)}
    wanted |= {("category", code) for code in CATEGORY_LABELS}
    wanted |= {("lifeEvent", code) for code in LIFE_EVENT_LABELS}
    wanted |= {("messageCategory", code) for code in CATEGORY_NAMES}
    missing = sorted(pair for pair in wanted if pair[1] not in sections.get(pair[0], {}))
    assert missing == []
    for section, entries in sections.items():
        for code, (thai, english) in entries.items():
            assert THAI.search(thai), f"{section}.{code} has no Thai"
            assert english.strip(), f"{section}.{code} has no English"
            assert not THAI.search(english), f"{section}.{code} has Thai for English"
