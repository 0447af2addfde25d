"""The document wallet: a share link opens once until it expires (a step-up to make one, every try recorded),
any changed byte fails verification, an agency may issue its own PDF that the platform signs, and an
agency's data-access view holds only calls to its own connectors."""

from __future__ import annotations

import base64

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from backend.core.resources import Resources
from tests.helpers.applications import (
    PDF,
    issued_document,
    new_office,
    png,
    sent_application,
)
from tests.helpers.connectors import approve_connectors, connector
from tests.helpers.delegation import logged_in
from tests.integration.conftest import SignIn


async def test_a_share_link_opens_once_until_it_expires_and_every_try_is_recorded(
    sign_in: SignIn, resources: Resources, client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    citizen, document, _ = await issued_document(sign_in, resources)
    await logged_in(resources, citizen, ago_seconds=3600)
    stale = await citizen.post(f"/api/v1/documents/{document['id']}/shares", json={"minutes": 15})
    assert stale.status_code == 401, "sharing needs a recent, strong login (step-up)"
    assert 'error="insufficient_user_authentication"' in stale.headers["WWW-Authenticate"]
    await logged_in(resources, citizen)
    assert (
        await citizen.post(f"/api/v1/documents/{document['id']}/shares", json={"minutes": 0})
    ).status_code == 400
    created = await citizen.post(f"/api/v1/documents/{document['id']}/shares", json={"minutes": 15})
    assert created.status_code == 201
    share = created.json()
    token = share["url"].rsplit("/", 1)[1]
    assert share["qr_svg"].lstrip().startswith("<?xml") or "<svg" in share["qr_svg"]
    assert (
        await resources.pool.fetchval(
            "SELECT count(*) FROM document_shares WHERE token_hash = $1", token.encode()
        )
        == 0
    )

    receiver = client  # not logged in
    opened = await receiver.post(f"/api/v1/shared/{token}/open")
    assert opened.status_code == 200, opened.text
    shown = opened.json()
    assert (shown["genuine"], shown["title_en"], shown["holder_name_en"]) == (
        True,
        "Certificate",
        "Test Citizen",
    )
    pdf = await receiver.get(shown["file_url"])
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF-")
    assert pdf.headers["content-security-policy"].startswith("sandbox")
    second = await receiver.post(f"/api/v1/shared/{token}/open")
    assert second.status_code == 410
    assert second.headers["content-type"].startswith("application/problem+json")
    assert (await receiver.post("/api/v1/shared/not-a-token/open")).status_code == 404

    late = (await citizen.post(f"/api/v1/documents/{document['id']}/shares", json={"minutes": 1})).json()
    await resources.pool.execute(
        "UPDATE document_shares "
        "SET created_at = now() - interval '2 minutes', expires_at = now() - interval '1 second' "
        "WHERE id = $1::uuid",
        late["share"]["id"],
    )
    assert (await receiver.post(f"/api/v1/shared/{late['url'].rsplit('/', 1)[1]}/open")).status_code == 410
    withdrawn = (
        await citizen.post(f"/api/v1/documents/{document['id']}/shares", json={"minutes": 60})
    ).json()
    removed = await citizen.delete(f"/api/v1/documents/{document['id']}/shares/{withdrawn['share']['id']}")
    assert removed.status_code == 204
    assert (
        await receiver.post(f"/api/v1/shared/{withdrawn['url'].rsplit('/', 1)[1]}/open")
    ).status_code == 410
    await resources.pool.execute("UPDATE document_shares SET view_expires_at = now() - interval '1 second'")
    assert (await receiver.get(shown["file_url"])).status_code == 404  # the viewing window closed too

    assert "/api/v1/shared/…/open" in caplog.text  # the request is logged; its token, the link's
    assert token not in caplog.text  # only credential, is not
    assert shown["file_url"].rsplit("/", 1)[1] not in caplog.text
    statuses = {
        row["id"]: row["status"]
        for row in (await citizen.get(f"/api/v1/documents/{document['id']}/shares")).json()
    }
    assert statuses == {
        share["share"]["id"]: "opened",
        late["share"]["id"]: "expired",
        withdrawn["share"]["id"]: "withdrawn",
    }
    log = [
        (row["actor_kind"], row["outcome"])
        for row in (await citizen.get("/api/v1/me/data-access")).json()["items"]
    ]
    assert log.count(("citizen", "ok")) == 3  # three shares made
    assert log.count(("share_recipient", "ok")) == 1  # one opening
    assert log.count(("share_recipient", "refused")) == 3  # a second try, a late one, a withdrawn one


async def test_an_agencys_data_access_view_holds_only_calls_to_its_connectors_not_document_shares(
    sign_in: SignIn, resources: Resources, client: httpx.AsyncClient, agencies_url: str
) -> None:
    citizen, document, office = await issued_document(sign_in, resources)
    registered = await office.admin.post(
        f"/api/v1/agency/{office.agency_id}/connectors", json=connector(agencies_url, "education")
    )
    assert registered.status_code == 201, registered.text
    await approve_connectors(sign_in, registered.json()["id"])
    await citizen.get("/api/v1/entitlements")  # the one call to the agency's connector
    share = (await citizen.post(f"/api/v1/documents/{document['id']}/shares", json={"minutes": 15})).json()
    assert (await client.post(f"/api/v1/shared/{share['url'].rsplit('/', 1)[1]}/open")).status_code == 200
    assert (await office.officer.get(office.url(document["application_id"]))).status_code == 200
    logged = "SELECT count(*) FROM data_access_log WHERE agency_id = $1 AND connector_id IS NULL"
    assert await resources.pool.fetchval(logged, office.agency_id) >= 3  # the share, its opening, a look

    seen = (await office.admin.get(f"/api/v1/agency/{office.agency_id}/data-access")).json()
    assert [(row["actor_kind"], row["purpose_en"]) for row in seen] == [
        ("citizen", "Show your education rights in the app")
    ]
    assert await resources.pool.fetchval(
        "SELECT connector_id FROM data_access_log WHERE id = $1", seen[0]["id"]
    ) == registered.json()["id"]  # fmt: skip


async def test_verification_fails_when_any_byte_of_the_document_changes(
    sign_in: SignIn, resources: Resources, client: httpx.AsyncClient
) -> None:
    citizen, document, _ = await issued_document(sign_in, resources)
    code = document["verification_code"]
    original = (await citizen.get(document["file_url"])).content
    checked = await client.post(f"/api/v1/documents/verify/{code}", content=original)
    assert checked.json()["genuine"] is True
    step = max(1, len(original) // 40)
    for position in [0, len(original) - 1, *range(1, len(original), step)]:
        changed = bytearray(original)
        changed[position] ^= 0x01
        answer = (await client.post(f"/api/v1/documents/verify/{code}", content=bytes(changed))).json()
        assert answer["genuine"] is False, position
    assert (await client.post(f"/api/v1/documents/verify/{code}", content=original + b"\n")).json()[
        "genuine"
    ] is False

    # The published key checks the published signature over the published statement.
    shown = (await client.get(f"/api/v1/documents/verify/{code}")).json()
    keys = {key["kid"]: key for key in (await client.get(shown["keys_url"])).json()["keys"]}
    public = Ed25519PublicKey.from_public_bytes(
        base64.urlsafe_b64decode(keys[shown["signing_key_id"]]["x"] + "==")
    )
    public.verify(base64.urlsafe_b64decode(shown["signature"] + "=="), shown["statement"].encode())
    assert f"sha256:{shown['sha256']}" in shown["statement"]
    # A record whose digest was changed in the database no longer verifies.
    await resources.pool.execute(
        "UPDATE documents SET sha256 = repeat('0', 64) WHERE verification_code = $1", code
    )
    assert (await client.get(f"/api/v1/documents/verify/{code}")).json()["genuine"] is False
    assert (await client.get("/api/v1/documents/verify/NOSUCHCODE000000")).status_code == 404


async def test_an_agency_may_issue_its_own_pdf_which_the_platform_signs(
    sign_in: SignIn, resources: Resources, client: httpx.AsyncClient
) -> None:
    office = await new_office(sign_in, resources, biller=None)
    citizen = await sign_in()
    application_id = await sent_application(resources, citizen, office)
    assert (await office.move(application_id, "approved")).status_code == 200
    url = office.url(application_id, "/document/file")
    titles = {"title_th": "หนังสือรับรอง", "title_en": "Certificate"}
    titles_as_files = await office.officer.post(
        url,
        files={
            "title_th": ("t", b"t", "text/plain"),
            "title_en": ("t", b"t", "text/plain"),
            "file": ("c.pdf", PDF),
        },
    )
    assert titles_as_files.status_code == 400
    not_pdf = await office.officer.post(url, data=titles, files={"file": ("c.png", png(), "image/png")})
    assert not_pdf.status_code == 400
    issued = await office.officer.post(url, data=titles, files={"file": ("c.pdf", PDF, "application/pdf")})
    assert issued.status_code == 201, issued.text
    document = issued.json()
    assert (await citizen.get(document["file_url"])).content == PDF
    checked = await client.post(f"/api/v1/documents/verify/{document['verification_code']}", content=PDF)
    assert checked.json()["genuine"] is True
    again = await office.officer.post(url, data=titles, files={"file": ("c.pdf", PDF, "application/pdf")})
    assert again.status_code == 409  # one document per application
