"""Uploads are judged by their content and names are only shown (the store: ``test_file_store.py``)."""

from __future__ import annotations

import base64
import hashlib
import io
import time
import zlib

import pikepdf
import psutil
import pytest
from fpdf import FPDF
from PIL import Image

from backend.applications import pdf_check
from backend.applications.files import (
    MAX_UPLOAD_BYTES,
    UploadRefused,
    check_upload,
    clean_file_name,
    sniff_type,
)
from backend.core.errors import ServiceUnavailable
from tests.pdfs import PAGE_OBJECTS, ObjectStream, build_pdf, stream


def _image(image_format: str, size: tuple[int, int] = (64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise(size, 40).convert("RGB").save(buffer, format=image_format)
    return buffer.getvalue()


def _pdf(catalog_extra: bytes = b"", **objects: bytes) -> bytes:
    """A one-page PDF; ``catalog_extra`` goes into the catalog, ``objects`` (``o4=...``) are added."""
    catalog = b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>"
    added = {int(name[1:]): body for name, body in objects.items()}
    return build_pdf({**PAGE_OBJECTS, 1: catalog, **added})


def _refusal(name: str, content: bytes) -> str:
    with pytest.raises(UploadRefused) as caught:
        check_upload(name, content)
    assert caught.value.errors is not None
    assert caught.value.errors[0].field == "file"
    return caught.value.errors[0].message


def test_each_accepted_type_is_recognised_by_its_first_bytes() -> None:
    assert sniff_type(_pdf()) == "application/pdf"
    assert sniff_type(_image("JPEG")) == "image/jpeg"
    assert sniff_type(_image("PNG")) == "image/png"
    assert sniff_type(b"GIF89a") is None
    assert sniff_type(b"") is None


def test_a_pdf_jpeg_and_png_with_matching_names_are_accepted() -> None:
    pdf = _pdf()
    checked = check_upload("report.PDF", pdf)
    assert (checked.name, checked.content_type, checked.size) == ("report.PDF", "application/pdf", len(pdf))
    assert checked.sha256 == hashlib.sha256(pdf).hexdigest()
    assert check_upload("photo.jpeg", _image("JPEG")).content_type == "image/jpeg"
    assert check_upload("photo.jpg", _image("JPEG")).content_type == "image/jpeg"
    assert check_upload("scan.png", _image("PNG")).content_type == "image/png"


def test_a_name_without_an_extension_is_accepted_as_it_is() -> None:
    assert check_upload("scan", _image("PNG")).name == "scan"


def test_a_png_renamed_to_pdf_is_refused() -> None:
    assert ".pdf" in _refusal("contract.pdf", _image("PNG"))


def test_a_program_or_web_page_behind_a_pdf_name_is_refused() -> None:
    assert "PDF, JPEG or PNG" in _refusal("invoice.pdf", b"MZ\x90\x00\x03" + bytes(200))
    assert "PDF, JPEG or PNG" in _refusal("invoice.pdf", b"<html><script>alert(1)</script></html>")


def test_a_real_pdf_named_exe_is_refused() -> None:
    assert ".exe" in _refusal("setup.exe", _pdf())


def test_an_empty_file_is_refused() -> None:
    assert "empty" in _refusal("empty.pdf", b"")


def test_a_file_over_five_megabytes_is_refused() -> None:
    content = b"%PDF-1.7\n" + bytes(MAX_UPLOAD_BYTES) + b"%%EOF\n"
    assert "5 MB" in _refusal("big.pdf", content)


def test_a_pdf_without_its_end_marker_is_refused() -> None:
    assert "incomplete" in _refusal("cut.pdf", _pdf()[:-7])


@pytest.mark.parametrize("name", [b"/JavaScript", b"/Launch", b"/EmbeddedFile", b"/J#61vaScript", b"/JS"])
def test_a_pdf_carrying_active_content_is_refused(name: bytes) -> None:
    assert "scripts" in _refusal("form.pdf", _pdf(b"/OpenAction << /S " + name + b" /JS (app.alert(1)) >>"))


def test_a_script_hidden_in_a_compressed_object_stream_is_refused() -> None:
    hidden = ObjectStream(10, {5: b"<< /S /JavaScript /JS (app.alert(1)) >>"})
    catalog = b"<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R >>"
    assert "scripts" in _refusal("form.pdf", build_pdf({**PAGE_OBJECTS, 1: catalog}, [hidden]))


def _run_length(data: bytes) -> bytes:
    return b"".join(
        bytes([len(part) - 1]) + part for part in (data[i : i + 128] for i in range(0, len(data), 128))
    )


# Every filter qpdf decodes, alone and chained: a script must not hide behind any of them.
ENCODINGS = {
    "flate": (b"/FlateDecode", zlib.compress),
    "ascii-hex": (b"/ASCIIHexDecode", lambda raw: raw.hex().encode() + b">"),
    "ascii-hex-spaced": (b"/ASCIIHexDecode", lambda raw: b" ".join(b"%02x" % byte for byte in raw) + b">"),
    "ascii-85": (b"/ASCII85Decode", lambda raw: base64.a85encode(raw) + b"~>"),
    "run-length": (b"/RunLengthDecode", lambda raw: _run_length(raw) + b"\x80"),
    "hex-of-flate": (
        b"[/ASCIIHexDecode /FlateDecode]",
        lambda raw: zlib.compress(raw).hex().encode() + b">",
    ),
}


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("referenced", [True, False])
def test_a_script_in_an_object_stream_under_any_filter_is_refused(encoding: str, referenced: bool) -> None:
    filters, encode = ENCODINGS[encoding]
    hidden = ObjectStream(10, {5: b"<< /S /JavaScript /JS (app.alert(1)) >>"}, filters, encode)
    catalog = b"<< /Type /Catalog /Pages 2 0 R %s >>" % (b"/OpenAction 5 0 R" if referenced else b"")
    assert "scripts" in _refusal("form.pdf", build_pdf({**PAGE_OBJECTS, 1: catalog}, [hidden]))


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_an_object_stream_under_any_filter_without_active_content_is_accepted(encoding: str) -> None:
    filters, encode = ENCODINGS[encoding]
    pages = ObjectStream(10, {2: PAGE_OBJECTS[2], 3: PAGE_OBJECTS[3]}, filters, encode)
    assert check_upload("ok.pdf", build_pdf({1: PAGE_OBJECTS[1]}, [pages])).content_type == "application/pdf"


def test_an_object_stream_under_a_filter_that_cannot_be_decoded_is_refused() -> None:
    unreadable = ObjectStream(10, {5: b"<< /Title (x) >>"}, b"/DCTDecode", lambda raw: raw)
    assert "compression" in _refusal("odd.pdf", build_pdf(PAGE_OBJECTS, [unreadable]))


def test_an_object_stream_outside_the_cross_reference_table_is_refused() -> None:
    listed = build_pdf()
    stray = ObjectStream(10, {5: b"<< /Title (x) >>"}).data()[0]
    extra = b"10 0 obj\n" + stream(b"/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode", zlib.compress(stray))
    content = listed.replace(b"xref\n", extra + b"\nendobj\nxref\n", 1)  # the offsets still hold
    assert "damaged" in _refusal("odd.pdf", content)


_RICH_MEDIA = b"<< /Type /Annot /Subtype /RichMedia /Rect [0 0 1 1] >>"
_ATTACHMENT = b"<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 1 1] /FS << /Type /Filespec /F (a) >> >>"
_SUBMIT = b"<< /FT /Btn /T (send) /A << /S /SubmitForm /F << /FS /URL /F (https://x.example/) >> >> >>"
# What goes into the catalog, and the objects it needs (only those: each case stands alone).
ACTIVE_OR_OUTWARD: dict[str, tuple[bytes, dict[str, bytes]]] = {
    "open-uri": (b"/OpenAction << /S /URI /URI (https://tracker.example/open) >>", {}),
    "open-goto-then-uri": (
        b"/OpenAction << /S /GoTo /D [3 0 R /Fit] /Next [<< /S /URI /URI (http://t) >>] >>",
        {},
    ),
    "document-aa-uri": (b"/AA << /WC << /S /URI /URI (https://tracker.example/close) >> >>", {}),
    "launch": (b"/OpenAction << /S /Launch /F (cmd.exe) >>", {}),
    "submit-form": (b"/AcroForm << /Fields [6 0 R] >>", {"o6": _SUBMIT}),
    "goto-remote": (b"/OpenAction << /S /GoToR /F (other.pdf) /D [0 /Fit] >>", {}),
    "goto-embedded": (b"/OpenAction << /S /GoToE /T << /R /C /N (a.pdf) >> >>", {}),
    "import-data": (b"/OpenAction << /S /ImportData /F (data.fdf) >>", {}),
    "xfa": (b"/AcroForm << /Fields [] /XFA 7 0 R >>", {"o7": stream(b"", b"<xdp:xdp/>")}),
    "embedded-files": (
        b"/Names << /EmbeddedFiles << /Names [(a.exe) << /Type /Filespec /F (a.exe) >>] >> >>",
        {},
    ),
    "document-javascript": (b"/Names << /JavaScript << /Names [(x) << /S /JavaScript /JS (1) >>] >> >>", {}),
    "rich-media": (b"/Outlines 8 0 R", {"o8": _RICH_MEDIA}),
    "file-attachment": (b"/Outlines 9 0 R", {"o9": _ATTACHMENT}),
}


@pytest.mark.parametrize("case", ACTIVE_OR_OUTWARD)
def test_actions_that_run_send_open_or_reach_outward_are_refused(case: str) -> None:
    catalog_extra, objects = ACTIVE_OR_OUTWARD[case]
    assert "scripts, attachments" in _refusal("form.pdf", _pdf(catalog_extra, **objects))


@pytest.mark.parametrize(
    "action", [b"<< /S /JavaScript /JS (1) >>", b"<< /S /URI /URI (https://t.example/) >>"]
)
def test_actions_in_an_ascii_hex_object_stream_that_reads_like_plain_numbers_are_refused(
    action: bytes,
) -> None:
    # "35 20 30 ..." starts like an object stream stored as is: the byte scan read the hex as syntax.
    hidden = ObjectStream(10, {5: action}, *ENCODINGS["ascii-hex-spaced"])
    catalog = b"<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R >>"
    assert "scripts" in _refusal("form.pdf", build_pdf({**PAGE_OBJECTS, 1: catalog}, [hidden]))


def test_a_link_the_reader_may_click_is_accepted() -> None:
    page = (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Annots [<< /Type /Annot /Subtype /Link "
        b"/Rect [0 0 50 10] /A << /S /URI /URI (https://www.example.go.th/) >> >>] >>"
    )
    assert check_upload("letter.pdf", build_pdf({**PAGE_OBJECTS, 3: page}))


def _jpeg_containing(marker: bytes) -> bytes:
    """A real JPEG whose compressed bytes contain ``marker`` (in a comment segment)."""
    plain = _image("JPEG", (40, 30))
    comment = b"\xff\xfe" + (len(marker) + 2).to_bytes(2, "big") + marker
    return plain[:2] + comment + plain[2:]


def test_a_scan_whose_image_bytes_spell_javascript_is_accepted() -> None:
    image = _jpeg_containing(b"/JavaScript /JS /Launch /EmbeddedFile")
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 40 30] /Resources << /XObject << /Im1 4 0 R >> >> >>"
    picture = stream(
        b"/Type /XObject /Subtype /Image /Width 40 /Height 30 /ColorSpace /DeviceRGB /BitsPerComponent 8 "
        b"/Filter /DCTDecode",
        image,
    )
    content = build_pdf({**PAGE_OBJECTS, 3: page, 4: picture})
    assert b"/JavaScript" in content
    assert check_upload("scan.pdf", content).content_type == "application/pdf"


def test_the_word_javascript_in_a_pdf_name_of_another_kind_is_accepted() -> None:
    assert check_upload("ok.pdf", _pdf(b"/JavaScriptBook true"))


def _bomb(streams: int = 64, each: int = 15 * 1024 * 1024) -> bytes:
    """Under 1 MB, unpacking to about a gigabyte: many object streams each holding one long string."""
    body = b"(" + b"0" * each + b")"
    return build_pdf(
        PAGE_OBJECTS, [ObjectStream(100 + index, {200 + index: body}) for index in range(streams)]
    )


def test_a_decompression_bomb_is_refused_quickly_in_bounded_memory() -> None:
    bomb = _bomb()
    assert len(bomb) < 1024 * 1024
    process = psutil.Process()
    before = process.memory_info().rss
    started = time.monotonic()
    verdict = pdf_check.check_pdf(bomb)
    assert verdict.reason == "budget"
    assert time.monotonic() - started < 5
    assert process.memory_info().rss - before < 50 * 1024 * 1024  # this process: nothing inflated here
    assert 0 < verdict.peak_rss_bytes < 200 * 1024 * 1024  # the checking process: the budget, not a gigabyte
    message = _refusal("bomb.pdf", bomb)
    assert "more than can be checked" in message
    assert "เกินกว่าที่ระบบจะตรวจได้" in message


def test_a_pdf_that_outgrows_the_checking_process_s_memory_is_refused() -> None:
    verdict = pdf_check.check_pdf(_bomb(streams=8), budget_bytes=1 << 40, memory_bytes=32 * 1024 * 1024)
    assert verdict.reason == "budget"


def test_a_check_past_its_deadline_is_stopped_and_refused() -> None:
    started = time.monotonic()
    assert pdf_check.check_pdf(_pdf(), seconds=0.01).reason == "timeout"
    assert time.monotonic() - started < 2


def test_when_every_checking_slot_stays_busy_the_caller_is_told_to_try_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Taken:
        def acquire(self, timeout: float) -> bool:
            return False

    monkeypatch.setattr(pdf_check, "_slots", Taken())
    with pytest.raises(ServiceUnavailable) as caught:
        check_upload("a.pdf", _pdf())
    assert caught.value.headers["Retry-After"]


def _saved(pdf: pikepdf.Pdf, **options: object) -> bytes:
    buffer = io.BytesIO()
    pdf.save(buffer, **options)  # type: ignore[arg-type]
    return buffer.getvalue()


def _producers() -> dict[str, bytes]:
    made: dict[str, bytes] = {}
    buffer = io.BytesIO()
    Image.effect_noise((400, 300), 60).convert("RGB").save(buffer, format="PDF")
    made["pillow"] = buffer.getvalue()
    document = FPDF()
    document.add_page()
    document.set_font("helvetica", size=12)
    document.cell(text="Transcript")
    document.link(10, 10, 50, 10, "https://www.example.go.th/")
    made["fpdf2"] = bytes(document.output())
    with pikepdf.open(io.BytesIO(made["fpdf2"])) as pdf:
        made["object-streams"] = _saved(pdf, object_stream_mode=pikepdf.ObjectStreamMode.generate)
        made["linearized"] = _saved(pdf, linearize=True)
        made["owner-password-only"] = _saved(pdf, encryption=pikepdf.Encryption(owner="owner", user=""))
    return made


@pytest.mark.parametrize(
    "producer", ["pillow", "fpdf2", "object-streams", "linearized", "owner-password-only"]
)
def test_pdfs_as_real_software_writes_them_are_accepted(producer: str) -> None:
    assert check_upload("document.pdf", _producers()[producer]).content_type == "application/pdf"


def test_a_pdf_that_needs_a_password_to_open_is_refused() -> None:
    with pikepdf.open(io.BytesIO(_producers()["fpdf2"])) as pdf:
        locked = _saved(pdf, encryption=pikepdf.Encryption(owner="owner", user="user"))
    assert "password" in _refusal("locked.pdf", locked)


def test_a_pdf_with_a_broken_cross_reference_table_is_repaired_unless_it_hides_object_streams() -> None:
    whole = build_pdf()
    assert check_upload("repaired.pdf", whole.replace(b"startxref", b"startxrex"))
    with_streams = build_pdf(
        {1: PAGE_OBJECTS[1]}, [ObjectStream(10, {2: PAGE_OBJECTS[2], 3: PAGE_OBJECTS[3]})]
    )
    assert "damaged" in _refusal("broken.pdf", with_streams.replace(b"startxref", b"startxrex"))


def test_a_refusal_says_why_in_english_and_in_thai() -> None:
    message = _refusal("form.pdf", _pdf(b"/OpenAction << /S /Launch /F (cmd.exe) >>"))
    english, thai = message.split(" · ")
    assert english.startswith("The PDF contains scripts")
    assert "ไฟล์ PDF นี้มีสคริปต์" in thai
    assert _refusal("empty.pdf", b"").startswith("The file is empty.")


@pytest.mark.parametrize("image_format", ["PNG", "JPEG"])
def test_a_truncated_image_is_refused(image_format: str) -> None:
    whole = _image(image_format, (300, 200))
    extension = image_format.lower()
    assert "damaged" in _refusal(f"cut.{extension}", whole[: len(whole) // 2])
    assert "damaged" in _refusal(f"cut.{extension}", whole[:-20])


def test_a_png_with_a_corrupted_byte_is_refused() -> None:
    damaged = bytearray(_image("PNG", (300, 200)))
    damaged[len(damaged) // 2] ^= 0xFF
    assert "damaged" in _refusal("flipped.png", bytes(damaged))


def test_an_image_of_more_than_fifty_megapixels_is_refused() -> None:
    buffer = io.BytesIO()
    Image.new("1", (8000, 7000)).save(buffer, format="PNG")  # 56 megapixels in a few kilobytes
    assert "million pixels" in _refusal("bomb.png", buffer.getvalue())


@pytest.mark.parametrize(
    ("name", "cleaned"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\x\\..\\evil.pdf", "evil.pdf"),
        ("..\\..\\windows\\system32\\cmd.exe", "cmd.exe"),
        ("%2e%2e%2fetc%2fpasswd", "%2e%2e%2fetc%2fpasswd"),
        ("%2e%2e/", "file"),
        ("..", "file"),
        ("", "file"),
        ("   ", "file"),
        (".bashrc", "bashrc"),
        ("photo\u202egpj.exe", "photogpj.exe"),
        ("report.pdf\x00.exe", "report.pdf.exe"),
        ("zero\u200bwidth\ufeff.pdf", "zerowidth.pdf"),
        ("line\nbreak\r.pdf", "linebreak.pdf"),
        ("ใบรับรอง.pdf", "ใบรับรอง.pdf"),
        ("cafe\u0301.pdf", "café.pdf"),
    ],
)
def test_path_tricks_and_invisible_characters_become_a_harmless_name(name: str, cleaned: str) -> None:
    assert clean_file_name(name) == cleaned


def test_a_long_name_is_cut_to_120_characters_keeping_its_extension() -> None:
    cleaned = clean_file_name("ก" * 300 + ".pdf")
    assert len(cleaned) == 120
    assert cleaned.endswith("ก.pdf")


def test_a_bidi_override_cannot_disguise_a_program_as_a_picture() -> None:
    assert ".exe" in _refusal("holiday\u202egpj.exe", _image("JPEG"))
