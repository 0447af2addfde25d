"""Uploads checked by their content, and a content-addressed store for them.

A citizen's file is later opened by agency staff, so what it claims to be is never trusted: the type
comes from the first bytes, the name's extension must agree with it, a PDF must be whole and carry
no active content, and an image must decode (a truncated or corrupt one, or a decompression bomb,
is refused). The name is kept only for display, cleaned of folders and of invisible characters that
could make ``invoice\\u202efdp.exe`` read as something else; it never becomes a path.

Files live outside the database under their SHA-256 (``root/ab/cd/<hex>``): the same bytes are
stored once, a path can only be built from a digest, and a write is atomic (temporary file in the
same folder, then ``os.replace``), so a reader never sees half a file.

``check_upload`` decodes images with Pillow, which is CPU work: callers run it in a thread
(``await asyncio.to_thread(check_upload, name, content)``), never on the event loop.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import os
import re
import tempfile
import unicodedata
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from PIL import Image

from backend.core.errors import FieldError, InvalidInput

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

# A PDF name token (ISO 32000-1 7.3.5): a solidus, then any bytes up to whitespace or a delimiter.
# Names may spell characters as #xx, so /J#61vaScript is /JavaScript and must be decoded to compare.
_PDF_NAME = re.compile(rb"/([^\x00\t\n\x0c\r ()<>\[\]{}/%]*)")
_PDF_HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
# Scripts, programs to launch, attached files, Flash: a document from a citizen must not be able to
# act when staff open it, only be read.
_ACTIVE_PDF_NAMES = frozenset(
    {b"JavaScript", b"JS", b"Launch", b"EmbeddedFile", b"EmbeddedFiles", b"RichMedia"}
)
_PDF_EOF_WINDOW = 1024
# Dictionaries can hide inside compressed object streams (PDF 1.5+), out of sight of a byte scan, so
# those streams are inflated and scanned too, each up to this many bytes.
_OBJECT_STREAM = re.compile(rb"/Type\s*/ObjStm\b")
_STREAM_START = re.compile(rb"stream\r?\n")
_UNFILTERED_OBJECT_STREAM = re.compile(rb"\s*\d+\s+\d+\s")
_MAX_OBJECT_STREAM_BYTES = 16 * 1024 * 1024


class UploadRefused(InvalidInput):
    """An uploaded file that is not accepted; the message says why in plain words."""

    def __init__(self, message: str) -> None:
        super().__init__(message, errors=[FieldError(field="file", message=message)])


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
        raise UploadRefused("The file is empty.")
    if len(content) > MAX_UPLOAD_BYTES:
        raise UploadRefused(f"The file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.")
    content_type = sniff_type(content)
    if content_type is None:
        raise UploadRefused("Only PDF, JPEG or PNG files are accepted.")
    display_name = clean_file_name(name)
    extension = _extension(display_name)
    if extension is not None and extension not in _EXTENSIONS[content_type]:
        kind = content_type.split("/")[1].upper()
        raise UploadRefused(f"The file's name ends in .{extension} but the file is a {kind}.")
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
        raise UploadRefused("The PDF is incomplete (it has no end marker); upload it again.")
    if _has_active_names(content) or any(_has_active_names(part) for part in _object_streams(content)):
        raise UploadRefused(
            "The PDF contains scripts, attachments or launch actions, which are not accepted. "
            "Print it to a new PDF or scan it, and upload that."
        )


def _has_active_names(data: bytes) -> bool:
    for match in _PDF_NAME.finditer(data):
        token = match.group(1)
        if b"#" in token:
            token = _PDF_HEX_ESCAPE.sub(lambda escape: bytes([int(escape.group(1), 16)]), token)
        if token in _ACTIVE_PDF_NAMES:
            return True
    return False


def _object_streams(content: bytes) -> list[bytes]:
    """The inflated data of each object stream. One that cannot be inflated within bounds is refused:
    what cannot be read cannot be checked."""
    found = []
    for match in _OBJECT_STREAM.finditer(content):
        start = _STREAM_START.search(content, match.end())
        if start is None:
            raise UploadRefused("The PDF is damaged and cannot be checked.")
        inflater = zlib.decompressobj()
        try:
            data = inflater.decompress(content[start.end() :], _MAX_OBJECT_STREAM_BYTES)
        except zlib.error:
            if _UNFILTERED_OBJECT_STREAM.match(content, start.end()):
                continue  # stored as is: the scan of the whole file has read it already
            raise UploadRefused(
                "The PDF uses a compression that cannot be checked. Print it to a new PDF and upload that."
            ) from None
        if inflater.unconsumed_tail:
            raise UploadRefused("The PDF is too complex to check.")
        found.append(data)
    return found


def _check_image(content: bytes, pillow_format: str) -> None:
    corrupt = UploadRefused("The image is damaged or incomplete; upload it again.")
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
    return UploadRefused(f"The image has more than {MAX_IMAGE_PIXELS // 1_000_000} million pixels.")


_SHA256_HEX = re.compile(r"[0-9a-f]{64}")


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
                return  # the same digest and size: the same bytes, already stored
        except FileNotFoundError:
            pass
        self._root.mkdir(mode=0o700, parents=True, exist_ok=True)
        for folder in (path.parent.parent, path.parent):
            folder.mkdir(mode=0o700, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")  # mode 0o600
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


def _fsync_folder(folder: Path) -> None:
    """Makes the rename itself durable, so a stored file survives a power cut."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
