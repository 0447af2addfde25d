"""What the connectors' handlers do, one function each: agencies register, change and disable their
connectors and see the calls made to them; citizens see their entitlements, give and withdraw
consent, and see who accessed their data.

Who may call each function is decided by the router's guard before it runs; functions that act for a
citizen take the caller's ``Principal``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

import msgspec

from backend.connectors import access_log, answers_queries, queries, review, review_queries
from backend.connectors.answers import STALE_KEEP_SECONDS
from backend.connectors.client import forget_token
from backend.connectors.entitlements import Caller, EntitlementsService
from backend.connectors.schemas import (
    MAX_CACHE_SECONDS,
    AccessKind,
    ChangeInReview,
    ConnectorRow,
    ConnectorView,
    ConsentTerms,
    ConsentView,
    DataAccessPage,
    DataAccessView,
    EntitlementsPage,
    NewConnector,
    NewConsent,
)
from backend.connectors.targets import SECRET_PURPOSE
from backend.connectors.tls import certificate_problems
from backend.core.db import Pool
from backend.core.errors import Conflict, FieldError, InvalidInput, NotFound, invalid
from backend.core.outbound import DestinationRefused, check_destination, origin_of
from backend.core.partitions import Dropped, drop_months_before
from backend.core.principal import Principal, citizen_of
from backend.core.resources import Resources
from backend.identity import queries as identity_queries
from backend.identity.service import Identity, parse_birthdate
from backend.settings import ACCESS_LOG_FLOOR_DAYS


def _view(row: ConnectorRow, circuit: str = "closed", change: ChangeInReview | None = None) -> ConnectorView:
    view = msgspec.convert({**msgspec.structs.asdict(row), "circuit": circuit}, ConnectorView)
    view.change_in_review = change
    return view


# --- an agency's connectors -----------------------------------------------------------------------


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


def _secret_may_stay(data: NewConnector, current: ConnectorRow) -> bool:
    """Not once either address points to another origin, where the stored secret (or a token got with
    it) would be sent: then the secret must be given again, and leaving it out is refused by name."""
    moved = [
        field
        for field in ("base_url", "oauth_token_url")
        if _origin(getattr(data, field)) != _origin(getattr(current, field))
    ]
    # A CA the agency gives decides which server counts as that origin: a new one, a new destination.
    if (data.server_ca_pem or "").strip() != (current.server_ca_pem or "").strip():
        moved.append("server_ca_pem")
    secret_field = _SECRET_FIELDS.get(data.auth_kind)
    if not moved or secret_field is None or getattr(data, secret_field):
        return not moved
    changed = ", ".join(moved)
    message = (
        f"ต้องใส่อีกครั้ง เพราะ {changed} ชี้ไปยังที่อยู่ใหม่ (ความลับที่เก็บไว้จะไม่ถูกส่งไปยังที่อยู่ใหม่) · "
        f"needed again: {changed} now points to another address, and the stored secret is never sent there"
    )
    raise invalid(secret_field, message, detail=message)


async def _check_urls(data: NewConnector, resources: Resources) -> None:
    allow_private = bool(resources.settings.allow_private_connector_hosts)
    for field in ("base_url", "oauth_token_url"):
        url = getattr(data, field)
        if url:
            try:
                await check_destination(url, allow_private=allow_private)
            except DestinationRefused as exc:
                raise invalid(field, str(exc)) from exc


async def _connector(resources: Resources, agency_id: int, connector_id: int) -> ConnectorRow:
    found = await queries.connectors_of(resources.pool, agency_id, connector_id)
    if not found:
        raise NotFound("No such connector.")
    return found[0]


def _check_items(data: NewConnector) -> None:
    """A cross-field rule, so said here rather than in the type: a type's own check cannot name a field."""
    if len(data.fields_th) != len(data.fields_en):
        raise invalid(
            "fields_en",
            "ต้องมีรายการเท่ากับข้อมูลที่ส่งกลับภาษาไทย เรียงตามลำดับเดียวกัน · "
            "fields_th and fields_en name the same items: as many of each, in the same order",
        )


