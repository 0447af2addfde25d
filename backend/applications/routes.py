"""HTTP surface of applications and documents: citizens apply, upload, follow and answer; agencies
define services and move applications on; the wallet shares documents; anyone verifies one."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
import urllib.parse
import uuid
from typing import Annotated, Any

import asyncpg
import msgspec
from litestar import Request, Response, delete, get, post, put
from litestar.datastructures import State, UploadFile
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from backend.applications import queries
from backend.applications.files import MAX_UPLOAD_BYTES
from backend.applications.forms import check_form
from backend.applications.schemas import (
    AgencyApplicationItem,
    Answers,
    Applicant,
    ApplicationState,
    ApplicationSummary,
    ApplicationView,
    CopyCheck,
    CreatedShare,
    DocumentView,
    EventView,
    FeeBill,
    FileView,
    NewApplication,
    NewDocument,
    NewShare,
    Prefilled,
    Reply,
    Saved,
    ServiceDefinition,
    ServiceView,
    SharedDocument,
    ShareStatus,
    ShareView,
    StatusChange,
    SupportApplication,
    Verification,
)
from backend.applications.service import SHARE_VIEW_MINUTES, Actor, Applications
from backend.applications.signing import statement
from backend.applications.storage import UPLOADS_RATE_LIMITED, UploadQuota, upload_bucket
from backend.connectors import queries as connector_queries
from backend.core.crypto import mask_national_id
from backend.core.errors import BadRequest, Conflict, FieldError, InvalidInput, NotFound
from backend.core.principal import (
    Principal,
    may_act_for_agency,
    require_agency_permission,
    require_person,
    require_support_staff,
)
from backend.core.qr import qr_image
from backend.core.resources import Resources
from backend.core.text import refuse_hidden_text
from backend.identity.service import Identity
from backend.support.lookups import look_up_citizen
from payments import queries as payment_queries

_SERVICE_CODE = re.compile(r"[a-z][a-z0-9-]{1,39}")  # as the application_services.code CHECK
_UPLOAD_BODY_BYTES = MAX_UPLOAD_BYTES + 64 * 1024  # the file and its multipart envelope
_MAX_LISTED = 100


def provide_applications(state: State) -> Applications:
    applications: Applications = state.applications
    return applications


def _me(principal: Principal) -> str:
    person = require_person(principal)
    assert person.citizen_id is not None
    return person.citizen_id


def _actor(principal: Principal) -> Actor:
    return Actor(
        staff_id=None if principal.is_machine else principal.citizen_id, client_id=principal.client_id
    )


def _file_response(row: dict[str, Any], content: bytes, *, inline: bool) -> Response[bytes]:
    name = urllib.parse.quote(row.get("file_name") or "document.pdf")
    disposition = "inline" if inline else "attachment"
    return Response(
        content,
        media_type=row["content_type"],
        headers={
            "Content-Disposition": f"{disposition}; filename*=UTF-8''{name}",
            "Cache-Control": "private, no-store",
            # Shown by the browser's own viewer, never able to run anything in our origin.
            "Content-Security-Policy": "sandbox; default-src 'none'; style-src 'unsafe-inline'",
        },
    )


def _service_view(row: dict[str, Any], prefilled: Prefilled | None = None) -> ServiceView:
    return msgspec.convert({**row, "prefilled": prefilled}, ServiceView, from_attributes=True)


async def _application_view(
    applications: Applications, row: dict[str, Any], viewer: str, applicant: Applicant | None = None
) -> ApplicationView:
    pool = applications.pool
    bill = await queries.bill_summary(pool, row["bill_id"]) if row["bill_id"] else None
    return msgspec.convert(
        {
            **row,
            "bill": msgspec.convert(bill, FeeBill) if bill else None,
            "files": await queries.files(pool, row["id"]),
            "events": await queries.events(pool, row["id"]),
            "next_states": await queries.next_states(pool, row["state"], viewer),
            "applicant": applicant,
        },
        ApplicationView,
    )


async def _citizens_view(applications: Applications, citizen_id: str, application_id: str) -> ApplicationView:
    """The application as its applicant sees it now (after a change they made)."""
    row = await applications.citizens_application(citizen_id, application_id)
    return await _application_view(applications, row, "citizen")


def _document_view(row: dict[str, Any], applications: Applications) -> DocumentView:
    return msgspec.convert(
        {
            **row,
            "verification_url": applications.verification_url(row["verification_code"]),
            "file_url": f"/api/v1/documents/{row['id']}/file",
        },
        DocumentView,
    )


def _share_status(row: dict[str, Any], now: Any) -> ShareStatus:
    if row["opened_at"] is not None:
        return "opened"
    if row["revoked_at"] is not None:
        return "withdrawn"
    return "expired" if row["expires_at"] <= now else "waiting"


def _share_view(row: dict[str, Any]) -> ShareView:
    return msgspec.convert({**row, "status": _share_status(row, dt.datetime.now(dt.UTC))}, ShareView)


def _short_name(name: str | None) -> str | None:
    """ "Somchai Jaidee" -> "Somchai J.": enough to match the paper, not to identify someone from a code."""
    if not name:
        return None
    first, _, rest = name.strip().partition(" ")
    return f"{first} {rest.strip()[0]}." if rest.strip() else first


# --- citizens: services and applications ---------------------------------------------------------


@get(
    "/api/v1/tiles/{tile_id:int}/application-service",
    tags=["applications"],
    summary="The form of an application tile",
)
async def service_of_tile(
    tile_id: FromPath[int],
    principal: NamedDependency[Principal],
    identity: NamedDependency[Identity],
    resources: NamedDependency[Resources],
    applications: NamedDependency[Applications],
) -> ServiceView:
    citizen_id = _me(principal)
    service = await applications.open_service(tile_id)
    applicant = await queries.applicant(resources.pool, citizen_id)
    assert applicant is not None
    national_id = identity.cipher.decrypt(
        applicant["national_id_key_id"], applicant["national_id_ciphertext"]
    )
    prefilled = Prefilled(
        name_th=applicant["name_th"],
        name_en=applicant["name_en"],
        national_id_masked=mask_national_id(national_id),
        birthdate=applicant["birthdate"],
    )
    return _service_view(service, prefilled)


@post("/api/v1/applications", tags=["applications"], summary="Start (or reopen) a draft application")
async def start_application(
    data: Annotated[NewApplication, msgspec.Meta()],
    principal: NamedDependency[Principal],
    applications: NamedDependency[Applications],
) -> Response[ApplicationView]:
    citizen_id = _me(principal)
    application_id, created = await applications.start(citizen_id, data.service_id)
    row = await applications.citizens_application(citizen_id, application_id)
    view = await _application_view(applications, row, "citizen")
    return Response(view, status_code=HTTP_201_CREATED if created else HTTP_200_OK)


@get(
    "/api/v1/applications", tags=["applications"], summary="The citizen's applications, latest activity first"
)
async def my_applications(
    principal: NamedDependency[Principal], applications: NamedDependency[Applications]
) -> list[ApplicationSummary]:
    rows = await queries.applications_of_citizen(applications.pool, _me(principal), _MAX_LISTED)
    return [msgspec.convert(row, ApplicationSummary) for row in rows]


@get(
    "/api/v1/applications/{application_id:uuid}",
    tags=["applications"],
    summary="One application with its timeline",
)
async def my_application(
    application_id: FromPath[uuid.UUID],
    principal: NamedDependency[Principal],
    applications: NamedDependency[Applications],
) -> ApplicationView:
    return await _citizens_view(applications, _me(principal), str(application_id))


@put(
    "/api/v1/applications/{application_id:uuid}/answers",
    tags=["applications"],
    summary="Save the draft's answers (as the citizen types)",
)
async def save_answers(
    application_id: FromPath[uuid.UUID],
    data: Annotated[Answers, msgspec.Meta()],
    principal: NamedDependency[Principal],
    applications: NamedDependency[Applications],
) -> Saved:
    saved_at = await applications.save_draft(_me(principal), str(application_id), data.answers)
    return Saved(saved_at=saved_at)


@post(
    "/api/v1/applications/{application_id:uuid}/files",
    tags=["applications"],
    summary="Upload a file for one of the form's file fields (PDF, JPEG or PNG, at most 5 MB)",
    status_code=HTTP_201_CREATED,
    request_max_body_size=_UPLOAD_BODY_BYTES,
)
async def upload_file(
    application_id: FromPath[uuid.UUID],
    data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)],
    principal: NamedDependency[Principal],
    applications: NamedDependency[Applications],
    identity: NamedDependency[Identity],
) -> FileView:
    citizen_id = _me(principal)
    field, upload = data.get("field"), data.get("file")
    if not isinstance(field, str) or not isinstance(upload, UploadFile):
        raise BadRequest("Send multipart/form-data with a 'field' (the form field's name) and a 'file'.")
    settings = identity.settings
    await identity.limiter.take(upload_bucket(settings), citizen_id, UPLOADS_RATE_LIMITED)
    content = await upload.read(MAX_UPLOAD_BYTES + 1)
    name, quota = upload.filename or "", UploadQuota.from_settings(settings)
    row = await applications.add_file(citizen_id, str(application_id), field, name, content, quota)
    return msgspec.convert(row, FileView)


@get(
    "/api/v1/applications/{application_id:uuid}/files/{file_id:uuid}",
    tags=["applications"],
    summary="One of the application's files (the applicant's own)",
)
async def my_file(
    application_id: FromPath[uuid.UUID],
    file_id: FromPath[uuid.UUID],
    principal: NamedDependency[Principal],
    applications: NamedDependency[Applications],
) -> Response[bytes]:
    await applications.citizens_application(_me(principal), str(application_id))
    row, content = await applications.file_for(str(application_id), str(file_id))
    return _file_response(row, content, inline=False)


@delete(
    "/api/v1/applications/{application_id:uuid}/files/{file_id:uuid}",
    tags=["applications"],
    summary="Remove a file from a draft",
    status_code=HTTP_204_NO_CONTENT,
)
async def remove_file(
    application_id: FromPath[uuid.UUID],
    file_id: FromPath[uuid.UUID],
    principal: NamedDependency[Principal],
    applications: NamedDependency[Applications],
) -> None:
    await applications.remove_file(_me(principal), str(application_id), str(file_id))


@post(
    "/api/v1/applications/{application_id:uuid}/submit",
    tags=["applications"],
    summary="Send the application to the agency",
    status_code=HTTP_200_OK,
)
async def submit_application(
    application_id: FromPath[uuid.UUID],
    principal: NamedDependency[Principal],
    applications: NamedDependency[Applications],
) -> ApplicationView:
    citizen_id = _me(principal)
    await applications.submit(citizen_id, str(application_id))
    return await _citizens_view(applications, citizen_id, str(application_id))


@post(
    "/api/v1/applications/{application_id:uuid}/reply",
    tags=["applications"],
    summary="Answer the agency's request for more information",
    status_code=HTTP_200_OK,
)
async def reply_to_agency(
    application_id: FromPath[uuid.UUID],
    data: Annotated[Reply, msgspec.Meta()],
    principal: NamedDependency[Principal],
    applications: NamedDependency[Applications],
) -> ApplicationView:
    refuse_hidden_text(msgspec.structs.replace(data, answers=None))
    citizen_id = _me(principal)
    await applications.reply(citizen_id, str(application_id), data.message, data.answers)
    return await _citizens_view(applications, citizen_id, str(application_id))


@post(
    "/api/v1/applications/{application_id:uuid}/withdraw",
    tags=["applications"],
    summary="Withdraw a sent application",
    status_code=HTTP_200_OK,
)
async def withdraw_application(
    application_id: FromPath[uuid.UUID],
    principal: NamedDependency[Principal],
    applications: NamedDependency[Applications],
) -> ApplicationView:
    citizen_id = _me(principal)
    await applications.withdraw(citizen_id, str(application_id))
    return await _citizens_view(applications, citizen_id, str(application_id))


# --- agencies -----------------------------------------------------------------------------------


@put(
    "/api/v1/agency/{agency_id:int}/application-services/{code:str}",
    tags=["agency", "applications"],
    summary="Define (or change) an application service: its tile, form, fee and how it is delivered",
)
async def define_service(
    agency_id: FromPath[int],
    code: FromPath[str],
    data: Annotated[ServiceDefinition, msgspec.Meta()],
    principal: NamedDependency[Principal],
    applications: NamedDependency[Applications],
) -> ServiceView:
    require_agency_permission(principal, agency_id, "tiles")
    refuse_hidden_text(data)
    check_form(data.form)
    pool = applications.pool
    if not _SERVICE_CODE.fullmatch(code):
        raise InvalidInput(
            errors=[FieldError(field="code", message="lower-case letters, digits and '-', 2 to 40")]
        )
    owner = await queries.tile_owner_and_kind(pool, data.tile_id)
    if owner is None or owner[0] != agency_id:
        raise InvalidInput(errors=[FieldError(field="tile_id", message="is not a tile of this agency")])
    if owner[1] != "application":
        raise InvalidInput(
            errors=[FieldError(field="tile_id", message="is not a tile of kind 'application'")]
        )
    if data.fee_satang is not None and data.biller_id is None:
        raise InvalidInput(
            errors=[FieldError(field="biller_id", message="a fee needs the biller ID it is paid to")]
        )
    if data.biller_id is not None and await payment_queries.biller_owner(pool, data.biller_id) != agency_id:
        raise InvalidInput(
            errors=[FieldError(field="biller_id", message="is not a biller ID of this agency")]
        )
    if (data.delivery == "connector") != (data.connector_id is not None):
        raise InvalidInput(
            errors=[
                FieldError(field="connector_id", message="is needed exactly when delivery is 'connector'")
            ]
        )
    if data.connector_id is not None and data.connector_id not in {
        row["id"] for row in await connector_queries.agency_connectors(pool, agency_id)
    }:
        raise InvalidInput(
            errors=[FieldError(field="connector_id", message="is not a connector of this agency")]
        )
    fields = {**msgspec.structs.asdict(data), "code": code, "form": msgspec.to_builtins(data.form)}
    try:
        service_id = await queries.upsert_service(pool, agency_id, fields, principal.citizen_id)
    except asyncpg.UniqueViolationError as exc:
        raise Conflict("That tile already has an application service.") from exc
    service = await queries.service(pool, service_id)
    assert service is not None
    return _service_view(service)


@get(
    "/api/v1/agency/{agency_id:int}/application-services",
    tags=["agency", "applications"],
    summary="The agency's application services",
)
async def agency_services(
    agency_id: FromPath[int],
    principal: NamedDependency[Principal],
    applications: NamedDependency[Applications],
) -> list[ServiceView]:
    if not may_act_for_agency(principal, agency_id, "applications"):
        require_agency_permission(principal, agency_id, "tiles")
    return [_service_view(row) for row in await queries.agency_services(applications.pool, agency_id)]


@get(
    "/api/v1/agency/{agency_id:int}/applications",
    tags=["agency", "applications"],
    summary="Applications sent to the agency, newest first (filter by state; page with 'before')",
)
async def agency_applications(
    agency_id: FromPath[int],
    principal: NamedDependency[Principal],
    applications: NamedDependency[Applications],
    in_state: Annotated[ApplicationState | None, QueryParameter(name="state")] = None,
    before: Annotated[
        dt.datetime | None, QueryParameter(description="submitted_at of the last one shown")
    ] = None,
) -> list[AgencyApplicationItem]:
    require_agency_permission(principal, agency_id, "applications")
    rows = await queries.applications_of_agency(applications.pool, agency_id, in_state, before, _MAX_LISTED)
    return [msgspec.convert(row, AgencyApplicationItem) for row in rows]


@get(
    "/api/v1/agency/{agency_id:int}/applications/{application_id:uuid}",
    tags=["agency", "applications"],
    summary="One application with the applicant, answers, files and timeline (recorded for the citizen)",
)
async def agency_application(
    agency_id: FromPath[int],
    application_id: FromPath[uuid.UUID],
    principal: NamedDependency[Principal],
    identity: NamedDependency[Identity],
    applications: NamedDependency[Applications],
) -> ApplicationView:
    require_agency_permission(principal, agency_id, "applications")
    row = await applications.agencys_application(agency_id, str(application_id))
    person = await queries.applicant(applications.pool, row["citizen_id"])
    assert person is not None
    applicant = Applicant(
        name_th=person["name_th"],
        name_en=person["name_en"],
        national_id=identity.cipher.decrypt(person["national_id_key_id"], person["national_id_ciphertext"]),
        birthdate=person["birthdate"],
    )
    await applications.record_agency_look(
        row, _actor(principal), "Opened", ["name", "national ID", "answers"]
    )
    return await _application_view(applications, row, "agency", applicant)


@get(
    "/api/v1/agency/{agency_id:int}/applications/{application_id:uuid}/files/{file_id:uuid}",
    tags=["agency", "applications"],
    summary="A file of an application sent to the agency (recorded for the citizen)",
)
async def agency_file(
    agency_id: FromPath[int],
    application_id: FromPath[uuid.UUID],
    file_id: FromPath[uuid.UUID],
    principal: NamedDependency[Principal],
    applications: NamedDependency[Applications],
) -> Response[bytes]:
    require_agency_permission(principal, agency_id, "applications")
    row = await applications.agencys_application(agency_id, str(application_id))
    file_row, content = await applications.file_for(str(application_id), str(file_id))
    await applications.record_agency_look(row, _actor(principal), "Downloaded a file", [file_row["field"]])
    return _file_response(file_row, content, inline=False)


@post(
    "/api/v1/agency/{agency_id:int}/applications/{application_id:uuid}/status",
    tags=["agency", "applications"],
    summary="Move an application on (also the status callback for agencies taking them by connector)",
    status_code=HTTP_200_OK,
)
async def change_status(
    agency_id: FromPath[int],
    application_id: FromPath[uuid.UUID],
    data: Annotated[StatusChange, msgspec.Meta()],
    principal: NamedDependency[Principal],
    applications: NamedDependency[Applications],
) -> ApplicationView:
    require_agency_permission(principal, agency_id, "applications")
    refuse_hidden_text(data)
    await applications.agency_move(
        agency_id,
        str(application_id),
        data.state,
        note=data.note,
        fee_satang=data.fee_satang,
        actor=_actor(principal),
    )
    return await _application_view(
        applications, await applications.agencys_application(agency_id, str(application_id)), "agency"
    )


@post(
    "/api/v1/agency/{agency_id:int}/applications/{application_id:uuid}/document",
    tags=["agency", "applications"],
    summary="Issue the document into the citizen's wallet (rendered and signed by the platform)",
    status_code=HTTP_201_CREATED,
)
async def issue_document(
    agency_id: FromPath[int],
    application_id: FromPath[uuid.UUID],
    data: Annotated[NewDocument, msgspec.Meta()],
    principal: NamedDependency[Principal],
    applications: NamedDependency[Applications],
) -> DocumentView:
    require_agency_permission(principal, agency_id, "applications")
    refuse_hidden_text(data)
    document_id = await applications.issue_document(
        agency_id,
        str(application_id),
        title_th=data.title_th,
        title_en=data.title_en,
        details=[(line.label_th, line.label_en, line.value) for line in data.details],
        actor=_actor(principal),
    )
    row = await queries.document(applications.pool, document_id)
    assert row is not None
    return _document_view(row, applications)


@post(
    "/api/v1/agency/{agency_id:int}/applications/{application_id:uuid}/document/file",
    tags=["agency", "applications"],
    summary="Issue the agency's own PDF (multipart: title_th, title_en, file), signed by the platform",
    status_code=HTTP_201_CREATED,
    request_max_body_size=_UPLOAD_BODY_BYTES,
)
async def issue_uploaded_document(
    agency_id: FromPath[int],
    application_id: FromPath[uuid.UUID],
    data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)],
    principal: NamedDependency[Principal],
    applications: NamedDependency[Applications],
) -> DocumentView:
    require_agency_permission(principal, agency_id, "applications")
    upload, title_th, title_en = data.get("file"), data.get("title_th"), data.get("title_en")
    if not (isinstance(title_th, str) and isinstance(title_en, str)):
        raise BadRequest("title_th and title_en are text fields of the form, not files.")
    titles = NewDocument(title_th=title_th, title_en=title_en)
    if not isinstance(upload, UploadFile) or not (
        0 < len(titles.title_th) <= 200 and 0 < len(titles.title_en) <= 200
    ):
        raise BadRequest(
            "Send multipart/form-data with title_th, title_en (1 to 200 characters) and the PDF as file."
        )
    refuse_hidden_text(titles)
    document_id = await applications.issue_document(
        agency_id,
        str(application_id),
        title_th=titles.title_th,
        title_en=titles.title_en,
        details=[],
        actor=_actor(principal),
        uploaded=(upload.filename or "document.pdf", await upload.read(MAX_UPLOAD_BYTES + 1)),
    )
    row = await queries.document(applications.pool, document_id)
    assert row is not None
    return _document_view(row, applications)


# --- the wallet ---------------------------------------------------------------------------------


@get("/api/v1/documents", tags=["documents"], summary="The citizen's documents, newest first")
async def my_documents(
    principal: NamedDependency[Principal], applications: NamedDependency[Applications]
) -> list[DocumentView]:
    rows = await queries.documents_of_citizen(applications.pool, _me(principal))
    return [_document_view(row, applications) for row in rows]


@get("/api/v1/documents/{document_id:uuid}", tags=["documents"], summary="One of the citizen's documents")
async def my_document(
    document_id: FromPath[uuid.UUID],
    principal: NamedDependency[Principal],
    applications: NamedDependency[Applications],
) -> DocumentView:
    return _document_view(
        await applications.citizens_document(_me(principal), str(document_id)), applications
    )


@get("/api/v1/documents/{document_id:uuid}/file", tags=["documents"], summary="The document's file")
async def my_document_file(
    document_id: FromPath[uuid.UUID],
    principal: NamedDependency[Principal],
    applications: NamedDependency[Applications],
) -> Response[bytes]:
    row = await applications.citizens_document(_me(principal), str(document_id))
    content = await applications.document_file(row)
    return _file_response({**row, "file_name": f"{row['verification_code']}.pdf"}, content, inline=True)


@post(
    "/api/v1/documents/{document_id:uuid}/shares",
    tags=["documents"],
    summary="Share the document by a one-time link (and QR code) that expires",
    status_code=HTTP_201_CREATED,
)
async def share_document(
    document_id: FromPath[uuid.UUID],
    data: Annotated[NewShare, msgspec.Meta()],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
    applications: NamedDependency[Applications],
) -> CreatedShare:
    share, token = await applications.share(_me(principal), str(document_id), data.minutes)
    url = f"{resources.settings.public_url}/shared/{token}"
    svg = await qr_image(resources.redis, url, "svg")
    return CreatedShare(share=_share_view(share), url=url, qr_svg=svg.decode())


@get("/api/v1/documents/{document_id:uuid}/shares", tags=["documents"], summary="The document's share links")
async def document_shares(
    document_id: FromPath[uuid.UUID],
    principal: NamedDependency[Principal],
    applications: NamedDependency[Applications],
) -> list[ShareView]:
    await applications.citizens_document(_me(principal), str(document_id))
    return [_share_view(row) for row in await queries.shares(applications.pool, str(document_id))]


@delete(
    "/api/v1/documents/{document_id:uuid}/shares/{share_id:uuid}",
    tags=["documents"],
    summary="Withdraw a share link that was not opened yet",
    status_code=HTTP_204_NO_CONTENT,
)
async def withdraw_share(
    document_id: FromPath[uuid.UUID],
    share_id: FromPath[uuid.UUID],
    principal: NamedDependency[Principal],
    applications: NamedDependency[Applications],
) -> None:
    await applications.citizens_document(_me(principal), str(document_id))
    async with applications.pool.acquire() as connection:
        if not await queries.revoke_share(connection, str(document_id), str(share_id)):
            raise NotFound("No share link waiting to be opened has that id.")


# --- anyone: shared links and verification --------------------------------------------------------


@post(
    "/api/v1/shared/{token:str}/open",
    tags=["documents"],
    summary="Open a shared document (uses the one-time link up)",
    status_code=HTTP_200_OK,
)
async def open_shared(token: FromPath[str], applications: NamedDependency[Applications]) -> SharedDocument:
    if len(token) > 100:
        raise NotFound("This link is not valid.")
    document, view_token = await applications.open_share(token)
    return msgspec.convert(
        {
            **document,
            "verification_url": applications.verification_url(document["verification_code"]),
            "genuine": applications.is_genuine(document),
            "file_url": f"/api/v1/shared/files/{view_token}",
            "file_expires_in_seconds": SHARE_VIEW_MINUTES * 60,
        },
        SharedDocument,
    )


@get(
    "/api/v1/shared/files/{view_token:str}",
    tags=["documents"],
    summary="The file of a shared document just opened",
)
async def shared_file(
    view_token: FromPath[str], applications: NamedDependency[Applications]
) -> Response[bytes]:
    if len(view_token) > 100:
        raise NotFound("This viewing link has ended; open the shared link again.")
    document, content = await applications.shared_file(view_token)
    return _file_response(
        {**document, "file_name": f"{document['verification_code']}.pdf"}, content, inline=True
    )


@get(
    "/api/v1/documents/signing-keys",
    tags=["documents"],
    summary="The platform's document signing keys (JWKS)",
)
async def signing_keys(applications: NamedDependency[Applications]) -> dict[str, list[dict[str, str]]]:
    return applications.signer.jwks()


async def _by_code(applications: Applications, code: str) -> dict[str, Any]:
    found = await queries.document_by_code(applications.pool, code.upper()) if len(code) == 16 else None
    if found is None:
        raise NotFound("No document has this verification code.")
    return found


@get(
    "/api/v1/documents/verify/{code:str}",
    tags=["documents"],
    summary="Anyone: is the document with this verification code genuine?",
)
async def verify_document(code: FromPath[str], applications: NamedDependency[Applications]) -> Verification:
    found = await _by_code(applications, code)
    signed = statement(
        code=found["verification_code"],
        sha256=found["sha256"],
        issuer=found["issuer_code"],
        issued_at=found["issued_at"],
    )
    return Verification(
        genuine=applications.is_genuine(found),
        revoked=found["revoked_at"] is not None,
        title_th=found["title_th"],
        title_en=found["title_en"],
        agency_name_th=found["agency_name_th"],
        agency_name_en=found["agency_name_en"],
        issuer_code=found["issuer_code"],
        holder_name_th=_short_name(found["holder_name_th"]),
        holder_name_en=_short_name(found["holder_name_en"]),
        issued_at=found["issued_at"],
        sha256=found["sha256"],
        algorithm="Ed25519",
        signing_key_id=found["signing_key_id"],
        signature=base64.urlsafe_b64encode(bytes(found["signature"])).rstrip(b"=").decode(),
        statement=signed.decode(),
        keys_url="/api/v1/documents/signing-keys",
    )


@post(
    "/api/v1/documents/verify/{code:str}",
    tags=["documents"],
    summary="Anyone: is this copy (the file's bytes as the body) exactly the document that was signed?",
    status_code=HTTP_200_OK,
    request_max_body_size=_UPLOAD_BODY_BYTES,
)
async def verify_copy(
    code: FromPath[str], request: Request[Any, Any, Any], applications: NamedDependency[Applications]
) -> CopyCheck:
    found = await _by_code(applications, code)
    body = await request.body()
    digest = hashlib.sha256(body).hexdigest()
    return CopyCheck(
        genuine=applications.is_genuine(found, digest), sha256=digest, expected_sha256=found["sha256"]
    )


# --- support ------------------------------------------------------------------------------------


@get(
    "/api/v1/support/citizens/{citizen_id:uuid}/applications",
    tags=["support"],
    summary="A citizen's applications with their files and timelines (recorded for the citizen)",
)
async def support_applications(
    citizen_id: FromPath[uuid.UUID],
    principal: NamedDependency[Principal],
    identity: NamedDependency[Identity],
    resources: NamedDependency[Resources],
    applications: NamedDependency[Applications],
) -> list[SupportApplication]:
    staff_id = require_support_staff(principal)
    found = await look_up_citizen(
        resources, identity, str(citizen_id), staff_id=staff_id,
        purpose="Support looked at your applications", fields=["applications", "file names", "timelines"],
    )  # fmt: skip
    rows = await queries.applications_of_citizen(resources.pool, found.citizen_id, _MAX_LISTED)
    return [
        msgspec.convert(
            {
                **row,
                "files": await queries.files(resources.pool, row["id"]),
                "events": [
                    msgspec.convert(event, EventView)
                    for event in await queries.events(resources.pool, row["id"])
                ],
            },
            SupportApplication,
        )
        for row in rows
    ]


@get(
    "/api/v1/support/applications/{application_id:uuid}/files/{file_id:uuid}",
    tags=["support"],
    summary="A file of a citizen's application (recorded for the citizen)",
)
async def support_file(
    application_id: FromPath[uuid.UUID],
    file_id: FromPath[uuid.UUID],
    principal: NamedDependency[Principal],
    identity: NamedDependency[Identity],
    resources: NamedDependency[Resources],
    applications: NamedDependency[Applications],
) -> Response[bytes]:
    staff_id = require_support_staff(principal)
    found = await queries.application(resources.pool, str(application_id))
    if found is None:
        raise NotFound("No such application.")
    file_row, content = await applications.file_for(str(application_id), str(file_id))
    await look_up_citizen(
        resources, identity, found["citizen_id"], staff_id=staff_id,
        purpose=f"Support opened a file of your application {found['tracking_number']}",
        fields=[file_row["field"]],
    )  # fmt: skip
    return _file_response(file_row, content, inline=False)


APPLICATION_ROUTES = [
    service_of_tile, start_application, my_applications, my_application, save_answers, upload_file, my_file,
    remove_file, submit_application, reply_to_agency, withdraw_application,
    define_service, agency_services, agency_applications, agency_application, agency_file, change_status,
    issue_document, issue_uploaded_document,
    my_documents, my_document, my_document_file, share_document, document_shares, withdraw_share,
    open_shared, shared_file, signing_keys, verify_document, verify_copy,
    support_applications, support_file,
]  # fmt: skip
