"""Applications as their citizen makes them: the form, the draft and its files, sending it, answering the
agency, withdrawing; and what every viewer's picture of an application is made of.

The agency's side is ``casework.py``, support staff's ``lookups.py``, the wallet ``documents.py``, moving
from state to state ``states.py``; what they share (``Applications``, the handlers' dependency) is
``context.py``.
"""

from __future__ import annotations

import asyncio
import uuid

import asyncpg
import msgspec

from backend.applications import files_queries, on_behalf, queries
from backend.applications.context import Applications, Download, Upload, random_code
from backend.applications.files import MAX_UPLOAD_BYTES, CheckedUpload, check_upload
from backend.applications.forms import check_answers, file_fields
from backend.applications.rows import ApplicationRow, ServiceRow
from backend.applications.schemas import (
    MAX_REPLY_FILES,
    Applicant,
    ApplicationSummary,
    ApplicationView,
    DraftCheck,
    FileView,
    Prefilled,
    ServiceView,
)
from backend.applications.states import DELIVER_TASK, ApplicationRef, change_state
from backend.applications.storage import UPLOADS_RATE_LIMITED, UploadQuota, upload_bucket
from backend.core.crypto import mask_national_id
from backend.core.errors import Conflict, FieldError, InvalidInput, NotFound, invalid
from backend.core.principal import Principal, citizen_of
from backend.core.tasks import unit_of_work
from backend.identity.service import Identity

MAX_LISTED = 100
EDITABLE = ("draft", "more_information_requested")


def service_view(row: ServiceRow, prefilled: Prefilled | None = None) -> ServiceView:
    return msgspec.convert({**msgspec.structs.asdict(row), "prefilled": prefilled}, ServiceView)


async def application_view(
    applications: Applications,
    row: ApplicationRow,
    viewer: str,
    applicant: Applicant | None = None,
    *,
    draft: DraftCheck | None = None,
) -> ApplicationView:
    """The application with its fee, files, timeline and the moves ``viewer`` (citizen or agency) may make.
    Files waiting in the citizen's reply form reach the agency with the reply, not before."""
    pool = applications.pool
    files = await files_queries.files(pool, row.id)
    if viewer != "citizen":
        files = [file for file in files if file.field is not None or file.reply_event_id is not None]
    return msgspec.convert(
        {
            **msgspec.structs.asdict(row),
            "draft": draft,
            "bill": await queries.bill_summary(pool, row.bill_id) if row.bill_id else None,
            "files": files,
            "events": await queries.events(pool, row.id),
            "next_states": await queries.next_states(pool, row.state, viewer),
            "applicant": applicant,
        },
        ApplicationView,
    )


async def stored_file(
    applications: Applications, application_id: uuid.UUID, file_id: uuid.UUID
) -> tuple[FileView, Download]:
    row = await files_queries.file(applications.pool, application_id, file_id)
    if row is None:
        raise NotFound("No such file.")
    content = await applications.store.get(row.sha256)
    return row, Download(file_name=row.file_name, content_type=row.content_type, content=content)


def taking_applications(service: ServiceRow | None) -> ServiceRow:
    if service is None or not service.is_published or service.status != "open":
        raise NotFound("This service does not take applications in the app.")
    return service


# --- citizens ---------------------------------------------------------------------------------


async def service_form(applications: Applications, principal: Principal, tile_id: int) -> ServiceView:
    """The form of an application tile, with what the digital ID login already told us (once-only)."""
    citizen_id = citizen_of(principal)
    service = taking_applications(await queries.service_for_tile(applications.pool, tile_id))
    applicant = await queries.applicant(applications.pool, citizen_id)
    assert applicant is not None
    national_id = applications.cipher.decrypt(applicant.national_id_key_id, applicant.national_id_ciphertext)
    prefilled = Prefilled(
        name_th=applicant.name_th,
        name_en=applicant.name_en,
        national_id_masked=mask_national_id(national_id),
        birthdate=applicant.birthdate,
    )
    view = service_view(service, prefilled)
    view.draft_id = await queries.draft_for(applications.pool, citizen_id, service.id)
    return view


