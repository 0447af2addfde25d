"""Role administration (platform admins), agency machine clients (agency admins) and the OAuth 2.0
token endpoint agencies' systems call."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from typing import Annotated, Any, Literal

import msgspec
from litestar import Request, Response, delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from backend.core.errors import PROBLEM_JSON, BadRequest, Conflict, NotFound
from backend.core.principal import Principal, require_agency_permission, require_platform_admin
from backend.core.resources import Resources
from backend.core.text import refuse_hidden_text
from backend.identity import queries
from backend.identity.agency_clients import (
    ACCESS_TOKEN_SECONDS,
    TokenGrant,
    hash_secret,
    new_client_id,
    new_secret,
)
from backend.identity.service import Identity

Role = Literal[
    "agency_admin", "agency_editor", "agency_sender", "agency_officer", "support", "platform_admin"
]
Scope = Literal["tiles", "bills", "notifications", "connectors", "applications"]


class NewRoleGrant(msgspec.Struct, forbid_unknown_fields=True):
    national_id: Annotated[str, msgspec.Meta(min_length=13, max_length=13)]
    role: Role
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]
    agency_id: int | None = None


class RoleGrantView(msgspec.Struct, frozen=True):
    id: int
    citizen_id: str
    name_th: str | None
    name_en: str | None
    role: str
    agency_id: int | None
    granted_by: str | None
    granted_at: dt.datetime
    grant_reason: str
    revoked_by: str | None
    revoked_at: dt.datetime | None


class NewAgencyClient(msgspec.Struct, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    scopes: Annotated[list[Scope], msgspec.Meta(min_length=1, max_length=5)]


class SecretRotation(msgspec.Struct, forbid_unknown_fields=True):
    overlap_hours: Annotated[int, msgspec.Meta(ge=0, le=168)] = 24


class IssuedClient(msgspec.Struct, frozen=True):
    client_id: str
    client_secret: str
    """Shown this once only: store it in the agency's secret store."""
    scopes: list[str]


class IssuedSecret(msgspec.Struct, frozen=True):
    client_id: str
    client_secret: str
    previous_secrets_expire_at: dt.datetime | None


class AgencyClientView(msgspec.Struct, frozen=True):
    client_id: str
    name: str
    scopes: list[str]
    created_at: dt.datetime
    revoked_at: dt.datetime | None
    live_secrets: int


class AccessToken(msgspec.Struct, frozen=True):
    access_token: str
    token_type: str
    expires_in: int
    scope: str


# --- role administration ----------------------------------------------------------------------


@get("/api/v1/admin/role-grants", tags=["administration"], summary="Staff role grants (and past ones)")
async def list_role_grants(
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
    include_revoked: FromQuery[bool] = False,
) -> list[RoleGrantView]:
    require_platform_admin(principal)
    rows = await queries.role_grants(resources.pool, include_revoked=include_revoked)
    return [msgspec.convert(row, RoleGrantView) for row in rows]


@post(
    "/api/v1/admin/role-grants",
    tags=["administration"],
    summary="Grant a staff role",
    status_code=HTTP_201_CREATED,
)
async def grant_role(
    data: Annotated[NewRoleGrant, msgspec.Meta()],
    principal: NamedDependency[Principal],
    identity: NamedDependency[Identity],
    resources: NamedDependency[Resources],
) -> RoleGrantView:
    refuse_hidden_text(data)
    admin = require_platform_admin(principal)
    if data.role.startswith("agency_") != (data.agency_id is not None):
        raise BadRequest("agency roles need agency_id; support and platform_admin must not have one")
    if data.agency_id is not None and await queries.agency_status(resources.pool, data.agency_id) is None:
        raise NotFound("No such agency.")
    citizen_id = await identity.citizen_id_for(resources, data.national_id)
    if citizen_id is None:
        raise NotFound("This person has not logged in yet: ask them to log in once, then grant the role.")
    grant_id = await queries.grant_role(
        resources.pool,
        citizen_id=citizen_id,
        role=data.role,
        agency_id=data.agency_id,
        granted_by=admin.citizen_id,
        reason=data.reason,
    )
    if grant_id is None:
        raise Conflict("This person already holds that role.")
    await identity.roles.changed()
    rows = await queries.role_grants(resources.pool, include_revoked=False)
    return msgspec.convert(next(row for row in rows if row["id"] == grant_id), RoleGrantView)


