"""Request and response shapes of agencies' webhooks."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

import msgspec

from backend.core.input import Input


class NewWebhook(Input, forbid_unknown_fields=True):
    url: Annotated[str, msgspec.Meta(max_length=2000, pattern="^https?://")]


class WebhookSecret(msgspec.Struct, frozen=True):
    url: str
    secret: str
    """Shown this once: the agency checks each delivery's X-Signature with it."""


class WebhookDelivery(msgspec.Struct, kw_only=True):
    payment_id: uuid.UUID | None
    notification_id: uuid.UUID | None
    attempt: int
    status_code: int | None
    outcome: str
    detail: str | None
    at: dt.datetime


class WebhookView(msgspec.Struct, kw_only=True):
    url: str | None
    deliveries: list[WebhookDelivery]
