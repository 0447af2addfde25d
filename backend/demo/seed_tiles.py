"""The demo catalogue: each demo agency's published tiles, with the everyday words people search by."""

from __future__ import annotations

import msgspec

from backend.catalogue import queries as catalogue_queries
from backend.catalogue.schemas import TileContent
from backend.core.db import Connection
from backend.demo.tile_keywords import DEMO_KEYWORDS

# agency, Thai title, English title, icon, category, life events, kind, link, minimum age
DEMO_TILES: tuple[tuple[str, str, str, str, str, list[str], str, str | None, int | None], ...] = (
    (
        "demo-welfare",
        "เบี้ยยังชีพผู้สูงอายุ",
        "Elderly allowance",
        "elderly",
        "welfare",
        ["retirement"],
        "entitlement",
        None,
        60,
    ),
    (
        "demo-welfare",
        "เงินอุดหนุนเด็กแรกเกิด",
        "Child support grant",
        "baby",
        "family",
        ["newborn"],
        "entitlement",
        None,
        None,
    ),
    (
        "demo-welfare",
        "บัตรสวัสดิการแห่งรัฐ",
        "State welfare card",
        "card",
        "welfare",
        [],
        "entitlement",
        None,
        None,
    ),
    (
        "demo-social-security",
        "สิทธิประกันสังคม",
        "Social security rights",
        "shield",
        "work",
        ["work"],
        "entitlement",
        None,
        None,
    ),
    ("demo-health", "สิทธิรักษาพยาบาล", "Health coverage", "health", "health", [], "entitlement", None, None),
    (
        "demo-health",
        "นัดหมายโรงพยาบาล",
        "Book a hospital visit",
        "calendar",
        "health",
        [],
        "link",
        "https://hospital.example.go.th/book",
        None,
    ),
    (
        "demo-water",
        "ชำระค่าน้ำประปา",
        "Pay your water bill",
        "water",
        "utilities",
        ["moving"],
        "bill_payment",
        None,
        None,
    ),
    (
        "demo-power",
        "ชำระค่าไฟฟ้า",
        "Pay your electricity bill",
        "bolt",
        "utilities",
        ["moving"],
        "bill_payment",
        None,
        None,
    ),
    (
        "demo-education",
        "เทียบวุฒิการศึกษาจากต่างประเทศ",
        "Foreign qualification equivalence",
        "diploma",
        "education",
        ["school"],
        "application",
        None,
        None,
    ),
    (
        "demo-education",
        "ขอใบแทนประกาศนียบัตร",
        "Replacement certificate",
        "document",
        "education",
        ["school"],
        "application",
        None,
        None,
    ),
    (
        "demo-credit",
        "ขอรายงานข้อมูลเครดิต",
        "Your credit report",
        "report",
        "documents",
        ["business"],
        "link",
        "https://credit.example.go.th/report",
        18,
    ),
)


async def demo_tiles(connection: Connection) -> None:
    """Published demo tiles, added once: an agency that already has tiles is left as it is."""
    for code, title_th, title_en, icon, category, life_events, kind, link, min_age in DEMO_TILES:
        agency_id: int = await connection.fetchval("SELECT id FROM agencies WHERE code = $1", code)
        exists = await connection.fetchval(
            "SELECT 1 FROM tiles t JOIN tile_versions v ON v.tile_id = t.id "
            "WHERE t.agency_id = $1 AND v.title_en = $2",
            agency_id,
            title_en,
        )
        if exists:
            continue
        tile_id = await catalogue_queries.create_tile(connection, agency_id)
        content = msgspec.convert(
            {"title_th": title_th, "title_en": title_en, "icon": icon, "category": category,
             "life_events": life_events, "audience_min_age": min_age, "kind": kind, "link_url": link,
             "keywords": DEMO_KEYWORDS.get(title_en, ([], []))[0],
             "synonyms": DEMO_KEYWORDS.get(title_en, ([], []))[1]},
            TileContent,
        )  # fmt: skip
        await catalogue_queries.insert_version(connection, tile_id, 1, content, None)
        await catalogue_queries.publish(connection, tile_id, 1)
        await catalogue_queries.record_review(
            connection,
            tile_id=tile_id,
            version=1,
            action="published",
            comment="ข้อมูลตัวอย่าง",
            actor=None,
            client=None,
        )
