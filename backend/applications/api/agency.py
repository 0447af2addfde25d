"""Agency staff and systems: the agency's application services, and its case officers (or its system,
which also reports status here when it takes applications by connector) listing, opening and moving
applications on and issuing their documents. Guarded on the routers, for the path's agency: defining a
service needs the ``tiles`` permission, listing services ``tiles`` or ``applications``, the rest
``applications`` (staff whose role carries it, or the agency's system with the scope of that name)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

import msgspec
from litestar import Response, Router, get, post, put
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from backend.applications import casework
from backend.applications.api.http import UPLOAD_BODY_BYTES, file_response
from backend.applications.context import Applications
from backend.applications.schemas import (
    AgencyApplicationItem,
    ApplicationState,
    ApplicationView,
    DocumentUpload,
    DocumentView,
    NewDocument,
    ServiceDefinition,
    ServiceView,
    StatusChange,
)
from backend.core.guards import agency_may, agency_may_any
from backend.core.principal import Principal

AGENCY_PATH = "/api/v1/agency/{agency_id:int}"


# Case officers (``applications``) and tile editors (``tiles``) both need to see the services.
agency_may_see_services = agency_may_any("applications", "tiles")


# --- application services -------------------------------------------------------------------------


@put(
    "/application-services/{code:str}",
    summary="Define (or change) an application service: its tile, form, fee and how it is delivered",
)
async def define_service(
    agency_id: FromPath[int],
    code: FromPath[str],
    data: Annotated[ServiceDefinition, msgspec.Meta()],
    principal: NamedDependency[Principal],
    applications: NamedDependency[Applications],
) -> ServiceView:
    return await casework.define_service(applications, principal, agency_id, code, data)


@get("/application-services", summary="The agency's application services")
async def agency_services(
    agency_id: FromPath[int], applications: NamedDependency[Applications]
) -> list[ServiceView]:
    return await casework.agency_services(applications, agency_id)


# --- case officers --------------------------------------------------------------------------------


@get(
    "/applications",
    summary="Applications sent to the agency, newest first (filter by state; page with 'before')",
)
async def agency_applications(
    agency_id: FromPath[int],
    applications: NamedDependency[Applications],
    in_state: Annotated[ApplicationState | None, QueryParameter(name="state")] = None,
    before: Annotated[
        dt.datetime | None, QueryParameter(description="submitted_at of the last one shown")
    ] = None,
) -> list[AgencyApplicationItem]:
    return await casework.agency_applications(applications, agency_id, in_state, before)


@get(
    "/applications/{application_id:uuid}",
    summary="One application with the applicant, answers, files and timeline (recorded for the citizen)",
)
async def agency_application(
    agency_id: FromPath[int],
    application_id: FromPath[uuid.UUID],
    principal: NamedDependency[Principal],
    applications: NamedDependency[Applications],
) -> ApplicationView:
    return await casework.open_application(applications, principal, agency_id, application_id)


@get(
    "/applications/{application_id:uuid}/files/{file_id:uuid}",
    summary="A file of an application sent to the agency (recorded for the citizen)",
)
async def agency_file(
    agency_id: FromPath[int],
    application_id: FromPath[uuid.UUID],
    file_id: FromPath[uuid.UUID],
    principal: NamedDependency[Principal],
    applications: NamedDependency[Applications],
) -> Response[bytes]:
    download = await casework.agency_file(applications, principal, agency_id, application_id, file_id)
    return file_response(download, inline=False)


@post(
    "/applications/{application_id:uuid}/status",
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
    return await casework.move(applications, principal, agency_id, application_id, data)


@post(
    "/applications/{application_id:uuid}/document",
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
    return await casework.issue_document(applications, principal, agency_id, application_id, data)


@post(
    "/applications/{application_id:uuid}/document/file",
    summary="Issue the agency's own PDF (multipart: title_th, title_en, file), signed by the platform",
    status_code=HTTP_201_CREATED,
    request_max_body_size=UPLOAD_BODY_BYTES,
)
async def issue_uploaded_document(
    agency_id: FromPath[int],
    application_id: FromPath[uuid.UUID],
    data: Annotated[DocumentUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
    principal: NamedDependency[Principal],
    applications: NamedDependency[Applications],
) -> DocumentView:
    titles = NewDocument(title_th=data.title_th, title_en=data.title_en)
    return await casework.issue_document(
        applications, principal, agency_id, application_id, titles, file=data.file
    )


services_router = Router(
    AGENCY_PATH,
    guards=[agency_may("tiles")],
    tags=["agency", "applications"],
    route_handlers=[define_service],
)
services_seen_router = Router(
    AGENCY_PATH,
    guards=[agency_may_see_services],
    tags=["agency", "applications"],
    route_handlers=[agency_services],
)
case_officers_router = Router(
    AGENCY_PATH,
    guards=[agency_may("applications")],
    tags=["agency", "applications"],
    route_handlers=[
        agency_applications, agency_application, agency_file, change_status, issue_document,
        issue_uploaded_document,
    ],
)  # fmt: skip
