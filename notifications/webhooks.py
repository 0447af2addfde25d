"""A single message's final delivery status, told to the sending agency's webhook (signed, retried
and recorded exactly like the payment events on the same webhook)."""

from __future__ import annotations

from backend.agencies.webhooks import RETRY_DELAYS, deliver_agency_event
from backend.core.tasks import TaskContext, task_handler
from notifications import queries
from notifications.service import STATUS_WEBHOOK_TASK


@task_handler(STATUS_WEBHOOK_TASK, retry_delays=RETRY_DELAYS)
async def deliver_status_webhook(ctx: TaskContext, notification_id: str) -> None:
    event = await queries.status_event(ctx.connection, notification_id)
    if event is None:
        return
    agency_id = event.pop("agency_id")
    await deliver_agency_event(
        ctx,
        agency_id,
        "notification.status",
        f"notification.status:{notification_id}:{event['status']}",
        event,
        notification_id=notification_id,
    )
