"""Applications from form to signed document: forms as data, hostile uploads, the state machine,
who may see what, the fee paid through payments, share links and signature verification."""

from __future__ import annotations

import asyncio
import base64

import asyncpg
import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from backend.core.resources import Resources
from backend.core.tasks import run_task
from tests.factories import make_agency, valid_national_id
from tests.helpers.applications import (
    ANSWERS,
    FORM,
    PDF,
    application_tile,
    issued_document,
    new_office,
    png,
    sent_application,
    submitted,
)
from tests.helpers.connectors import approve_connectors, connector
from tests.helpers.delegation import logged_in
from tests.helpers.payments import callback, post_callback
from tests.integration.conftest import SignIn

ALL_STATES = (
    "draft", "submitted", "in_review", "more_information_requested", "approved", "rejected", "fee_due",
    "paid", "document_issued", "closed",
)  # fmt: skip
AGENCY_MOVES = ("in_review", "more_information_requested", "approved", "rejected", "fee_due", "closed")


async def test_a_citizen_applies_pays_the_fee_and_receives_a_signed_document_into_the_wallet(  # noqa: PLR0915 (one journey, in order)
    sign_in: SignIn, resources: Resources
) -> None:
    office = await new_office(sign_in, resources)
    national_id = valid_national_id(4401)
    citizen = await sign_in(national_id=national_id)

    service = (await citizen.get(f"/api/v1/tiles/{office.tile_id}/application-service")).json()
    assert service["prefilled"]["national_id_masked"].endswith(f"{national_id[10:12]}-{national_id[12]}")
    assert national_id not in str(service)
    started = await citizen.post("/api/v1/applications", json={"service_id": office.service_id})
    assert started.status_code == 201
    again = await citizen.post("/api/v1/applications", json={"service_id": office.service_id})
    assert (again.status_code, again.json()["id"]) == (200, started.json()["id"])  # the draft, reopened
    application_id = started.json()["id"]
    assert started.json()["tracking_number"].startswith("AP")

    # Half-filled drafts are kept; a submission names every field still needed.
    saved = await citizen.put(
        f"/api/v1/applications/{application_id}/answers", json={"answers": {"school": "Tokyo"}}
    )
    assert saved.status_code == 200
    refused = await citizen.post(f"/api/v1/applications/{application_id}/submit")
    assert refused.status_code == 400
    assert {error["field"] for error in refused.json()["errors"]} == {"finished", "level", "transcript"}

    application_id = await submitted(citizen, office)
    mine = (await citizen.get(f"/api/v1/applications/{application_id}")).json()
    assert mine["state"] == "submitted"
    assert mine["answers"]["school"] == ANSWERS["school"]
    assert mine["next_states"] == ["closed"]  # the citizen may only withdraw now

    listed = (await office.officer.get(f"/api/v1/agency/{office.agency_id}/applications")).json()
    assert [item["id"] for item in listed] == [application_id]
    opened = (await office.officer.get(office.url(application_id))).json()
    assert opened["applicant"]["national_id"] == national_id  # the citizen sent it to this agency
    assert set(opened["next_states"]) == {"in_review", "more_information_requested", "approved", "rejected"}
    file_id = opened["files"][0]["id"]
    downloaded = await office.officer.get(office.url(application_id, f"/files/{file_id}"))
    assert (downloaded.status_code, downloaded.content) == (200, png())
    assert downloaded.headers["content-disposition"].startswith("attachment")

    assert (await office.move(application_id, "in_review")).status_code == 200
    asked = await office.move(application_id, "more_information_requested", note="Please add the M6 page")
    assert asked.status_code == 200
    assert (await citizen.get(f"/api/v1/applications/{application_id}")).json()[
        "pending_request"
    ] == "Please add the M6 page"
    emptied = await citizen.post(
        f"/api/v1/applications/{application_id}/reply", json={"message": "m", "answers": {"school": ""}}
    )
    assert emptied.status_code == 400  # a reply may change answers, not drop required ones
    assert (await citizen.get(f"/api/v1/applications/{application_id}")).json()[
        "state"
    ] == "more_information_requested"
    await citizen.put(f"/api/v1/applications/{application_id}/answers", json={"answers": mine["answers"]})
    replied = await citizen.post(
        f"/api/v1/applications/{application_id}/reply", json={"message": "Added, thank you"}
    )
    assert (replied.status_code, replied.json()["state"]) == (200, "in_review")
    assert (await office.move(application_id, "approved")).status_code == 200
    fee = await office.move(application_id, "fee_due")
    assert fee.status_code == 200
    bill = fee.json()["bill"]
    assert (bill["amount_satang"], bill["status"]) == (20000, "unpaid")

    # The fee is an ordinary bill: the citizen sees it, pays it by QR, and the payment moves the application.
    bills = (await citizen.get("/api/v1/bills")).json()
    fee_bill = next(item for item in bills if item["id"] == bill["id"])
    assert fee_bill["ref1"] == mine["tracking_number"]
    payment = (
        await citizen.post(f"/api/v1/bills/{bill['id']}/payments", json={"idempotency_key": "fee"})
    ).json()
    assert payment["state"] == "pending"
    paid = await post_callback(citizen, callback(fee_bill))
    assert paid.json()["outcome"] == "paid"
    assert (await citizen.get(f"/api/v1/applications/{application_id}")).json()["state"] == "paid"

    issued = await office.officer.post(
        office.url(application_id, "/document"), json={"title_th": "หนังสือรับรอง", "title_en": "Certificate"}
    )
    assert issued.status_code == 201, issued.text
    document = issued.json()
    final = (await citizen.get(f"/api/v1/applications/{application_id}")).json()
    assert (final["state"], final["document_id"]) == ("document_issued", document["id"])
    assert [event["to_state"] for event in final["events"]] == [
        "submitted", "in_review", "more_information_requested", "in_review", "approved", "fee_due", "paid",
        "document_issued",
    ]  # fmt: skip
    assert [row["id"] for row in (await citizen.get("/api/v1/documents")).json()] == [document["id"]]
    pdf = await citizen.get(document["file_url"])
    assert pdf.content.startswith(b"%PDF-")
    assert pdf.headers["content-type"] == "application/pdf"
    verified = (await citizen.get(f"/api/v1/documents/verify/{document['verification_code']}")).json()
    assert verified["genuine"] is True
    assert verified["holder_name_en"] == "Test C."  # a short name to anyone holding a code

    # Every step told the citizen, newest first; the agency's looks are in "who accessed my data".
    inbox = (await citizen.get("/api/v1/inbox")).json()["items"]
    titles = [item["title_en"] for item in inbox]
    assert titles[0] == "Your document is ready"
    assert {"We received your application", "A fee is due", "Fee paid", "More information is needed"} <= set(
        titles
    )
    accesses = (await citizen.get("/api/v1/me/data-access")).json()["items"]
    assert any(row["purpose_en"].startswith("Opened: application") for row in accesses)
    assert any(row["purpose_en"].startswith("Downloaded a file") for row in accesses)


