"""Applications from form to signed document: forms as data, the state machine, who may see what, the
fee paid through payments, delivery by connector (uploads: ``test_application_uploads.py``; the wallet's
share links and verification: ``test_documents.py``)."""

from __future__ import annotations

import asyncio

import asyncpg
import httpx
import pytest

from backend.core.resources import Resources
from backend.core.tasks import run_task
from tests.factories import make_agency, make_bill, valid_national_id
from tests.helpers.applications import (
    ANSWERS,
    BILLER,
    FORM,
    application_tile,
    issued_document,
    new_office,
    png,
    sent_application,
    submitted,
)
from tests.helpers.connectors import approve_connectors, connector
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
    named = "SELECT on_paid FROM bills WHERE id = $1::uuid"  # what settling the bill moves on
    assert await resources.pool.fetchval(named, bill["id"]) == "application_fee"

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


async def test_a_fee_bill_written_by_code_from_before_on_paid_still_moves_its_application_on(
    sign_in: SignIn, resources: Resources
) -> None:
    """A replica not yet upgraded writes the fee bill without ``on_paid``: the database names the listener
    as the application is given the bill, so its payment still moves the application on."""
    office = await new_office(sign_in, resources)
    citizen = await sign_in()
    application_id = await sent_application(resources, citizen, office)
    assert (await office.move(application_id, "approved")).status_code == 200
    named = "SELECT on_paid FROM bills WHERE id = $1"
    holder = await resources.pool.fetchval(
        "SELECT c.national_id_hash FROM applications a JOIN citizens c ON c.id = a.citizen_id "
        "WHERE a.id = $1::uuid",
        application_id,
    )
    bill = await make_bill(resources.pool, office.agency_id, holder, biller_id=BILLER)
    assert await resources.pool.fetchval(named, bill.id) is None
    await resources.pool.execute(
        "UPDATE applications SET bill_id = $2, state = 'fee_due' WHERE id = $1::uuid", application_id, bill.id
    )
    assert await resources.pool.fetchval(named, bill.id) == "application_fee"
    paying = await citizen.post(f"/api/v1/bills/{bill.id}/payments", json={"idempotency_key": "fee"})
    assert paying.status_code < 300, paying.text
    bills = (await citizen.get("/api/v1/bills")).json()
    fee_bill = next(item for item in bills if item["id"] == str(bill.id))
    assert (await post_callback(citizen, callback(fee_bill))).json()["outcome"] == "paid"
    assert (await citizen.get(f"/api/v1/applications/{application_id}")).json()["state"] == "paid"


async def test_json_nested_thousands_deep_is_a_bad_request_not_a_crash(sign_in: SignIn) -> None:
    citizen = await sign_in()
    deep = await citizen.put(
        "/api/v1/applications/00000000-0000-0000-0000-000000000000/answers",
        content=b'{"answers": {"a": ' + b"[" * 5000 + b"]" * 5000 + b"}}",
        headers={"Content-Type": "application/json"},
    )
    assert deep.status_code == 400
    assert deep.headers["content-type"].startswith("application/problem+json")
