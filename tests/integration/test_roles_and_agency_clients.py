"""Role grants by platform admins, and agency machine credentials (OAuth 2.0 client credentials)."""

from __future__ import annotations

import httpx
from litestar import Litestar

from backend.core.admission import DoorPass
from backend.core.resources import Resources
from backend.server.app import create_app
from backend.settings import Settings
from tests.conftest import app_client, serve_in_process
from tests.factories import make_agency, valid_national_id
from tests.helpers.agency_clients import new_client, request_token
from tests.helpers.shared import eventually, kill_subscriptions
from tests.integration.conftest import SignIn


async def test_a_platform_admin_grants_a_role_which_takes_effect_and_is_recorded(
    sign_in: SignIn, resources: Resources
) -> None:
    agency_id = await make_agency(resources.pool, status="approved")
    admin = await sign_in(("platform_admin", None))
    staff_id = valid_national_id(4242)
    staff = await sign_in(national_id=staff_id)
    granted = await admin.post(
        "/api/v1/admin/role-grants",
        json={"national_id": staff_id, "role": "agency_editor", "agency_id": agency_id, "reason": "new hire"},
    )
    assert granted.status_code == 201, granted.text
    admin_id = (await admin.get("/api/v1/me")).json()["id"]
    assert granted.json()["granted_by"] == admin_id
    assert granted.json()["grant_reason"] == "new hire"
    assert (await staff.get("/api/v1/me")).json()["roles"] == [
        {"role": "agency_editor", "agency_id": agency_id}
    ]

    again = await admin.post(
        "/api/v1/admin/role-grants",
        json={"national_id": staff_id, "role": "agency_editor", "agency_id": agency_id, "reason": "twice"},
    )
    assert again.status_code == 409

    revoked = await admin.delete(f"/api/v1/admin/role-grants/{granted.json()['id']}")
    assert revoked.status_code == 204
    assert (await staff.get("/api/v1/me")).json()["roles"] == []
    history = (await admin.get("/api/v1/admin/role-grants", params={"include_revoked": "true"})).json()
    record = next(grant for grant in history if grant["id"] == granted.json()["id"])
    assert record["revoked_by"] == admin_id
    assert record["revoked_at"] is not None


async def test_a_revoked_role_stops_working_at_once_on_every_replica(
    sign_in: SignIn, resources: Resources, settings: Settings
) -> None:
    """Each process keeps roles in memory (backend/identity/roles.py); a revocation made through one
    replica must still refuse the very next request served by another."""
    agency_id = await make_agency(resources.pool, status="approved")
    admin = await sign_in(("platform_admin", None))
    staff = await sign_in(("agency_editor", agency_id))
    cookies = dict(staff.cookies)
    async with serve_in_process(create_app(settings)) as other_replica:
        other_replica.cookies.update(cookies)
        tiles = f"/api/v1/agency/{agency_id}/tiles"
        assert (await other_replica.get(tiles)).status_code == 200  # its roles now cached there
        grants = (await admin.get("/api/v1/admin/role-grants")).json()
        editor_grant = next(grant for grant in grants if grant["role"] == "agency_editor")
        assert (await admin.delete(f"/api/v1/admin/role-grants/{editor_grant['id']}")).status_code == 204
        assert (await other_replica.get(tiles)).status_code == 403

        # A change nobody heard of (the subscription lost: Redis restarted): no process trusts what it
        # held, from losing it on.
        await resources.pool.execute("UPDATE role_grants SET revoked_at = NULL, revoked_by = NULL")
        assert await kill_subscriptions(resources.redis) >= 1

        async def status() -> int:
            return (await other_replica.get(tiles)).status_code

        assert await eventually(status, 200) == 200


async def test_only_platform_admins_manage_roles(sign_in: SignIn, app: Litestar) -> None:
    support = await sign_in(("support", None))
    assert (await support.get("/api/v1/admin/role-grants")).status_code == 403
    async with app_client(app) as anonymous:
        assert (await anonymous.get("/api/v1/admin/role-grants")).status_code == 401


