"""OpenID Connect relying party: authorization code flow with PKCE (S256), ``state`` and ``nonce``.

Built on authlib's PKCE and token helpers and joserfc for the ID token (authlib's own JOSE module is
deprecated). authlib's httpx OAuth client is not used because it is an ``httpx.AsyncClient`` of its
own, and all outbound calls share the app's one client with its timeouts.

The provider's discovery document and JWKS are cached for an hour; a token signed with a key id we
do not hold triggers one JWKS refresh (key rotation), and no more than one per
``_JWKS_MIN_REFRESH_SECONDS`` so that forged key ids cannot make us hammer the provider. ``state`` is
single use (GETDEL in Redis), expires after ten minutes, and is bound to the browser that started the
login (a hash of a cookie set then), so a code and state cannot be replayed into someone else's
browser to log them in as the attacker (RFC 9700 section 4.7).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
import time
from typing import Any
from urllib.parse import urlencode

import httpx
import msgspec
import redis.asyncio
import structlog
from authlib.common.security import generate_token
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from backend.core.admission import DoorPass
from backend.core.crypto import is_valid_national_id
from backend.core.errors import AppError, ServiceUnavailable
from backend.core.jsontypes import JsonObject
from backend.identity.gate import ProviderGate

_log = structlog.get_logger(__name__)

_STATE_KEY = "oidc-state:{}"
_STATE_TTL_SECONDS = 600
_METADATA_TTL_SECONDS = 3600
_JWKS_MIN_REFRESH_SECONDS = 10
_JWKS_TTL_SECONDS = 3600
_CLOCK_LEEWAY_SECONDS = 60
_ALGORITHMS = ["RS256", "PS256", "ES256"]


class LoginFailed(AppError):
    status_code = 400
    problem_type = "login-failed"
    title = "The login could not be completed"


_OTHER_BROWSER = "This login was started in another browser. Please log in again from here."


def _bound(raw_state: bytes | str | None, browser_binding: str | None) -> LoginState:
    """The login under way, if the browser's cookie is the one it was started with."""
    if raw_state is None:
        raise LoginFailed("This login link has expired or was already used. Please log in again.")
    login_state = msgspec.json.decode(raw_state, type=LoginState)
    if not browser_binding or not hmac.compare_digest(_sha256(browser_binding), login_state.browser_binding):
        raise LoginFailed(_OTHER_BROWSER)
    return login_state


class ProviderMetadata(msgspec.Struct, kw_only=True):
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    end_session_endpoint: str | None = None


class LoginState(msgspec.Struct, kw_only=True):
    browser_binding: str
    """SHA-256 of the login cookie set in the browser that started this login."""
    nonce: str
    code_verifier: str
    next_url: str
    max_age: int | None = None


class VerifiedLogin(msgspec.Struct, kw_only=True, frozen=True):
    national_id: str
    issuer: str
    subject: str
    name_th: str | None
    name_en: str | None
    birthdate: str | None
    acr: str | None
    amr: list[str]
    auth_time: int | None
    next_url: str