async def start(
    applications: Applications, principal: Principal, service_id: int
) -> tuple[ApplicationView, bool]:
    """The draft and whether it was created now: a citizen's existing draft of the service is reopened."""
    citizen_id = citizen_of(principal)
    application_id, created = await _start(applications, citizen_id, service_id)
    return await citizens_view(applications, citizen_id, application_id), created


async def _start(
    applications: Applications, citizen_id: uuid.UUID, service_id: int
) -> tuple[uuid.UUID, bool]:
    pool = applications.pool
    service = taking_applications(await queries.service(pool, service_id))
    existing = await queries.draft_for(pool, citizen_id, service_id)
    if existing is not None:
        return existing, False
    async with pool.acquire() as connection, connection.transaction():
        for _ in range(5):  # a clash of random tracking numbers is rare; try another
            try:
                async with connection.transaction():
                    created = await queries.insert_application(
                        connection,
                        tracking_number="AP" + random_code(10),
                        service_id=service_id,
                        agency_id=service.agency_id,
                        citizen_id=citizen_id,
                    )
            except asyncpg.UniqueViolationError:
                continue
            if created is None:  # a draft was started at the same moment: use it
                again = await queries.draft_for(connection, citizen_id, service_id)
                assert again is not None
                return again, False
            return created, True
    raise Conflict("Could not start the application; please try again.")


async def my_applications(applications: Applications, principal: Principal) -> list[ApplicationSummary]:
    citizen_id = citizen_of(principal)
    rows = await queries.applications_of_citizen(applications.pool, citizen_id, MAX_LISTED)
    return [msgspec.convert(row, ApplicationSummary, from_attributes=True) for row in rows]


async def citizens_application(
    applications: Applications, citizen_id: uuid.UUID, application_id: uuid.UUID
) -> ApplicationRow:
    found = await queries.application(applications.pool, application_id)
    if found is None or found.citizen_id != citizen_id or found.state == "discarded":
        raise NotFound("No such application.")
    return found


async def citizens_view(
    applications: Applications, citizen_id: uuid.UUID, application_id: uuid.UUID
) -> ApplicationView:
    """The application as its applicant sees it now (after a change they made); while they may change
    it, with what stops it being sent."""
    row = await citizens_application(applications, citizen_id, application_id)
    draft = None
    if row.state in EDITABLE:
        service = await queries.service(applications.pool, row.service_id)
        assert service is not None
        problems = await ready_to_send(applications, service, row)
        draft = DraftCheck(invalid_answers=row.invalid_answers, problems=problems)
    return await application_view(applications, row, "citizen", draft=draft)


async def my_application(
    applications: Applications, principal: Principal, application_id: uuid.UUID
) -> ApplicationView:
    return await citizens_view(applications, citizen_of(principal), application_id)


async def upload(
    applications: Applications,
    identity: Identity,
    principal: Principal,
    application_id: uuid.UUID,
    field: str | None,
    file: Upload,
) -> FileView:
    """``field`` None: a file for a reply to the agency. Within the citizen's hourly uploads (refused
    ones count too) and their quota of stored bytes."""
    citizen_id = citizen_of(principal)
    settings = identity.settings
    await identity.limiter.take(upload_bucket(settings), citizen_id, UPLOADS_RATE_LIMITED)
    content = await file.read(MAX_UPLOAD_BYTES + 1)
    name, quota = file.filename or "", UploadQuota.from_settings(settings)
    return await add_file(applications, citizen_id, application_id, field, name, content, quota)


async def add_file(
    applications: Applications,
    citizen_id: uuid.UUID,
    application_id: uuid.UUID,
    field: str | None,
    name: str,
    content: bytes,
    quota: UploadQuota | None = None,
) -> FileView:
    """A file answering one of the form's file questions, or (``field`` None) one for the reply to a
    request for more information; the same checks either way."""
    pool = applications.pool
    found = await citizens_application(applications, citizen_id, application_id)
    if found.state not in EDITABLE:
        raise Conflict("This application was sent; files can no longer be added.")
    if field is None:
        if found.state != "more_information_requested":
            raise Conflict("Files go with a reply only when the agency asks for more information.")
        most = MAX_REPLY_FILES
    else:
        service = await queries.service(pool, found.service_id)
        assert service is not None
        fields = file_fields(service.form)
        if field not in fields:
            raise invalid("field", "is not a file field of this form")
        most = fields[field].max_files
    if quota is not None:  # before the costly check; again under the lock before the insert
        await quota.check(pool, citizen_id, len(content))
    checked: CheckedUpload = await asyncio.to_thread(check_upload, name, content)
    held = await (
        files_queries.count_reply_files(pool, application_id)
        if field is None
        else files_queries.count_files(pool, application_id, field)
    )
    if held >= most:
        raise Conflict(f"This takes at most {most} file(s); remove one first.")
    await applications.store.put(content)
    async with pool.acquire() as connection, connection.transaction():
        if quota is not None:
            await quota.check(connection, citizen_id, checked.size, lock=True)
        return await files_queries.insert_file(connection, application_id, field, checked)


