"""HTTP surface of connectors: agencies register theirs; citizens see their entitlements, give and
withdraw consent, and see who accessed their data."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Annotated, Any, Literal

import msgspec
from litestar import delete, get, post, put
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from backend.connectors import queries
from backend.connectors.client import forget_token
from backend.connectors.entitlements import SECRET_PURPOSE, Caller, EntitlementsPage, EntitlementsService
from backend.connectors.tls import certificate_problems
from backend.core.errors import Conflict, FieldError, InvalidInput, NotFound
from backend.core.outbound import DestinationRefused, check_destination, origin_of
from backend.core.principal import Principal, require_agency_permission, require_person
from backend.core.resources import Resources
from backend.core.text import refuse_hidden_text
from backend.identity import queries as identity_queries
from backend.identity.service import Identity, parse_birthdate

AuthKind = Literal["none", "api_key", "oauth_client_credentials", "client_tls"]
Pem = Annotated[str, msgspec.Meta(min_length=1, max_length=20000)]
Url = Annotated[str, msgspec.Meta(max_length=2000, pattern="^https?://")]


class NewConnector(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(pattern="^[a-z][a-z0-9-]{1,39}$")]
    title_th: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    title_en: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    base_url: Url
    auth_kind: AuthKind
    api_key_header: Annotated[str, msgspec.Meta(pattern="^[A-Za-z0-9-]{1,64}$")] | None = None
    api_key: Annotated[str, msgspec.Meta(min_length=8, max_length=4000)] | None = None
    oauth_token_url: Url | None = None
    oauth_client_id: Annotated[str, msgspec.Meta(min_length=1, max_length=200)] | None = None
    oauth_client_secret: Annotated[str, msgspec.Meta(min_length=8, max_length=4000)] | None = None
    oauth_scope: Annotated[str, msgspec.Meta(max_length=200)] | None = None
    client_certificate_pem: Pem | None = None
    """For ``client_tls``: the certificate the platform presents to the agency's server."""
    client_private_key_pem: Pem | None = None
    """Its private key (unencrypted PEM); stored encrypted, never shown again."""
    server_ca_pem: Annotated[str, msgspec.Meta(min_length=1, max_length=50000)] | None = None
    """The CA(s) that signed the agency's server certificate, if not a publicly trusted one: then only
    these are trusted for this connector."""
    min_age: Annotated[int, msgspec.Meta(ge=0, le=150)] | None = None
    max_age: Annotated[int, msgspec.Meta(ge=0, le=150)] | None = None
    """Ask the agency only about citizens of these ages (e.g. an elderly allowance from 60)."""
    timeout_ms: Annotated[int, msgspec.Meta(ge=100, le=10000)] = 2000
    retries: Annotated[int, msgspec.Meta(ge=0, le=3)] = 1
    cache_seconds: Annotated[int, msgspec.Meta(ge=0, le=86400)] = 300
    consent_required: bool = False
    purpose: Annotated[str, msgspec.Meta(min_length=1, max_length=300)]
    """Why the platform calls it, as the citizen will read it in "who accessed my data"."""
    fields: Annotated[list[Annotated[str, msgspec.Meta(max_length=60)]], msgspec.Meta(max_length=30)] = (
        msgspec.field(default_factory=list)
    )
    """Which of the citizen's data the agency returns (shown to the citizen)."""


class ConnectorView(msgspec.Struct, kw_only=True):
    id: int
    agency_id: int
    name: str
    title_th: str
    title_en: str
    base_url: str
    auth_kind: str
    api_key_header: str | None
    oauth_token_url: str | None
    oauth_client_id: str | None
    oauth_scope: str | None
    client_certificate_pem: str | None
    server_ca_pem: str | None
    min_age: int | None
    max_age: int | None
    timeout_ms: int
    retries: int
    cache_seconds: int
    consent_required: bool
    purpose: str
    fields: list[str]
    status: str
    circuit: str = "closed"


class NewConsent(msgspec.Struct, forbid_unknown_fields=True):
    connector_id: int
    days: Annotated[int, msgspec.Meta(ge=1, le=730)] = 365


class ConsentView(msgspec.Struct, kw_only=True):
    id: int
    connector_id: int
    purpose: str
    granted_at: dt.datetime
    expires_at: dt.datetime


class DataAccessView(msgspec.Struct, kw_only=True):
    id: int
    at: dt.datetime
    actor_kind: str
    purpose: str
    fields: list[str]
    outcome: str
    detail: str | None = None
    """What happened, in plain words, when it did not simply go through (a refused share link...)."""
    agency_id: int | None
    agency_name_th: str | None = None
    agency_name_en: str | None = None
    connector_title_th: str | None = None
    connector_title_en: str | None = None


