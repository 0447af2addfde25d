"""Work waiting for each demo staff member on the first run, so that a newcomer opens a living console:
an agency asking to join, a tile change and a new connector for the platform admin (Anan) to review, a
tile the reviewer sent back for the welfare department's editor (Niran) to fix, message templates for
its sender (Pim); the welfare department's own biller ID, for its administrator (Kanda) to issue bills
under, is seed.WELFARE_BILLER, and the bills it already issued are seed_bills.py's. Added once: what is
already there, or was dealt with in an earlier run, is left as it is."""

from __future__ import annotations

import uuid

import msgspec

from backend.catalogue import queries as catalogue_queries
from backend.catalogue.schemas import TileContent
from backend.connectors import queries as connector_queries
from backend.connectors.schemas import NewConnector
from backend.core.db import Connection
from backend.settings import Settings
from notifications.queries import templates as template_queries
from notifications.schemas import NewTemplate

_WELFARE = "demo-welfare"
_EDITOR, _ADMIN, _REVIEWER = "niran", "kanda", "anan"  # demo people (their subjects)

PENDING_AGENCY = ("demo-lands", "กรมที่ดินสาธิต", "Demo Department of Lands", "help@lands.demo.invalid")

TEMPLATES = (
    NewTemplate(
        key="allowance-paid",
        category="welfare",
        title_th="โอนเบี้ยยังชีพเดือนนี้แล้ว",
        title_en="This month's allowance has been paid",
        body_th="กรมสวัสดิการสาธิตโอนเบี้ยยังชีพผู้สูงอายุเข้าบัญชีพร้อมเพย์ของท่านแล้ว",
        body_en="The Demo Department of Social Welfare has paid your elderly allowance into your PromptPay "
        "account.",
    ),
    NewTemplate(
        key="welfare-card-renewal",
        category="welfare",
        title_th="ถึงเวลาต่ออายุบัตรสวัสดิการแห่งรัฐ",
        title_en="Time to renew your state welfare card",
        body_th="บัตรสวัสดิการแห่งรัฐของท่านจะหมดอายุในเดือนหน้า ต่ออายุได้ในแอปนี้",
        body_en="Your state welfare card expires next month. You can renew it in this app.",
    ),
)


async def _person(connection: Connection, subject: str) -> uuid.UUID | None:
    found: uuid.UUID | None = await connection.fetchval(
        "SELECT id FROM citizens WHERE subject = $1 AND name_th IS NOT NULL", subject
    )
    return found


async def _pending_agency(connection: Connection) -> None:
    await connection.execute(
        "INSERT INTO agencies (code, name_th, name_en, contact_email, status, is_demo) "
        "VALUES ($1, $2, $3, $4, 'pending', true) ON CONFLICT (code) DO NOTHING",
        *PENDING_AGENCY,
    )


async def _tile_change_in_review(connection: Connection, agency_id: int) -> None:
    """The elderly allowance tile, reworded and pointed at the agency's page: a version in review."""
    tile = await connection.fetchrow(
        """
        SELECT t.id, t.published_version FROM tiles t
        JOIN tile_versions v ON v.tile_id = t.id AND v.version = t.published_version
        WHERE t.agency_id = $1 AND v.title_en = 'Elderly allowance'
          AND NOT EXISTS (
              SELECT 1 FROM tile_versions w WHERE w.tile_id = t.id AND w.version > t.published_version
          )
        """,
        agency_id,
    )
    if tile is None:
        return
    published = await connection.fetchrow(
        "SELECT icon, category, life_events, audience_min_age FROM tile_versions "
        "WHERE tile_id = $1 AND version = $2",
        tile["id"],
        tile["published_version"],
    )
    assert published is not None
    content = msgspec.convert(
        {**dict(published), "title_th": "เบี้ยยังชีพผู้สูงอายุ (ลงทะเบียนออนไลน์)",
         "title_en": "Elderly allowance (register online)",
         "description_th": "ลงทะเบียนรับเบี้ยยังชีพได้ที่เว็บไซต์ของกรม ไม่ต้องไปสำนักงานเขต",
         "description_en": "Register for the allowance on the department's website, no trip to the office.",
         "kind": "link", "link_url": "https://welfare.demo.invalid/elderly/register",
         "keywords": ["เบี้ยผู้สูงอายุ"], "synonyms": ["เบี้ยคนแก่", "old age allowance"]},
        TileContent,
    )  # fmt: skip
    version = tile["published_version"] + 1
    submitter = await _person(connection, _EDITOR)
    await catalogue_queries.insert_version(connection, tile["id"], version, content, submitter)
    await catalogue_queries.set_draft(connection, tile["id"], version, "in_review", None)
    await catalogue_queries.record_review(
        connection, tile_id=tile["id"], version=version, action="submitted", comment=None, actor=submitter,
        client=None,
    )  # fmt: skip


