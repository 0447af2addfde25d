"""The identity feature's services and the request dependencies other features use.

``Identity`` logs a citizen in and out and keeps their sessions; the HTTP handlers (``backend.identity.api``)
make one call each, here or in ``account`` (the citizen's profile and sessions), ``role_grants`` (staff roles)
and ``agency_clients`` (agencies' machine clients and the token endpoint).

``principal`` (a Litestar dependency) resolves the caller from an agency's bearer token or the
session cookie. A state-changing request made with the cookie must carry the session's CSRF token in
``X-CSRF-Token`` (synchronizer-token pattern): Litestar's CSRF middleware sets its own cookie on
every response, while tying the token to the server-side session lets logout invalidate it too.
"""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit

import httpx
import structlog
from litestar import Request
from litestar.datastructures import Cookie, State
from litestar.di import NamedDependency

from backend.core.admission import DoorPass
from backend.core.crypto import NationalIdCipher, is_valid_national_id
from backend.core.db import Connection
from backend.core.errors import BadRequest, NotAuthenticated, ServiceUnavailable, invalid
from backend.core.guards import principal_of
from backend.core.links import is_same_site_path
from backend.core.login_navigation import ACR_VALUES
from backend.core.principal import Principal, Session, citizen_of
from backend.core.ratelimit import Bucket, RateLimiter, address_key, client_address
from backend.core.resources import Resources
from backend.core.shared import Shared
from backend.identity import queries
from backend.identity.agency_clients import AgencyTokens
from backend.identity.gate import ProviderGate
from backend.identity.login_limits import LoginLimits
from backend.identity.oidc import LoginFailed, OidcClient, VerifiedLogin
from backend.identity.roles import RoleCache
from backend.identity.schemas import LogoutResult
from backend.identity.sessions import SessionStore
from backend.settings import Settings

_log = structlog.get_logger(__name__)

CSRF_HEADER = "x-csrf-token"
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class WithCookies(Generic[T]):
    """An answer and the cookies to set with it (a redirect's answer is its URL)."""

    body: T
    cookies: list[Cookie]


LoginListener = Callable[[Connection, uuid.UUID, bytes], Awaitable[None]]
_login_listeners: list[LoginListener] = []


def on_login(listener: LoginListener) -> LoginListener:
    """Run ``listener(connection, citizen_id, national_id_hash)`` in the transaction that records each
    login: what was kept for a national ID before its first login (a held message) becomes the
    citizen's. A registry rather than an import so that identity does not depend on the features."""
    if listener not in _login_listeners:
        _login_listeners.append(listener)
    return listener


def session_cookie_name(settings: Settings) -> str:
    # __Host- binds the cookie to this exact origin (no Domain, Path=/, Secure); browsers accept it
    # only over HTTPS.
    return "__Host-session" if settings.uses_https else "session"


def login_binding_cookie_name(settings: Settings) -> str:
    return "__Host-login" if settings.uses_https else "login"


def journey_cookies(settings: Settings) -> tuple[str, str]:
    """Cookies that show someone already let in: a session, or a login under way (admission)."""
    return session_cookie_name(settings), login_binding_cookie_name(settings)


def session_cookie_secure(settings: Settings) -> bool:
    """Secure always, except for a demo on the local machine over plain http."""
    host = urlsplit(settings.public_url).hostname or ""
    return settings.uses_https or not (settings.demo_mode and host in _LOCAL_HOSTS)


