"""The certificate PDF the platform renders when an agency issues a document without its own file.

Small agencies should not need a document system to issue a certificate, so the platform lays one
out from the approved application: bilingual (Thai first), in Sarabun, the typeface of Thai
government documents, with text shaping (HarfBuzz, through fpdf2 and uharfbuzz) so that Thai vowels
and tone marks sit where they belong. A QR code leads to the public verification page; the PDF
itself carries no signature, the platform's signature covers the file's digest (``signing.py``).

The creation date in the metadata and the file identifier derive from ``issued_at``, so rendering
the same content twice gives the same bytes (with this fpdf2; a later version may change that, and
nothing relies on it: the stored file's digest is what gets signed).

Rendering is CPU work (font subsetting, shaping, compression): callers run ``render_certificate``
in a thread.
"""

from __future__ import annotations

import importlib.resources
import io
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import cast

import qrcode
import qrcode.constants
from fpdf import FPDF
from fpdf.enums import Align, MethodReturnValue, XPos, YPos

from backend.core.dates import english_date, thai_date

_FONT = "Sarabun"
_PAGE_WIDTH = 210.0
_PAGE_HEIGHT = 297.0
_MARGIN = 20.0
_CONTENT_WIDTH = _PAGE_WIDTH - 2 * _MARGIN
_LABEL_WIDTH = 72.0
_QR_SIZE = 32.0
_FOOTER_HEIGHT = 52.0  # issue date, tracking number, QR code and the verification line
_INK = (33, 37, 41)
_ACCENT = (22, 58, 112)
_MUTED = (95, 102, 110)
_RULE = (205, 210, 218)
_HEIGHT = MethodReturnValue.HEIGHT


@dataclass(frozen=True)
class CertificateContent:
    title_th: str
    title_en: str
    holder_name_th: str
    holder_name_en: str
    agency_name_th: str
    agency_name_en: str
    details: list[tuple[str, str, str]] = field(hash=False)
    """(Thai label, English label, value) rows, in order."""
    tracking_number: str
    verification_code: str
    verification_url: str
    issued_at: datetime
    """Timezone-aware; shown as the date in Thailand."""


def render_certificate(content: CertificateContent, *, compress: bool = True) -> bytes:
    """An A4 portrait PDF. ``compress=False`` leaves page streams readable, for tests."""
    if content.issued_at.tzinfo is None or content.issued_at.utcoffset() is None:
        raise ValueError("issued_at must be timezone-aware")
    pdf = _new_document(content, compress=compress)
    pdf.add_page()
    _heading(pdf, content)
    _details(pdf, content.details)
    _footer(pdf, content)
    return bytes(pdf.output())


class _Certificate(FPDF):
    def header(self) -> None:
        """fpdf2 calls this on every new page, including automatic page breaks."""
        _frame(self)


def _new_document(content: CertificateContent, *, compress: bool) -> FPDF:
    pdf = _Certificate(orientation="portrait", unit="mm", format="A4")
    pdf.compress = compress
    fonts = Path(str(importlib.resources.files("fontpkg_sarabun") / "files"))
    pdf.add_font(_FONT, "", fonts / "Sarabun-Regular.ttf")
    pdf.add_font(_FONT, "B", fonts / "Sarabun-Bold.ttf")
    pdf.set_text_shaping(True)
    pdf.set_margins(_MARGIN, _MARGIN, _MARGIN)
    pdf.set_auto_page_break(True, margin=_MARGIN)
    pdf.set_title(f"{content.title_th} / {content.title_en}")
    pdf.set_author(f"{content.agency_name_th} / {content.agency_name_en}")
    pdf.set_subject(
        f"{content.holder_name_en}; tracking number {content.tracking_number}; "
        f"verification code {content.verification_code}"
    )
    pdf.set_keywords(f"{content.tracking_number} {content.verification_code}")
    pdf.set_creator("Citizen super app")
    pdf.set_lang("th")
    pdf.set_creation_date(content.issued_at)
    return pdf


def _frame(pdf: FPDF) -> None:
    """A double border around the page."""
    pdf.set_draw_color(*_ACCENT)
    pdf.set_line_width(0.8)
    pdf.rect(10, 10, _PAGE_WIDTH - 20, _PAGE_HEIGHT - 20)
    pdf.set_line_width(0.25)
    pdf.rect(12.5, 12.5, _PAGE_WIDTH - 25, _PAGE_HEIGHT - 25)


def _text(
    pdf: FPDF,
    text: str,
    *,
    size: float,
    bold: bool = False,
    color: tuple[int, int, int] = _INK,
    line_height: float | None = None,
    align: Align = Align.C,
) -> None:
    pdf.set_font(_FONT, "B" if bold else "", size)
    pdf.set_text_color(*color)
    pdf.set_x(_MARGIN)
    pdf.multi_cell(
        _CONTENT_WIDTH, line_height or size * 0.5, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )


def _rule(pdf: FPDF, *, gap: float = 4) -> None:
    pdf.ln(gap)
    pdf.set_draw_color(*_RULE)
    pdf.set_line_width(0.3)
    pdf.line(_MARGIN, pdf.get_y(), _PAGE_WIDTH - _MARGIN, pdf.get_y())
    pdf.ln(gap)