async def test_no_illegal_transition_is_accepted_from_any_state(
    sign_in: SignIn, resources: Resources
) -> None:
    office = await new_office(sign_in, resources)
    citizen = await sign_in()
    application_id = await sent_application(resources, citizen, office)
    legal = {
        (row["from_state"], row["to_state"])
        for row in await resources.pool.fetch(
            "SELECT from_state, to_state FROM application_transitions WHERE actor_kind = 'agency'"
        )
    }
    for state in ALL_STATES:
        if state == "draft":
            continue  # an unsent draft is not the agency's to see
        for target in AGENCY_MOVES:
            if (state, target) in legal:
                continue
            await resources.pool.execute(
                "UPDATE applications SET state = $2 WHERE id = $1::uuid", application_id, state
            )
            refused = await office.move(application_id, target, note="why", fee_satang=100)
            assert refused.status_code == 409, (state, target, refused.text)
            assert (await citizen.get(f"/api/v1/applications/{application_id}")).json()["state"] == state
    # Nor can anyone write an illegal event straight into the database.
    with pytest.raises(asyncpg.ForeignKeyViolationError):
        await resources.pool.execute(
            "INSERT INTO application_events (application_id, from_state, to_state, actor_kind) "
            "VALUES ($1::uuid, 'submitted', 'document_issued', 'agency')",
            application_id,
        )
    # "paid" is the payment's to make, "document_issued" the document's.
    await resources.pool.execute(
        "UPDATE applications SET state = 'fee_due' WHERE id = $1::uuid", application_id
    )
    assert (await office.move(application_id, "paid")).status_code == 400
    # Citizens have their own few moves: no reply unless asked, no withdrawing what is approved.
    await resources.pool.execute(
        "UPDATE applications SET state = 'approved' WHERE id = $1::uuid", application_id
    )
    assert (
        await citizen.post(f"/api/v1/applications/{application_id}/reply", json={"message": "hi"})
    ).status_code == 409
    assert (await citizen.post(f"/api/v1/applications/{application_id}/withdraw")).status_code == 409
    # A request for information or a refusal says what or why.
    await resources.pool.execute(
        "UPDATE applications SET state = 'in_review' WHERE id = $1::uuid", application_id
    )
    assert (await office.move(application_id, "rejected")).status_code == 400
    assert (await office.move(application_id, "rejected", note="Not a recognised school")).status_code == 200


