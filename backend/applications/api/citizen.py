"""Citizens: the form of an application tile, their drafts and uploads, sending and following their
applications, and their documents wallet with its one-time share links. Guarded on the routers: a person
logged in with their digital ID (not an agency's system); an application or document that is not the
caller's own is simply not there (404, the services' check)."""

from __future__ import annotations

import uuid
from typing import Annotated

import msgspec
from litestar import Response, Router, delete, get, post, put
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from backend.applications import documents, drafts, service
from backend.applications.api.http import UPLOAD_BODY_BYTES, file_response
from backend.applications.context import Applications
from backend.applications.schemas import (
    Answers,
    ApplicationSummary,
    ApplicationView,
    CreatedShare,
    DocumentView,
    FileUpload,
    FileView,
    NewApplication,
    NewShare,
    Reply,
    ReplyFileUpload,
    Saved,
    ServiceView,
    ShareView,
)
from backend.core.guards import person
from backend.core.principal import Principal
from backend.core.resources import Resources
from backend.identity.service import Identity
from backend.identity.step_up import step_up

# --- applications ---------------------------------------------------------------------------------


@get("/tiles/{tile_id:int}/application-service", summary="The form of an application tile")
async def service_of_tile(
    tile_id: FromPath[int], principal: NamedDependency[Principal], applications: NamedDependency[Applications]
) -> ServiceView:
    return await service.service_form(applications, principal, tile_id)


@post("/applications", summary="Start (or reopen) a draft application")
async def start_application(
    data: Annotated[NewApplication, msgspec.Meta()],
    principal: NamedDependency[Principal],
    applications: NamedDependency[Applications],
) -> Response[ApplicationView]:
    view, created = await service.start(applications, principal, data.service_id)
    return Response(view, status_code=HTTP_201_CREATED if created else HTTP_200_OK)


@get("/applications", summary="The citizen's applications, latest activity first")
async def my_applications(
    principal: NamedDependency[Principal], applications: NamedDependency[Applications]
) -> list[ApplicationSummary]:
    return await service.my_applications(applications, principal)


@get("/applications/{application_id:uuid}", summary="One application with its timeline")
async def my_application(
    application_id: FromPath[uuid.UUID],
    principal: NamedDependency[Principal],
    applications: NamedDependency[Applications],
) -> ApplicationView:
    return await service.my_application(applications, principal, application_id)


@put("/applications/{application_id:uuid}/answers", summary="Save the draft's answers (as the citizen types)")
async def save_answers(
    application_id: FromPath[uuid.UUID],
    data: Annotated[Answers, msgspec.Meta()],
    principal: NamedDependency[Principal],
    applications: NamedDependency[Applications],
) -> Saved:
    return await drafts.save_draft(applications, principal, application_id, data.answers)


@delete(
    "/applications/{application_id:uuid}",
    summary="Discard a draft: its answers and files go, and it leaves the list (nothing was sent)",
    status_code=HTTP_204_NO_CONTENT,
)
async def discard_draft(
    application_id: FromPath[uuid.UUID],
    principal: NamedDependency[Principal],
    applications: NamedDependency[Applications],
) -> None:
    await drafts.discard(applications, principal, application_id)


