"""The one way the platform calls an agency's system.

Every call goes through one aiohttp session owned by this client, with the connector's own timeout,
retries (with jitter, only for failures where the agency cannot have acted on the request: connection
refused, connect time-outs, 502/503/504), a circuit breaker per connector kept in Redis so that all
replicas stop calling a failing agency together, and a concurrency limit per agency. Connectors
authenticate with an API key header, OAuth 2.0 client credentials, or a client TLS certificate; an
agency whose server certificate comes from its own (e.g. government) CA gives that CA, and only it is
trusted for that connector.

Every request goes through the platform's one vetted client (``backend.core.outbound``): destinations
checked and their addresses pinned for the connection, redirects never followed, plain http only where
private hosts are allowed. A connector's OAuth token request goes through it too.
"""

from __future__ import annotations

import asyncio
import random
import ssl
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Literal

import aiohttp
import msgspec
import redis.asyncio

from backend.connectors.breaker import CallBatch, CircuitBreaker
from backend.connectors.contract import (
    ApplicationAccepted,
    ApplicationSubmission,
    EntitlementsRequest,
    EntitlementsResponse,
    RelationshipAnswer,
    RelationshipRequest,
)
from backend.connectors.limit import Limit
from backend.connectors.tls import tls_context
from backend.core.outbound import (
    AnswerTooLarge,
    DestinationRefused,
    OutboundClient,
    refused_by_resolver,
)

FailureKind = Literal[
    "timeout", "unreachable", "error_status", "bad_answer", "breaker_open", "refused_destination"
]
_RETRYABLE_STATUSES = frozenset({502, 503, 504})
# A success resets the failure count when this call saw failures before it began; other concurrent
# successes reset it now and then too, so failures scattered among many successes never add up to
# "five in a row" (one Redis write per success would be the exact, costlier alternative).
_RESET_SAMPLE = 0.1
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


async def forget_token(redis_client: redis.asyncio.Redis, connector_id: int) -> None:
    """Drop a connector's cached OAuth token (its address or credentials changed: the token was
    issued for the old ones and must not be sent to the new address)."""
    await redis_client.delete(_TOKEN_KEY.format(connector_id))


class ConnectorFailure(Exception):
    def __init__(self, kind: FailureKind, detail: str = "") -> None:
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind: FailureKind = kind
        self.detail = detail


@dataclass(frozen=True, slots=True)
class ConnectorTarget:
    """A connector as the client needs it, secrets decrypted."""

    id: int
    agency_id: int
    base_url: str
    auth_kind: str
    api_key_header: str | None
    secret: str | None
    """The API key, the OAuth client secret, or the client certificate's private key (PEM)."""
    oauth_token_url: str | None
    oauth_client_id: str | None
    oauth_scope: str | None
    timeout_ms: int
    retries: int
    client_certificate_pem: str | None = None
    server_ca_pem: str | None = None
    tls_version: str = ""
    """Changes whenever the certificate, key or CA change (the TLS context is rebuilt then)."""


