"""Task handlers: the agency's payment events (a bill paid, a refund moved), told through its webhook
(``backend.agencies.webhooks``), queued in the transaction that changed the payment. The composition
root (``backend.server.tasks``) registers them for ``WEBHOOK_TASK`` and ``REFUND_WEBHOOK_TASK``."""

from __future__ import annotations

import msgspec

from backend.agencies.webhooks import deliver_agency_event
from backend.core.tasks import TaskContext
from payments import queries, staff_queries
from payments.service import PaymentRef, RefundRef


async def deliver_payment_webhook(ctx: TaskContext, ref: PaymentRef) -> None:
    payment_id = ref.payment_id
    event = await queries.paid_bill_event(ctx.connection, payment_id)
    if event is None:
        return  # not (or no longer) a successful payment: nothing to tell
    fields = msgspec.structs.asdict(event)
    del fields["agency_id"], fields["delegation_id"]
    if event.delegation_id is not None:  # absent when the citizen paid themselves (docs/bank-callbacks.md)
        fields["on_behalf"] = {"kind": "delegate", "delegate_reference": event.delegation_id}
    await deliver_agency_event(
        ctx, event.agency_id, "payment.succeeded", f"payment.succeeded:{payment_id}", fields,
        payment_id=payment_id,
    )  # fmt: skip


async def deliver_refund_webhook(ctx: TaskContext, ref: RefundRef) -> None:
    refund_id = ref.refund_id
    refund = await staff_queries.refund_event(ctx.connection, refund_id)
    if refund is None or refund.agency_id is None:
        return  # money no bill of any agency's was paid with: nobody to tell
    fields = msgspec.structs.asdict(refund)
    del fields["agency_id"]
    event_id = f"refund.updated:{refund_id}:{refund.state}"
    await deliver_agency_event(
        ctx, refund.agency_id, "refund.updated", event_id, fields, payment_id=refund.payment_id
    )
