"""Uploads are judged by their content, names are only shown, and the store addresses files by digest."""

from __future__ import annotations

import hashlib
import io
import stat
import zlib
from pathlib import Path

import pytest
from PIL import Image

from backend.applications.files import (
    MAX_UPLOAD_BYTES,
    FileStore,
    UploadRefused,
    check_upload,
    clean_file_name,
    sniff_type,
)


def _image(image_format: str, size: tuple[int, int] = (64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise(size, 40).convert("RGB").save(buffer, format=image_format)
    return buffer.getvalue()


def _pdf(body: bytes = b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n") -> bytes:
    return b"%PDF-1.7\n" + body + b"trailer << /Root 1 0 R >>\n%%EOF\n"


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
    body = b"1 0 obj << /OpenAction << /S " + name + b" /JS (app.alert(1)) >> >> endobj\n"
    assert "scripts" in _refusal("form.pdf", _pdf(body))


def test_a_script_hidden_in_a_compressed_object_stream_is_refused() -> None:
    hidden = zlib.compress(b"5 0 << /S /JavaScript /JS (app.alert(1)) >>")
    body = b"4 0 obj << /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode >>\nstream\n" + hidden
    assert "scripts" in _refusal("form.pdf", _pdf(body + b"\nendstream endobj\n"))


def test_the_word_javascript_in_a_pdf_name_of_another_kind_is_accepted() -> None:
    assert check_upload("ok.pdf", _pdf(b"1 0 obj << /JavaScriptBook true >> endobj\n"))


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


async def test_a_stored_file_is_read_back_by_its_digest(tmp_path: Path) -> None:
    store = FileStore(tmp_path / "files")
    content = _pdf()
    digest = await store.put(content)
    assert digest == hashlib.sha256(content).hexdigest()
    assert store.path_for(digest) == tmp_path / "files" / digest[:2] / digest[2:4] / digest
    assert await store.get(digest) == content


async def test_storing_the_same_bytes_twice_keeps_one_file(tmp_path: Path) -> None:
    store = FileStore(tmp_path)
    first = await store.put(b"same bytes")
    written_at = store.path_for(first).stat().st_mtime_ns
    assert await store.put(b"same bytes") == first
    assert store.path_for(first).stat().st_mtime_ns == written_at
    assert [path.name for path in store.path_for(first).parent.iterdir()] == [first]


async def test_stored_files_and_their_folders_are_private_to_the_server(tmp_path: Path) -> None:
    store = FileStore(tmp_path / "files")
    path = store.path_for(await store.put(b"private"))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) & 0o077 == 0
    assert stat.S_IMODE(path.parent.parent.stat().st_mode) & 0o077 == 0


async def test_a_missing_file_raises_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        await FileStore(tmp_path).get("0" * 64)


@pytest.mark.parametrize(
    "value", ["../x", "A" * 64, "ab" * 31, "0" * 65, "../" + "0" * 61, "0" * 63 + "/", "g" * 64, ""]
)
def test_only_a_lowercase_sha256_hex_digest_names_a_stored_file(tmp_path: Path, value: str) -> None:
    with pytest.raises(ValueError, match="64 lowercase hex"):
        FileStore(tmp_path).path_for(value)
