"""Every call the platform makes on someone's behalf goes through one vetted client: redirects are never
followed (so a national ID or a credential reaches only the origin that was vetted), addresses are
vetted where the connection is made, and push endpoints are limited to real push services."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import httpx
import msgspec
import pytest
from aiohttp import web

from backend.connectors.client import ConnectorClient, ConnectorFailure, ConnectorTarget
from backend.core.outbound import (
    DestinationRefused,
    OutboundClient,
    check_url_shape,
    refused_by_resolver,
)
from backend.core.resources import Resources
from backend.core.tasks import run_task
from notifications.endpoints import endpoint_problem
from tests.factories import valid_national_id
from tests.helpers.connectors import RebindingDns, agency_with, connector
from tests.helpers.notifications import deliver_all, received, send, sender_and_subscriber
from tests.helpers.payments import bill, callback, issuer, post_callback
from tests.integration.conftest import SignIn

NATIONAL_ID = "1101700207536"


@dataclass
class Trap:
    """Where a redirect points: an internal service nothing may reach. Records what reaches it."""

    url: str = ""
    hits: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)


@dataclass
class Redirector:
    url: str = ""


@asynccontextmanager
async def redirect_to_trap(status: int = 307) -> AsyncIterator[tuple[Redirector, Trap]]:
    """A server that answers every request with a redirect to a trap on loopback (as an agency's
    compromised server would, pointing at an internal address)."""
    trap, redirector = Trap(), Redirector()

    async def caught(request: web.Request) -> web.Response:
        trap.hits.append((request.path, dict(request.headers), await request.read()))
        return web.json_response({"access_token": "stolen", "expires_in": 300})

    async def redirect(request: web.Request) -> web.Response:
        return web.Response(status=status, headers={"Location": f"{trap.url}{request.path}"})

    runners = []
    for handler, holder in ((caught, trap), (redirect, redirector)):
        application = web.Application()
        application.router.add_route("*", "/{tail:.*}", handler)
        runner = web.AppRunner(application)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        holder.url = f"http://127.0.0.1:{port}"
        runners.append(runner)
    try:
        yield redirector, trap
    finally:
        for runner in runners:
            await runner.cleanup()


def _target(base_url: str, **overrides: Any) -> ConnectorTarget:
    fields: dict[str, Any] = {
        "id": 901,
        "agency_id": 901,
        "base_url": base_url,
        "auth_kind": "api_key",
        "api_key_header": "X-Api-Key",
        "secret": "connector-secret-123",
        "oauth_token_url": None,
        "oauth_client_id": None,
        "oauth_scope": None,
        "timeout_ms": 2000,
        "retries": 0,
    } | overrides
    return ConnectorTarget(**fields)


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
async def test_a_connector_answering_with_a_redirect_is_not_followed_and_nothing_reaches_the_target(
    resources: Resources, status: int
) -> None:
    async with redirect_to_trap(status) as (redirector, trap):
        client = ConnectorClient(resources.redis, resources.outbound)
        with pytest.raises(ConnectorFailure) as failed:
            await client.entitlements(_target(redirector.url), NATIONAL_ID, "test", "r1")
    assert failed.value.kind == "error_status"
    assert "redirects are not followed" in failed.value.detail
    assert trap.hits == []  # neither the national ID nor the API key went anywhere else


async def test_a_connectors_token_endpoint_that_redirects_gets_no_credentials_past_it(
    resources: Resources,
) -> None:
    async with redirect_to_trap() as (redirector, trap):
        target = _target(
            redirector.url,
            auth_kind="oauth_client_credentials",
            api_key_header=None,
            oauth_token_url=f"{redirector.url}/oauth/token",
            oauth_client_id="platform",
        )
        with pytest.raises(ConnectorFailure) as failed:
            await ConnectorClient(resources.redis, resources.outbound).entitlements(
                target, NATIONAL_ID, "test", "r2"
            )
    assert failed.value.kind == "error_status"
    assert trap.hits == []


async def test_a_citizens_entitlements_page_says_the_agency_failed_when_its_connector_redirects(
    sign_in: SignIn, resources: Resources
) -> None:
    async with redirect_to_trap() as (redirector, trap):
        await agency_with(sign_in, resources, [connector(redirector.url, "moved")])
        citizen = await sign_in(national_id=valid_national_id(401))
        [result] = (await citizen.get("/api/v1/entitlements")).json()["agencies"]
    assert result["state"] != "fresh"
    assert trap.hits == []


@pytest.mark.parametrize(
    "url",
    [
        "http://agency.example/v1",  # plain http outside demo mode
        "https://127.0.0.1/v1",
        "https://10.0.0.8/v1",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/v1",
        "https://[::ffff:127.0.0.1]/v1",
        "https://[64:ff9b::a00:1]/v1",
        "https://[fd00::1]/v1",
        "https://user:pass@agency.example/v1",
        "https://agency.example\\@127.0.0.1/v1",
        "https://agency.example:99999/v1",
        "ftp://agency.example/v1",
    ],
)
def test_the_vetted_client_refuses_destinations_it_can_tell_from_the_url(url: str) -> None:
    with pytest.raises(DestinationRefused):
        check_url_shape(url, allow_private=False)


async def test_a_name_resolving_inward_at_call_time_is_never_connected_to_by_any_caller() -> None:
    """Webhooks and pushes use the same client as connectors: a name re-pointed inward after it was
    registered (DNS rebinding) is refused where the connection is made."""
    dns = RebindingDns()
    strict = OutboundClient(allow_private=False, resolver=dns)
    try:
        with pytest.raises(aiohttp.ClientConnectorError) as refused:
            await strict.request("POST", "https://hooks.agency.example/x", deadline=2, data=b"{}")
    finally:
        await strict.aclose()
    assert refused_by_resolver(refused.value)
    assert dns.asked == ["hooks.agency.example"]


async def test_an_agency_webhook_that_redirects_is_a_failed_attempt_and_never_followed(
    sign_in: SignIn, resources: Resources, client: httpx.AsyncClient
) -> None:
    national_id = valid_national_id(402)
    agency_id, agency = await issuer(sign_in, resources)
    async with redirect_to_trap() as (redirector, trap):
        registered = await agency.put(
            f"/api/v1/agency/{agency_id}/webhook", json={"url": f"{redirector.url}/hooks"}
        )
        assert registered.status_code == 200, registered.text
        issued = (await agency.post("/api/v1/agency/bills", json=bill(national_id))).json()
        citizen = await sign_in(national_id=national_id)
        await citizen.post(f"/api/v1/bills/{issued['id']}/payments", json={"idempotency_key": "k"})
        await post_callback(client, callback(issued))
        task_id = await resources.pool.fetchval(
            "SELECT id FROM task_outbox WHERE task = 'payments.agency_webhook'"
        )
        assert await run_task(resources, task_id) == "retry"
    assert trap.hits == []
    [attempt] = (await agency.get(f"/api/v1/agency/{agency_id}/webhook")).json()["deliveries"]
    assert (attempt["outcome"], attempt["status_code"]) == ("failed", 307)


HOSTILE_ENDPOINTS = [
    "https://internal.example.go.th/push",  # an internal https host
    "https://fcm.googleapis.com:8443/fcm/send/x",  # another port of a real push service
    "https://10.0.0.5/push",
    "https://[fd00::5]/push",
    "https://[2001:db8::1]/push",  # an IPv6 literal, which the VAPID audience cannot carry
    "https://user@fcm.googleapis.com/fcm/send/x",  # user info, which the VAPID signer chokes on
    "https://fcm.googleapis.com.evil.example/x",
    "https://evilnotify.windows.com/x",
    "https://fcm.googleapis.com\\@10.0.0.5/x",
    "https://fcm.googleapis.com/x#frag",
    "http://fcm.googleapis.com/fcm/send/x",
]


async def test_devices_may_only_be_registered_with_real_push_services(sign_in: SignIn) -> None:
    citizen = await sign_in()
    keys = {"p256dh": "B" + "A" * 86, "auth": "A" * 22}
    for endpoint in HOSTILE_ENDPOINTS:
        refused = await citizen.post("/api/v1/push/subscriptions", json={"endpoint": endpoint, "keys": keys})
        assert refused.status_code == 400, endpoint
        assert refused.json()["errors"][0]["field"] == "endpoint"
    for endpoint in (
        "https://fcm.googleapis.com/fcm/send/abc",
        "https://updates.push.services.mozilla.com/wpush/v2/abc",
        "https://web.push.apple.com/abc",
        "https://wns2-by3p.notify.windows.com/w/?token=abc",
    ):
        accepted = await citizen.post("/api/v1/push/subscriptions", json={"endpoint": endpoint, "keys": keys})
        assert accepted.status_code == 201, (endpoint, accepted.text)


def test_the_push_allow_list_also_holds_for_loopback_only_when_allowed(resources: Resources) -> None:
    strict = msgspec.structs.replace(resources.settings, allow_loopback_push=False)
    for loopback in ("http://127.0.0.1:8091/push/x", "https://127.0.0.1:8443/push/x"):  # HTTPS: make scale
        assert endpoint_problem(loopback, resources.settings) is None
        assert endpoint_problem(loopback, strict) is not None


async def test_one_unusable_device_fails_alone_and_the_batchs_other_pushes_are_not_repeated(
    sign_in: SignIn, resources: Resources, push_service: str
) -> None:
    sender, citizen, device, national_id = await sender_and_subscriber(sign_in, resources, push_service, 403)
    citizen_id = await resources.pool.fetchval("SELECT citizen_id FROM push_subscriptions LIMIT 1")
    # Devices stored before registration checked what delivery needs (or by an older, wider list).
    for endpoint in ("https://user@fcm.googleapis.com/fcm/send/x", "https://[2001:db8::1]/push/x"):
        await resources.pool.execute(
            "INSERT INTO push_subscriptions (citizen_id, endpoint, p256dh, auth) VALUES ($1, $2, $3, $4)",
            citizen_id,
            endpoint,
            device["keys"]["p256dh"],
            device["keys"]["auth"],
        )
    sent = (await sender.post("/api/v1/agency/notifications", json=send(national_id))).json()
    assert await deliver_all(resources) == ["done"]
    assert await deliver_all(resources) == []  # nothing left to push again
    assert len(await received(push_service, device["device_id"])) == 1
    attempts = await resources.pool.fetch(
        "SELECT status FROM notification_deliveries WHERE notification_id = $1 ORDER BY status", sent["id"]
    )
    assert [a["status"] for a in attempts] == ["delivered", "permanent-failure", "permanent-failure"]
    assert await resources.pool.fetchval("SELECT count(*) FROM push_subscriptions") == 1  # removed
    agency_id = await resources.pool.fetchval("SELECT max(id) FROM agencies")
    status = (await sender.get(f"/api/v1/agency/{agency_id}/notifications/{sent['id']}")).json()["status"]
    assert status == "delivered"
    # The citizen's own device list says a push failed in plain words, never what the endpoint answered.
    for listed in (await citizen.get("/api/v1/push/subscriptions")).json():
        assert "last_failure_reason" not in listed


async def test_a_push_service_answering_with_a_redirect_is_not_followed(
    sign_in: SignIn, resources: Resources, push_service: str
) -> None:
    async with redirect_to_trap() as (redirector, trap):
        sender, _citizen, device, national_id = await sender_and_subscriber(
            sign_in, resources, push_service, 404
        )
        await resources.pool.execute(
            "UPDATE push_subscriptions SET endpoint = $1", f"{redirector.url}/push/{device['device_id']}"
        )
        await sender.post("/api/v1/agency/notifications", json=send(national_id))
        assert await deliver_all(resources) == ["done"]
    assert trap.hits == []
    reason = await resources.pool.fetchval("SELECT reason FROM delivery_attempts")
    assert "307" in reason, reason