class OidcClient:
    def __init__(
        self,
        *,
        http: httpx.AsyncClient,
        redis_client: redis.asyncio.Redis,
        issuer: str,
        client_id: str,
        client_secret: str,
        redirect_uri: str,
        scopes: str,
        national_id_claim: str,
        gate: ProviderGate | None = None,
        door_pass: DoorPass | None = None,
    ) -> None:
        self._http = http
        self.gate = gate or ProviderGate(concurrency=50, wait_seconds=5.0)
        self._door_pass = door_pass
        self._redis = redis_client
        self.issuer = issuer  # compared exactly with the tokens' iss, trailing slash and all
        self.client_id = client_id
        self._client_secret = client_secret
        self.redirect_uri = redirect_uri
        self.scopes = scopes
        self.national_id_claim = national_id_claim
        self._metadata: ProviderMetadata | None = None
        self._metadata_fetched_at = 0.0
        self._keys: KeySet | None = None
        self._keys_fetched_at = 0.0
        self._keys_lock = asyncio.Lock()

    async def _get_json(self, url: str) -> Any:
        try:
            response = await self._http.get(url, headers={"Accept": "application/json"})
            response.raise_for_status()
            return response.json()
        except (httpx.HTTPError, ValueError) as exc:
            _log.warning("oidc_provider_unavailable", url=url, error=type(exc).__name__)
            raise ServiceUnavailable(
                "The digital ID service is not answering. Please try again shortly."
            ) from exc

    async def metadata(self) -> ProviderMetadata:
        if self._metadata is None or time.monotonic() - self._metadata_fetched_at > _METADATA_TTL_SECONDS:
            document = await self._get_json(f"{self.issuer.rstrip('/')}/.well-known/openid-configuration")
            try:
                metadata = msgspec.convert(document, ProviderMetadata)
            except msgspec.ValidationError as exc:
                raise ServiceUnavailable("The digital ID service sent an unusable configuration") from exc
            if metadata.issuer != self.issuer:
                raise ServiceUnavailable("The digital ID service's configuration names another issuer")
            self._metadata, self._metadata_fetched_at = metadata, time.monotonic()
        return self._metadata

    async def _key_set_holding(self, key_id: str | None) -> KeySet:
        """The provider's keys, refreshed when an hour old, or once when ``key_id`` is new to us."""
        async with self._keys_lock:  # concurrent logins during a rotation share one refresh
            age = time.monotonic() - self._keys_fetched_at
            known = {key.kid for key in self._keys.keys} if self._keys else set()
            stale = self._keys is None or age > _JWKS_TTL_SECONDS
            if stale or (key_id not in known and age >= _JWKS_MIN_REFRESH_SECONDS):
                if not stale:
                    _log.info("oidc_jwks_refresh", reason="unknown key id")
                document = await self._get_json((await self.metadata()).jwks_uri)
                self._keys = KeySet.import_key_set(document)
                self._keys_fetched_at = time.monotonic()
            assert self._keys is not None
            return self._keys

    async def authorization_url(
        self, *, next_url: str, acr_values: str | None, max_age: int | None
    ) -> tuple[str, str]:
        """The provider URL to send the browser to, and the value of the cookie binding this login
        to that browser."""
        metadata = await self.metadata()
        state, nonce, verifier = generate_token(32), generate_token(32), generate_token(64)
        binding = generate_token(32)
        if self._door_pass is not None:  # a login under way is let in ahead (backend.core.admission)
            binding = self._door_pass.mark(binding, time.time() + _STATE_TTL_SECONDS)
        login_state = LoginState(
            browser_binding=_sha256(binding),
            nonce=nonce,
            code_verifier=verifier,
            next_url=next_url,
            max_age=max_age,
        )
        await self._redis.set(
            _STATE_KEY.format(state), msgspec.json.encode(login_state), ex=_STATE_TTL_SECONDS
        )
        params: dict[str, str] = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": self.redirect_uri,
            "scope": self.scopes,
            "state": state,
            "nonce": nonce,
            "code_challenge": create_s256_code_challenge(verifier),
            "code_challenge_method": "S256",
        }
        if acr_values:
            params["acr_values"] = acr_values
        if max_age is not None:
            params["max_age"] = str(max_age)
        return f"{metadata.authorization_endpoint}?{urlencode(params)}", binding

    async def check_started_here(self, state: str, browser_binding: str | None) -> None:
        """LoginFailed unless ``state`` names a login under way that this browser started (its cookie
        marked and bound to it), read without using it up: a callback is checked so before it spends any
        login budget, so that each made-up one that does needs a login started (and counted) of its own."""
        if not browser_binding or not (
            self._door_pass is None or self._door_pass.carries(browser_binding.encode())
        ):
            raise LoginFailed(_OTHER_BROWSER)
        _bound(await self._redis.get(_STATE_KEY.format(state)), browser_binding)

    async def complete(self, *, code: str, state: str, browser_binding: str | None) -> VerifiedLogin:
        """Exchange the code and verify the ID token; every failure is a LoginFailed."""
        login_state = _bound(await self._redis.getdel(_STATE_KEY.format(state)), browser_binding)
        metadata = await self.metadata()
        async with self.gate.call():
            try:
                response = await self._http.post(
                    metadata.token_endpoint,
                    data={
                        "grant_type": "authorization_code",
                        "code": code,
                        "redirect_uri": self.redirect_uri,
                        "code_verifier": login_state.code_verifier,
                    },
                    auth=(self.client_id, self._client_secret),
                    headers={"Accept": "application/json"},
                )
                body = response.json() if response.status_code == 200 else None
            except (httpx.HTTPError, ValueError) as exc:
                self.gate.failed()
                raise ServiceUnavailable(
                    "The digital ID service is not answering. Please try again shortly."
                ) from exc
            if response.status_code >= 500:
                self.gate.failed()
            else:  # it answered: a refusal is about this login, not the provider's health
                self.gate.succeeded()
        if response.status_code != 200:
            _log.warning("oidc_token_refused", status=response.status_code)
            raise LoginFailed("The identity provider did not accept this login. Please log in again.")
        id_token = body.get("id_token") if isinstance(body, dict) else None
        if not isinstance(id_token, str):
            raise LoginFailed("The identity provider sent no ID token")
        claims = await self.verify_id_token(id_token, nonce=login_state.nonce, max_age=login_state.max_age)
        return self._login_from_claims(claims, login_state.next_url)

    async def verify_id_token(
        self, id_token: str, *, nonce: str, max_age: int | None, now: int | None = None
    ) -> JsonObject:
        """Signature, ``iss``, ``aud`` (and ``azp``), ``exp``, ``iat``, ``nonce`` and, when asked,
        ``auth_time`` within ``max_age``. ``now`` is the clock (seconds), for tests."""
        clock = int(time.time()) if now is None else now
        try:
            header = jws.extract_compact(id_token.encode()).headers()
            keys = await self._key_set_holding(header.get("kid"))
            token = jwt.decode(id_token, keys, algorithms=_ALGORITHMS)
            jwt.JWTClaimsRegistry(
                now=clock,
                leeway=_CLOCK_LEEWAY_SECONDS,
                iss={"essential": True, "value": self.issuer},
                aud={"essential": True, "value": self.client_id},
                exp={"essential": True},
                iat={"essential": True},
                sub={"essential": True},
                nonce={"essential": True, "value": nonce},
            ).validate(token.claims)
        except (JoseError, ValueError) as exc:
            _log.warning("oidc_id_token_rejected", error=type(exc).__name__)
            raise LoginFailed("The identity provider's answer could not be verified") from exc
        claims = token.claims
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if (len(audiences) > 1 or "azp" in claims) and claims.get("azp") != self.client_id:
            raise LoginFailed("The identity provider's answer was meant for another application")
        if max_age is not None:
            auth_time = claims.get("auth_time")
            if not isinstance(auth_time, int) or auth_time + max_age + _CLOCK_LEEWAY_SECONDS < clock:
                raise LoginFailed("The provider did not re-authenticate you as asked. Please log in again.")
        return claims

    def _login_from_claims(self, claims: JsonObject, next_url: str) -> VerifiedLogin:
        national_id = claims.get(self.national_id_claim)
        if not isinstance(national_id, str) or not is_valid_national_id(national_id):
            raise LoginFailed("The identity provider did not give a valid 13-digit national ID")
        amr = claims.get("amr")
        auth_time = claims.get("auth_time")
        return VerifiedLogin(
            national_id=national_id,
            issuer=self.issuer,
            subject=str(claims["sub"]),
            name_th=_optional_str(claims.get("name")),
            name_en=_optional_str(claims.get("name_en")),
            birthdate=_optional_str(claims.get("birthdate")),
            acr=_optional_str(claims.get("acr")),
            amr=[str(method) for method in amr] if isinstance(amr, list) else [],
            auth_time=auth_time if isinstance(auth_time, int) else None,
            next_url=next_url,
        )

    async def end_session_url(self, *, post_logout_redirect_uri: str) -> str | None:
        """RP-initiated logout by ``client_id``: the ID token (it carries the national ID) is neither
        kept after login nor put in a URL as ``id_token_hint``."""
        endpoint = (await self.metadata()).end_session_endpoint
        if not endpoint:
            return None
        params = {
            "client_id": self.client_id,
            "post_logout_redirect_uri": post_logout_redirect_uri,
            "state": secrets.token_urlsafe(16),
        }
        return f"{endpoint}?{urlencode(params)}"


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _optional_str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
