"""Agency machine credentials: OAuth 2.0 client credentials (RFC 6749 section 4.4).

Client secrets are 256-bit random values shown once and stored as SHA-256. Access tokens are opaque,
short-lived and kept in Redis, listed under their client so that revoking the client ends them at
once; if Redis is lost they are simply gone and agencies ask for new ones, which is what a
short-lived token is for.
"""

from __future__ import annotations

import hashlib
import secrets

import msgspec
import redis.asyncio

ACCESS_TOKEN_SECONDS = 900
CLIENT_SCOPES = ("tiles", "bills", "notifications", "connectors", "applications")
_TOKEN_KEY = "agency-token:{}"  # noqa: S105 (a Redis key name)
_CLIENT_TOKENS_KEY = "agency-client-tokens:{}"
_REVOKED_KEY = "agency-client-revoked:{}"


class TokenGrant(msgspec.Struct, frozen=True):
    client_pk: int
    client_id: str
    agency_id: int
    scopes: list[str]


def new_client_id() -> str:
    return f"agc_{secrets.token_urlsafe(16)}"


def new_secret() -> tuple[str, bytes]:
    secret = f"acs_{secrets.token_urlsafe(32)}"
    return secret, hash_secret(secret)


def hash_secret(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()


class AgencyTokens:
    def __init__(self, redis_client: redis.asyncio.Redis) -> None:
        self._redis = redis_client

    async def issue(self, grant: TokenGrant) -> str | None:
        """A new token, or None when the client was revoked meanwhile."""
        token = secrets.token_urlsafe(32)
        token_hash = hashlib.sha256(token.encode()).hexdigest()
        index = _CLIENT_TOKENS_KEY.format(grant.client_pk)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.set(_TOKEN_KEY.format(token_hash), msgspec.json.encode(grant), ex=ACCESS_TOKEN_SECONDS)
            pipe.sadd(index, token_hash)
            pipe.expire(index, ACCESS_TOKEN_SECONDS)
            await pipe.execute()
        # A revocation that began after this client's secret was checked has set its mark by now, or
        # will delete this token with the others: either way no token outlives the revocation.
        if await self._redis.exists(_REVOKED_KEY.format(grant.client_pk)):
            await self._redis.delete(_TOKEN_KEY.format(token_hash))
            return None
        return token

    async def mark_revoked(self, client_pk: int) -> None:
        """Set before the client is revoked in PostgreSQL; outlives any token issued before it."""
        await self._redis.set(_REVOKED_KEY.format(client_pk), 1, ex=2 * ACCESS_TOKEN_SECONDS)

    async def resolve(self, token: str) -> TokenGrant | None:
        raw = await self._redis.get(_TOKEN_KEY.format(hashlib.sha256(token.encode()).hexdigest()))
        return msgspec.json.decode(raw, type=TokenGrant) if raw else None

    async def revoke_all(self, client_pk: int) -> None:
        index = _CLIENT_TOKENS_KEY.format(client_pk)
        hashes = await self._redis.smembers(index)
        keys = [_TOKEN_KEY.format(h.decode() if isinstance(h, bytes) else h) for h in hashes]
        await self._redis.delete(*keys, index)
