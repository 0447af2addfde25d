"""Messages released later: a scheduled one at its time, routed to the citizen's devices as they are
then; one held for a national ID that had not used the app, at that citizen's first login."""

from __future__ import annotations

import structlog

from backend.core.db import Connection
from backend.core.tasks import TaskContext, task_handler
from backend.identity.service import on_login
from notifications import queries
from notifications.service import RELEASE_TASK, route_notification

_log = structlog.get_logger(__name__)


@task_handler(RELEASE_TASK)
async def release_scheduled(ctx: TaskContext, notification_id: str) -> None:
    message = await queries.notification_for_release(ctx.connection, notification_id)
    if message is None or message["routed"] or message["status"] != "created":
        return  # gone, or already routed by an earlier run of this task
    await route_notification(
        ctx.work,
        notification_id,
        message["citizen_id"],
        message["agency_id"],
        message["category"],
        message["urgency"],
        from_platform=message["from_platform"],
    )


@on_login
async def give_held_messages(connection: Connection, citizen_id: str, national_id_hash: bytes) -> None:
    """Held messages go straight into the inbox: their status already says what a citizen without
    devices gets, which a first login is; a scheduled one is still routed at its time."""
    await queries.lock_national_id(connection, national_id_hash)  # see send_to_citizen
    if given := await queries.give_held(connection, citizen_id, national_id_hash):
        _log.info("held_messages_given", citizen_id=citizen_id, messages=given)