@dataclass(slots=True)
class Identity:
    settings: Settings
    cipher: NationalIdCipher
    sessions: SessionStore
    oidc: OidcClient
    limiter: RateLimiter
    login_limits: LoginLimits
    agency_tokens: AgencyTokens
    roles: RoleCache
    prefetch: dict[str, Callable[[str], list[str]]] = field(default_factory=dict)
    """Per path, the citizen's keys (``sessions.citizen_key``) its page reads: the authentication
    middleware reads them with the session, in one MGET (``Principal.prefetched``)."""

    @property
    def token_bucket(self) -> Bucket:
        """Agencies' systems: their own budget, so they never use up citizens' logins."""
        per_minute = self.settings.token_requests_per_minute
        return Bucket("oauth-token", capacity=per_minute, per_second=per_minute / 60)

    @property
    def login_binding_cookie_name(self) -> str:
        return login_binding_cookie_name(self.settings)

    def login_binding_cookie(self, value: str, *, expire: bool = False) -> Cookie:
        """Ties a login in progress to this browser (checked at the callback)."""
        return Cookie(
            key=self.login_binding_cookie_name,
            value=value,
            path="/",
            httponly=True,
            secure=session_cookie_secure(self.settings),
            samesite="lax",
            max_age=0 if expire else 600,
        )

    def session_cookie(self, token: str) -> Cookie:
        return Cookie(
            key=session_cookie_name(self.settings),
            value=token,
            path="/",
            httponly=True,
            secure=session_cookie_secure(self.settings),
            samesite="lax",
            max_age=self.sessions.absolute_seconds,
        )

    def expired_session_cookie(self) -> Cookie:
        cookie = self.session_cookie("")
        cookie.max_age = 0
        return cookie

    async def limit(self, request: Request[Any, Any, Any], bucket: Bucket) -> None:
        """Per client address (agencies' machine clients, public checks)."""
        await self.limiter.take(
            bucket, address_key(client_address(request, self.settings.trusted_proxy_networks))
        )

    async def record_login(self, resources: Resources, login: VerifiedLogin) -> uuid.UUID:
        """Create or refresh the citizen; grant bootstrap admin rights. Returns the citizen id."""
        key_id, ciphertext = self.cipher.encrypt(login.national_id)
        national_id_hash = self.cipher.lookup_hash(login.national_id)
        async with resources.pool.acquire() as connection, connection.transaction():
            citizen_id, created = await queries.upsert_citizen_on_login(
                connection,
                national_id_hash=national_id_hash,
                key_id=key_id,
                ciphertext=ciphertext,
                issuer=login.issuer,
                subject=login.subject,
                name_th=login.name_th,
                name_en=login.name_en,
                birthdate=parse_birthdate(login.birthdate),
            )
            if created and login.national_id in self.settings.bootstrap_admins:  # first login only
                await queries.grant_role(
                    connection,
                    citizen_id=citizen_id,
                    role="platform_admin",
                    agency_id=None,
                    granted_by=None,
                    reason="BOOTSTRAP_ADMIN_NATIONAL_IDS setting",
                )
            for listener in _login_listeners:
                await listener(connection, citizen_id, national_id_hash)
        _log.info("citizen_logged_in", citizen_id=citizen_id, first_login=created, acr=login.acr)
        return citizen_id

    # --- logging in and out ----------------------------------------------------------------------

    async def start_login(
        self,
        request: Request[Any, Any, Any],
        *,
        next_path: str,
        acr_values: str | None,
        max_age: int | None,
    ) -> WithCookies[str]:
        """Where to send the browser to log in (or step up), with the cookie that binds it to this login."""
        device_cookies = await self.login_limits.take(request, self.login_limits.login_bucket)
        if not is_same_site_path(next_path):
            raise BadRequest("next must be a path on this site, such as /bills")
        if acr_values is not None and not ACR_VALUES.fullmatch(acr_values):
            raise BadRequest("acr_values is not a valid list of assurance levels")
        url, binding = await self.oidc.authorization_url(
            next_url=next_path, acr_values=acr_values, max_age=max_age
        )
        return WithCookies(url, [self.login_binding_cookie(binding), *device_cookies])

    async def finish_login(
        self,
        request: Request[Any, Any, Any],
        resources: Resources,
        *,
        code: str | None,
        state: str | None,
        error: str | None,
    ) -> WithCookies[str]:
        """The provider's answer checked, the citizen recorded and a new session begun; where to go next."""
        if not state:
            raise LoginFailed("The identity provider's answer is incomplete. Please log in again.")
        binding = request.cookies.get(self.login_binding_cookie_name)
        await self.oidc.check_started_here(state, binding)  # before the limits: junk spends no budget
        device_cookies = await self.login_limits.take(request, self.login_limits.callback_bucket)
        if error:
            raise LoginFailed("The identity provider did not log you in. Please try again.")
        if not code:
            raise LoginFailed("The identity provider's answer is incomplete. Please log in again.")
        verified = await self.oidc.complete(code=code, state=state, browser_binding=binding)
        citizen_id = await self.record_login(resources, verified)
        # Rotation: whatever session this browser had before ends; the login gets a new one.
        previous = request.cookies.get(session_cookie_name(self.settings))
        if previous and (old := await self.sessions.load(previous)) is not None:
            await self.sessions.end(old.citizen_id, old.public_id)
        token, _ = await self.sessions.create(
            citizen_id,
            acr=verified.acr,
            amr=verified.amr,
            auth_time=verified.auth_time,
            user_agent=request.headers.get("user-agent", ""),
            ip_address=client_address(request, self.settings.trusted_proxy_networks),
            sealed_national_id=self.cipher.encrypt(verified.national_id),
            birthdate=verified.birthdate,
        )
        cookies = [self.session_cookie(token), self.login_binding_cookie("", expire=True), *device_cookies]
        return WithCookies(verified.next_url, cookies)

    async def log_out(self, principal: Principal) -> WithCookies[LogoutResult]:
        """This session ends, and the provider's too when it can say how."""
        citizen_id, session = person_of(principal)
        await self.sessions.end(citizen_id, session.public_id)
        try:
            end_session_url = await self.oidc.end_session_url(
                post_logout_redirect_uri=f"{self.settings.public_url}/"
            )
        except ServiceUnavailable:  # our session is over whatever the provider says: clear the cookie
            end_session_url = None
        return WithCookies(LogoutResult(end_session_url=end_session_url), [self.expired_session_cookie()])

    # --- who is who ---------------------------------------------------------------------------------

    async def citizen_id_for(self, resources: Resources, national_id: str) -> uuid.UUID | None:
        """Whose national ID this is (None when they never logged in); 400 when it is not a valid one."""
        if not is_valid_national_id(national_id):
            raise invalid("national_id", "is not a valid 13-digit national ID")
        return await queries.citizen_id_by_hash(resources.pool, self.cipher.lookup_hash(national_id))

    async def principal_for(
        self, resources: Resources, session: Session, prefetched: Mapping[str, bytes | None] | None = None
    ) -> Principal:
        async def read() -> frozenset[tuple[str, int | None]]:
            return frozenset(await queries.active_roles(resources.pool, session.citizen_id))

        roles = await self.roles.of(session.citizen_id, read)
        return Principal(
            citizen_id=session.citizen_id, session=session, roles=roles, prefetched=prefetched or {}
        )


