"""The demo registries: a civil registry that confirms parents and a guardianship registry that
confirms guardians (``backend.demo.agencies``, ``DEMO_FAMILIES``), registered as the platform's
operator would: connectors of the demo registration office whose ``answers`` names the relationship."""

from __future__ import annotations

from backend.connectors import queries as connector_queries
from backend.connectors import review_queries
from backend.connectors.schemas import NewConnector
from backend.core.db import Connection
from backend.settings import Settings

REGISTRY_AGENCY = "demo-registration"
# connector name (= demo service), what it answers, Thai title, English title, Thai purpose, English purpose
DEMO_REGISTRIES = (
    ("civil-registry", "parentage", "ทะเบียนราษฎร (บิดามารดาและบุตร)", "Civil registry (parents and children)",
     "ยืนยันว่าคุณเป็นบิดามารดาของเด็ก เพื่อให้ทำแทนเด็กในแอปได้",
     "Confirm that you are a child's parent, so that you can act for them in the app"),
    ("guardianship", "guardianship", "ทะเบียนผู้ปกครอง", "Guardianship register",
     "ยืนยันว่าคุณเป็นผู้ปกครองตามกฎหมาย เพื่อให้ทำแทนผู้อยู่ในปกครองในแอปได้",
     "Confirm that you are a legal guardian, so that you can act for your ward in the app"),
)  # fmt: skip


async def demo_registries(connection: Connection, settings: Settings) -> None:
    origin = f"http://127.0.0.1:{settings.demo_agencies_port}"
    agency_id: int = await connection.fetchval("SELECT id FROM agencies WHERE code = $1", REGISTRY_AGENCY)
    for name, answers, title_th, title_en, purpose_th, purpose_en in DEMO_REGISTRIES:
        made = await connector_queries.register_connector(
            connection,
            agency_id,
            NewConnector(
                name=name,
                title_th=title_th,
                title_en=title_en,
                base_url=f"{origin}/{name}",
                auth_kind="none",
                timeout_ms=1500,
                retries=1,
                cache_seconds=0,
                purpose_th=purpose_th,
                purpose_en=purpose_en,
                fields_th=["ความสัมพันธ์ในครอบครัว"],
                fields_en=["family relationship"],
            ),
            None,
            None,
            None,
        )
        if made is not None:
            await connection.execute("UPDATE connectors SET answers = $2 WHERE id = $1", made, answers)
            await review_queries.approve_new(connection, made, None)
        # The demo server's port follows the setting (as the other demo connectors' addresses do).
        await connection.execute(
            r"""
            UPDATE connectors SET base_url = $3, updated_at = now()
            WHERE agency_id = $1 AND name = $2 AND base_url <> $3
              AND base_url ~ ('^http://127\.0\.0\.1:[0-9]+/' || $2 || '$')
            """,
            agency_id,
            name,
            f"{origin}/{name}",
        )