async def register_connector(
    resources: Resources,
    identity: Identity,
    entitlements: EntitlementsService,
    agency_id: int,
    data: NewConnector,
    principal: Principal,
) -> ConnectorView:
    if await identity_queries.agency_status(resources.pool, agency_id) != "approved":
        raise Conflict("The agency must be approved before it registers connectors.")
    _check_items(data)
    secret = _checked_auth(data)
    await _check_urls(data, resources)
    key_id, ciphertext = identity.cipher.encrypt(secret, purpose=SECRET_PURPOSE) if secret else (None, None)
    connector_id = await queries.register_connector(
        resources.pool, agency_id, data, key_id, ciphertext, principal.citizen_id, principal.client_id
    )
    if connector_id is None:
        raise Conflict("This agency already has a connector with that name.")
    await entitlements.connectors_changed()
    return _view(await _connector(resources, agency_id, connector_id))


async def update_connector(
    resources: Resources,
    identity: Identity,
    entitlements: EntitlementsService,
    agency_id: int,
    connector_id: int,
    data: NewConnector,
    principal: Principal,
) -> ConnectorView:
    """Changes the connector (and turns it back on), or holds a reviewed change to a live one for
    review; a secret left out stays, unless an address moved."""
    current = await _connector(resources, agency_id, connector_id)
    if data.name != current.name:
        raise invalid("name", "a connector's name cannot change")
    _check_items(data)
    keep = current.auth_kind == data.auth_kind and current.secret_ciphertext is not None
    keep = keep and _secret_may_stay(data, current)
    secret = _checked_auth(data, secret_on_file=keep)
    await _check_urls(data, resources)
    key_id: str | None
    ciphertext: bytes | None
    if secret:
        key_id, ciphertext = identity.cipher.encrypt(secret, purpose=SECRET_PURPOSE)
    elif keep:
        key_id, ciphertext = current.secret_key_id, current.secret_ciphertext
    else:
        key_id, ciphertext = None, None
    if review.held_for_review(data, current):
        # The approved version keeps serving until a platform admin approves this one.
        await review_queries.propose_change(
            resources.pool, connector_id, data, key_id, ciphertext, principal.citizen_id, principal.client_id
        )
        return (await agency_connectors(resources, entitlements, agency_id, connector_id))[0]
    status = review.status_after_change(data, current)
    async with resources.pool.acquire() as connection, connection.transaction():
        await queries.update_connector(connection, agency_id, connector_id, data, key_id, ciphertext, status)
        if review.consent_ends(data, current):
            await queries.withdraw_all_consents(connection, connector_id)
    # An OAuth token got with the old settings is not sent to the new ones.
    await forget_token(resources.redis, connector_id)
    await entitlements.connectors_changed()
    return (await agency_connectors(resources, entitlements, agency_id, connector_id))[0]


async def agency_connectors(
    resources: Resources, entitlements: EntitlementsService, agency_id: int, connector_id: int | None = None
) -> list[ConnectorView]:
    """With each one's circuit breaker as every replica sees it, and any change waiting for review."""
    changes = await review_queries.changes_of(resources.pool, agency_id)
    return [
        _view(row, await entitlements.circuit(row.id), changes.get(row.id))
        for row in await queries.connectors_of(resources.pool, agency_id, connector_id)
    ]


async def disable_connector(
    resources: Resources, entitlements: EntitlementsService, agency_id: int, connector_id: int
) -> None:
    if not await queries.set_connector_status(resources.pool, agency_id, connector_id, "disabled"):
        raise NotFound("No such connector.")
    await entitlements.connectors_changed()


async def agency_data_access(
    resources: Resources, agency_id: int, before: int | None, limit: int
) -> list[DataAccessView]:
    """Calls made to the agency's own connectors, newest first."""
    return await access_log.data_access_for_agency(resources.pool, agency_id, before, limit)


# --- citizens -------------------------------------------------------------------------------------


async def _citizen(
    principal: Principal, identity: Identity, resources: Resources
) -> tuple[uuid.UUID, Callable[[], str], dt.date | None]:
    """The citizen's id, national ID (decrypted when called: a page of cached answers needs none) and
    birth date: from the session when it carries them (sessions begun before it did, or whose key
    has retired since the login, fall back to the database)."""
    citizen_id = citizen_of(principal)
    session = principal.session
    if session is not None and session.national_id_key_id and session.national_id_sealed:
        key_id, sealed = session.national_id_key_id, session.national_id_sealed
        if identity.cipher.can_decrypt(key_id):
            birthdate = parse_birthdate(session.birthdate)
            return citizen_id, lambda: identity.cipher.decrypt(key_id, sealed), birthdate
    row = await identity_queries.citizen(resources.pool, citizen_id)
    if row is None:
        raise NotFound("Your account no longer exists.")
    national_id = identity.cipher.decrypt(row.national_id_key_id, row.national_id_ciphertext)
    return citizen_id, lambda: national_id, row.birthdate