def _heading(pdf: FPDF, content: CertificateContent) -> None:
    pdf.set_y(_MARGIN + 2)
    _text(pdf, content.agency_name_th, size=16, bold=True, color=_ACCENT)
    _text(pdf, content.agency_name_en, size=12, color=_MUTED)
    _rule(pdf, gap=5)
    pdf.ln(2)
    _text(pdf, content.title_th, size=26, bold=True, color=_ACCENT, line_height=12)
    _text(pdf, content.title_en, size=18, bold=True, color=_ACCENT, line_height=9)
    pdf.ln(8)
    _text(pdf, "ขอรับรองว่า / This is to certify that", size=13, color=_MUTED)
    pdf.ln(2)
    _text(pdf, content.holder_name_th, size=22, bold=True, line_height=11)
    _text(pdf, content.holder_name_en, size=16, bold=True, line_height=8)
    pdf.ln(6)


def _details(pdf: FPDF, rows: list[tuple[str, str, str]]) -> None:
    """Two columns: the label in Thai above English, and the value."""
    if not rows:
        return
    value_x = _MARGIN + _LABEL_WIDTH
    value_width = _CONTENT_WIDTH - _LABEL_WIDTH
    pdf.set_draw_color(*_RULE)
    pdf.set_line_width(0.3)
    pdf.line(_MARGIN, pdf.get_y(), _PAGE_WIDTH - _MARGIN, pdf.get_y())
    for label_th, label_en, value in rows:
        pdf.set_font(_FONT, "B", 13)
        # With output=HEIGHT, multi_cell returns the height alone (its annotation is the union of all).
        value_height = cast(float, pdf.multi_cell(value_width, 6.5, value, dry_run=True, output=_HEIGHT))
        height = max(value_height, 11.0) + 4
        if pdf.get_y() + height > pdf.page_break_trigger:
            pdf.add_page()
        top = pdf.get_y() + 2
        pdf.set_xy(_MARGIN, top)
        pdf.set_font(_FONT, "", 12)
        pdf.set_text_color(*_INK)
        pdf.multi_cell(_LABEL_WIDTH - 4, 6, label_th, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font(_FONT, "", 10)
        pdf.set_text_color(*_MUTED)
        pdf.multi_cell(_LABEL_WIDTH - 4, 5, label_en, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        label_bottom = pdf.get_y()
        pdf.set_xy(value_x, top)
        pdf.set_font(_FONT, "B", 13)
        pdf.set_text_color(*_INK)
        pdf.multi_cell(value_width, 6.5, value, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        bottom = max(label_bottom, pdf.get_y(), top + height - 2) + 2
        pdf.set_draw_color(*_RULE)
        pdf.line(_MARGIN, bottom, _PAGE_WIDTH - _MARGIN, bottom)
        pdf.set_y(bottom)


def _qr_png(url: str) -> io.BytesIO:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=8, border=4)
    code.add_data(url)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image(fill_color="black", back_color="white").save(buffer, format="PNG")
    buffer.seek(0)
    return buffer


def _footer(pdf: FPDF, content: CertificateContent) -> None:
    """Issue date and tracking number on the left, the QR code on the right, at the foot of the page
    (or of a new page when the details run long)."""
    top = pdf.page_break_trigger - _FOOTER_HEIGHT
    if pdf.get_y() + 4 > top:
        pdf.add_page()
    qr_x = _PAGE_WIDTH - _MARGIN - _QR_SIZE
    pdf.image(_qr_png(content.verification_url), x=qr_x, y=top, w=_QR_SIZE, h=_QR_SIZE)
    pdf.set_xy(qr_x - 6, top + _QR_SIZE)
    pdf.set_font(_FONT, "B", 11)
    pdf.set_text_color(*_INK)
    pdf.cell(_QR_SIZE + 12, 5, content.verification_code, align=Align.C)

    left_width = qr_x - _MARGIN - 6
    rows = (
        ("ออกให้เมื่อ / Issued on", f"{thai_date(content.issued_at)}\n{english_date(content.issued_at)}"),
        ("เลขที่คำขอ / Tracking number", content.tracking_number),
    )
    pdf.set_y(top + 2)
    for label, value in rows:
        pdf.set_x(_MARGIN)
        pdf.set_font(_FONT, "", 10)
        pdf.set_text_color(*_MUTED)
        pdf.multi_cell(left_width, 5, label, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font(_FONT, "B", 13)
        pdf.set_text_color(*_INK)
        pdf.multi_cell(left_width, 6.5, value, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(3)

    pdf.set_y(top + _QR_SIZE + 7)
    _rule(pdf, gap=0)
    pdf.ln(1.5)
    _text(
        pdf,
        "ตรวจสอบความถูกต้องของเอกสารได้ที่ / Check this document is genuine at",
        size=10,
        color=_MUTED,
        line_height=5,
    )
    _text(pdf, content.verification_url, size=11, bold=True, color=_ACCENT, line_height=5.5)
