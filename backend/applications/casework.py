"""The agency's side of applications: defining its application services, and its case officers (or its
system, by connector) listing, opening and moving applications on, asking a fee and issuing the document.

- Moves go through ``states.change_state`` with the row locked first, so two officers acting at once give
  one change, not two.
- A fee is a bill issued to the applicant (payments feature); its payment moves the application to paid
  (``states.move_on_payment``).
- Every look at a citizen's application by the agency is written to their "who accessed my data" log.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import uuid

import asyncpg
import msgspec

from backend.applications import documents, queries
from backend.applications.context import Actor, Applications, Download, Upload
from backend.applications.documents_queries import insert_document
from backend.applications.files import MAX_UPLOAD_BYTES
from backend.applications.forms import check_form
from backend.applications.on_behalf import on_behalf_of
from backend.applications.rows import ApplicationRow
from backend.applications.schemas import (
    AgencyApplicationItem,
    Applicant,
    ApplicationView,
    DocumentView,
    NewDocument,
    ServiceDefinition,
    ServiceView,
    StatusChange,
)
from backend.applications.service import MAX_LISTED, application_view, service_view, stored_file
from backend.applications.states import change_state
from backend.connectors import queries as connector_queries
from backend.connectors.access_log import ANSWERS, ATTACHED_FILE, NAME, NATIONAL_ID, record_access
from backend.connectors.schemas import Said
from backend.core.db import Connection
from backend.core.errors import Conflict, NotFound, invalid
from backend.core.principal import Principal
from backend.core.tasks import unit_of_work
from payments import queries as payment_queries
from payments.rows import BillRecord
from payments.staff_service import cancel_unpaid_bill

_SERVICE_CODE = re.compile(r"[a-z][a-z0-9-]{1,39}")  # as the application_services.code CHECK
FEE_DUE_DAYS = 30


# --- application services ---------------------------------------------------------------------


async def define_service(
    applications: Applications, principal: Principal, agency_id: int, code: str, data: ServiceDefinition
) -> ServiceView:
    """Define (or change) a service: its tile, form, fee and how it is delivered."""
    check_form(data.form)
    pool = applications.pool
    if not _SERVICE_CODE.fullmatch(code):
        raise invalid("code", "lower-case letters, digits and '-', 2 to 40")
    owner = await queries.tile_owner_and_kind(pool, data.tile_id)
    if owner is None or owner[0] != agency_id:
        raise invalid("tile_id", "is not a tile of this agency")
    if owner[1] != "application":
        raise invalid("tile_id", "is not a tile of kind 'application'")
    if data.fee_satang is not None and data.biller_id is None:
        raise invalid("biller_id", "a fee needs the biller ID it is paid to")
    if data.biller_id is not None and await payment_queries.biller_owner(pool, data.biller_id) != agency_id:
        raise invalid("biller_id", "is not a biller ID of this agency")
    if (data.delivery == "connector") != (data.connector_id is not None):
        raise invalid("connector_id", "is needed exactly when delivery is 'connector'")
    if data.connector_id is not None and data.connector_id not in {
        row.id for row in await connector_queries.connectors_of(pool, agency_id)
    }:
        raise invalid("connector_id", "is not a connector of this agency")
    try:
        service_id = await queries.upsert_service(pool, agency_id, code, data, principal.citizen_id)
    except asyncpg.UniqueViolationError as exc:
        raise Conflict("That tile already has an application service.") from exc
    service = await queries.service(pool, service_id)
    assert service is not None
    return service_view(service)


async def agency_services(applications: Applications, agency_id: int) -> list[ServiceView]:
    return [service_view(row) for row in await queries.agency_services(applications.pool, agency_id)]


# --- case officers ----------------------------------------------------------------------------


async def agency_applications(
    applications: Applications, agency_id: int, state: str | None, before: dt.datetime | None
) -> list[AgencyApplicationItem]:
    rows = await queries.applications_of_agency(applications.pool, agency_id, state, before, MAX_LISTED)
    return [msgspec.convert(row, AgencyApplicationItem, from_attributes=True) for row in rows]


async def _agencys_application(
    applications: Applications, agency_id: int, application_id: uuid.UUID
) -> ApplicationRow:
    found = await queries.application(applications.pool, application_id)
    if found is None or found.agency_id != agency_id or found.state in ("draft", "discarded"):
        raise NotFound("No such application.")
    return found


_OPENED = Said("หน่วยงานเปิดดูคำขอ", "Opened")
_DOWNLOADED = Said("หน่วยงานดาวน์โหลดไฟล์ในคำขอ", "Downloaded a file")


async def _record_look(
    applications: Applications, found: ApplicationRow, actor: Actor, what: Said, fields: list[Said]
) -> None:
    await record_access(
        applications.pool,
        citizen_id=found.citizen_id,
        agency_id=found.agency_id,
        connector_id=None,
        kind="staff_lookup",
        actor_kind="staff" if actor.staff_id else "system",
        actor_id=actor.recorded_as,
        purpose=Said(
            f"{what.th} {found.tracking_number} ({found.title_th})",
            f"{what.en}: application {found.tracking_number} ({found.title_en})",
        ),
        fields=fields,
        outcome="ok",
        detail=None,
    )


async def open_application(
    applications: Applications, principal: Principal, agency_id: int, application_id: uuid.UUID
) -> ApplicationView:
    """One application with the applicant, answers, files and timeline (recorded for the citizen)."""
    actor = Actor.of(principal)
    row = await _agencys_application(applications, agency_id, application_id)
    person = await queries.applicant(applications.pool, row.citizen_id)
    assert person is not None
    applicant = Applicant(
        name_th=person.name_th,
        name_en=person.name_en,
        national_id=applications.cipher.decrypt(person.national_id_key_id, person.national_id_ciphertext),
        birthdate=person.birthdate,
    )
    await _record_look(applications, row, actor, _OPENED, [NAME, NATIONAL_ID, ANSWERS])
    view = await application_view(applications, row, "agency", applicant)
    view.on_behalf = await on_behalf_of(applications.pool, applications.cipher, application_id)
    return view


async def agency_file(
    applications: Applications,
    principal: Principal,
    agency_id: int,
    application_id: uuid.UUID,
    file_id: uuid.UUID,
) -> Download:
    actor = Actor.of(principal)
    row = await _agencys_application(applications, agency_id, application_id)
    _, download = await stored_file(applications, application_id, file_id)
    await _record_look(applications, row, actor, _DOWNLOADED, [ATTACHED_FILE])
    return download


async def move(
    applications: Applications,
    principal: Principal,
    agency_id: int,
    application_id: uuid.UUID,
    data: StatusChange,
) -> ApplicationView:
    """Move the application on (also what an agency taking applications by connector calls back)."""
    actor = Actor.of(principal)
    to_state = data.state
    found = await _agencys_application(applications, agency_id, application_id)
    if to_state in ("more_information_requested", "rejected") and not (data.note or "").strip():
        raise invalid(
            "note",
            "tell the applicant what is needed or why",
            detail="Tell the applicant what is needed, or why not.",
        )
    async with unit_of_work(applications.pool, applications.queue) as work:
        locked = await queries.lock_application(work.connection, application_id)
        assert locked is not None
        if to_state == "fee_due":
            await _issue_fee(work.connection, locked, data.fee_satang, actor)
        if to_state == "closed" and locked.state == "fee_due" and locked.bill_id:
            await cancel_unpaid_bill(
                work.connection, agency_id, locked.bill_id, "The agency closed the application."
            )
        await change_state(
            work, application_id, to_state, "agency", actor.recorded_as, data.note, expect=found.state
        )
    return await application_view(
        applications, await _agencys_application(applications, agency_id, application_id), "agency"
    )


async def _issue_fee(
    connection: Connection, application: ApplicationRow, fee_satang: int | None, actor: Actor
) -> None:
    service = await queries.service(connection, application.service_id)
    assert service is not None
    amount = fee_satang or service.fee_satang
    if amount is None:
        raise invalid("fee_satang", "this service has no fee: name one")
    if service.biller_id is None:
        raise Conflict("This service has no biller ID to collect a fee with (the agency sets one).")
    applicant = await queries.applicant(connection, application.citizen_id)
    assert applicant is not None
    key = f"application-fee:{application.id}"
    number = application.tracking_number
    fee = BillRecord(
        agency_id=application.agency_id,
        national_id_hash=applicant.national_id_hash,
        amount_satang=amount,
        due_date=dt.date.today() + dt.timedelta(days=FEE_DUE_DAYS),
        biller_id=service.biller_id,
        ref1=number,
        ref2=None,
        description_th=f"ค่าธรรมเนียม {application.title_th} ({number})"[:300],
        description_en=f"Fee: {application.title_en} ({number})"[:300],
        idempotency_key=key,
        request_hash=hashlib.sha256(key.encode()).digest(),
        issued_by_client=actor.client_id,
        issued_by=actor.staff_id,
    )
    bill_id = await payment_queries.insert_bill(connection, fee)
    if bill_id is None:
        raise Conflict("A fee was already issued for this application.")
    await queries.set_bill(connection, application.id, bill_id)


async def issue_document(
    applications: Applications,
    principal: Principal,
    agency_id: int,
    application_id: uuid.UUID,
    data: NewDocument,
    file: Upload | None = None,
) -> DocumentView:
    """Signs and stores the document (the agency's own PDF, ``file``, or one rendered by the platform),
    puts it in the citizen's wallet and moves the application to document_issued."""
    actor = Actor.of(principal)
    uploaded = (file.filename or "document.pdf", await file.read(MAX_UPLOAD_BYTES + 1)) if file else None
    found = await _agencys_application(applications, agency_id, application_id)
    if found.state not in ("approved", "paid"):
        raise Conflict(
            "A document is issued once the application is approved (and its fee, if any, is paid)."
        )
    applicant = await queries.applicant(applications.pool, found.citizen_id)
    assert applicant is not None
    new = await documents.prepare(applications, found, applicant, data, actor, uploaded)
    async with unit_of_work(applications.pool, applications.queue) as work:
        locked = await queries.lock_application(work.connection, application_id)
        assert locked is not None
        document_id = await insert_document(work.connection, new)
        await change_state(
            work, application_id, "document_issued", "agency", actor.recorded_as, data.title_en,
            expect=found.state, url=f"/wallet/{document_id}",
        )  # fmt: skip
    return await documents.issued(applications, document_id)
