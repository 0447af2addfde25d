"""Uploads checked by their content, and a content-addressed store for them.

A citizen's file is later opened by agency staff, so what it claims to be is never trusted: the type
comes from the first bytes, the name's extension must agree with it, a PDF must be whole and carry
no active content (``pdf_check.py``, in a child process with bounded memory and time), and an image
must decode (a truncated or corrupt one, or a decompression bomb, is refused). The name is kept only
for display, cleaned of folders and of invisible characters that could make ``invoice\\u202efdp.exe``
read as something else; it never becomes a path. A refusal says why in English and in Thai.

Files live outside the database under their SHA-256 (``root/ab/cd/<hex>``): the same bytes are
stored once, a path can only be built from a digest, and a write is atomic (temporary file in the
same folder, then ``os.replace``), so a reader never sees half a file. Storing bytes already there
refreshes the file's time, which is what keeps the garbage collector (``storage.py``) off a file
that an upload in flight is about to reference.

``check_upload`` decodes images with Pillow and waits for the PDF check: callers run it in a thread
(``await asyncio.to_thread(check_upload, name, content)``), never on the event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import io
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from PIL import Image

from backend.applications import pdf_check
from backend.core.errors import FieldError, InvalidInput, ServiceUnavailable

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_IMAGE_PIXELS = 50_000_000
MAX_NAME_CHARS = 120

ContentType = Literal["application/pdf", "image/jpeg", "image/png"]

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_EXTENSIONS: dict[ContentType, frozenset[str]] = {
    "application/pdf": frozenset({"pdf"}),
    "image/jpeg": frozenset({"jpg", "jpeg"}),
    "image/png": frozenset({"png"}),
}
_PILLOW_FORMATS: dict[ContentType, str] = {"image/jpeg": "JPEG", "image/png": "PNG"}
_EXTENSION_MAX_CHARS = 10
# Control and format characters (bidi overrides, zero-width joiners, NUL), lone surrogates (they
# cannot be stored as UTF-8), and line/paragraph separators: none belongs in a one-line display name.
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})

_PDF_EOF_WINDOW = 1024
_BUDGET_MB = pdf_check.INFLATE_BUDGET_BYTES // (1024 * 1024)
_MAX_OBJECTS = f"{pdf_check.MAX_OBJECTS:,}"
_REPRINT_TH = "กรุณาสั่งพิมพ์ (Print) เป็น PDF ใหม่หรือสแกนเอกสาร แล้วอัปโหลดไฟล์นั้น"
# Why a PDF is refused (pdf_check.Reason), in English and in Thai.
_PDF_REFUSALS: dict[pdf_check.Reason, tuple[str, str]] = {
    "active": (
        "The PDF contains scripts, attachments, forms that send data, or actions that open other files, "
        "programs or web addresses by themselves, which are not accepted. "
        "Print it to a new PDF or scan it, and upload that.",
        "ไฟล์ PDF นี้มีสคริปต์ ไฟล์แนบ แบบฟอร์มที่ส่งข้อมูลออก หรือคำสั่งที่เปิดไฟล์ โปรแกรม หรือเว็บไซต์อื่นเอง "
        "ซึ่งระบบไม่รับ " + _REPRINT_TH,
    ),
    "budget": (
        f"The PDF unpacks to more than can be checked (over {_BUDGET_MB} MB, or over {_MAX_OBJECTS} "
        "objects). Print it to a new PDF and upload that.",
        f"ไฟล์ PDF นี้เมื่อคลายการบีบอัดมีขนาดเกินกว่าที่ระบบจะตรวจได้ (เกิน {_BUDGET_MB} MB "
        f"หรือเกิน {_MAX_OBJECTS} ออบเจกต์) " + _REPRINT_TH,
    ),
    "timeout": (
        "The PDF took too long to check. Print it to a new PDF and upload that.",
        "ไฟล์ PDF นี้ใช้เวลาตรวจนานเกินไป " + _REPRINT_TH,
    ),
    "filter": (
        "The PDF uses a compression that cannot be checked. Print it to a new PDF and upload that.",
        "ไฟล์ PDF นี้ใช้การบีบอัดข้อมูลที่ระบบตรวจไม่ได้ " + _REPRINT_TH,
    ),
    "damaged": (
        "The PDF is damaged and cannot be checked. Print it to a new PDF and upload that.",
        "ไฟล์ PDF นี้เสียหาย ระบบตรวจไม่ได้ " + _REPRINT_TH,
    ),
    "password": (
        "The PDF is protected by a password. Upload a copy without one.",
        "ไฟล์ PDF นี้ตั้งรหัสผ่านไว้ กรุณาอัปโหลดฉบับที่ไม่มีรหัสผ่าน",
    ),
}


class UploadRefused(InvalidInput):
    """An uploaded file that is not accepted; the message says why in plain words, English then Thai
    (clients that translate known refusals match the English start)."""

    def __init__(self, english: str, thai: str) -> None:
        message = f"{english} · {thai}"
        super().__init__(message, errors=[FieldError(field="file", message=message)])
        self.english = english
        self.thai = thai


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    content_type: ContentType
    size: int
    sha256: str


def sniff_type(content: bytes) -> ContentType | None:
    """The type the first bytes announce, whatever the file is called."""
    if content.startswith(b"%PDF-"):
        return "application/pdf"
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content.startswith(_PNG_SIGNATURE):
        return "image/png"
    return None


def clean_file_name(name: str) -> str:
    """A name fit to show, never to open: last path component, no invisible characters."""
    name = unicodedata.normalize("NFC", name)
    name = "".join(char for char in name if unicodedata.category(char) not in _DROPPED_CATEGORIES)
    name = re.split(r"[/\\]", name)[-1]
    name = name.strip().lstrip(". ").strip()
    if len(name) > MAX_NAME_CHARS:
        stem, dot, extension = name.rpartition(".")
        if dot and stem and len(extension) <= _EXTENSION_MAX_CHARS:
            name = stem[: MAX_NAME_CHARS - len(extension) - 1].rstrip() + "." + extension
        else:
            name = name[:MAX_NAME_CHARS].rstrip()
    return name or "file"


def _extension(name: str) -> str | None:
    stem, dot, extension = name.rpartition(".")
    return extension.lower() if dot and stem else None


def check_upload(name: str, content: bytes) -> CheckedUpload:
    """Accepts a PDF, JPEG or PNG whose content is whole and whose name agrees with it, or raises
    ``UploadRefused``. CPU work (images are decoded): run it in a thread."""
    if not content:
        raise UploadRefused("The file is empty.", "ไฟล์ว่างเปล่า")
    if len(content) > MAX_UPLOAD_BYTES:
        megabytes = MAX_UPLOAD_BYTES // (1024 * 1024)
        raise UploadRefused(f"The file is larger than {megabytes} MB.", f"ไฟล์ใหญ่เกิน {megabytes} MB")
    content_type = sniff_type(content)
    if content_type is None:
        raise UploadRefused("Only PDF, JPEG or PNG files are accepted.", "รับเฉพาะไฟล์ PDF, JPEG หรือ PNG")
    display_name = clean_file_name(name)
    extension = _extension(display_name)
    if extension is not None and extension not in _EXTENSIONS[content_type]:
        kind = content_type.split("/")[1].upper()
        raise UploadRefused(
            f"The file's name ends in .{extension} but the file is a {kind}.",
            f"ชื่อไฟล์ลงท้ายด้วย .{extension} แต่ไฟล์นี้เป็น {kind}",
        )
    if content_type == "application/pdf":
        _check_pdf(content)
    else:
        _check_image(content, _PILLOW_FORMATS[content_type])
    return CheckedUpload(
        name=display_name,
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )


def _check_pdf(content: bytes) -> None:
    if b"%%EOF" not in content[-_PDF_EOF_WINDOW:]:
        raise UploadRefused(
            "The PDF is incomplete (it has no end marker); upload it again.",
            "ไฟล์ PDF ไม่ครบ (ไม่มีเครื่องหมายจบไฟล์) กรุณาอัปโหลดอีกครั้ง",
        )
    try:
        verdict = pdf_check.check_pdf(content)
    except pdf_check.Busy:
        raise ServiceUnavailable(
            "Many files are being checked right now; please upload again in a moment. "
            "· ขณะนี้มีไฟล์รอตรวจจำนวนมาก กรุณาอัปโหลดอีกครั้งในอีกสักครู่",
            headers={"Retry-After": "5"},
        ) from None
    if verdict.reason is not None:
        raise UploadRefused(*_PDF_REFUSALS[verdict.reason])


def _check_image(content: bytes, pillow_format: str) -> None:
    corrupt = UploadRefused(
        "The image is damaged or incomplete; upload it again.",
        "รูปภาพเสียหายหรือไม่ครบ กรุณาอัปโหลดอีกครั้ง",
    )
    try:
        with Image.open(io.BytesIO(content), formats=[pillow_format]) as image:
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise _too_large()
            image.verify()  # PNG: every chunk's CRC and the end marker. JPEG: nothing, hence below.
        if pillow_format == "JPEG":
            with Image.open(io.BytesIO(content), formats=[pillow_format]) as image:
                # Decoding at an eighth of the size still reads every byte of the compressed data,
                # so a truncated or corrupt file fails, for a 64th of the memory and time.
                image.draft(image.mode, (max(1, width // 8), max(1, height // 8)))
                image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_large() from None
    except UploadRefused:
        raise
    except Exception:  # Pillow reports bad data as OSError, SyntaxError, ValueError and others
        raise corrupt from None


def _too_large() -> UploadRefused:
    millions = MAX_IMAGE_PIXELS // 1_000_000
    return UploadRefused(
        f"The image has more than {millions} million pixels.", f"รูปภาพมีมากกว่า {millions} ล้านพิกเซล"
    )


_SHA256_HEX = re.compile(r"[0-9a-f]{64}")
_TWO_HEX = re.compile(r"[0-9a-f]{2}")
_TEMPORARY_PREFIX = ".upload-"
_ASIDE_PREFIX = ".gc-"


@dataclass(frozen=True, slots=True)
class StoredFile:
    sha256: str
    size: int
    modified: float
    """``st_mtime``: when it was written or last stored again."""


class FileStore:
    """Files by SHA-256 under ``root``; only their owner (this process's user) can read them."""

    def __init__(self, root: Path) -> None:
        self._root = root

    def path_for(self, sha256: str) -> Path:
        if not _SHA256_HEX.fullmatch(sha256):
            raise ValueError("a file is addressed by 64 lowercase hex characters")
        return self._root / sha256[:2] / sha256[2:4] / sha256

    async def put(self, content: bytes) -> str:
        digest = hashlib.sha256(content).hexdigest()
        await asyncio.to_thread(self._write, self.path_for(digest), content)
        return digest

    async def get(self, sha256: str) -> bytes:
        """The file's bytes; ``FileNotFoundError`` when it is not stored."""
        return await asyncio.to_thread(self.path_for(sha256).read_bytes)

    def _write(self, path: Path, content: bytes) -> None:
        try:
            if path.stat().st_size == len(content):
                # The same digest and size: the same bytes, already stored. Its time is refreshed so
                # that the collector leaves it to the row about to reference it.
                os.utime(path)
                return
        except FileNotFoundError:  # not there, or set aside by the collector a moment ago
            pass
        self._root.mkdir(mode=0o700, parents=True, exist_ok=True)
        for folder in (path.parent.parent, path.parent):
            folder.mkdir(mode=0o700, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=_TEMPORARY_PREFIX)  # mode 0o600
        try:
            with os.fdopen(descriptor, "wb") as file:
                file.write(content)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        _fsync_folder(path.parent)

    # --- for the garbage collector (storage.py); blocking file-system work, run in a thread ------

    def prefixes(self) -> list[str]:
        """The first-level folders (two hex digits each), so that a sweep can go one at a time."""
        try:
            return sorted(entry.name for entry in os.scandir(self._root) if _TWO_HEX.fullmatch(entry.name))
        except FileNotFoundError:
            return []

    def stored(self, prefix: str, older_than: float) -> list[StoredFile]:
        """The files under one first-level folder last written before ``older_than`` (a time stamp).
        Temporary files of writes that never finished, and files a collector set aside and never got
        back to, are dealt with here too: removed once old, or put back when their place is empty."""
        found = []
        for folder in _subfolders(self._root / prefix):
            with os.scandir(folder) as entries:
                for entry in entries:
                    try:
                        status = entry.stat(follow_symlinks=False)
                    except FileNotFoundError:
                        continue
                    if _SHA256_HEX.fullmatch(entry.name):
                        if status.st_mtime < older_than:
                            found.append(StoredFile(entry.name, status.st_size, status.st_mtime))
                    elif entry.name.startswith(_ASIDE_PREFIX):
                        self._recover_aside(Path(entry.path))
                    elif entry.name.startswith(_TEMPORARY_PREFIX) and status.st_mtime < older_than:
                        Path(entry.path).unlink(missing_ok=True)
        return found

    def remove_unless_refreshed(self, sha256: str, older_than: float) -> bool:
        """Removes a file that nothing references, unless it was stored again since it was listed.

        The file is first moved aside under another name, and its time read there: a ``put`` that
        came before the move refreshed that time (so the file goes back), one after it finds no file
        and writes its own. Either way an upload in flight keeps its bytes."""
        path = self.path_for(sha256)
        aside = path.with_name(f"{_ASIDE_PREFIX}{sha256}")
        try:
            os.rename(path, aside)
            refreshed = aside.stat().st_mtime >= older_than
        except FileNotFoundError:  # gone already, or another collector is at it
            return False
        if refreshed:
            self._recover_aside(aside)
            return False
        aside.unlink(missing_ok=True)
        return True

    def _recover_aside(self, aside: Path) -> None:
        path = aside.with_name(aside.name.removeprefix(_ASIDE_PREFIX))
        if not _SHA256_HEX.fullmatch(path.name):
            return
        if path.exists():
            aside.unlink(missing_ok=True)  # stored again meanwhile: the same bytes
            return
        with contextlib.suppress(FileNotFoundError):  # another collector put it back first
            os.rename(aside, path)


def _subfolders(folder: Path) -> Iterator[Path]:
    try:
        with os.scandir(folder) as entries:
            names = sorted(entry.name for entry in entries if _TWO_HEX.fullmatch(entry.name))
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in names:
        yield folder / name


def _fsync_folder(folder: Path) -> None:
    """Makes the rename itself durable, so a stored file survives a power cut."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