class DataAccessPage(msgspec.Struct, kw_only=True):
    items: list[DataAccessView]
    next_before: int | None
    """Pass as ``before`` for the next (older) page; null at the end."""


def provide_entitlements(state: State) -> EntitlementsService:
    service: EntitlementsService = state.entitlements
    return service


def _checked_auth(data: NewConnector, *, secret_on_file: bool = False) -> str | None:
    """The secret to store, after checking the authentication fields agree with the kind. When
    updating a connector of the same kind, ``secret_on_file`` lets the stored secret stand."""
    errors: list[FieldError] = []
    if data.auth_kind == "api_key":
        errors += [
            FieldError(field=f, message="needed for api_key")
            for f in ("api_key_header", "api_key")
            if not getattr(data, f) and not (f == "api_key" and secret_on_file)
        ]
        secret = data.api_key
    elif data.auth_kind == "oauth_client_credentials":
        needed = ("oauth_token_url", "oauth_client_id", "oauth_client_secret")
        errors += [
            FieldError(field=f, message="needed for oauth_client_credentials")
            for f in needed
            if not getattr(data, f) and not (f == "oauth_client_secret" and secret_on_file)
        ]
        secret = data.oauth_client_secret
    elif data.auth_kind == "client_tls":
        errors += [
            FieldError(field=f, message="needed for client_tls")
            for f in ("client_certificate_pem", "client_private_key_pem")
            if not getattr(data, f) and not (f == "client_private_key_pem" and secret_on_file)
        ]
        if not data.base_url.startswith("https://"):
            errors.append(FieldError(field="base_url", message="a client certificate needs https"))
        secret = data.client_private_key_pem
    else:
        secret = None
    if data.auth_kind != "client_tls" and data.client_certificate_pem:
        errors.append(FieldError(field="client_certificate_pem", message="only for client_tls"))
    if data.min_age is not None and data.max_age is not None and data.min_age > data.max_age:
        errors.append(FieldError(field="min_age", message="must not be above max_age"))
    errors += certificate_problems(
        data.client_certificate_pem,
        data.client_private_key_pem if data.auth_kind == "client_tls" else None,
        data.server_ca_pem,
    )
    if errors:
        raise InvalidInput("; ".join(f"{e.field}: {e.message}" for e in errors), errors=errors)
    return secret


@post(
    "/api/v1/agency/{agency_id:int}/connectors",
    tags=["agency"],
    summary="Register a connector",
    status_code=HTTP_201_CREATED,
)
async def register_connector(
    agency_id: FromPath[int],
    data: Annotated[NewConnector, msgspec.Meta()],
    principal: NamedDependency[Principal],
    identity: NamedDependency[Identity],
    resources: NamedDependency[Resources],
    entitlements: NamedDependency[EntitlementsService],
) -> ConnectorView:
    refuse_hidden_text(data)
    require_agency_permission(principal, agency_id, "connectors")
    if await identity_queries.agency_status(resources.pool, agency_id) != "approved":
        raise Conflict("The agency must be approved before it registers connectors.")
    secret = _checked_auth(data)
    await _check_urls(data, resources)
    key_id, ciphertext = identity.cipher.encrypt(secret, purpose=SECRET_PURPOSE) if secret else (None, None)
    fields = {**msgspec.structs.asdict(data), "secret_ciphertext": ciphertext, "secret_key_id": key_id}
    connector_id = await queries.create_connector(resources.pool, agency_id, fields, principal.citizen_id)
    if connector_id is None:
        raise Conflict("This agency already has a connector with that name.")
    entitlements.forget_connectors()
    rows = await queries.agency_connectors(resources.pool, agency_id)
    return msgspec.convert(next(r for r in rows if r["id"] == connector_id), ConnectorView, strict=False)


_SECRET_FIELDS = {
    "api_key": "api_key",
    "oauth_client_credentials": "oauth_client_secret",
    "client_tls": "client_private_key_pem",
}


def _origin(url: str | None) -> str | None:
    """Scheme, host and port, as the secret's destination; anything unreadable counts as new."""
    if not url:
        return None
    try:
        return origin_of(url)
    except ValueError:
        return url


def _secret_may_stay(data: NewConnector, current: dict[str, Any]) -> bool:
    """Not once either address points to another origin, where the stored secret (or a token got with
    it) would be sent: then the secret must be given again, and leaving it out is refused by name."""
    moved = [
        field
        for field in ("base_url", "oauth_token_url")
        if _origin(getattr(data, field)) != _origin(current[field])
    ]
    # A CA the agency gives decides which server counts as that origin: a new one, a new destination.
    if (data.server_ca_pem or "").strip() != (current["server_ca_pem"] or "").strip():
        moved.append("server_ca_pem")
    secret_field = _SECRET_FIELDS.get(data.auth_kind)
    if not moved or secret_field is None or getattr(data, secret_field):
        return not moved
    changed = ", ".join(moved)
    message = (
        f"ต้องใส่อีกครั้ง เพราะ {changed} ชี้ไปยังที่อยู่ใหม่ (ความลับที่เก็บไว้จะไม่ถูกส่งไปยังที่อยู่ใหม่) · "
        f"needed again: {changed} now points to another address, and the stored secret is never sent there"
    )
    raise InvalidInput(message, errors=[FieldError(field=secret_field, message=message)])