async def _returned_tile(connection: Connection, agency_id: int) -> None:
    """A new tile the reviewer sent back with a comment: the editor's to fix and submit again."""
    title_en = "Disability ID card"
    if await connection.fetchval(
        "SELECT 1 FROM tiles t JOIN tile_versions v ON v.tile_id = t.id "
        "WHERE t.agency_id = $1 AND v.title_en = $2",
        agency_id,
        title_en,
    ):
        return
    content = msgspec.convert(
        {"title_th": "บัตรประจำตัวคนพิการ", "title_en": title_en, "icon": "id", "category": "welfare",
         "life_events": ["disability"], "kind": "link", "link_url": "https://welfare.demo.invalid/disability-card",
         "description_th": "ทำบัตร", "description_en": "Get a card"},
        TileContent,
    )  # fmt: skip
    tile_id = await catalogue_queries.create_tile(connection, agency_id)
    editor, reviewer = await _person(connection, _EDITOR), await _person(connection, _REVIEWER)
    await catalogue_queries.insert_version(connection, tile_id, 1, content, editor)
    comment = "โปรดบอกว่าใครขอบัตรได้และต้องใช้เอกสารอะไร (คำอธิบายสั้นเกินไป)"
    await catalogue_queries.set_draft(connection, tile_id, 1, "draft", comment)
    for action, actor in (("submitted", editor), ("returned", reviewer)):
        await catalogue_queries.record_review(
            connection, tile_id=tile_id, version=1, action=action, actor=actor, client=None,
            comment=comment if action == "returned" else None,
        )  # fmt: skip


async def _connector_in_review(connection: Connection, agency_id: int, settings: Settings) -> None:
    """The welfare department asks for citizens' health coverage: a new connector, not yet live."""
    origin = f"http://127.0.0.1:{settings.demo_agencies_port}"
    await connector_queries.register_connector(
        connection,
        agency_id,
        NewConnector(
            name="health-check",
            title_th="ตรวจสิทธิรักษาพยาบาลประกอบการพิจารณาเบี้ยยังชีพ",
            title_en="Health coverage check for the allowance",
            base_url=f"{origin}/health",
            auth_kind="none",
            consent_required=True,
            consent_days=180,
            purpose_th="ตรวจสิทธิรักษาพยาบาลของท่านเพื่อประกอบการพิจารณาเบี้ยยังชีพ",
            purpose_en="Check your health coverage when deciding your allowance",
            fields_th=["สิทธิการรักษา"],
            fields_en=["health scheme"],
            min_age=55,
        ),
        None,
        None,
        await _person(connection, _ADMIN),
    )  # left 'pending': only a platform admin puts it live


async def _templates(connection: Connection, agency_id: int) -> None:
    for template in TEMPLATES:
        if not await template_queries.latest_template(connection, agency_id, template.key):
            await template_queries.add_template(connection, agency_id, template, [], None)


async def seed_staff_work(connection: Connection, settings: Settings) -> None:
    """Run inside the demo seed's transaction, after the demo agencies, people, tiles and connectors."""
    welfare: int = await connection.fetchval("SELECT id FROM agencies WHERE code = $1", _WELFARE)
    await _pending_agency(connection)
    await _tile_change_in_review(connection, welfare)
    await _connector_in_review(connection, welfare, settings)
    await _returned_tile(connection, welfare)
    await _templates(connection, welfare)
