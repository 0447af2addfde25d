"""A citizen's way into a service and their draft: the start page anyone may read before logging in,
saving as they type (every answer that fits the form is kept, the others are kept apart as typed and
named, so that nothing typed is lost and nothing unfit reaches the agency), discarding a draft, and
replying to a request for more information with words and files.

Opening a form creates no draft: the first save or upload does (``service.start``), so a citizen who
only looks leaves nothing behind.
"""

from __future__ import annotations

import uuid

import msgspec

from backend.applications import files_queries, queries
from backend.applications.context import Applications
from backend.applications.forms import file_fields, sort_answers
from backend.applications.schemas import ApplicationView, DraftCheck, Reply, Saved, ServiceStart
from backend.applications.service import (
    EDITABLE,
    citizens_application,
    citizens_view,
    ready_to_send,
    refuse_unless_ready,
    taking_applications,
)
from backend.applications.states import change_state
from backend.core.errors import Conflict, FieldError, InvalidInput
from backend.core.jsontypes import JsonObject
from backend.core.principal import Principal, citizen_of
from backend.core.tasks import unit_of_work


async def start_page(applications: Applications, tile_id: int) -> ServiceStart:
    """What the service's start page says, for anyone: the agency's own words and the form's files."""
    service = taking_applications(await queries.service_for_tile(applications.pool, tile_id))
    return msgspec.convert(
        {**msgspec.structs.asdict(service), "files": list(file_fields(service.form).values())},
        ServiceStart,
        from_attributes=True,
    )


async def save_draft(
    applications: Applications, principal: Principal, application_id: uuid.UUID, answers: JsonObject
) -> Saved:
    return await _save_draft(applications, citizen_of(principal), application_id, answers)


async def _save_draft(
    applications: Applications, citizen_id: uuid.UUID, application_id: uuid.UUID, answers: JsonObject
) -> Saved:
    """Saved as the citizen types. A name the form does not have is refused (no person typed it); any
    other answer is kept, in the draft's answers when it fits the form, else apart with its problem."""
    found = await citizens_application(applications, citizen_id, application_id)
    if found.state not in EDITABLE:
        raise Conflict("This application was sent; it can no longer be changed.")
    service = await queries.service(applications.pool, found.service_id)
    assert service is not None
    known = {field.name for field in service.form.fields}
    unknown = [
        FieldError(field=name, message="is not a field of this form") for name in answers if name not in known
    ]
    if unknown:
        raise InvalidInput("Some answers cannot be saved.", errors=unknown)
    file_ids = {str(row.id) for row in await files_queries.files(applications.pool, application_id)}
    valid, invalid, problems = sort_answers(service.form, answers, file_ids=file_ids)
    async with applications.pool.acquire() as connection, connection.transaction():
        locked = await queries.lock_application(connection, application_id)
        assert locked is not None
        if locked.state != found.state:
            raise Conflict("This application changed meanwhile; reload it.")
        saved_at = await queries.save_answers(connection, application_id, valid, invalid)
    now = msgspec.structs.replace(found, answers=valid, invalid_answers=invalid)
    # An answer with a hidden character is kept nowhere: only this answer names its problem.
    hidden = [problem for problem in problems if problem.field not in valid and problem.field not in invalid]
    named = {problem.field for problem in hidden}
    stopping = hidden + [
        problem for problem in await ready_to_send(applications, service, now) if problem.field not in named
    ]
    return Saved(saved_at=saved_at, draft=DraftCheck(invalid_answers=invalid, problems=stopping))


async def discard(applications: Applications, principal: Principal, application_id: uuid.UUID) -> None:
    """The draft goes: its answers forgotten, its files removed, and it leaves the citizen's list. The
    transitions table allows this move from a draft only, and it tells no one (nothing was sent)."""
    citizen_id = citizen_of(principal)
    found = await citizens_application(applications, citizen_id, application_id)
    if found.state != "draft":
        raise Conflict("Only a draft can be discarded; a sent application can be withdrawn.")
    async with applications.pool.acquire() as connection, connection.transaction():
        event_id = await queries.move(
            connection, application_id, from_state="draft", to_state="discarded", actor_kind="citizen",
            actor_id=str(citizen_id), note=None,
        )  # fmt: skip
        if event_id is None:
            raise Conflict("This application changed meanwhile; reload it.")
        await queries.forget_answers(connection, application_id)
        await files_queries.remove_all_files(connection, application_id)


async def reply(
    applications: Applications, principal: Principal, application_id: uuid.UUID, data: Reply
) -> ApplicationView:
    """The citizen's answer to a request for more information: words, the files uploaded for it, and
    any answers changed. It goes back to the agency as complete as it was sent: a reply may change
    answers, not drop them, and every answer must fit the form."""
    citizen_id = citizen_of(principal)
    if data.answers is not None:
        saved = await _save_draft(applications, citizen_id, application_id, data.answers)
        if saved.draft.problems:
            raise InvalidInput("Some answers need attention before you reply.", errors=saved.draft.problems)
    found = await citizens_application(applications, citizen_id, application_id)
    if found.state != "more_information_requested":
        raise Conflict("No information was asked for.")
    service = await queries.service(applications.pool, found.service_id)
    assert service is not None
    await refuse_unless_ready(applications, service, found, "Some answers need attention before you reply.")
    file_ids = list(dict.fromkeys(data.file_ids))
    async with unit_of_work(applications.pool, applications.queue) as work:
        event_id = await change_state(
            work, application_id, "in_review", "citizen", str(citizen_id), data.message, expect=found.state
        )
        attached = await files_queries.attach_to_reply(work.connection, application_id, file_ids, event_id)
        if attached != len(file_ids):
            raise InvalidInput(
                errors=[FieldError(field="file_ids", message="names a file not uploaded for this reply")]
            )
    return await citizens_view(applications, citizen_id, application_id)
