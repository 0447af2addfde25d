"""Demo data for applications: the demo education agency's services (forms as data, a fee) and its
biller ID. Loaded by ``backend.demo.seed`` in demo mode only."""

from __future__ import annotations

from typing import Any

import msgspec

from backend.applications import queries as application_queries
from backend.applications.forms import Form, StartPage, check_form
from backend.applications.schemas import ServiceDefinition
from backend.core.db import Connection
from payments import queries as payment_queries

EDUCATION_BILLER = "0994000158378"
_COUNTRIES = (
    ("JP", "ญี่ปุ่น", "Japan"), ("US", "สหรัฐอเมริกา", "United States"), ("GB", "สหราชอาณาจักร", "United Kingdom"),
    ("AU", "ออสเตรเลีย", "Australia"), ("CN", "จีน", "China"), ("DE", "เยอรมนี", "Germany"),
    ("SG", "สิงคโปร์", "Singapore"), ("MY", "มาเลเซีย", "Malaysia"), ("OTHER", "ประเทศอื่น", "Another country"),
)  # fmt: skip
_FILE_HELP = ("PDF, JPEG หรือ PNG ไม่เกิน 5 MB", "PDF, JPEG or PNG, at most 5 MB")


def _choices(options: tuple[tuple[str, str, str], ...]) -> list[dict[str, str]]:
    return [{"value": value, "label_th": thai, "label_en": english} for value, thai, english in options]


EQUIVALENCE_FORM: dict[str, Any] = {
    "fields": [
        {"name": "country", "kind": "choice", "required": True, "label_th": "ประเทศที่สำเร็จการศึกษา",
         "label_en": "Country where you studied", "choices": _choices(_COUNTRIES)},
        {"name": "school_name", "kind": "text", "required": True, "max_length": 200,
         "label_th": "ชื่อสถานศึกษา", "label_en": "Name of the school"},
        {"name": "level", "kind": "choice", "required": True, "label_th": "ระดับที่ขอเทียบ",
         "label_en": "Level to be recognised as", "choices": _choices((
             ("P6", "ประถมศึกษาปีที่ 6", "Primary 6"), ("M3", "มัธยมศึกษาปีที่ 3", "Lower secondary (M3)"),
             ("M6", "มัธยมศึกษาปีที่ 6", "Upper secondary (M6)")))},
        {"name": "completed_on", "kind": "date", "required": True, "min_date": "1950-01-01", "max_date": "today",
         "label_th": "วันที่สำเร็จการศึกษา", "label_en": "Date you finished"},
        {"name": "years_of_study", "kind": "number", "integer": True, "minimum": 1, "maximum": 15,
         "label_th": "จำนวนปีที่ศึกษา", "label_en": "Years of study"},
        {"name": "purpose", "kind": "choice", "required": True, "label_th": "นำไปใช้เพื่อ", "label_en": "Needed for",
         "choices": _choices((("STUDY", "ศึกษาต่อ", "Further study"), ("WORK", "สมัครงาน", "Work"),
                              ("OTHER", "อื่น ๆ", "Other")))},
        {"name": "address", "kind": "thai_address", "required": True, "label_th": "ที่อยู่สำหรับจัดส่งเอกสาร",
         "label_en": "Address to post the certificate to"},
        {"name": "transcript", "kind": "file", "required": True, "max_files": 3,
         "label_th": "ใบแสดงผลการเรียน (Transcript)", "label_en": "Transcript",
         "help_th": _FILE_HELP[0], "help_en": _FILE_HELP[1]},
        {"name": "passport", "kind": "file", "required": True, "label_th": "หนังสือเดินทาง (หน้าที่มีรูปถ่าย)",
         "label_en": "Passport (photo page)", "help_th": _FILE_HELP[0], "help_en": _FILE_HELP[1]},
    ]
}  # fmt: skip

