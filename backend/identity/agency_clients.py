"""Agency machine credentials: OAuth 2.0 client credentials (RFC 6749 section 4.4).

Client secrets are 256-bit random values shown once and stored as SHA-256. Access tokens are opaque,
short-lived and kept in Redis, listed under their client so that revoking the client ends them at
once; if Redis is lost they are simply gone and agencies ask for new ones, which is what a
short-lived token is for.

The service below manages an agency's clients (its admins; the route's guard has checked that) and
answers the token endpoint. authlib's authorization server is not used for one grant type on opaque
tokens kept in Redis: the exchange below is the whole of it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
import time
from typing import TYPE_CHECKING, Any

import msgspec
import redis.asyncio
from litestar import Request

from backend.core.admission import DoorPass
from backend.core.errors import Conflict, NotFound
from backend.core.principal import Principal
from backend.core.resources import Resources
from backend.identity import queries
from backend.identity.schemas import (
    AccessToken,
    AgencyClientView,
    IssuedClient,
    IssuedSecret,
    NewAgencyClient,
    SecretRotation,
)

if TYPE_CHECKING:  # service.py builds its Identity from AgencyTokens below
    from backend.identity.service import Identity

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
    def __init__(self, redis_client: redis.asyncio.Redis, door_pass: DoorPass | None = None) -> None:
        """``door_pass`` marks each token issued (``backend.core.admission``)."""
        self._redis = redis_client
        self._door_pass = door_pass

    async def issue(self, grant: TokenGrant) -> str | None:
        """A new token, or None when the client was revoked meanwhile."""
        token = secrets.token_urlsafe(32)
        if self._door_pass is not None:
            token = self._door_pass.mark(token, time.time() + ACCESS_TOKEN_SECONDS)
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


# --- an agency's clients ------------------------------------------------------------------------


async def clients(resources: Resources, agency_id: int) -> list[AgencyClientView]:
    listing = await queries.agency_client_listing(resources.pool, agency_id)
    return [msgspec.convert(client, AgencyClientView, from_attributes=True) for client in listing]


async def create_client(
    resources: Resources, agency_id: int, data: NewAgencyClient, staff: Principal
) -> IssuedClient:
    status = await queries.agency_status(resources.pool, agency_id)
    if status is None:
        raise NotFound("No such agency.")
    if status != "approved":
        raise Conflict("The agency must be approved before it can have machine credentials.")
    client_id, (secret, secret_hash) = new_client_id(), new_secret()
    scopes: list[str] = sorted(set(data.scopes))
    async with resources.pool.acquire() as connection, connection.transaction():
        client_pk = await queries.create_agency_client(
            connection,
            client_id=client_id,
            agency_id=agency_id,
            name=data.name,
            scopes=scopes,
            created_by=staff.citizen_id,
        )
        await queries.add_client_secret(connection, client_pk=client_pk, secret_hash=secret_hash)
    return IssuedClient(client_id=client_id, client_secret=secret, scopes=scopes)


async def rotate_secret(
    resources: Resources, agency_id: int, client_id: str, data: SecretRotation
) -> IssuedSecret:
    """A new secret; the older ones keep working for the overlap."""
    client = await _active_client(resources, agency_id, client_id)
    secret, secret_hash = new_secret()
    async with resources.pool.acquire() as connection, connection.transaction():
        expires_at = await queries.expire_client_secrets(
            connection, client_pk=client.id, overlap_seconds=data.overlap_hours * 3600
        )
        await queries.add_client_secret(connection, client_pk=client.id, secret_hash=secret_hash)
    return IssuedSecret(client_id=client_id, client_secret=secret, previous_secrets_expire_at=expires_at)


async def revoke_client(
    resources: Resources, tokens: AgencyTokens, agency_id: int, client_id: str, staff: Principal
) -> None:
    """Its secrets and live tokens stop working at once."""
    client = await _active_client(resources, agency_id, client_id)
    await tokens.mark_revoked(client.id)
    async with resources.pool.acquire() as connection, connection.transaction():
        await queries.revoke_agency_client(connection, client_pk=client.id, revoked_by=staff.citizen_id)
    await tokens.revoke_all(client.id)


async def _active_client(resources: Resources, agency_id: int, client_id: str) -> queries.AgencyClientRow:
    client = await queries.agency_client(resources.pool, agency_id=agency_id, client_id=client_id)
    if client is None or client.revoked_at is not None:
        raise NotFound("No such active client.")
    return client


# --- the token endpoint -------------------------------------------------------------------------


class OAuthError(Exception):
    """The token endpoint's refusal in RFC 6749's terms (``api/public.py`` answers it)."""

    def __init__(
        self, status: int, error: str, description: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(description)
        self.status = status
        self.error = error
        self.description = description
        self.headers = headers or {}


_INVALID_CLIENT = "Unknown client, wrong secret, or revoked."


async def exchange(
    identity: Identity, resources: Resources, request: Request[Any, Any, Any], form: dict[str, str]
) -> AccessToken:
    """Client credentials for an access token, within the per-address budget."""
    await identity.limit(request, identity.token_bucket)
    if form.get("grant_type") != "client_credentials":
        raise OAuthError(400, "unsupported_grant_type", "Only grant_type=client_credentials is supported.")
    credentials = _client_credentials(request, form)
    client = (
        await queries.client_for_secret(
            resources.pool, client_id=credentials[0], secret_hash=hash_secret(credentials[1])
        )
        if credentials
        else None
    )
    if client is None:
        raise OAuthError(401, "invalid_client", _INVALID_CLIENT, {"WWW-Authenticate": 'Basic realm="agency"'})
    allowed = set(client.scopes)
    requested = set(form.get("scope", "").split()) or allowed
    if not requested <= allowed:
        raise OAuthError(400, "invalid_scope", f"This client may ask only for: {' '.join(sorted(allowed))}.")
    grant = TokenGrant(
        client_pk=client.id, client_id=client.client_id, agency_id=client.agency_id, scopes=sorted(requested)
    )
    access_token = await identity.agency_tokens.issue(grant)
    if access_token is None:
        raise OAuthError(401, "invalid_client", _INVALID_CLIENT)
    return AccessToken(
        access_token=access_token,
        token_type="Bearer",  # noqa: S106
        expires_in=ACCESS_TOKEN_SECONDS,
        scope=" ".join(grant.scopes),
    )


def _client_credentials(request: Request[Any, Any, Any], form: dict[str, str]) -> tuple[str, str] | None:
    authorization = request.headers.get("authorization", "")
    if authorization[:6].lower() == "basic ":
        try:
            client_id, _, secret = base64.b64decode(authorization[6:], validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        return client_id, secret
    if form.get("client_id") and form.get("client_secret"):
        return form["client_id"], form["client_secret"]
    return None