async def test_two_officers_deciding_at_once_make_one_change(sign_in: SignIn, resources: Resources) -> None:
    office = await new_office(sign_in, resources)
    other_officer = await sign_in(("agency_officer", office.agency_id))
    citizen = await sign_in()
    application_id = await submitted(citizen, office)
    results = await asyncio.gather(
        office.move(application_id, "approved"),
        other_officer.post(office.url(application_id, "/status"), json={"state": "rejected", "note": "no"}),
    )
    assert sorted(result.status_code for result in results) == [200, 409]
    events = (await citizen.get(f"/api/v1/applications/{application_id}")).json()["events"]
    assert [event["to_state"] for event in events][-1] in ("approved", "rejected")
    assert len(events) == 2


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("photo.pdf", png(), "ends in .pdf but the file is a PNG"),  # a PNG dressed as a PDF
        ("letter.pdf", b"<html><script>alert(1)</script></html>", "PDF, JPEG or PNG"),
        ("scan.png", png()[:60], "damaged or incomplete"),  # a truncated image
        (
            "run.pdf",
            PDF.replace(b"/Type/Catalog", b"/Type/Catalog/OpenAction<</S/JavaScript/JS(x)>>"),
            "scripts, attachments",
        ),
        ("empty.pdf", b"", "empty"),
    ],
)
async def test_hostile_uploads_are_refused_by_their_content(
    sign_in: SignIn, resources: Resources, name: str, content: bytes, message: str
) -> None:
    office = await new_office(sign_in, resources, biller=None)
    citizen = await sign_in()
    application_id = (
        await citizen.post("/api/v1/applications", json={"service_id": office.service_id})
    ).json()["id"]
    refused = await citizen.post(
        f"/api/v1/applications/{application_id}/files",
        data={"field": "transcript"},
        files={"file": (name, content, "application/pdf")},
    )
    assert refused.status_code == 400, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert message.lower() in refused.text.lower()
    assert await resources.pool.fetchval("SELECT count(*) FROM application_files") == 0


async def test_uploads_keep_a_clean_name_a_size_limit_and_the_form_s_file_count(
    sign_in: SignIn, resources: Resources
) -> None:
    office = await new_office(sign_in, resources, biller=None)
    citizen = await sign_in()
    application_id = (
        await citizen.post("/api/v1/applications", json={"service_id": office.service_id})
    ).json()["id"]
    url = f"/api/v1/applications/{application_id}/files"
    tricky = await citizen.post(
        url,
        data={"field": "transcript"},
        files={"file": ("../../etc/passwd\u202egnp.pdf", PDF, "application/pdf")},
    )
    assert tricky.status_code == 201, tricky.text
    assert "/" not in tricky.json()["file_name"]
    assert "\u202e" not in tricky.json()["file_name"]
    stored = resources.settings.files_path / tricky.json()["sha256"][:2]
    assert stored.is_dir()  # stored under its hash, whatever it was called
    assert (
        await citizen.post(
            url, data={"field": "transcript"}, files={"file": ("b.pdf", PDF, "application/pdf")}
        )
    ).status_code == 201
    third = await citizen.post(
        url, data={"field": "transcript"}, files={"file": ("c.pdf", PDF, "application/pdf")}
    )
    assert third.status_code == 409  # the form takes two
    not_a_file_field = await citizen.post(
        url, data={"field": "school"}, files={"file": ("d.pdf", PDF, "application/pdf")}
    )
    assert not_a_file_field.status_code == 400
    too_big = PDF[:-6] + b"0" * (5 * 1024 * 1024) + b"%%EOF\n"
    refused = await citizen.post(
        url, data={"field": "transcript"}, files={"file": ("big.pdf", too_big, "application/pdf")}
    )
    assert refused.status_code in (400, 413)
    assert refused.headers["content-type"].startswith("application/problem+json")


