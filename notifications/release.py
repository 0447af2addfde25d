"""Scheduled messages: at their time, routed to the citizen's devices as they are then."""

from __future__ import annotations

from backend.core.tasks import TaskContext, task_handler
from notifications import queries
from notifications.service import RELEASE_TASK, route_notification


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
    )