async def entitlements_page(
    resources: Resources,
    identity: Identity,
    entitlements: EntitlementsService,
    principal: Principal,
    *,
    language: str,
    refresh: bool,
) -> EntitlementsPage:
    citizen_id, national_id, birthdate = await _citizen(principal, identity, resources)
    return await entitlements.for_citizen(
        citizen_id=citizen_id,
        national_id=national_id,
        birthdate=birthdate,
        language=language,
        caller=Caller("citizen", citizen_id),
        refresh=refresh,
        prefetched=principal.prefetched,
    )


async def consents(resources: Resources, principal: Principal) -> list[ConsentView]:
    return list((await queries.live_consents(resources.pool, citizen_of(principal))).values())


async def consent_terms(resources: Resources, principal: Principal, connector_id: int) -> ConsentTerms:
    found = await queries.active_connectors(resources.pool, connector_id)
    if not found:
        raise NotFound("No such connector.")
    row = found[0]
    given = (await queries.live_consents(resources.pool, citizen_of(principal))).get(connector_id)
    return ConsentTerms(
        connector_id=row.id, agency_name_th=row.agency_name_th, agency_name_en=row.agency_name_en,
        title_th=row.title_th, title_en=row.title_en, purpose_th=row.purpose_th, purpose_en=row.purpose_en,
        fields_th=row.fields_th, fields_en=row.fields_en, consent_days=row.consent_days, consent=given,
    )  # fmt: skip


async def give_consent(resources: Resources, principal: Principal, data: NewConsent) -> ConsentView:
    """For the connector's purpose and duration as they read now (what the citizen was shown);
    replaces a live consent to the same connector."""
    citizen_id = citizen_of(principal)
    found = await queries.active_connectors(resources.pool, data.connector_id)
    if not found:
        raise NotFound("No such connector.")
    async with resources.pool.acquire() as connection, connection.transaction():
        return await queries.grant_consent(connection, citizen_id, found[0])


async def withdraw_consent(resources: Resources, principal: Principal, consent_id: int) -> None:
    """Another citizen's consent is not there for the caller (404)."""
    async with resources.pool.acquire() as connection, connection.transaction():
        withdrawn = await queries.withdraw_consent(connection, citizen_of(principal), consent_id)
    if not withdrawn:
        raise NotFound("No such consent.")


_SCANNED = 500
"""Records read for one page: repeated calls become one entry each, so a page of 20 entries can
stand for hundreds of records."""


async def data_access_page(
    resources: Resources,
    principal: Principal,
    before: int | None,
    limit: int,
    *,
    kind: AccessKind | None = None,
    agency_id: int | None = None,
) -> DataAccessPage:
    """Who accessed the citizen's data, newest first, about ``limit`` entries at a time, repeated
    calls to an agency grouped; of one kind or agency when asked."""
    citizen_id = citizen_of(principal)
    rows = await access_log.data_access_for_citizen(
        resources.pool, citizen_id, before, _SCANNED + 1, kind=kind, agency_id=agency_id
    )
    items, next_before = access_log.grouped(rows[:_SCANNED], limit, more=len(rows) > _SCANNED)
    agencies = await access_log.agencies_in_record(resources.pool, citizen_id)
    return DataAccessPage(items=items, next_before=next_before, agencies=agencies)


async def forget_old_records(pool: Pool, *, access_log_days: int, state_days: int) -> tuple[Dropped, int]:
    """The retention job's part: the access log's months past ``access_log_days`` dropped whole (never
    under the legal floor), and entitlement states deleted batch by batch (one row per citizen and scheme,
    rewritten on every answer: no time to partition them by)."""
    records = await drop_months_before(
        pool, access_log.ACCESS_LOG, days=access_log_days, floor_days=ACCESS_LOG_FLOOR_DAYS
    )
    states = 0
    while batch := await queries.forget_states_unseen_for(pool, state_days):
        states += batch
    return records, states


async def forget_old_answers(pool: Pool) -> int:
    """The retention job's part: answers kept past the longest cache lifetime and the stale day."""
    deleted = 0
    while batch := await answers_queries.delete_answers_older_than(
        pool, MAX_CACHE_SECONDS + STALE_KEEP_SECONDS
    ):
        deleted += batch
    return deleted