async def test_a_state_changing_request_without_the_csrf_token_is_refused(sign_in: SignIn) -> None:
    admin = await sign_in(("platform_admin", None))
    del admin.headers["X-CSRF-Token"]
    response = await admin.post(
        "/api/v1/admin/role-grants",
        json={"national_id": valid_national_id(1), "role": "support", "reason": "x"},
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


async def test_roles_go_only_to_people_who_have_logged_in_and_fit_the_role(sign_in: SignIn) -> None:
    admin = await sign_in(("platform_admin", None))
    never_logged_in = await admin.post(
        "/api/v1/admin/role-grants",
        json={"national_id": valid_national_id(999), "role": "support", "reason": "x"},
    )
    assert never_logged_in.status_code == 404
    assert "logged in" in never_logged_in.json()["detail"]
    bad_id = await admin.post(
        "/api/v1/admin/role-grants", json={"national_id": "1101700207537", "role": "support", "reason": "x"}
    )
    assert bad_id.status_code == 400
    unknown_role = await admin.post(
        "/api/v1/admin/role-grants", json={"national_id": valid_national_id(1), "role": "king", "reason": "x"}
    )
    assert unknown_role.status_code == 400
    assert unknown_role.json()["errors"][0]["field"] == "role"


async def test_the_last_platform_admin_cannot_be_revoked(sign_in: SignIn) -> None:
    admin = await sign_in(("platform_admin", None))
    grants = (await admin.get("/api/v1/admin/role-grants")).json()
    response = await admin.delete(f"/api/v1/admin/role-grants/{grants[0]['id']}")
    assert response.status_code == 409


async def test_an_agency_system_gets_a_short_lived_token_scoped_to_its_agency(
    sign_in: SignIn, resources: Resources, client: httpx.AsyncClient
) -> None:
    agency_id = await make_agency(resources.pool, status="approved")
    admin = await sign_in(("agency_admin", agency_id))
    issued = await new_client(admin, agency_id, ["bills", "notifications"])

    granted = await request_token(client, issued["client_id"], issued["client_secret"], scope="bills")
    assert granted.status_code == 200, granted.text
    body = granted.json()
    assert body["token_type"] == "Bearer"
    assert body["scope"] == "bills"
    assert 0 < body["expires_in"] <= 900
    # Marked, so that in a rush the door lets its requests in ahead of newcomers (backend.core.admission).
    assert DoorPass(resources.settings.secret_key).carries(body["access_token"].encode())

    too_much = await request_token(client, issued["client_id"], issued["client_secret"], scope="tiles")
    assert too_much.status_code == 400
    assert too_much.json()["error"] == "invalid_scope"
    wrong = await request_token(client, issued["client_id"], "acs_wrong")
    assert wrong.status_code == 401
    assert wrong.json()["error"] == "invalid_client"
    assert wrong.headers["content-type"] == "application/problem+json"

    # The token is recognised as an agency's system: not a person, not this agency's administrator.
    bearer = {"Authorization": f"Bearer {body['access_token']}"}
    assert (await client.get("/api/v1/me", headers=bearer)).status_code == 403
    assert (await client.get(f"/api/v1/agency/{agency_id}/clients", headers=bearer)).status_code == 403
    listed = (await admin.get(f"/api/v1/agency/{agency_id}/clients")).json()
    assert [(c["client_id"], c["scopes"], c["live_secrets"]) for c in listed] == [
        (issued["client_id"], ["bills", "notifications"], 1)
    ]
    assert "client_secret" not in listed[0]


async def test_a_rotated_secret_overlaps_and_a_revoked_client_stops_at_once(
    sign_in: SignIn, resources: Resources, client: httpx.AsyncClient
) -> None:
    agency_id = await make_agency(resources.pool, status="approved")
    admin = await sign_in(("agency_admin", agency_id))
    issued = await new_client(admin, agency_id, ["bills"])
    client_id, old_secret = issued["client_id"], issued["client_secret"]

    overlapping = await admin.post(f"/api/v1/agency/{agency_id}/clients/{client_id}/secrets", json={})
    assert overlapping.status_code == 201
    assert overlapping.json()["previous_secrets_expire_at"] is not None
    newer_secret = overlapping.json()["client_secret"]
    assert (await request_token(client, client_id, old_secret)).status_code == 200
    assert (await request_token(client, client_id, newer_secret)).status_code == 200

    at_once = await admin.post(
        f"/api/v1/agency/{agency_id}/clients/{client_id}/secrets", json={"overlap_hours": 0}
    )
    newest_secret = at_once.json()["client_secret"]
    assert (await request_token(client, client_id, old_secret)).status_code == 401
    assert (await request_token(client, client_id, newer_secret)).status_code == 401
    live_token = (await request_token(client, client_id, newest_secret)).json()["access_token"]

    assert (await admin.delete(f"/api/v1/agency/{agency_id}/clients/{client_id}")).status_code == 204
    refused = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {live_token}"})
    assert refused.status_code == 401
    assert 'error="invalid_token"' in refused.headers["www-authenticate"]
    assert (await request_token(client, client_id, newest_secret)).status_code == 401


async def test_only_the_agencys_own_admins_manage_its_clients(sign_in: SignIn, resources: Resources) -> None:
    water = await make_agency(resources.pool, status="approved")
    power = await make_agency(resources.pool, status="approved")
    pending = await make_agency(resources.pool, status="pending")
    editor = await sign_in(("agency_editor", water))
    other_admin = await sign_in(("agency_admin", power), ("agency_admin", pending))
    new_client = {"name": "x", "scopes": ["bills"]}
    assert (await editor.post(f"/api/v1/agency/{water}/clients", json=new_client)).status_code == 403
    assert (await other_admin.post(f"/api/v1/agency/{water}/clients", json=new_client)).status_code == 403
    assert (
        await other_admin.post(f"/api/v1/agency/{pending}/clients", json=new_client)
    ).status_code == 403  # not approved: no one acts for it
    bad_scope = await other_admin.post(
        f"/api/v1/agency/{power}/clients", json={"name": "x", "scopes": ["root"]}
    )
    assert bad_scope.status_code == 400