async def test_no_citizen_or_other_agency_sees_an_application_or_a_document(
    sign_in: SignIn, resources: Resources
) -> None:
    citizen, document, office = await issued_document(sign_in, resources)
    application_id = document["application_id"]
    file_id = (await citizen.get(f"/api/v1/applications/{application_id}")).json()["files"][0]["id"]
    stranger = await sign_in()
    for path in (
        f"/api/v1/applications/{application_id}",
        f"/api/v1/applications/{application_id}/files/{file_id}",
        f"/api/v1/documents/{document['id']}",
        f"/api/v1/documents/{document['id']}/file",
        f"/api/v1/documents/{document['id']}/shares",
    ):
        assert (await stranger.get(path)).status_code == 404, path
    assert (
        await stranger.post(f"/api/v1/documents/{document['id']}/shares", json={"minutes": 5})
    ).status_code == 404
    assert (await stranger.get("/api/v1/applications")).json() == []
    assert (await stranger.get("/api/v1/documents")).json() == []

    other = await make_agency(resources.pool, status="approved")
    other_officer = await sign_in(("agency_officer", other))
    assert (await other_officer.get(office.url(application_id))).status_code == 403
    assert (
        await other_officer.get(f"/api/v1/agency/{other}/applications/{application_id}")
    ).status_code == 404
    assert (await other_officer.get(f"/api/v1/agency/{other}/applications")).json() == []
    editor = await sign_in(("agency_editor", office.agency_id))  # tiles, not citizens' applications
    assert (await editor.get(office.url(application_id))).status_code == 403
    assert (await citizen.get(office.url(application_id))).status_code == 403

    support = await sign_in(("support", None))
    citizen_id = await resources.pool.fetchval(
        "SELECT citizen_id::text FROM applications WHERE id = $1::uuid", application_id
    )
    seen = (await support.get(f"/api/v1/support/citizens/{citizen_id}/applications")).json()
    assert [row["id"] for row in seen] == [application_id]
    assert (
        await support.get(f"/api/v1/support/applications/{application_id}/files/{file_id}")
    ).status_code == 200
    purposes = [row["purpose_en"] for row in (await citizen.get("/api/v1/me/data-access")).json()["items"]]
    assert "Support looked at your applications" in purposes
    assert any(purpose.startswith("Support opened a file") for purpose in purposes)


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


async def test_a_form_is_refused_when_it_asks_for_what_the_digital_id_already_gives(
    sign_in: SignIn, resources: Resources
) -> None:
    agency_id = await make_agency(resources.pool, status="approved")
    tile_id = await application_tile(resources, agency_id)
    admin = await sign_in(("agency_admin", agency_id))
    url = f"/api/v1/agency/{agency_id}/application-services/svc"
    asks_id = {"fields": [{"name": "national_id", "kind": "text", "label_th": "เลข", "label_en": "ID"}]}
    refused = await admin.put(url, json={"tile_id": tile_id, "form": asks_id})
    assert refused.status_code == 400
    assert "digital ID" in refused.text
    empty_choice = {"fields": [{"name": "x", "kind": "choice", "label_th": "x", "label_en": "x"}]}
    assert (await admin.put(url, json={"tile_id": tile_id, "form": empty_choice})).status_code == 400
    assert (
        await admin.put(url, json={"tile_id": tile_id, "form": FORM, "fee_satang": 100})
    ).status_code == 400
    other_tile = await application_tile(resources, await make_agency(resources.pool, status="approved"))
    assert (await admin.put(url, json={"tile_id": other_tile, "form": FORM})).status_code == 400
    officer = await sign_in(("agency_officer", agency_id))
    assert (await officer.put(url, json={"tile_id": tile_id, "form": FORM})).status_code == 403
    assert (await admin.put(url, json={"tile_id": tile_id, "form": FORM})).status_code == 200