@delete(
    "/api/v1/admin/role-grants/{grant_id:int}",
    tags=["administration"],
    summary="Revoke a staff role (the grant is kept, closed)",
    status_code=HTTP_204_NO_CONTENT,
)
async def revoke_role(
    grant_id: FromPath[int],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
    identity: NamedDependency[Identity],
) -> None:
    admin = require_platform_admin(principal)
    async with resources.pool.acquire() as connection, connection.transaction():
        await connection.execute("LOCK TABLE role_grants IN SHARE ROW EXCLUSIVE MODE")  # last-admin check
        grant = await queries.grant_by_id(connection, grant_id)
        if grant is None or grant["revoked_at"] is not None:
            raise NotFound("No such active grant.")
        if grant["role"] == "platform_admin" and await queries.active_platform_admin_count(connection) <= 1:
            raise Conflict("This is the last platform administrator; grant the role to someone else first.")
        await queries.revoke_role(connection, grant_id=grant_id, revoked_by=admin.citizen_id)
    await identity.roles.changed()


# --- agency machine clients -------------------------------------------------------------------


async def _approved_agency(resources: Resources, agency_id: int) -> None:
    status = await queries.agency_status(resources.pool, agency_id)
    if status is None:
        raise NotFound("No such agency.")
    if status != "approved":
        raise Conflict("The agency must be approved before it can have machine credentials.")


@get("/api/v1/agency/{agency_id:int}/clients", tags=["agency"], summary="The agency's machine clients")
async def list_agency_clients(
    agency_id: FromPath[int], principal: NamedDependency[Principal], resources: NamedDependency[Resources]
) -> list[AgencyClientView]:
    require_agency_permission(principal, agency_id, "clients")
    return [
        msgspec.convert(row, AgencyClientView)
        for row in await queries.agency_clients(resources.pool, agency_id)
    ]


@post(
    "/api/v1/agency/{agency_id:int}/clients",
    tags=["agency"],
    summary="Create a machine client (its secret is shown once)",
    status_code=HTTP_201_CREATED,
)
async def create_agency_client(
    agency_id: FromPath[int],
    data: Annotated[NewAgencyClient, msgspec.Meta()],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
) -> Response[IssuedClient]:
    refuse_hidden_text(data)
    staff = require_agency_permission(principal, agency_id, "clients")
    await _approved_agency(resources, agency_id)
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
    issued = IssuedClient(client_id=client_id, client_secret=secret, scopes=scopes)
    return Response(issued, status_code=HTTP_201_CREATED, headers={"Cache-Control": "no-store"})


@post(
    "/api/v1/agency/{agency_id:int}/clients/{client_id:str}/secrets",
    tags=["agency"],
    summary="Rotate a client's secret; older secrets keep working for the overlap",
    status_code=HTTP_201_CREATED,
)
async def rotate_agency_client_secret(
    agency_id: FromPath[int],
    client_id: FromPath[str],
    data: Annotated[SecretRotation, msgspec.Meta()],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
) -> Response[IssuedSecret]:
    require_agency_permission(principal, agency_id, "clients")
    client = await queries.agency_client(resources.pool, agency_id=agency_id, client_id=client_id)
    if client is None or client["revoked_at"] is not None:
        raise NotFound("No such active client.")
    secret, secret_hash = new_secret()
    async with resources.pool.acquire() as connection, connection.transaction():
        expires_at = await queries.expire_client_secrets(
            connection, client_pk=client["id"], overlap_seconds=data.overlap_hours * 3600
        )
        await queries.add_client_secret(connection, client_pk=client["id"], secret_hash=secret_hash)
    issued = IssuedSecret(client_id=client_id, client_secret=secret, previous_secrets_expire_at=expires_at)
    return Response(issued, status_code=HTTP_201_CREATED, headers={"Cache-Control": "no-store"})


