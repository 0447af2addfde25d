"""The platform as a sender of its own: notices only the platform writes (a delegate's step, a change to
a grant), from the one ``agencies`` row marked ``is_platform`` (migration 0035), shown as "ทางรัฐ" /
"Thang Rat (the platform)" wherever a sender is named. They take the path every message takes
(``enqueue_notification``: the inbox row and its genuine code, then one delivery task per device after
commit), in the caller's transaction."""

from __future__ import annotations

import hashlib
import uuid

from backend.core.db import Db
from backend.core.tasks import UnitOfWork
from notifications.schemas import Urgency
from notifications.service import KeyAlreadyUsed, enqueue_notification

DELEGATION_CATEGORY = "delegation"
"""The category of notices about acting for someone (named in ``categories.CATEGORY_NAMES``)."""
PLATFORM_NAME = ("ทางรัฐ", "Thang Rat (the platform)")
"""As migration 0035 names the sender row (Thai, English)."""
_TTL_SECONDS = 7 * 86400


async def platform_sender_id(db: Db) -> int:
    """The platform's own sender row: one, made by migration 0035, and made again here if it is
    missing (a database emptied of its agencies, as tests do), so a notice never fails for want of it."""
    sender_id: int | None = await db.fetchval("SELECT id FROM agencies WHERE is_platform")
    if sender_id is None:
        await db.execute(
            "INSERT INTO agencies (code, name_th, name_en, status, is_platform)"
            " VALUES ('platform', $1, $2, 'approved', true) ON CONFLICT DO NOTHING",
            PLATFORM_NAME[0],
            PLATFORM_NAME[1],
        )
        sender_id = await db.fetchval("SELECT id FROM agencies WHERE is_platform")
    assert sender_id is not None, "an agency already has the code 'platform'"
    return sender_id


async def send_from_platform(
    work: UnitOfWork,
    *,
    citizen_id: uuid.UUID,
    category: str,
    texts: dict[str, str],
    url: str | None,
    idempotency_key: str,
    urgency: Urgency = "normal",
    ttl_seconds: int = _TTL_SECONDS,
) -> uuid.UUID | None:
    """The notice's id, or None when one with this key was already written to this citizen (a retried
    step writes no second notice). The key is the platform's own, so it never meets an agency's.
    ``ttl_seconds``: how long a push service keeps trying a phone that is off (a notice of a time that
    passes should not arrive after it)."""
    connection = work.connection
    sender_id = await platform_sender_id(connection)
    try:  # the key's claim is enqueue_notification's first step: nothing is written before it
        return await enqueue_notification(
            work,
            citizen_id=citizen_id,
            agency_id=sender_id,
            category=category,
            template_id=None,
            texts=texts,
            url=url,
            urgency=urgency,
            ttl_seconds=ttl_seconds,
            idempotency_key=idempotency_key,
            request_hash=hashlib.sha256(idempotency_key.encode()).digest(),
            from_platform=True,
        )
    except KeyAlreadyUsed:
        return None