async def test_an_agency_taking_applications_by_connector_receives_each_once_with_its_files(
    sign_in: SignIn, resources: Resources, agencies_url: str
) -> None:
    office = await new_office(sign_in, resources, biller=None)
    registered = await office.admin.post(
        f"/api/v1/agency/{office.agency_id}/connectors", json=connector(agencies_url, "education")
    )
    assert registered.status_code == 201, registered.text
    await approve_connectors(sign_in, registered.json()["id"])  # applications reach it once it is live
    redefined = await office.admin.put(
        f"/api/v1/agency/{office.agency_id}/application-services/equivalence",
        json={
            "tile_id": office.tile_id,
            "form": FORM,
            "delivery": "connector",
            "connector_id": registered.json()["id"],
        },
    )
    assert redefined.status_code == 200, redefined.text
    citizen = await sign_in()
    async with httpx.AsyncClient(base_url=agencies_url) as agency_system:
        await agency_system.post("/education/_control", json={"mode": "fail"})
        application_id = await submitted(citizen, office)
        task_id = await resources.pool.fetchval(
            "SELECT id FROM task_outbox WHERE task = 'applications.deliver'"
        )
        assert await run_task(resources, task_id) == "retry"  # the agency is down: tried again later
        await agency_system.post("/education/_control", json={"mode": "ok"})
        await resources.pool.execute("UPDATE task_outbox SET run_after = now()")
        assert await run_task(resources, task_id) == "done"
        received = (await agency_system.get("/education/_applications")).json()
    number = (await citizen.get(f"/api/v1/applications/{application_id}")).json()["tracking_number"]
    assert list(received) == [number]
    assert received[number]["files_intact"] is True
    assert received[number]["file_count"] == 1
    opened = (await office.officer.get(office.url(application_id))).json()
    assert opened["agency_reference"].startswith("DEMO-")
    log = [
        row
        for row in (await citizen.get("/api/v1/me/data-access")).json()["items"]
        if row["purpose_en"].startswith("Sending")
    ]
    assert [row["outcome"] for row in log] == ["ok", "failed"]  # newest first: both attempts recorded
    # The agency reports progress through the agency API: the status callback.
    assert (await office.move(application_id, "in_review")).status_code == 200


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


async def test_an_agency_may_close_an_application_whose_fee_is_never_paid_and_the_bill_is_cancelled(
    sign_in: SignIn, resources: Resources
) -> None:
    office = await new_office(sign_in, resources)
    citizen = await sign_in()
    application_id = await sent_application(resources, citizen, office)
    assert (await office.move(application_id, "approved")).status_code == 200
    fee = (await office.move(application_id, "fee_due", fee_satang=15000)).json()["bill"]
    inbox = (await citizen.get("/api/v1/inbox")).json()["items"]
    assert "ค่าธรรมเนียม 150.00 บาท" in inbox[0]["body_th"]
    assert "Fee: 150.00 baht." in inbox[0]["body_en"]
    assert (await office.move(application_id, "closed", note="Not paid within 30 days")).status_code == 200
    bills = {row["id"]: row["status"] for row in (await citizen.get("/api/v1/bills")).json()}
    assert bills[fee["id"]] == "cancelled"
    refused = await citizen.post(f"/api/v1/bills/{fee['id']}/payments", json={"idempotency_key": "late"})
    assert refused.status_code == 409


async def test_json_nested_thousands_deep_is_a_bad_request_not_a_crash(sign_in: SignIn) -> None:
    citizen = await sign_in()
    deep = await citizen.put(
        "/api/v1/applications/00000000-0000-0000-0000-000000000000/answers",
        content=b'{"answers": {"a": ' + b"[" * 5000 + b"]" * 5000 + b"}}",
        headers={"Content-Type": "application/json"},
    )
    assert deep.status_code == 400
    assert deep.headers["content-type"].startswith("application/problem+json")