async def _check_urls(data: NewConnector, resources: Resources) -> None:
    allow_private = bool(resources.settings.allow_private_connector_hosts)
    for field in ("base_url", "oauth_token_url"):
        url = getattr(data, field)
        if url:
            try:
                await check_destination(url, allow_private=allow_private)
            except DestinationRefused as exc:
                raise InvalidInput(errors=[FieldError(field=field, message=str(exc))]) from exc


@put(
    "/api/v1/agency/{agency_id:int}/connectors/{connector_id:int}",
    tags=["agency"],
    summary="Change a connector (and turn it back on); leave the secret out to keep the stored one",
)
async def update_connector(
    agency_id: FromPath[int],
    connector_id: FromPath[int],
    data: Annotated[NewConnector, msgspec.Meta()],
    principal: NamedDependency[Principal],
    identity: NamedDependency[Identity],
    resources: NamedDependency[Resources],
    entitlements: NamedDependency[EntitlementsService],
) -> ConnectorView:
    refuse_hidden_text(data)
    require_agency_permission(principal, agency_id, "connectors")
    current = next(
        (r for r in await queries.agency_connectors(resources.pool, agency_id) if r["id"] == connector_id),
        None,
    )
    if current is None:
        raise NotFound("No such connector.")
    if data.name != current["name"]:
        raise InvalidInput(errors=[FieldError(field="name", message="a connector's name cannot change")])
    keep = current["auth_kind"] == data.auth_kind and current["secret_ciphertext"] is not None
    keep = keep and _secret_may_stay(data, current)
    secret = _checked_auth(data, secret_on_file=keep)
    await _check_urls(data, resources)
    if secret:
        key_id, ciphertext = identity.cipher.encrypt(secret, purpose=SECRET_PURPOSE)
    elif keep:
        key_id, ciphertext = current["secret_key_id"], current["secret_ciphertext"]
    else:
        key_id, ciphertext = None, None
    fields = {**msgspec.structs.asdict(data), "secret_ciphertext": ciphertext, "secret_key_id": key_id}
    async with resources.pool.acquire() as connection, connection.transaction():
        await queries.update_connector(connection, agency_id, connector_id, fields)
        consent_changed = (data.purpose, sorted(data.fields)) != (
            current["purpose"],
            sorted(current["fields"]),
        )
        if consent_changed or (data.consent_required and not current["consent_required"]):
            # A consent was given for what the connector said then; it does not carry over.
            await queries.withdraw_all_consents(connection, connector_id)
    # An OAuth token got with the old settings is not sent to the new ones.
    await forget_token(resources.redis, connector_id)
    entitlements.forget_connectors()
    rows = await queries.agency_connectors(resources.pool, agency_id)
    return msgspec.convert(next(r for r in rows if r["id"] == connector_id), ConnectorView, strict=False)


@get(
    "/api/v1/agency/{agency_id:int}/connectors",
    tags=["agency"],
    summary="The agency's connectors and their circuit state",
)
async def list_connectors(
    agency_id: FromPath[int],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
    entitlements: NamedDependency[EntitlementsService],
) -> list[ConnectorView]:
    require_agency_permission(principal, agency_id, "connectors")
    views = []
    for row in await queries.agency_connectors(resources.pool, agency_id):
        circuit = await entitlements._client.breaker.state(row["id"])
        views.append(msgspec.convert({**row, "circuit": circuit}, ConnectorView, strict=False))
    return views


@delete(
    "/api/v1/agency/{agency_id:int}/connectors/{connector_id:int}",
    tags=["agency"],
    summary="Disable a connector",
    status_code=HTTP_204_NO_CONTENT,
)
async def disable_connector(
    agency_id: FromPath[int],
    connector_id: FromPath[int],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
    entitlements: NamedDependency[EntitlementsService],
) -> None:
    require_agency_permission(principal, agency_id, "connectors")
    if not await queries.set_connector_status(resources.pool, agency_id, connector_id, "disabled"):
        raise NotFound("No such connector.")
    entitlements.forget_connectors()


