"""An agency's connectors as registered and changed: never pointing inward (refused naming the field), their
credentials sealed, a changed one keeping its secret and turned back on, and one moved to another address
needing its secret again."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend.core.outbound import DestinationRefused, check_destination
from backend.core.resources import Resources
from backend.server.app import create_app
from backend.settings import Settings, load_settings
from tests.conftest import environment_for_tests, serve_in_process
from tests.factories import make_agency
from tests.helpers.connectors import agency_with, approve_connectors, connector
from tests.helpers.ports import free_port
from tests.integration.conftest import SignIn


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/v1",
        "https://10.1.2.3/",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/",
        "https://localhost/",
        "https://[::ffff:127.0.0.1]/",
        "https://[::127.0.0.1]/",
        "https://[64:ff9b::a9fe:a9fe]/",
        "https://[2002:7f00:1::]/",
        "https://2130706433/",
        "https://user:password@example.org/",
        "file:///etc/passwd",
        "http://example.org/",
    ],
)
async def test_connectors_cannot_point_inward(url: str) -> None:
    with pytest.raises(DestinationRefused):
        await check_destination(url, allow_private=False)


async def test_registering_an_inward_connector_is_refused_with_the_field_named(
    sign_in: SignIn, resources: Resources, settings: Settings, tmp_path: Path
) -> None:
    agency_id = await make_agency(resources.pool, status="approved")
    admin = await sign_in(("agency_admin", agency_id))
    strict = create_app(
        load_settings(
            environment_for_tests(
                tmp_path,
                DATABASE_URL=settings.database_url or "",
                REDIS_URL=settings.redis_url or "",
                ALLOW_PRIVATE_CONNECTOR_HOSTS="false",
            )
        )
    )
    async with serve_in_process(strict) as strict_client:
        strict_client.cookies = admin.cookies
        body = connector("https://127.0.0.1:9", "inward", base_url="https://127.0.0.1:9/x")
        refused = await strict_client.post(
            f"/api/v1/agency/{agency_id}/connectors",
            json=body,
            headers={"X-CSRF-Token": admin.headers["X-CSRF-Token"]},
        )
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "base_url"


async def test_credentials_are_stored_encrypted(
    sign_in: SignIn, resources: Resources, agencies_url: str
) -> None:
    api_key = "demo-agency-api-key-0123456789"
    await agency_with(
        sign_in,
        resources,
        [connector(agencies_url, "health", auth_kind="api_key", api_key_header="X-Api-Key", api_key=api_key)],
    )
    stored = await resources.pool.fetchval("SELECT secret_ciphertext FROM connectors")
    assert api_key.encode() not in stored
    missing = connector(agencies_url, "other", auth_kind="api_key")
    agency_id = await resources.pool.fetchval("SELECT agency_id FROM connectors")
    admin = await sign_in(("agency_admin", agency_id))
    refused = await admin.post(f"/api/v1/agency/{agency_id}/connectors", json=missing)
    assert {e["field"] for e in refused.json()["errors"]} == {"api_key_header", "api_key"}


async def test_an_agency_changes_a_connector_keeping_its_secret_and_turns_it_back_on(
    sign_in: SignIn, resources: Resources, agencies_url: str
) -> None:
    body = connector(
        agencies_url, "health", auth_kind="api_key", api_key_header="X-Api-Key", api_key="k" * 20
    )
    agency_id, admin, [connector_id] = await agency_with(sign_in, resources, [body])
    stored = await resources.pool.fetchval("SELECT secret_ciphertext FROM connectors")
    assert (await admin.delete(f"/api/v1/agency/{agency_id}/connectors/{connector_id}")).status_code == 204
    changed = await admin.put(
        f"/api/v1/agency/{agency_id}/connectors/{connector_id}",
        json={**body, "api_key": None, "timeout_ms": 1500, "title_en": "Health coverage"},
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["status"], changed.json()["timeout_ms"]) == ("active", 1500)
    assert await resources.pool.fetchval("SELECT secret_ciphertext FROM connectors") == stored
    renamed = await admin.put(
        f"/api/v1/agency/{agency_id}/connectors/{connector_id}", json={**body, "name": "other"}
    )
    assert renamed.json()["errors"][0]["field"] == "name"
    switched = await admin.put(
        f"/api/v1/agency/{agency_id}/connectors/{connector_id}",
        json={**body, "api_key": None, "auth_kind": "oauth_client_credentials"},
    )
    assert switched.status_code == 400  # a new kind of authentication needs its own secret
    other_agency, other_admin, _ = await agency_with(sign_in, resources, [])
    assert (
        await other_admin.put(f"/api/v1/agency/{agency_id}/connectors/{connector_id}", json=body)
    ).status_code == 403
    assert (
        await other_admin.put(f"/api/v1/agency/{other_agency}/connectors/{connector_id}", json=body)
    ).status_code == 404


async def test_a_connector_moved_to_another_address_needs_its_secret_again(
    sign_in: SignIn, resources: Resources, agencies_url: str
) -> None:
    """Changing the address kept the stored secret and sent it (or a token got with it) to the new one."""
    api_key = connector(
        agencies_url, "health", auth_kind="api_key", api_key_header="X-Api-Key", api_key="k" * 20
    )
    oauth = connector(
        agencies_url,
        "welfare-card",
        auth_kind="oauth_client_credentials",
        oauth_token_url=f"{agencies_url}/oauth/token",
        oauth_client_id="platform",
        oauth_client_secret="s" * 20,
    )
    agency_id, admin, [key_id, oauth_id] = await agency_with(sign_in, resources, [api_key, oauth])
    stored = "SELECT base_url, oauth_token_url, secret_ciphertext FROM connectors WHERE id = $1"

    async def secret_of(connector_id: int) -> bytes:
        secret: bytes = await resources.pool.fetchval(
            "SELECT secret_ciphertext FROM connectors WHERE id = $1", connector_id
        )
        return secret

    before = {
        connector_id: await resources.pool.fetchrow(stored, connector_id)
        for connector_id in (key_id, oauth_id)
    }
    first_secrets = {connector_id: await secret_of(connector_id) for connector_id in (key_id, oauth_id)}
    port = agencies_url.rsplit(":", 1)[1]
    elsewhere = [
        ("base_url", f"http://localhost:{port}/health"),  # another host
        ("base_url", f"http://127.0.0.1:{free_port()}/health"),  # another port
        ("base_url", f"https://127.0.0.1:{port}/health"),  # another scheme
    ]
    for field, url in elsewhere:
        moved = await admin.put(
            f"/api/v1/agency/{agency_id}/connectors/{key_id}", json={**api_key, "api_key": None, field: url}
        )
        assert moved.status_code == 400, url
        assert moved.headers["content-type"] == "application/problem+json"
        [error] = moved.json()["errors"]
        assert error["field"] == "api_key"
        assert "base_url" in error["message"]
        assert "ต้องใส่อีกครั้ง" in error["message"]  # Thai first, then English
        assert "needed again" in error["message"]
        assert moved.json()["detail"] == error["message"]
    moved = await admin.put(
        f"/api/v1/agency/{agency_id}/connectors/{oauth_id}",
        json={
            **oauth,
            "oauth_client_secret": None,
            "oauth_token_url": f"http://localhost:{port}/oauth/token",
        },
    )
    assert moved.json()["errors"][0]["field"] == "oauth_client_secret"
    assert "oauth_token_url" in moved.json()["errors"][0]["message"]
    for connector_id, row in before.items():
        assert await resources.pool.fetchrow(stored, connector_id) == row  # nothing changed

    # The same origin (a path, the default port written out) keeps the secret; a new origin with a
    # new secret is taken, and a token got with the old settings is forgotten.
    await resources.redis.set(f"connector-token:{oauth_id}", "old-token")
    kept = await admin.put(
        f"/api/v1/agency/{agency_id}/connectors/{oauth_id}",
        json={**oauth, "oauth_client_secret": None, "base_url": f"{agencies_url}/welfare-card/v2"},
    )
    assert kept.status_code == 200, kept.text
    await approve_connectors(sign_in, oauth_id)  # a new address goes live once reviewed
    assert await secret_of(oauth_id) == first_secrets[oauth_id]
    assert await resources.redis.get(f"connector-token:{oauth_id}") is None
    default_port = await admin.put(
        f"/api/v1/agency/{agency_id}/connectors/{key_id}",
        json={**api_key, "api_key": None, "base_url": "http://127.0.0.1/health"},
    )
    assert default_port.status_code == 400  # no port: http's 80, not the agency's
    renewed = await admin.put(
        f"/api/v1/agency/{agency_id}/connectors/{key_id}",
        json={**api_key, "api_key": "n" * 20, "base_url": f"http://localhost:{port}/health"},
    )
    assert renewed.status_code == 200, renewed.text
    await approve_connectors(sign_in, key_id)
    secret = await secret_of(key_id)
    assert secret != first_secrets[key_id]
    same = await admin.put(  # host names are not case-sensitive
        f"/api/v1/agency/{agency_id}/connectors/{key_id}",
        json={**api_key, "api_key": None, "base_url": f"http://LocalHost:{port}/health/"},
    )
    assert same.status_code == 200, same.text
    await approve_connectors(sign_in, key_id)
    assert await secret_of(key_id) == secret