class ConnectorClient:
    """Connector calls over the platform's vetted client (``outbound``, owned by the caller)."""

    def __init__(
        self,
        redis_client: redis.asyncio.Redis,
        outbound: OutboundClient,
        *,
        per_agency_concurrency: int = 50,
    ) -> None:
        self.redis = redis_client
        self.breaker = CircuitBreaker(redis_client)
        self._outbound = outbound
        self._limits: defaultdict[int, Limit] = defaultdict(lambda: Limit(per_agency_concurrency))
        self._tls: dict[int, tuple[str, ssl.SSLContext]] = {}

    async def entitlements(
        self,
        target: ConnectorTarget,
        national_id: str,
        purpose: str,
        request_id: str,
        *,
        probe: bool = False,
        batch: CallBatch | None = None,
    ) -> EntitlementsResponse:
        """The agency's answer for one citizen. A ``probe`` (the agency's own test from its console) is
        made even while the breaker is open, and an answer closes it. One of a page's calls (``batch``)
        takes its breaker as the page read it and leaves what it taught there for the page to write."""
        reading = batch.readings.get(target.id) if batch else None
        allowed, had_failures = reading or await self.breaker.allows(target.id)
        if not allowed and not probe:
            raise ConnectorFailure("breaker_open")
        body = msgspec.json.encode(
            EntitlementsRequest(national_id=national_id, purpose=purpose, request_id=request_id)
        )
        try:
            started = time.monotonic()
            raw = await self._request(target, "POST", "/v1/entitlements", body, request_id)
            milliseconds = round((time.monotonic() - started) * 1000)
            if batch:
                batch.latencies_ms.append((target.id, milliseconds))
            else:
                await self.breaker.note_latency(target.id, milliseconds)
            answer = msgspec.json.decode(raw, type=EntitlementsResponse)
        except ConnectorFailure as failure:
            if failure.kind != "refused_destination":
                await self.breaker.failed(target.id)
            raise
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            await self.breaker.failed(target.id)
            raise ConnectorFailure("bad_answer", str(exc)[:200]) from exc
        if probe or had_failures or random.random() < _RESET_SAMPLE:  # noqa: S311 (sampling, not secrecy)
            if batch:
                batch.successes.add(target.id)
            else:
                await self.breaker.succeeded(target.id)
        return answer

    async def latencies_ms(self, connector_id: int) -> list[int]:
        """The durations of its most recent answered calls, newest first."""
        return await self.breaker.latencies_ms(connector_id)

    async def submit_application(
        self, target: ConnectorTarget, submission: ApplicationSubmission
    ) -> ApplicationAccepted:
        """Not retried here beyond the connector's own settings: the caller is a task with its own
        back-off, and the agency de-duplicates by tracking number (the contract says so)."""
        raw = await self._request(
            target, "POST", "/v1/applications", msgspec.json.encode(submission), submission.request_id
        )
        try:
            return msgspec.json.decode(raw, type=ApplicationAccepted)
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            raise ConnectorFailure("bad_answer", str(exc)[:200]) from exc

    async def relationship(
        self, target: ConnectorTarget, question: RelationshipRequest
    ) -> RelationshipAnswer:
        """A registry's answer; its failures count towards its circuit breaker as any connector's do."""
        allowed, _ = await self.breaker.allows(target.id)
        if not allowed:
            raise ConnectorFailure("breaker_open")
        try:
            raw = await self._request(
                target, "POST", "/v1/relationships", msgspec.json.encode(question), question.request_id
            )
            answer = msgspec.json.decode(raw, type=RelationshipAnswer)
        except ConnectorFailure as failure:
            if failure.kind != "refused_destination":
                await self.breaker.failed(target.id)
            raise
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            await self.breaker.failed(target.id)
            raise ConnectorFailure("bad_answer", str(exc)[:200]) from exc
        await self.breaker.succeeded(target.id)
        return answer

    def _ssl_for(self, target: ConnectorTarget) -> ssl.SSLContext | bool:
        if not (target.server_ca_pem or target.client_certificate_pem):
            return True  # the system's trusted CAs
        remembered = self._tls.get(target.id)
        if remembered is None or remembered[0] != target.tls_version:
            try:
                context = tls_context(
                    server_ca_pem=target.server_ca_pem,
                    certificate_pem=target.client_certificate_pem,
                    private_key_pem=target.secret if target.auth_kind == "client_tls" else None,
                )
                remembered = (target.tls_version, context)
            except (ssl.SSLError, ValueError) as exc:
                raise ConnectorFailure("unreachable", "the connector's TLS settings do not load") from exc
            self._tls[target.id] = remembered
        return remembered[1]

    async def _request(
        self, target: ConnectorTarget, method: str, path: str, body: bytes | None, request_id: str
    ) -> bytes:
        url = target.base_url.rstrip("/") + path
        try:
            self._outbound.check(url)
        except DestinationRefused as exc:
            raise ConnectorFailure("refused_destination", str(exc)) from exc
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            "X-Request-ID": request_id,
        }
        headers.update(await self._auth_headers(target))
        seconds = target.timeout_ms / 1000
        tls = self._ssl_for(target)
        attempt = 0
        async with self._limits[target.agency_id]:
            while True:
                try:
                    answer = await self._outbound.request(
                        method, url, deadline=seconds, data=body, headers=headers, tls=tls
                    )
                except TimeoutError:
                    failure = ConnectorFailure("timeout", "no complete answer in time")
                    retry = False
                except aiohttp.ConnectionTimeoutError:
                    failure = ConnectorFailure("timeout", "connecting took too long")
                    retry = True
                except aiohttp.ClientConnectorError as exc:
                    if refused_by_resolver(exc):
                        raise ConnectorFailure("refused_destination", str(exc.os_error)) from exc
                    failure = ConnectorFailure("unreachable", type(exc).__name__)
                    # A certificate the agency's server or ours does not accept will not change.
                    retry = not isinstance(exc, aiohttp.ClientSSLError)
                except (aiohttp.ClientOSError, aiohttp.ServerDisconnectedError) as exc:
                    failure = ConnectorFailure("unreachable", type(exc).__name__)
                    retry = False  # the request may have reached the agency
                except AnswerTooLarge as exc:
                    raise ConnectorFailure("bad_answer", "answer too large") from exc
                except aiohttp.ClientError as exc:  # e.g. a body that does not decode as its headers say
                    failure = ConnectorFailure("bad_answer", type(exc).__name__)
                    retry = False
                else:
                    if answer.status == 200:
                        return answer.body
                    # A redirect is never followed: the national ID goes to the vetted origin only.
                    moved = " (redirects are not followed)" if answer.redirected else ""
                    failure = ConnectorFailure("error_status", f"HTTP {answer.status}{moved}")
                    retry = answer.status in _RETRYABLE_STATUSES
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
        cached = await self.redis.get(key)
        if cached:
            return cached.decode() if isinstance(cached, bytes) else str(cached)
        if not (target.oauth_token_url and target.oauth_client_id and target.secret):
            raise ConnectorFailure("error_status", "incomplete OAuth settings")
        form = {"grant_type": "client_credentials"}
        if target.oauth_scope:
            form["scope"] = target.oauth_scope
        try:
            answer = await self._outbound.request(
                "POST",
                target.oauth_token_url,
                deadline=target.timeout_ms / 1000,
                data=form,
                headers={"Authorization": aiohttp.encode_basic_auth(target.oauth_client_id, target.secret)},
                tls=self._ssl_for(target),
            )
            status, raw = answer.status, answer.body
        except DestinationRefused as exc:
            raise ConnectorFailure("refused_destination", str(exc)) from exc
        except aiohttp.ClientConnectorError as exc:
            if refused_by_resolver(exc):
                raise ConnectorFailure("refused_destination", "token endpoint") from exc
            raise ConnectorFailure("unreachable", "token endpoint") from exc
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise ConnectorFailure("unreachable", "token endpoint") from exc
        try:
            payload = msgspec.json.decode(raw) if status == 200 else {}
            token = payload.get("access_token") if isinstance(payload, dict) else None
            lifetime = int(payload.get("expires_in", 300)) if isinstance(token, str) else 0
        except (msgspec.DecodeError, ValueError, TypeError) as exc:
            raise ConnectorFailure(
                "bad_answer", "the agency's token endpoint sent an unreadable answer"
            ) from exc
        if not isinstance(token, str):
            raise ConnectorFailure("error_status", "the agency's token endpoint refused our credentials")
        await self.redis.set(key, token, ex=max(1, lifetime - 30))
        return token
