"""How the platform reaches agencies: client TLS certificates, an agency's own CA, addresses pinned
against DNS rebinding, and connectors asked only about the citizens they are relevant to."""

from __future__ import annotations

import datetime as dt
import ssl
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from aiohttp import web

from backend.connectors.client import ConnectorClient, ConnectorFailure, ConnectorTarget
from backend.core.outbound import OutboundClient
from backend.core.resources import Resources
from tests.certificates import Issued, TestAuthority
from tests.factories import make_agency
from tests.helpers.connectors import RebindingDns, approve_connectors, connector
from tests.helpers.ports import free_port
from tests.integration.conftest import SignIn

PLATFORM = "Citizen platform"


@dataclass
class AgencyServer:
    """An agency's HTTPS connector that insists on a client certificate from its own CA."""

    url: str
    port: int
    authority: TestAuthority
    platform: Issued
    callers: list[str] = field(default_factory=list)


def _write(path: Path, text: str) -> str:
    path.write_text(text)
    return str(path)


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[TestAuthority, Issued, Path]:
    folder = tmp_path_factory.mktemp("agency-tls")
    authority = TestAuthority()
    server = authority.issue("agency server", server_names=("127.0.0.1", "agency.example"))
    return authority, server, folder


@pytest_asyncio.fixture
async def agency_server(tls_files: tuple[TestAuthority, Issued, Path]) -> AsyncIterator[AgencyServer]:
    authority, server, folder = tls_files
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(
        _write(folder / "server.pem", server.certificate_pem),
        _write(folder / "server.key", server.private_key_pem),
    )
    context.load_verify_locations(cadata=authority.certificate_pem)
    context.verify_mode = ssl.CERT_REQUIRED
    port = free_port()
    state = AgencyServer(
        url=f"https://127.0.0.1:{port}",
        port=port,
        authority=authority,
        platform=authority.issue(PLATFORM, client=True),
    )

    async def entitlements(request: web.Request) -> web.Response:
        peer = request.transport.get_extra_info("peercert") if request.transport else None
        subject = dict(item[0] for item in (peer or {}).get("subject", ()))
        state.callers.append(subject.get("commonName", "?"))
        return web.json_response(
            {
                "contract_version": "1",
                "entitlements": [
                    {
                        "scheme_id": "disability-allowance",
                        "scheme_name_th": "เบี้ยความพิการ",
                        "scheme_name_en": "Disability allowance",
                        "status": "receiving",
                        "amount_satang": 100000,
                        "period": "monthly",
                    }
                ],
            }
        )

    app = web.Application()
    app.router.add_post("/v1/entitlements", entitlements)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port, ssl_context=context).start()
    try:
        yield state
    finally:
        await runner.cleanup()


def tls_connector(server: AgencyServer, **overrides: Any) -> dict[str, Any]:
    return {
        "name": "disability",
        "title_th": "เบี้ยความพิการ",
        "title_en": "Disability allowance",
        "base_url": server.url,
        "auth_kind": "client_tls",
        "client_certificate_pem": server.platform.certificate_pem,
        "client_private_key_pem": server.platform.private_key_pem,
        "server_ca_pem": server.authority.certificate_pem,
        "timeout_ms": 2000,
        "retries": 0,
        "purpose_th": "แสดงเบี้ยความพิการของคุณในแอป",
        "purpose_en": "Show your disability allowance in the app",
        "fields_th": ["สถานะเบี้ยความพิการ"],
        "fields_en": ["allowance status"],
        **overrides,
    }


