"""The composition root's wiring of background work and of reactions between features, shared by the
API process and the worker: every kind of task with the handler that runs it (the API queues tasks
and runs none, but tests run them in place on the app's resources), and what runs in another
feature's transaction. Nothing registers itself when imported: a feature's kinds, handlers and hooks
do something only once listed here.
"""

from __future__ import annotations

from backend.applications.signing import DocumentSigner
from backend.applications.states import DELIVER_TASK as APPLICATION_DELIVER_TASK
from backend.applications.states import FEE_PAID, move_on_payment
from backend.applications.tasks import deliver_application
from backend.connectors.entitlements import NEWLY_ELIGIBLE_TASK
from backend.core.keyrings import parse_keyring
from backend.core.tasks import Handles, TaskRegistry, UnitOfWork
from backend.delegation.assisted_end import HOUR_ENDS_TASK, tell_the_hour_ended
from backend.genuine.sealing import MessageSealer
from backend.identity.service import on_login
from backend.programmes.admission import TELL_ADMITTED_TASK, tell_admitted
from backend.settings import Settings
from notifications.campaigns import EXPAND_TASK
from notifications.seals import seal_messages_with
from notifications.service import (
    DELIVER_TASK,
    RELEASE_TASK,
    STATUS_WEBHOOK_TASK,
    KeyAlreadyUsed,
    enqueue_notification,
)
from notifications.tasks import (
    deliver,
    deliver_status_webhook,
    expand_campaign,
    give_held_messages,
    release_scheduled,
    tell_the_newly_eligible,
)
from payments.receipt_message import ReceiptMessage, on_receipt, tell_the_citizen
from payments.service import RECEIPT_MESSAGE_TASK, REFUND_WEBHOOK_TASK, WEBHOOK_TASK, on_bill_paid
from payments.tasks import deliver_payment_webhook, deliver_refund_webhook

TASKS = TaskRegistry(
    Handles(WEBHOOK_TASK, deliver_payment_webhook),
    Handles(REFUND_WEBHOOK_TASK, deliver_refund_webhook),
    Handles(RECEIPT_MESSAGE_TASK, tell_the_citizen),
    Handles(DELIVER_TASK, deliver),
    Handles(EXPAND_TASK, expand_campaign),
    Handles(RELEASE_TASK, release_scheduled),
    Handles(STATUS_WEBHOOK_TASK, deliver_status_webhook),
    Handles(NEWLY_ELIGIBLE_TASK, tell_the_newly_eligible),
    Handles(APPLICATION_DELIVER_TASK, deliver_application),
    Handles(HOUR_ENDS_TASK, tell_the_hour_ended),
    Handles(TELL_ADMITTED_TASK, tell_admitted),
)


def wire_features(settings: Settings) -> None:
    """What runs inside another feature's transaction (each hook keeps a listener once, so calling
    this again, as each app a test builds does, changes nothing)."""
    # every message is sealed with a verification code as it is written
    seal_messages_with(MessageSealer(DocumentSigner(parse_keyring(settings.document_signing_keys))))
    on_bill_paid(FEE_PAID, move_on_payment)  # a paid fee moves its application on as it settles
    on_receipt(receipt_to_inbox)  # a settled payment's receipt reaches the citizen's inbox
    on_login(give_held_messages)  # messages held for a national ID reach its first login


async def receipt_to_inbox(work: UnitOfWork, message: ReceiptMessage) -> None:
    """A settled payment's receipt as an inbox message and a push, in the task the settlement queued."""
    try:
        await enqueue_notification(
            work,
            citizen_id=message.citizen_id,
            agency_id=message.agency_id,
            category="payments",
            template_id=None,
            texts=message.texts,
            url=message.url,
            urgency="high",  # about the citizen's own money: never held back
            ttl_seconds=7 * 86400,
            idempotency_key=message.idempotency_key,
            request_hash=b"payment receipt",
            from_platform=True,  # the platform's own word that this is the citizen's money
        )
    except KeyAlreadyUsed:
        return  # the payment's message is written once, by its key