@post(
    "/applications/{application_id:uuid}/files",
    summary="Upload a file for one of the form's file fields (PDF, JPEG or PNG, at most 5 MB)",
    status_code=HTTP_201_CREATED,
    request_max_body_size=UPLOAD_BODY_BYTES,
)
async def upload_file(
    application_id: FromPath[uuid.UUID],
    data: Annotated[FileUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
    principal: NamedDependency[Principal],
    applications: NamedDependency[Applications],
    identity: NamedDependency[Identity],
) -> FileView:
    return await service.upload(applications, identity, principal, application_id, data.field, data.file)


@post(
    "/applications/{application_id:uuid}/reply-files",
    summary="Upload a file for the reply to a request for more information (checked as any upload)",
    status_code=HTTP_201_CREATED,
    request_max_body_size=UPLOAD_BODY_BYTES,
)
async def upload_reply_file(
    application_id: FromPath[uuid.UUID],
    data: Annotated[ReplyFileUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
    principal: NamedDependency[Principal],
    applications: NamedDependency[Applications],
    identity: NamedDependency[Identity],
) -> FileView:
    return await service.upload(applications, identity, principal, application_id, None, data.file)


@get(
    "/applications/{application_id:uuid}/files/{file_id:uuid}",
    summary="One of the application's files (the applicant's own)",
)
async def my_file(
    application_id: FromPath[uuid.UUID],
    file_id: FromPath[uuid.UUID],
    principal: NamedDependency[Principal],
    applications: NamedDependency[Applications],
) -> Response[bytes]:
    download = await service.my_file(applications, principal, application_id, file_id)
    return file_response(download, inline=False)


@delete(
    "/applications/{application_id:uuid}/files/{file_id:uuid}",
    summary="Remove a file from a draft",
    status_code=HTTP_204_NO_CONTENT,
)
async def remove_file(
    application_id: FromPath[uuid.UUID],
    file_id: FromPath[uuid.UUID],
    principal: NamedDependency[Principal],
    applications: NamedDependency[Applications],
) -> None:
    await service.remove_file(applications, principal, application_id, file_id)


@post(
    "/applications/{application_id:uuid}/submit",
    summary="Send the application to the agency",
    status_code=HTTP_200_OK,
)
async def submit_application(
    application_id: FromPath[uuid.UUID],
    principal: NamedDependency[Principal],
    applications: NamedDependency[Applications],
) -> ApplicationView:
    return await service.submit(applications, principal, application_id)


@post(
    "/applications/{application_id:uuid}/reply",
    summary="Answer the agency's request for more information",
    status_code=HTTP_200_OK,
)
async def reply_to_agency(
    application_id: FromPath[uuid.UUID],
    data: Annotated[Reply, msgspec.Meta()],
    principal: NamedDependency[Principal],
    applications: NamedDependency[Applications],
) -> ApplicationView:
    return await drafts.reply(applications, principal, application_id, data)


@post(
    "/applications/{application_id:uuid}/withdraw",
    summary="Withdraw a sent application",
    status_code=HTTP_200_OK,
)
async def withdraw_application(
    application_id: FromPath[uuid.UUID],
    principal: NamedDependency[Principal],
    applications: NamedDependency[Applications],
) -> ApplicationView:
    return await service.withdraw(applications, principal, application_id)


# --- the wallet -----------------------------------------------------------------------------------


@get("/", summary="The citizen's documents, newest first")
async def my_documents(
    principal: NamedDependency[Principal], applications: NamedDependency[Applications]
) -> list[DocumentView]:
    return await documents.my_documents(applications, principal)


@get("/{document_id:uuid}", summary="One of the citizen's documents")
async def my_document(
    document_id: FromPath[uuid.UUID],
    principal: NamedDependency[Principal],
    applications: NamedDependency[Applications],
) -> DocumentView:
    return await documents.my_document(applications, principal, document_id)


@get("/{document_id:uuid}/file", summary="The document's file")
async def my_document_file(
    document_id: FromPath[uuid.UUID],
    principal: NamedDependency[Principal],
    applications: NamedDependency[Applications],
) -> Response[bytes]:
    return file_response(await documents.my_document_file(applications, principal, document_id), inline=True)


@post(
    "/{document_id:uuid}/shares",
    guards=[step_up],  # a recent, strong login: the delegate's own when acting (docs/delegation.md)
    summary="Share the document by a one-time link (and QR code) that expires (needs step-up)",
    status_code=HTTP_201_CREATED,
)
async def share_document(
    document_id: FromPath[uuid.UUID],
    data: Annotated[NewShare, msgspec.Meta()],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
    applications: NamedDependency[Applications],
) -> CreatedShare:
    return await documents.share(applications, resources, principal, document_id, data.minutes)


@get("/{document_id:uuid}/shares", summary="The document's share links")
async def document_shares(
    document_id: FromPath[uuid.UUID],
    principal: NamedDependency[Principal],
    applications: NamedDependency[Applications],
) -> list[ShareView]:
    return await documents.shares(applications, principal, document_id)


@delete(
    "/{document_id:uuid}/shares/{share_id:uuid}",
    summary="Withdraw a share link that was not opened yet",
    status_code=HTTP_204_NO_CONTENT,
)
async def withdraw_share(
    document_id: FromPath[uuid.UUID],
    share_id: FromPath[uuid.UUID],
    principal: NamedDependency[Principal],
    applications: NamedDependency[Applications],
) -> None:
    await documents.withdraw_share(applications, principal, document_id, share_id)


applications_router = Router(
    "/api/v1",
    guards=[person],
    tags=["applications"],
    route_handlers=[
        service_of_tile, start_application, my_applications, my_application, save_answers, discard_draft,
        upload_file, upload_reply_file, my_file, remove_file, submit_application, reply_to_agency,
        withdraw_application,
    ],
)  # fmt: skip
wallet_router = Router(
    "/api/v1/documents",
    guards=[person],
    tags=["documents"],
    route_handlers=[
        my_documents, my_document, my_document_file, share_document, document_shares, withdraw_share,
    ],
)  # fmt: skip