@delete(
    "/api/v1/agency/{agency_id:int}/clients/{client_id:str}",
    tags=["agency"],
    summary="Revoke a client: its secrets and live tokens stop working at once",
    status_code=HTTP_204_NO_CONTENT,
)
async def revoke_agency_client(
    agency_id: FromPath[int],
    client_id: FromPath[str],
    principal: NamedDependency[Principal],
    identity: NamedDependency[Identity],
    resources: NamedDependency[Resources],
) -> None:
    staff = require_agency_permission(principal, agency_id, "clients")
    client = await queries.agency_client(resources.pool, agency_id=agency_id, client_id=client_id)
    if client is None or client["revoked_at"] is not None:
        raise NotFound("No such active client.")
    await identity.agency_tokens.mark_revoked(client["id"])
    async with resources.pool.acquire() as connection, connection.transaction():
        await queries.revoke_agency_client(connection, client_pk=client["id"], revoked_by=staff.citizen_id)
    await identity.agency_tokens.revoke_all(client["id"])


# --- the token endpoint -----------------------------------------------------------------------


def _oauth_error(
    status: int, error: str, description: str, headers: dict[str, str] | None = None
) -> Response[Any]:
    """RFC 6749 error members inside an RFC 9457 problem body, so both kinds of client understand it."""
    body = {
        "type": f"/problems/oauth-{error.replace('_', '-')}",
        "title": description,
        "status": status,
        "error": error,
        "error_description": description,
    }
    return Response(
        body,
        status_code=status,
        media_type=PROBLEM_JSON,
        headers={"Cache-Control": "no-store", **(headers or {})},
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


@post(
    "/oauth/token",
    tags=["agency"],
    summary="OAuth 2.0 client credentials: an access token for an agency's system",
    status_code=200,
)
async def token(
    request: Request[Any, Any, Any],
    data: URLEncodedBody[dict[str, str]],
    identity: NamedDependency[Identity],
    resources: NamedDependency[Resources],
) -> Response[Any]:
    await identity.limit(request, identity.token_bucket)
    if data.get("grant_type") != "client_credentials":
        return _oauth_error(400, "unsupported_grant_type", "Only grant_type=client_credentials is supported.")
    credentials = _client_credentials(request, data)
    client = (
        await queries.client_for_secret(
            resources.pool, client_id=credentials[0], secret_hash=hash_secret(credentials[1])
        )
        if credentials
        else None
    )
    if client is None:
        return _oauth_error(
            401,
            "invalid_client",
            "Unknown client, wrong secret, or revoked.",
            {"WWW-Authenticate": 'Basic realm="agency"'},
        )
    allowed = set(client["scopes"])
    requested = set(data.get("scope", "").split()) or allowed
    if not requested <= allowed:
        return _oauth_error(
            400, "invalid_scope", f"This client may ask only for: {' '.join(sorted(allowed))}."
        )
    grant = TokenGrant(
        client_pk=client["id"],
        client_id=client["client_id"],
        agency_id=client["agency_id"],
        scopes=sorted(requested),
    )
    access_token = await identity.agency_tokens.issue(grant)
    if access_token is None:
        return _oauth_error(401, "invalid_client", "Unknown client, wrong secret, or revoked.")
    body = AccessToken(
        access_token=access_token,
        token_type="Bearer",  # noqa: S106
        expires_in=ACCESS_TOKEN_SECONDS,
        scope=" ".join(grant.scopes),
    )
    return Response(body, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})


STAFF_ROUTES = [
    list_role_grants,
    grant_role,
    revoke_role,
    list_agency_clients,
    create_agency_client,
    rotate_agency_client_secret,
    revoke_agency_client,
    token,
]
