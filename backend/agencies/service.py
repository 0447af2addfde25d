"""Registering an agency's webhook and reading back its deliveries."""

from __future__ import annotations

import secrets
import uuid

from backend.agencies import queries
from backend.agencies.schemas import NewWebhook, WebhookSecret, WebhookView
from backend.agencies.webhooks import SECRET_PURPOSE
from backend.core.crypto import NationalIdCipher
from backend.core.errors import invalid
from backend.core.outbound import DestinationRefused, check_destination
from backend.core.resources import Resources

_DELIVERIES_SHOWN = 50


async def register_webhook(
    resources: Resources, cipher: NationalIdCipher, agency_id: int, data: NewWebhook, by: uuid.UUID | None
) -> WebhookSecret:
    """A new secret each time: the old one stops verifying at once."""
    try:
        await check_destination(
            data.url, allow_private=bool(resources.settings.allow_private_connector_hosts)
        )
    except DestinationRefused as exc:
        raise invalid("url", str(exc)) from exc
    secret = secrets.token_urlsafe(32)
    key_id, ciphertext = cipher.encrypt(secret, purpose=SECRET_PURPOSE)
    await queries.set_webhook(resources.pool, agency_id, data.url, key_id, ciphertext, by)
    return WebhookSecret(url=data.url, secret=secret)


async def webhook_view(resources: Resources, agency_id: int) -> WebhookView:
    hook = await queries.webhook(resources.pool, agency_id)
    rows = await queries.deliveries(resources.pool, agency_id, _DELIVERIES_SHOWN)
    return WebhookView(url=hook.url if hook else None, deliveries=rows)