def create_identity(
    settings: Settings, resources: Resources, shared: Shared, *, oidc_http: httpx.AsyncClient
) -> Identity:
    issuer, client_id, client_secret = settings.oidc_client
    door_pass = DoorPass(settings.secret_key)  # the tokens handed out are let in ahead (admission)
    limiter = RateLimiter(resources.redis)
    hash_key = base64.b64decode(settings.id_hash_key)
    return Identity(
        settings=settings,
        cipher=NationalIdCipher(settings.id_encryption_keyring(), hash_key=hash_key),
        sessions=SessionStore(
            resources.redis,
            idle_seconds=settings.session_idle_minutes * 60,
            absolute_seconds=settings.session_absolute_hours * 3600,
            reads=resources.reads,
            door_pass=door_pass,
        ),
        oidc=OidcClient(
            http=oidc_http,
            redis_client=resources.redis,
            issuer=issuer,
            client_id=client_id,
            client_secret=client_secret,
            redirect_uri=f"{settings.public_url}/auth/callback",
            scopes=settings.oidc_scopes,
            national_id_claim=settings.oidc_national_id_claim,
            gate=ProviderGate(
                concurrency=settings.identity_provider_concurrency,
                wait_seconds=settings.identity_provider_wait_seconds,
            ),
            door_pass=door_pass,
        ),
        limiter=limiter,
        login_limits=LoginLimits(settings, limiter, session_cookie_secure(settings)),
        agency_tokens=AgencyTokens(resources.redis, door_pass),
        roles=RoleCache(shared),
    )


def person_of(principal: Principal) -> tuple[uuid.UUID, Session]:
    """The citizen id and session of a person logged in with the cookie: a route guarded by ``person``
    (``backend.core.guards``) lets no one else through."""
    assert principal.session is not None
    return citizen_of(principal), principal.session


def parse_birthdate(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


# --- request dependencies ---------------------------------------------------------------------


def provide_identity(state: State) -> Identity:
    identity: Identity = state.identity
    return identity


def provide_optional_principal(request: Request[Any, Any, Any]) -> Principal | None:
    """The caller the authentication middleware found (``backend.identity.auth``), or None."""
    return principal_of(request)


def provide_principal(optional_principal: NamedDependency[Principal | None]) -> Principal:
    if optional_principal is None:
        raise NotAuthenticated("Log in with your digital ID to continue.")
    return optional_principal