async def test_a_connector_authenticates_with_its_client_certificate_to_a_server_of_the_agencys_own_ca(
    sign_in: SignIn, resources: Resources, agency_server: AgencyServer
) -> None:
    agency_id = await make_agency(resources.pool, status="approved")
    admin = await sign_in(("agency_admin", agency_id))
    registered = await admin.post(f"/api/v1/agency/{agency_id}/connectors", json=tls_connector(agency_server))
    assert registered.status_code == 201, registered.text
    assert "client_private_key_pem" not in registered.json()
    await approve_connectors(sign_in, registered.json()["id"])
    stored = await resources.pool.fetchval("SELECT secret_ciphertext FROM connectors")
    assert b"PRIVATE KEY" not in stored  # the key is kept encrypted

    citizen = await sign_in()
    page = (await citizen.get("/api/v1/entitlements", params={"lang": "en"})).json()
    [result] = page["agencies"]
    assert result["state"] == "fresh", result
    assert result["entitlements"][0]["scheme_id"] == "disability-allowance"
    assert agency_server.callers == [PLATFORM]  # the agency saw the platform's certificate


async def test_without_the_client_certificate_the_agency_refuses_and_the_page_says_so_plainly(
    sign_in: SignIn, resources: Resources, agency_server: AgencyServer
) -> None:
    agency_id = await make_agency(resources.pool, status="approved")
    admin = await sign_in(("agency_admin", agency_id))
    bare = tls_connector(
        agency_server, auth_kind="none", client_certificate_pem=None, client_private_key_pem=None
    )
    registered = await admin.post(f"/api/v1/agency/{agency_id}/connectors", json=bare)
    assert registered.status_code == 201
    await approve_connectors(sign_in, registered.json()["id"])
    citizen = await sign_in()
    [result] = (await citizen.get("/api/v1/entitlements", params={"lang": "en"})).json()["agencies"]
    assert result["state"] == "unavailable"
    assert result["reason"] == "The agency's system could not be reached."
    assert agency_server.callers == []


async def test_a_server_certificate_from_an_unknown_ca_is_not_trusted(
    sign_in: SignIn, resources: Resources, agency_server: AgencyServer
) -> None:
    agency_id = await make_agency(resources.pool, status="approved")
    admin = await sign_in(("agency_admin", agency_id))
    impostor_ca = TestAuthority("Someone else's CA").certificate_pem
    body = tls_connector(agency_server, server_ca_pem=impostor_ca)
    registered = await admin.post(f"/api/v1/agency/{agency_id}/connectors", json=body)
    assert registered.status_code == 201
    await approve_connectors(sign_in, registered.json()["id"])
    citizen = await sign_in()
    [result] = (await citizen.get("/api/v1/entitlements")).json()["agencies"]
    assert result["state"] == "unavailable"
    assert agency_server.callers == []


@pytest.mark.parametrize(
    ("change", "field_name", "message"),
    [
        ({"client_private_key_pem": "mismatch"}, "client_private_key_pem", "does not match the certificate"),
        ({"client_certificate_pem": "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"},
         "client_certificate_pem", "not a PEM certificate"),
        ({"client_certificate_pem": None}, "client_certificate_pem", "needed for client_tls"),
        ({"server_ca_pem": "not a certificate"}, "server_ca_pem", "not one or more PEM certificates"),
        ({"base_url": "http://127.0.0.1:9/"}, "base_url", "a client certificate needs https"),
        ({"client_certificate_pem": "expired"}, "client_certificate_pem", "it has expired"),
    ],
)  # fmt: skip
async def test_bad_tls_material_is_refused_with_the_field_named(
    sign_in: SignIn,
    resources: Resources,
    tls_files: tuple[TestAuthority, Issued, Path],
    change: dict[str, Any],
    field_name: str,
    message: str,
) -> None:
    authority = tls_files[0]
    platform = authority.issue(PLATFORM, client=True)
    body = tls_connector(AgencyServer("https://127.0.0.1:9", 9, authority, platform), **change)
    if change.get("client_private_key_pem") == "mismatch":
        body["client_private_key_pem"] = authority.issue("another", client=True).private_key_pem
    if change.get("client_certificate_pem") == "expired":
        expired = authority.issue(PLATFORM, client=True, days=-1)
        body["client_certificate_pem"], body["client_private_key_pem"] = (
            expired.certificate_pem,
            expired.private_key_pem,
        )
    agency_id = await make_agency(resources.pool, status="approved")
    admin = await sign_in(("agency_admin", agency_id))
    response = await admin.post(f"/api/v1/agency/{agency_id}/connectors", json=body)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    errors = {(error["field"], error["message"]) for error in response.json()["errors"]}
    assert any(name == field_name and message in text for name, text in errors), errors