@get(
    "/api/v1/agency/{agency_id:int}/data-access",
    tags=["agency"],
    summary="Calls made to this agency's connectors (this agency only)",
)
async def agency_data_access(
    agency_id: FromPath[int],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
    before: FromQuery[int | None] = None,
    limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
) -> list[DataAccessView]:
    require_agency_permission(principal, agency_id, "connectors")
    rows = await queries.data_access_for_agency(resources.pool, agency_id, before, limit)
    return [msgspec.convert({**row, "agency_id": agency_id}, DataAccessView, strict=False) for row in rows]


async def _citizen(
    principal: Principal, identity: Identity, resources: Resources
) -> tuple[str, str, dt.date | None]:
    """The citizen's id, national ID (decrypted) and birth date: from the session when it carries
    them (sessions begun before it did fall back to the database)."""
    person = require_person(principal)
    assert person.citizen_id is not None
    session = person.session
    if session is not None and session.national_id_key_id and session.national_id_sealed:
        with contextlib.suppress(LookupError):  # its key retired since the login: the database knows
            national_id = identity.cipher.decrypt(session.national_id_key_id, session.national_id_sealed)
            return person.citizen_id, national_id, parse_birthdate(session.birthdate)
    row = await identity_queries.citizen_by_id(resources.pool, person.citizen_id)
    if row is None:
        raise NotFound("Your account no longer exists.")
    national_id = identity.cipher.decrypt(row["national_id_key_id"], row["national_id_ciphertext"])
    return person.citizen_id, national_id, row["birthdate"]


@get(
    "/api/v1/entitlements",
    tags=["entitlements"],
    summary="What the citizen is entitled to, from every agency, live",
)
async def my_entitlements(
    principal: NamedDependency[Principal],
    identity: NamedDependency[Identity],
    resources: NamedDependency[Resources],
    entitlements: NamedDependency[EntitlementsService],
    lang: FromQuery[Literal["th", "en"]] = "th",
    refresh: FromQuery[bool] = False,
) -> EntitlementsPage:
    citizen_id, national_id, birthdate = await _citizen(principal, identity, resources)
    return await entitlements.for_citizen(
        citizen_id=citizen_id,
        national_id=national_id,
        birthdate=birthdate,
        language=lang,
        caller=Caller("citizen", citizen_id),
        refresh=refresh,
    )


@get("/api/v1/me/consents", tags=["entitlements"], summary="The citizen's live consents")
async def my_consents(
    principal: NamedDependency[Principal], resources: NamedDependency[Resources]
) -> list[ConsentView]:
    person = require_person(principal)
    assert person.citizen_id is not None
    consents = await queries.live_consents(resources.pool, person.citizen_id)
    return [msgspec.convert(row, ConsentView) for row in consents.values()]


@post(
    "/api/v1/me/consents",
    tags=["entitlements"],
    summary="Consent to a connector being called for its stated purpose",
    status_code=HTTP_201_CREATED,
)
async def give_consent(
    data: Annotated[NewConsent, msgspec.Meta()],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
) -> ConsentView:
    person = require_person(principal)
    assert person.citizen_id is not None
    connector = next(
        (row for row in await queries.active_connectors(resources.pool) if row["id"] == data.connector_id),
        None,
    )
    if connector is None:
        raise NotFound("No such connector.")
    async with resources.pool.acquire() as connection, connection.transaction():
        row = await queries.grant_consent(
            connection, person.citizen_id, data.connector_id, connector["purpose"], data.days
        )
    return msgspec.convert(row, ConsentView)


@delete(
    "/api/v1/me/consents/{consent_id:int}",
    tags=["entitlements"],
    summary="Withdraw a consent",
    status_code=HTTP_204_NO_CONTENT,
)
async def withdraw_consent(
    consent_id: FromPath[int], principal: NamedDependency[Principal], resources: NamedDependency[Resources]
) -> None:
    person = require_person(principal)
    assert person.citizen_id is not None
    async with resources.pool.acquire() as connection, connection.transaction():
        withdrawn = await queries.withdraw_consent(connection, person.citizen_id, consent_id)
    if not withdrawn:
        raise NotFound("No such consent.")


@get("/api/v1/me/data-access", tags=["entitlements"], summary="Who accessed my data: newest first, paginated")
async def my_data_access(
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
    before: FromQuery[int | None] = None,
    limit: Annotated[int, QueryParameter(ge=1, le=100)] = 20,
) -> DataAccessPage:
    person = require_person(principal)
    assert person.citizen_id is not None
    rows = await queries.data_access_for_citizen(resources.pool, person.citizen_id, before, limit + 1)
    items = [msgspec.convert(row, DataAccessView, strict=False) for row in rows[:limit]]
    return DataAccessPage(items=items, next_before=items[-1].id if len(rows) > limit else None)


CONNECTOR_ROUTES = [
    register_connector, update_connector, list_connectors, disable_connector, agency_data_access,
    my_entitlements, my_consents, give_consent, withdraw_consent, my_data_access,
]  # fmt: skip
