"""What the routers share about HTTP itself: how a stored file is sent back and how big an upload's
body may be (the multipart bodies themselves are typed: ``schemas.FileUpload`` and its kin)."""

from __future__ import annotations

import urllib.parse

from litestar import Response

from backend.applications.context import Download
from backend.applications.files import MAX_UPLOAD_BYTES

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
