"""Proactive service: "you may be eligible", told before the citizen asks.

When a connector's answer shows a citizen newly eligible for a scheme they are not enrolled in, the
connectors feature queues ``NEWLY_ELIGIBLE_TASK`` in the transaction that stores the answer; this
handler writes the inbox message (and its pushes) through the same path agencies' messages take, in
the category ``entitlements`` (which citizens may opt out of), once per time the status begins.
"""

from __future__ import annotations

import structlog

from backend.connectors.entitlements import NEWLY_ELIGIBLE_TASK
from backend.core.tasks import TaskContext, task_handler
from backend.core.text import hidden_character
from notifications import queries
from notifications.service import enqueue_notification

_WEEK_SECONDS = 7 * 86400
_TEXTS = ("scheme_name_th", "scheme_name_en", "how_to_claim_th", "how_to_claim_en")
_log = structlog.get_logger(__name__)


@task_handler(NEWLY_ELIGIBLE_TASK)
async def tell_the_newly_eligible(ctx: TaskContext, ref: str) -> None:
    citizen_id, connector_id, scheme_id = ref.split(":", 2)
    state = await queries.still_eligible(ctx.connection, citizen_id, int(connector_id), scheme_id)
    if state is None:  # no longer eligible, or the consent that let us know was withdrawn
        return
    # Answers are checked as they arrive (backend/connectors/contract.py); a state kept before that
    # rule is not written to anyone's inbox.
    if any(hidden_character(state[name] or "") for name in _TEXTS):
        _log.warning("eligibility_text_refused", connector_id=connector_id, scheme_id=scheme_id)
        return
    await enqueue_notification(
        ctx.work,
        citizen_id=citizen_id,
        agency_id=state["agency_id"],
        category="entitlements",
        template_id=None,
        texts={
            "title_th": f"คุณอาจมีสิทธิ์: {state['scheme_name_th']}",
            "title_en": f"You may be eligible: {state['scheme_name_en']}",
            "body_th": state["how_to_claim_th"] or "ดูรายละเอียดและวิธีขอรับสิทธิ์ได้ในหน้าสิทธิ์ของคุณ",
            "body_en": state["how_to_claim_en"]
            or "See the details and how to claim on your entitlements page.",
        },
        url="/entitlements",
        urgency="normal",
        ttl_seconds=_WEEK_SECONDS,
        # Once per time the status begins: eligible again after a change is worth telling again.
        idempotency_key=f"eligible:{connector_id}:{scheme_id}:{state['status_since'].isoformat()}",
        request_hash=b"you may be eligible",
    )
