"""The certificate the platform renders: a whole, acceptable PDF that names what it certifies."""

from __future__ import annotations

import re
import subprocess
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from backend.applications.certificate import CertificateContent, render_certificate
from backend.applications.files import check_upload
from backend.core.dates import english_date, thai_date

CONTENT = CertificateContent(
    title_th="หนังสือรับรองการสำเร็จการศึกษา",
    title_en="Certificate of Graduation",
    holder_name_th="นางสาวสมหญิง ใจดีมีสุข",
    holder_name_en="Miss Somying Jaidee",
    agency_name_th="สำนักงานปลัดกระทรวงการอุดมศึกษา วิทยาศาสตร์ วิจัยและนวัตกรรม",
    agency_name_en="Office of the Permanent Secretary, Ministry of Higher Education",
    details=[
        ("สถานศึกษา", "School", "มหาวิทยาลัยเชียงใหม่"),
        ("ประเทศ", "Country", "ญี่ปุ่น / Japan"),
        ("ระยะเวลา (ปี)", "Years", "4"),
    ],
    tracking_number="APP-2569-000123",
    verification_code="K7QF-9M2X-4TPA",
    verification_url="https://citizen.example.go.th/verify/K7QF-9M2X-4TPA",
    issued_at=datetime(2026, 11, 22, 3, 15, tzinfo=UTC),
)


def _info(pdf: bytes, name: str) -> str:
    """A document information entry, written by fpdf2 as (ASCII) or <FEFF + UTF-16BE hex>."""
    found = re.search(rb"/" + name.encode() + rb" (?:\(([^)]*)\)|<([0-9a-fA-F]+)>)", pdf)
    assert found is not None, name
    if found.group(1) is not None:
        return found.group(1).decode("ascii")
    return bytes.fromhex(found.group(2).decode()).decode("utf-16")


def test_the_certificate_is_a_whole_pdf() -> None:
    pdf = render_certificate(CONTENT)
    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip(b"\r\n").endswith(b"%%EOF")


def test_the_certificate_passes_the_checks_a_citizen_upload_gets() -> None:
    pdf = render_certificate(CONTENT)
    checked = check_upload("certificate.pdf", pdf)
    assert checked.content_type == "application/pdf"
    assert checked.size == len(pdf)


def test_the_metadata_names_the_certificate_its_issuer_and_its_verification_code() -> None:
    pdf = render_certificate(CONTENT)
    assert _info(pdf, "Title") == "หนังสือรับรองการสำเร็จการศึกษา / Certificate of Graduation"
    assert _info(pdf, "Author").endswith("/ Office of the Permanent Secretary, Ministry of Higher Education")
    assert "verification code K7QF-9M2X-4TPA" in _info(pdf, "Subject")
    assert "APP-2569-000123" in _info(pdf, "Keywords")
    assert _info(pdf, "CreationDate") == "D:20261122031500Z"


def test_the_same_content_renders_to_the_same_bytes() -> None:
    assert render_certificate(CONTENT) == render_certificate(CONTENT)
    later = replace(CONTENT, issued_at=CONTENT.issued_at + timedelta(seconds=1))
    assert render_certificate(later) != render_certificate(CONTENT)


def test_uncompressed_output_embeds_the_fonts_and_the_qr_code() -> None:
    pdf = render_certificate(CONTENT, compress=False)
    assert b"/FontName /" in pdf
    assert b"Sarabun" in pdf
    assert b"/Subtype /Image" in pdf
    assert len(pdf) > len(render_certificate(CONTENT))


def test_long_details_flow_onto_more_pages_without_raising() -> None:
    rows = [*CONTENT.details * 12, ("หมายเหตุ", "Remarks", "ผ่านการตรวจสอบเอกสารครบถ้วน" * 10)]
    pdf = render_certificate(replace(CONTENT, details=rows, holder_name_th="ด" * 200))
    assert pdf.count(b"/Type /Page\n") >= 2
    check_upload("long.pdf", pdf)


def test_a_naive_issue_time_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        render_certificate(replace(CONTENT, issued_at=datetime(2026, 11, 22)))


def test_the_issue_date_is_the_day_in_thailand_with_a_buddhist_era_year() -> None:
    late_evening_utc = datetime(2026, 11, 21, 20, 0, tzinfo=UTC)  # 03:00 on the 22nd in Bangkok
    assert thai_date(late_evening_utc) == "22 พฤศจิกายน 2569"
    assert english_date(late_evening_utc) == "22 November 2026"
    assert thai_date(datetime(2027, 1, 1, tzinfo=timezone(timedelta(hours=7)))) == "1 มกราคม 2570"


def test_the_printed_text_can_be_extracted(tmp_path: Path) -> None:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(render_certificate(CONTENT))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout
    for expected in (
        "Certificate of Graduation",
        "Miss Somying Jaidee",
        "K7QF-9M2X-4TPA",
        "APP-2569-000123",
        "22 November 2026",
        "https://citizen.example.go.th/verify/K7QF-9M2X-4TPA",
        "Check this document is genuine at",
        "ประเทศ",
    ):
        assert expected in text, expected