def _target(server: AgencyServer, host: str) -> ConnectorTarget:
    return ConnectorTarget(
        id=1,
        agency_id=1,
        base_url=f"https://{host}:{server.port}",
        auth_kind="client_tls",
        api_key_header=None,
        secret=server.platform.private_key_pem,
        oauth_token_url=None,
        oauth_client_id=None,
        oauth_scope=None,
        timeout_ms=2000,
        retries=1,
        client_certificate_pem=server.platform.certificate_pem,
        server_ca_pem=server.authority.certificate_pem,
    )


async def test_a_name_that_resolves_inward_at_call_time_is_never_connected_to(
    resources: Resources, agency_server: AgencyServer
) -> None:
    dns = RebindingDns()
    outbound = OutboundClient(allow_private=False, resolver=dns)
    strict = ConnectorClient(resources.redis, outbound)
    try:
        with pytest.raises(ConnectorFailure) as refused:
            await strict.entitlements(_target(agency_server, "agency.example"), "1101700207536", "test", "r1")
    finally:
        await outbound.aclose()
    assert refused.value.kind == "refused_destination"
    assert dns.asked == ["agency.example"]
    assert agency_server.callers == []  # nothing reached the inward address
    assert await strict.breaker.state(1) == "closed"  # our refusal is not the agency failing


async def test_the_connection_goes_to_the_address_the_resolver_vetted(
    resources: Resources, agency_server: AgencyServer
) -> None:
    dns = RebindingDns()  # where private addresses are allowed (demo mode), the same answer is used
    outbound = OutboundClient(allow_private=True, resolver=dns)
    lenient = ConnectorClient(resources.redis, outbound)
    try:
        answer = await lenient.entitlements(
            _target(agency_server, "agency.example"), "1101700207536", "test", "r2"
        )
    finally:
        await outbound.aclose()
    assert answer.entitlements[0].scheme_id == "disability-allowance"
    assert dns.asked == ["agency.example"]
    assert agency_server.callers == [PLATFORM]


async def test_a_connector_is_asked_only_about_citizens_of_the_ages_it_serves(
    sign_in: SignIn, resources: Resources, agencies_url: str
) -> None:
    agency_id = await make_agency(resources.pool, status="approved")
    admin = await sign_in(("agency_admin", agency_id))
    body = connector(agencies_url, "elderly", min_age=60)
    registered = await admin.post(f"/api/v1/agency/{agency_id}/connectors", json=body)
    assert registered.status_code == 201
    await approve_connectors(sign_in, registered.json()["id"])
    today = dt.date.today()
    young = await sign_in(birthdate=today.replace(year=today.year - 30))
    old = await sign_in(birthdate=dt.date(today.year - 70, 1, 1))
    unknown = await sign_in()

    assert (await young.get("/api/v1/entitlements")).json()["agencies"] == []
    assert (await young.get("/api/v1/me/data-access")).json()["items"] == []  # the agency was not asked
    for citizen in (old, unknown):  # an unknown age is asked rather than left out
        [result] = (await citizen.get("/api/v1/entitlements")).json()["agencies"]
        assert result["state"] == "fresh", result
        assert len((await citizen.get("/api/v1/me/data-access")).json()["items"]) == 1

    wrong_way = connector(agencies_url, "elderly-two", min_age=70, max_age=60)
    refused = await admin.post(f"/api/v1/agency/{agency_id}/connectors", json=wrong_way)
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "min_age"
