"""Anyone, without logging in: an application service's start page, opening a document shared by a
one-time link and fetching its file, the platform's signing keys, and checking a document (or a copy's
bytes) by its verification code. No guard: the start page is public, the link's token or the code is what
gives access, and every opening is recorded for the citizen."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.status_codes import HTTP_200_OK

from backend.applications import documents, drafts
from backend.applications.api.http import UPLOAD_BODY_BYTES, file_response
from backend.applications.context import Applications
from backend.applications.schemas import CopyCheck, ServiceStart, SharedDocument, Verification


@get("/tiles/{tile_id:int}/start-page", summary="Anyone: an application service's start page")
async def service_start_page(
    tile_id: FromPath[int], applications: NamedDependency[Applications]
) -> ServiceStart:
    return await drafts.start_page(applications, tile_id)


@post(
    "/shared/{token:str}/open",
    summary="Open a shared document (uses the one-time link up)",
    status_code=HTTP_200_OK,
)
async def open_shared(token: FromPath[str], applications: NamedDependency[Applications]) -> SharedDocument:
    return await documents.open_shared(applications, token)


@get("/shared/files/{view_token:str}", summary="The file of a shared document just opened")
async def shared_file(
    view_token: FromPath[str], applications: NamedDependency[Applications]
) -> Response[bytes]:
    return file_response(await documents.shared_file(applications, view_token), inline=True)


@get("/documents/signing-keys", summary="The platform's document signing keys (JWKS)")
async def signing_keys(applications: NamedDependency[Applications]) -> dict[str, list[dict[str, str]]]:
    return documents.signing_keys(applications)


@get("/documents/verify/{code:str}", summary="Anyone: is the document with this verification code genuine?")
async def verify_document(code: FromPath[str], applications: NamedDependency[Applications]) -> Verification:
    return await documents.verify(applications, code)


@post(
    "/documents/verify/{code:str}",
    summary="Anyone: is this copy (the file's bytes as the body) exactly the document that was signed?",
    status_code=HTTP_200_OK,
    request_max_body_size=UPLOAD_BODY_BYTES,
)
async def verify_copy(
    code: FromPath[str], request: Request[Any, Any, Any], applications: NamedDependency[Applications]
) -> CopyCheck:
    return await documents.verify_copy(applications, code, await request.body())


router = Router(
    "/api/v1",
    tags=["documents"],
    route_handlers=[service_start_page, open_shared, shared_file, signing_keys, verify_document, verify_copy],
)
