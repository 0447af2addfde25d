"""The one way the platform calls an agency's system.

Every call goes through the app's shared httpx client with the connector's own timeout, retries
(with jitter, only for failures where the agency cannot have acted on the request: connection
refused, timeouts before an answer, 502/503/504), a circuit breaker per connector kept in Redis so
that all replicas stop calling a failing agency together, and a concurrency limit per agency.

Destinations are checked against server-side request forgery at registration and again before each
call (the name may resolve elsewhere by then): only http(s), no user info, and no private, loopback,
link-local or otherwise non-public address unless ``ALLOW_PRIVATE_CONNECTOR_HOSTS`` is on (demo mode
and tests, whose demo agencies run on loopback).
"""

from __future__ import annotations

import asyncio
import ipaddress
import random
import socket
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

import httpx
import msgspec
import redis.asyncio
import structlog

from backend.connectors.contract import EntitlementsRequest, EntitlementsResponse

_log = structlog.get_logger(__name__)

FailureKind = Literal[
    "timeout", "unreachable", "error_status", "bad_answer", "breaker_open", "refused_destination"
]
_RETRYABLE_STATUSES = frozenset({502, 503, 504})
_BREAKER_KEY = "breaker:{}"
_BREAKER_FAILURES = 5
_BREAKER_OPEN_SECONDS = 30
# A success resets the failure count when this call saw failures before it began; other concurrent
# successes reset it now and then too, so failures scattered among many successes never add up to
# "five in a row" (one Redis write per success would be the exact, costlier alternative).
_RESET_SAMPLE = 0.1
_MAX_RESPONSE_BYTES = 1024 * 1024
_TOKEN_KEY = "connector-token:{}"  # noqa: S105 (a Redis key name)

PLAIN_REASONS: dict[str, tuple[str, str]] = {
    "timeout": ("หน่วยงานตอบช้าเกินไป", "The agency's system took too long to answer."),
    "unreachable": ("ติดต่อระบบของหน่วยงานไม่ได้", "The agency's system could not be reached."),
    "error_status": ("ระบบของหน่วยงานขัดข้อง", "The agency's system reported an error."),
    "bad_answer": ("ระบบของหน่วยงานตอบกลับไม่ถูกต้อง", "The agency's system sent an answer we could not read."),
    "breaker_open": (
        "ระบบของหน่วยงานขัดข้อง จะลองใหม่ในไม่ช้า",
        "The agency's system is failing; we will try again shortly.",
    ),
    "refused_destination": ("ที่อยู่ของระบบหน่วยงานไม่ได้รับอนุญาต", "The agency's system address is not allowed."),
    "internal": ("ระบบของเราขัดข้อง โปรดลองใหม่อีกครั้ง", "Something went wrong on our side; please try again."),
}


class ConnectorFailure(Exception):
    def __init__(self, kind: FailureKind, detail: str = "") -> None:
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind: FailureKind = kind
        self.detail = detail


class DestinationRefused(ValueError):
    """The URL may not be called: private address, bad scheme, credentials in it."""


@dataclass(frozen=True, slots=True)
class ConnectorTarget:
    """A connector as the client needs it, secrets decrypted."""

    id: int
    agency_id: int
    base_url: str
    auth_kind: str
    api_key_header: str | None
    secret: str | None
    oauth_token_url: str | None
    oauth_client_id: str | None
    oauth_scope: str | None
    timeout_ms: int
    retries: int


_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _address_allowed(address: str, allow_private: bool) -> bool:
    if allow_private:
        return True
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address):
        # IPv6 forms that carry an IPv4 address are judged by that address.
        if ip.ipv4_mapped or ip.sixtofour:
            ip = ip.ipv4_mapped or ip.sixtofour  # type: ignore[assignment]
        elif ip.teredo:
            ip = ip.teredo[1]
        elif ip in _NAT64 or int(ip) < 2**32:
            ip = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip.is_global and not ip.is_multicast


_RESOLVED_SECONDS = 30
_resolved: dict[str, tuple[float, list[str]]] = {}


