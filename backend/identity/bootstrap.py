"""The first platform administrator, from the command line (``citizen roles grant-admin``).

The other way in is the BOOTSTRAP_ADMIN_NATIONAL_IDS setting, applied at that person's login.
Either way the grant is recorded like any other, with no granting person and the reason given.
"""

from __future__ import annotations

import base64

import asyncpg
import redis.asyncio
import redis.exceptions

from backend.core.crypto import NationalIdCipher, is_valid_national_id
from backend.core.errors import ConfigurationError
from backend.identity import queries
from backend.identity.roles import roles_changed
from backend.settings import Settings


async def grant_platform_admin(settings: Settings, national_id: str, reason: str) -> str:
    if not is_valid_national_id(national_id):
        raise ConfigurationError("That is not a valid 13-digit national ID.")
    assert settings.database_url
    cipher = NationalIdCipher(settings.id_encryption_keyring(), base64.b64decode(settings.id_hash_key))
    connection = await asyncpg.connect(settings.database_url)
    try:
        citizen_id = await queries.citizen_id_by_hash(connection, cipher.lookup_hash(national_id))
        if citizen_id is None:
            raise ConfigurationError("This person has not logged in yet: they must log in once first.")
        grant_id = await queries.grant_role(
            connection,
            citizen_id=citizen_id,
            role="platform_admin",
            agency_id=None,
            granted_by=None,
            reason=f"command line: {reason}"[:500],
        )
    finally:
        await connection.close()
    if grant_id is None:
        return "They are already a platform administrator."
    message = f"Granted platform_admin (grant {grant_id})."
    if settings.redis_url:  # running replicas must not keep their old view of this person's roles
        redis_client = redis.asyncio.Redis.from_url(settings.redis_url)
        try:
            await roles_changed(redis_client)
        except redis.exceptions.ConnectionError:
            # A grant, not a revocation: nothing is exposed if the running API learns of it later.
            message += " Redis did not answer: running API processes see it after their next restart."
        finally:
            await redis_client.aclose()
    return message
