"""Drafts that keep what fits and hold the rest apart, drafts created only once the citizen types and
discarded on request, replies to the agency that carry documents, and the public start page."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import httpx

from backend.core.resources import Resources
from tests.helpers.applications import ANSWERS, FORM, PDF, new_office, png, submitted
from tests.integration.conftest import SignIn

START_PAGE = {
    "who_can_apply_th": "ผู้ที่สำเร็จการศึกษาจากต่างประเทศ",
    "who_can_apply_en": "Anyone who finished school abroad",
    "requirements": [{"text_th": "หนังสือเดินทาง", "text_en": "Your passport"}],
    "working_days": 7,
}


async def _draft(citizen: httpx.AsyncClient, service_id: int) -> str:
    started = await citizen.post("/api/v1/applications", json={"service_id": service_id})
    assert started.status_code == 201, started.text
    application_id: str = started.json()["id"]
    return application_id


async def test_a_draft_keeps_every_answer_that_fits_and_holds_the_others_apart_as_typed(
    sign_in: SignIn, resources: Resources
) -> None:
    office = await new_office(sign_in, resources, biller=None)
    citizen = await sign_in()
    application_id = await _draft(citizen, office.service_id)
    url = f"/api/v1/applications/{application_id}"
    tomorrow = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    typed = {
        "school": "Keio",
        "years": 99,
        "finished": tomorrow,
        "level": "PhD",
        "address": {"house_number": "1", "postcode": "ABCDE"},
        "transcript": [str(uuid.uuid4())],  # not a file of this application
    }
    saved = await citizen.put(f"{url}/answers", json={"answers": typed})
    assert saved.status_code == 200, saved.text
    draft = saved.json()["draft"]
    held = {"years", "finished", "level", "address", "transcript"}
    assert set(draft["invalid_answers"]) == held
    problems = {problem["field"]: problem["message"] for problem in draft["problems"]}
    assert held <= set(problems)
    assert problems["years"] == "must be at most 15"

    # A reload brings everything back: what fits as answers, the rest as typed with its problem.
    view = (await citizen.get(url)).json()
    assert view["answers"] == {"school": "Keio"}
    assert view["draft"]["invalid_answers"] == {name: typed[name] for name in held}
    assert {problem["field"] for problem in view["draft"]["problems"]} >= held

    # Corrected, an answer moves over; a hidden character is named and kept nowhere.
    fixed = {**typed, "years": 3, "school": "Keio\u202e"}
    again = (await citizen.put(f"{url}/answers", json={"answers": fixed})).json()
    assert "years" not in again["draft"]["invalid_answers"]
    assert {"field": "school", "message": "contains U+202E", "source": None} in again["draft"]["problems"]
    view = (await citizen.get(url)).json()
    assert view["answers"] == {"years": 3}
    assert "school" not in view["draft"]["invalid_answers"]

    # A name the form does not have is refused, and nothing changes.
    refused = await citizen.put(f"{url}/answers", json={"answers": {"unknown": "x"}})
    assert refused.status_code == 400
    assert (await citizen.get(url)).json()["answers"] == {"years": 3}

    # Nothing held apart is ever sent: submitting names each one.
    sent = await citizen.post(f"{url}/submit")
    assert sent.status_code == 400
    assert held - {"years"} <= {error["field"] for error in sent.json()["errors"]}

    # Put right, it goes; the agency sees only checked answers and no draft state.
    uploaded = await citizen.post(
        f"{url}/files", data={"field": "transcript"}, files={"file": ("t.png", png(), "image/png")}
    )
    complete = {**ANSWERS, "transcript": [uploaded.json()["id"]]}
    done = (await citizen.put(f"{url}/answers", json={"answers": complete})).json()
    assert done["draft"] == {"invalid_answers": {}, "problems": []}
    assert (await citizen.post(f"{url}/submit")).status_code == 200
    opened = (await office.officer.get(office.url(application_id))).json()
    assert opened["answers"] == complete
    assert opened["draft"] is None


async def test_opening_a_form_makes_no_draft_and_a_draft_can_be_discarded(
    sign_in: SignIn, resources: Resources
) -> None:
    office = await new_office(sign_in, resources, biller=None)
    citizen = await sign_in()
    form = f"/api/v1/tiles/{office.tile_id}/application-service"
    assert (await citizen.get(form)).json()["draft_id"] is None
    assert await resources.pool.fetchval("SELECT count(*) FROM applications") == 0

    application_id = await _draft(citizen, office.service_id)
    assert (await citizen.get(form)).json()["draft_id"] == application_id
    url = f"/api/v1/applications/{application_id}"
    uploaded = await citizen.post(
        f"{url}/files", data={"field": "transcript"}, files={"file": ("t.pdf", PDF, "application/pdf")}
    )
    assert uploaded.status_code == 201, uploaded.text
    await citizen.put(f"{url}/answers", json={"answers": {"school": "Keio"}})

    assert (await (await sign_in()).delete(url)).status_code == 404  # someone else's
    assert (await citizen.delete(url)).status_code == 204
    assert (await citizen.get(url)).status_code == 404
    assert (await citizen.get("/api/v1/applications")).json() == []
    assert (await citizen.get(form)).json()["draft_id"] is None
    row = await resources.pool.fetchrow(
        "SELECT state, answers::text FROM applications WHERE id = $1::uuid", application_id
    )
    assert row is not None
    assert (row["state"], row["answers"]) == ("discarded", "{}")
    # Its file is removed, yet counts against the quota until the collector takes its bytes.
    assert await resources.pool.fetchval(
        "SELECT removed_at IS NOT NULL FROM application_files WHERE application_id = $1::uuid", application_id
    )
    assert (await citizen.delete(url)).status_code == 404

    # Starting again makes a new draft; a sent application is withdrawn, not discarded.
    assert await _draft(citizen, office.service_id) != application_id
    other = await sign_in()
    sent = await submitted(other, office)
    assert (await other.delete(f"/api/v1/applications/{sent}")).status_code == 409
    listed = (await office.officer.get(f"/api/v1/agency/{office.agency_id}/applications")).json()
    assert [item["id"] for item in listed] == [sent]


async def test_a_reply_to_the_agency_carries_files_checked_as_any_upload(
    sign_in: SignIn, resources: Resources
) -> None:
    office = await new_office(sign_in, resources, biller=None)
    citizen = await sign_in()
    application_id = await submitted(citizen, office)
    url = f"/api/v1/applications/{application_id}"
    pdf = {"file": ("letter.pdf", PDF, "application/pdf")}
    assert (await citizen.post(f"{url}/reply-files", files=pdf)).status_code == 409  # nothing asked yet
    assert (await office.move(application_id, "more_information_requested", note="A clearer scan")).is_success

    wrong = await citizen.post(f"{url}/reply-files", files={"file": ("scan.pdf", png(), "application/pdf")})
    assert wrong.status_code == 400
    assert "ends in .pdf" in wrong.json()["errors"][0]["message"]
    added = await citizen.post(f"{url}/reply-files", files=pdf)
    assert added.status_code == 201, added.text
    file_id = added.json()["id"]
    assert added.json()["field"] is None

    # Waiting in the reply form, it is the citizen's; the agency gets it with the reply.
    assert file_id in agency_files((await citizen.get(url)).json())
    assert file_id not in agency_files((await office.officer.get(office.url(application_id))).json())
    not_mine = await citizen.post(f"{url}/reply", json={"message": "Here", "file_ids": [str(uuid.uuid4())]})
    assert not_mine.status_code == 400
    assert (await citizen.get(url)).json()["state"] == "more_information_requested"

    replied = await citizen.post(f"{url}/reply", json={"message": "Here it is", "file_ids": [file_id]})
    assert replied.status_code == 200, replied.text
    assert replied.json()["state"] == "in_review"
    opened = (await office.officer.get(office.url(application_id))).json()
    reply_event = next(event for event in opened["events"] if event["note"] == "Here it is")
    assert agency_files(opened)[file_id]["reply_event_id"] == reply_event["id"]
    download = await office.officer.get(office.url(application_id, f"/files/{file_id}"))
    assert download.content == PDF
    # Sent, it stays: neither removed nor added to outside a request.
    assert (await citizen.delete(f"{url}/files/{file_id}")).status_code in (404, 409)
    assert (await citizen.post(f"{url}/reply-files", files=pdf)).status_code == 409


def agency_files(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {file["id"]: file for file in view["files"]}


async def test_anyone_reads_a_service_start_page_written_by_its_agency(
    sign_in: SignIn, resources: Resources, client: httpx.AsyncClient
) -> None:
    office = await new_office(sign_in, resources)
    define = f"/api/v1/agency/{office.agency_id}/application-services/equivalence"
    definition = {"tile_id": office.tile_id, "form": FORM, "fee_satang": 20000, "biller_id": "0994000158378"}
    bad = {**START_PAGE, "working_days": 0}
    assert (await office.admin.put(define, json={**definition, "start_page": bad})).status_code == 400
    defined = await office.admin.put(define, json={**definition, "start_page": START_PAGE})
    assert defined.status_code == 200, defined.text

    page = await client.get(f"/api/v1/tiles/{office.tile_id}/start-page")  # not logged in
    assert page.status_code == 200, page.text
    body = page.json()
    assert body["start_page"] == START_PAGE
    assert body["fee_satang"] == 20000
    assert [field["name"] for field in body["files"]] == ["transcript"]
    assert body["title_th"] == "เทียบวุฒิ"

    closed = await office.admin.put(define, json={**definition, "status": "closed"})
    assert closed.status_code == 200
    assert (await client.get(f"/api/v1/tiles/{office.tile_id}/start-page")).status_code == 404
    assert (await client.get("/api/v1/tiles/999999/start-page")).status_code == 404