async def _addresses(host: str) -> list[str]:
    """The host's addresses, remembered for a short while: resolving runs in a thread, and a page of
    entitlements for many citizens at once would otherwise queue on the resolver."""
    try:
        return [str(ipaddress.ip_address(host))]
    except ValueError:
        pass
    remembered = _resolved.get(host)
    if remembered and time.monotonic() - remembered[0] < _RESOLVED_SECONDS:
        return remembered[1]
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, 443, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise DestinationRefused(f"the host name does not resolve ({exc.strerror})") from exc
    addresses = sorted({str(info[4][0]) for info in infos})
    _resolved[host] = (time.monotonic(), addresses)
    return addresses


async def check_destination(url: str, *, allow_private: bool) -> None:
    """Raise DestinationRefused unless every address the host resolves to may be called."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.password:
        raise DestinationRefused("only http(s) URLs with a host name and no credentials")
    if parts.scheme == "http" and not allow_private:
        raise DestinationRefused("agency systems must be reached over https")
    for address in await _addresses(parts.hostname):
        if not _address_allowed(address, allow_private):
            raise DestinationRefused("the host resolves to a private or reserved address")


class CircuitBreaker:
    """Per connector, shared by every replica: after ``_BREAKER_FAILURES`` failures in a row the
    breaker opens for ``_BREAKER_OPEN_SECONDS``; then one call is let through (half-open) and its
    outcome closes or reopens it."""

    def __init__(self, redis_client: redis.asyncio.Redis) -> None:
        self._redis = redis_client

    async def allows(self, connector_id: int) -> tuple[bool, bool]:
        """(may call now, has recent failures)."""
        failures, opened_until = await self._redis.hmget(
            _BREAKER_KEY.format(connector_id), "failures", "open_until"
        )
        return (opened_until is None or float(opened_until) <= time.time()), failures is not None

    async def state(self, connector_id: int) -> str:
        key = _BREAKER_KEY.format(connector_id)
        values = await self._redis.hmget(key, "failures", "open_until")
        failures, open_until = (int(values[0] or 0), float(values[1] or 0))
        if open_until > time.time():
            return "open"
        return "half-open" if failures >= _BREAKER_FAILURES else "closed"

    async def succeeded(self, connector_id: int) -> None:
        await self._redis.delete(_BREAKER_KEY.format(connector_id))

    async def failed(self, connector_id: int) -> None:
        key = _BREAKER_KEY.format(connector_id)
        failures = int(await self._redis.hincrby(key, "failures", 1))
        if failures >= _BREAKER_FAILURES:
            await self._redis.hset(key, "open_until", str(time.time() + _BREAKER_OPEN_SECONDS))
            _log.warning("connector_breaker_open", connector_id=connector_id, failures=failures)
        await self._redis.expire(key, 3600)


class ConnectorClient:
    def __init__(
        self,
        http: httpx.AsyncClient,
        redis_client: redis.asyncio.Redis,
        *,
        allow_private: bool,
        per_agency_concurrency: int = 50,
    ) -> None:
        self._http = http
        self._redis = redis_client
        self.breaker = CircuitBreaker(redis_client)
        self._allow_private = allow_private
        self._limits: defaultdict[int, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(per_agency_concurrency)
        )

    async def entitlements(
        self, target: ConnectorTarget, national_id: str, purpose: str, request_id: str
    ) -> EntitlementsResponse:
        allowed, had_failures = await self.breaker.allows(target.id)
        if not allowed:
            raise ConnectorFailure("breaker_open")
        body = msgspec.json.encode(
            EntitlementsRequest(national_id=national_id, purpose=purpose, request_id=request_id)
        )
        try:
            raw = await self._post(target, "/v1/entitlements", body, request_id)
            answer = msgspec.json.decode(raw, type=EntitlementsResponse)
        except ConnectorFailure as failure:
            if failure.kind != "refused_destination":
                await self.breaker.failed(target.id)
            raise
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            await self.breaker.failed(target.id)
            raise ConnectorFailure("bad_answer", str(exc)[:200]) from exc
        if had_failures or random.random() < _RESET_SAMPLE:  # noqa: S311 (sampling, not secrecy)
            await self.breaker.succeeded(target.id)
        return answer

    async def health(self, target: ConnectorTarget) -> dict[str, Any]:
        raw = await self._request(target, "GET", "/v1/health", None, "health-check")
        try:
            answer = msgspec.json.decode(raw)
        except msgspec.DecodeError as exc:
            raise ConnectorFailure("bad_answer") from exc
        return answer if isinstance(answer, dict) else {"status": "unknown"}

    async def _post(self, target: ConnectorTarget, path: str, body: bytes, request_id: str) -> bytes:
        return await self._request(target, "POST", path, body, request_id)

    async def _request(
        self, target: ConnectorTarget, method: str, path: str, body: bytes | None, request_id: str
    ) -> bytes:
        url = target.base_url.rstrip("/") + path
        try:
            await check_destination(url, allow_private=self._allow_private)
        except DestinationRefused as exc:
            raise ConnectorFailure("refused_destination", str(exc)) from exc
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            "X-Request-ID": request_id,
        }
        headers.update(await self._auth_headers(target))
        timeout = httpx.Timeout(target.timeout_ms / 1000)
        attempt = 0
        async with self._limits[target.agency_id]:
            while True:
                try:
                    # httpx's timeouts are per read; this bounds the whole answer (a slow drip of
                    # bytes would otherwise never time out).
                    async with asyncio.timeout(target.timeout_ms / 1000):
                        response = await self._http.request(
                            method, url, content=body, headers=headers, timeout=timeout
                        )
                except TimeoutError:
                    failure = ConnectorFailure("timeout", "no complete answer in time")
                    retry = False
                except httpx.TimeoutException as exc:
                    failure = ConnectorFailure("timeout", type(exc).__name__)
                    retry = isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout)
                except httpx.TransportError as exc:
                    failure = ConnectorFailure("unreachable", type(exc).__name__)
                    retry = isinstance(exc, httpx.ConnectError)
                except httpx.HTTPError as exc:  # e.g. a body that does not decode as its headers say
                    failure = ConnectorFailure("bad_answer", type(exc).__name__)
                    retry = False
                else:
                    if response.status_code == 200:
                        if len(response.content) > _MAX_RESPONSE_BYTES:
                            raise ConnectorFailure("bad_answer", "answer too large")
                        return response.content
                    failure = ConnectorFailure("error_status", f"HTTP {response.status_code}")
                    retry = response.status_code in _RETRYABLE_STATUSES
                if not retry or attempt >= target.retries:
                    raise failure
                attempt += 1
                await asyncio.sleep(random.uniform(0.05, 0.2) * attempt)  # noqa: S311 (jitter, not secrecy)

    async def _auth_headers(self, target: ConnectorTarget) -> dict[str, str]:
        if target.auth_kind == "api_key" and target.api_key_header and target.secret:
            return {target.api_key_header: target.secret}
        if target.auth_kind == "oauth_client_credentials":
            return {"Authorization": f"Bearer {await self._oauth_token(target)}"}
        return {}

    async def _oauth_token(self, target: ConnectorTarget) -> str:
        key = _TOKEN_KEY.format(target.id)
        cached = await self._redis.get(key)
        if cached:
            return cached.decode() if isinstance(cached, bytes) else str(cached)
        if not (target.oauth_token_url and target.oauth_client_id and target.secret):
            raise ConnectorFailure("error_status", "incomplete OAuth settings")
        try:
            await check_destination(target.oauth_token_url, allow_private=self._allow_private)
            response = await self._http.post(
                target.oauth_token_url,
                data={
                    "grant_type": "client_credentials",
                    **({"scope": target.oauth_scope} if target.oauth_scope else {}),
                },
                auth=(target.oauth_client_id, target.secret),
                timeout=httpx.Timeout(target.timeout_ms / 1000),
            )
        except DestinationRefused as exc:
            raise ConnectorFailure("refused_destination", str(exc)) from exc
        except httpx.HTTPError as exc:
            raise ConnectorFailure("unreachable", "token endpoint") from exc
        try:
            payload = response.json() if response.status_code == 200 else {}
            token = payload.get("access_token") if isinstance(payload, dict) else None
            lifetime = int(payload.get("expires_in", 300)) if isinstance(token, str) else 0
        except (ValueError, TypeError) as exc:
            raise ConnectorFailure(
                "bad_answer", "the agency's token endpoint sent an unreadable answer"
            ) from exc
        if not isinstance(token, str):
            raise ConnectorFailure("error_status", "the agency's token endpoint refused our credentials")
        await self._redis.set(key, token, ex=max(1, lifetime - 30))
        return token
