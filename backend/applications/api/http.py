"""What the routers share about HTTP itself: how a stored file is sent back, how big an upload's body
may be, and reading the parts of a multipart form."""

from __future__ import annotations

import urllib.parse
from typing import Any

from litestar import Response
from litestar.datastructures import UploadFile

from backend.applications.context import Download
from backend.applications.files import MAX_UPLOAD_BYTES
from backend.core.errors import BadRequest

UPLOAD_BODY_BYTES = MAX_UPLOAD_BYTES + 64 * 1024  # the file and its multipart envelope


def file_response(download: Download, *, inline: bool) -> Response[bytes]:
    name = urllib.parse.quote(download.file_name or "document.pdf")
    disposition = "inline" if inline else "attachment"
    return Response(
        download.content,
        media_type=download.content_type,
        headers={
            "Content-Disposition": f"{disposition}; filename*=UTF-8''{name}",
            "Cache-Control": "private, no-store",
            # Shown by the browser's own viewer, never able to run anything in our origin.
            "Content-Security-Policy": "sandbox; default-src 'none'; style-src 'unsafe-inline'",
        },
    )


def field_and_file(form: dict[str, Any]) -> tuple[str, UploadFile]:
    """A citizen's upload: the form field's name and the file."""
    field, upload = form.get("field"), form.get("file")
    if not isinstance(field, str) or not isinstance(upload, UploadFile):
        raise BadRequest("Send multipart/form-data with a 'field' (the form field's name) and a 'file'.")
    return field, upload


def titles_and_file(form: dict[str, Any]) -> tuple[str, str, UploadFile]:
    """An agency's own PDF to issue: its Thai and English titles (1 to 200 characters) and the file."""
    upload, title_th, title_en = form.get("file"), form.get("title_th"), form.get("title_en")
    if not (isinstance(title_th, str) and isinstance(title_en, str)):
        raise BadRequest("title_th and title_en are text fields of the form, not files.")
    if not isinstance(upload, UploadFile) or not (0 < len(title_th) <= 200 and 0 < len(title_en) <= 200):
        raise BadRequest(
            "Send multipart/form-data with title_th, title_en (1 to 200 characters) and the PDF as file."
        )
    return title_th, title_en, upload