REPLACEMENT_FORM: dict[str, Any] = {
    "fields": [
        {"name": "document_kind", "kind": "choice", "required": True, "label_th": "เอกสารที่ขอใบแทน",
         "label_en": "Document to replace", "choices": _choices((
             ("EQUIVALENCE", "หนังสือรับรองการเทียบวุฒิ", "Equivalence certificate"),
             ("DIPLOMA", "ประกาศนียบัตร", "Diploma")))},
        {"name": "original_number", "kind": "text", "max_length": 40, "pattern": "[A-Za-z0-9/-]*",
         "label_th": "เลขที่เอกสารเดิม (ถ้าทราบ)", "label_en": "Number of the original (if known)"},
        {"name": "reason", "kind": "choice", "required": True, "label_th": "เหตุผล", "label_en": "Reason",
         "choices": _choices((("LOST", "สูญหาย", "Lost"), ("DAMAGED", "ชำรุด", "Damaged")))},
        {"name": "police_report", "kind": "file", "label_th": "ใบแจ้งความ (กรณีสูญหาย)",
         "label_en": "Police report (if lost)", "help_th": _FILE_HELP[0], "help_en": _FILE_HELP[1]},
    ]
}  # fmt: skip

# What each service's start page says before login (who can apply, what to have ready, how long).
START_PAGES: dict[str, dict[str, Any]] = {
    "foreign-equivalence": {
        "who_can_apply_th": "ผู้ที่สำเร็จการศึกษาจากต่างประเทศและต้องการใช้วุฒินั้นในประเทศไทย เพื่อศึกษาต่อหรือสมัครงาน",
        "who_can_apply_en": "Anyone who finished school abroad and needs that qualification recognised in "
        "Thailand, to study further or to apply for work",
        "requirements": [
            {
                "text_th": "ชื่อสถานศึกษาและวันที่สำเร็จการศึกษา",
                "text_en": "The school's name and the date you finished",
            },
            {"text_th": "ที่อยู่สำหรับจัดส่งหนังสือรับรอง", "text_en": "An address to post the certificate to"},
        ],
        "working_days": 15,
    },
    "replacement-certificate": {
        "who_can_apply_th": "ผู้ที่เคยได้รับหนังสือรับรองหรือประกาศนียบัตร และเอกสารนั้นสูญหายหรือชำรุด",
        "who_can_apply_en": "Anyone whose certificate or diploma was lost or damaged",
        "requirements": [
            {"text_th": "เลขที่เอกสารเดิม (ถ้าทราบ)", "text_en": "The original's number, if you know it"},
        ],
        "working_days": 5,
    },
}

# English tile title, service code, form, fee in satang
DEMO_APPLICATION_SERVICES = (
    ("Foreign qualification equivalence", "foreign-equivalence", EQUIVALENCE_FORM, 20000),
    ("Replacement certificate", "replacement-certificate", REPLACEMENT_FORM, 5000),
)


async def demo_application_services(connection: Connection) -> None:
    """The demo education office's two certificate services, once (an edited one is left alone)."""
    agency_id: int = await connection.fetchval("SELECT id FROM agencies WHERE code = 'demo-education'")
    await payment_queries.assign_biller(connection, EDUCATION_BILLER, agency_id, None)
    for title_en, code, form, fee in DEMO_APPLICATION_SERVICES:
        tile_id = await connection.fetchval(
            "SELECT t.id FROM tiles t JOIN tile_versions v ON v.tile_id = t.id "
            "WHERE t.agency_id = $1 AND v.title_en = $2 ORDER BY t.id LIMIT 1",
            agency_id,
            title_en,
        )
        exists = await connection.fetchval(
            "SELECT 1 FROM application_services WHERE agency_id = $1 AND code = $2", agency_id, code
        )
        if tile_id is None or exists:
            continue
        checked = msgspec.convert(form, Form)
        check_form(checked)
        definition = ServiceDefinition(
            tile_id=tile_id, form=checked, fee_satang=fee, biller_id=EDUCATION_BILLER,
            start_page=msgspec.convert(START_PAGES[code], StartPage),
        )  # fmt: skip
        await application_queries.upsert_service(connection, agency_id, code, definition, None)