async def my_file(
    applications: Applications, principal: Principal, application_id: uuid.UUID, file_id: uuid.UUID
) -> Download:
    citizen_id = citizen_of(principal)
    await citizens_application(applications, citizen_id, application_id)
    _, download = await stored_file(applications, application_id, file_id)
    return download


async def remove_file(
    applications: Applications, principal: Principal, application_id: uuid.UUID, file_id: uuid.UUID
) -> None:
    citizen_id = citizen_of(principal)
    found = await citizens_application(applications, citizen_id, application_id)
    if found.state not in EDITABLE:
        raise Conflict("This application was sent; its files can no longer be removed.")
    async with applications.pool.acquire() as connection, connection.transaction():
        if not await files_queries.remove_file(connection, application_id, file_id):
            raise NotFound("No such file.")
        answers = {
            name: [item for item in value if item != file_id] if isinstance(value, list) else value
            for name, value in found.answers.items()
        }
        await queries.save_answers(connection, application_id, answers)


async def submit(
    applications: Applications, principal: Principal, application_id: uuid.UUID
) -> ApplicationView:
    citizen_id = citizen_of(principal)
    found = await citizens_application(applications, citizen_id, application_id)
    if found.state != "draft":
        raise Conflict("This application was already sent.")
    service = await queries.service(applications.pool, found.service_id)
    assert service is not None
    if not service.is_published or service.status != "open":
        raise Conflict("This service no longer takes applications.")
    await refuse_unless_ready(
        applications, service, found, "Some answers need attention before the application can be sent."
    )
    async with unit_of_work(applications.pool, applications.queue) as work:
        await change_state(
            work, application_id, "submitted", "citizen", str(citizen_id), None, expect="draft"
        )
        await on_behalf.mark_submitted(work.connection, application_id, principal)
        if service.delivery == "connector":
            await work.add_task(DELIVER_TASK, ApplicationRef(application_id))
    return await citizens_view(applications, citizen_id, application_id)


async def withdraw(
    applications: Applications, principal: Principal, application_id: uuid.UUID
) -> ApplicationView:
    citizen_id = citizen_of(principal)
    found = await citizens_application(applications, citizen_id, application_id)
    if found.state not in ("submitted", "in_review", "more_information_requested"):
        raise Conflict("Only an application that is still being decided can be withdrawn.")
    async with unit_of_work(applications.pool, applications.queue) as work:
        await change_state(
            work, application_id, "closed", "citizen", str(citizen_id), "withdrawn by the applicant",
            expect=found.state,
        )  # fmt: skip
    return await citizens_view(applications, citizen_id, application_id)


async def ready_to_send(
    applications: Applications, service: ServiceRow, found: ApplicationRow
) -> list[FieldError]:
    """What stops the application going to the agency now: every answer it holds, the ones kept back as
    not fitting the form included, checked as complete against the form and its uploaded files."""
    file_ids = {
        str(row.id) for row in await files_queries.files(applications.pool, found.id)
    }  # as answers hold them
    held = {**found.answers, **found.invalid_answers}
    return check_answers(service.form, held, file_ids=file_ids, complete=True)


async def refuse_unless_ready(
    applications: Applications, service: ServiceRow, found: ApplicationRow, refusal: str
) -> None:
    """400 naming each field that stops it being sent."""
    errors = await ready_to_send(applications, service, found)
    if errors:
        raise InvalidInput(refusal, errors=errors)
