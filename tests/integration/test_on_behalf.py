"""Issue 22 item 4, for agencies: an application a delegate submitted, or a bill a delegate paid, tells
the agency "submitted by X on behalf of Y" (connector contract v1 ``on_behalf``, the agency's view of
the application, the payment webhook); when the citizen did it themselves the field is absent."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import msgspec
from litestar import Litestar

from backend.connectors.contract import ApplicationSubmission
from backend.core.resources import Resources
from backend.core.tasks import run_task
from tests.factories import valid_national_id
from tests.factories.delegation import make_delegation
from tests.helpers.applications import FORM, new_office, submitted
from tests.helpers.connectors import approve_connectors, connector
from tests.helpers.payments import bill, callback, issuer, post_callback, tell_receipts
from tests.integration.conftest import SignIn
from tests.webhook_receiver import webhook_receiver


async def _named(resources: Resources, browser: httpx.AsyncClient, name_th: str, name_en: str) -> str:
    citizen_id: str = (await browser.get("/api/v1/me")).json()["id"]
    await resources.pool.execute(
        "UPDATE citizens SET name_th = $2, name_en = $3 WHERE id = $1::uuid", citizen_id, name_th, name_en
    )
    return citizen_id


async def test_an_application_a_delegate_submits_reaches_the_agency_with_on_behalf_and_one_of_his_own_without(
    sign_in: SignIn, resources: Resources, agencies_url: str
) -> None:
    office = await new_office(sign_in, resources, biller=None)
    registered = await office.admin.post(
        f"/api/v1/agency/{office.agency_id}/connectors", json=connector(agencies_url, "education")
    )
    await approve_connectors(sign_in, registered.json()["id"])
    service = {"tile_id": office.tile_id, "form": FORM, "delivery": "connector"}
    redefined = await office.admin.put(
        f"/api/v1/agency/{office.agency_id}/application-services/equivalence",
        json={**service, "connector_id": registered.json()["id"]},
    )
    assert redefined.status_code == 200, redefined.text
    somchai, suda = await sign_in(), await sign_in(national_id=valid_national_id(241))
    somchai_id = await _named(resources, somchai, "สมชาย ใจดี", "Somchai Jaidee")
    suda_id = await _named(resources, suda, "สุดา ใจดี", "Suda Jaidee")
    grant = await make_delegation(
        resources.pool, grantor_id=somchai_id, delegate_id=suda_id, scopes=("applications",)
    )

    suda.headers["X-Acting-For"] = str(grant.id)
    for_him = await submitted(suda, office)
    del suda.headers["X-Acting-For"]
    her_own = await submitted(suda, office)
    for task_id in await resources.pool.fetch(
        "SELECT id FROM task_outbox WHERE task = 'applications.deliver'"
    ):
        assert await run_task(resources, task_id["id"]) == "done"
    async with httpx.AsyncClient(base_url=agencies_url) as agency_system:
        received = (await agency_system.get("/education/_applications")).json()

    on_behalf = {
        "kind": "delegate",
        "delegate_reference": str(grant.id),
        "name_th": "สุดา ใจดี",
        "name_en": "Suda Jaidee",
        "national_id_masked": "x-xxxx-xxxxx-"
        + valid_national_id(241)[10:12]
        + "-"
        + valid_national_id(241)[12],
    }
    his = (await office.officer.get(office.url(for_him))).json()
    hers = (await office.officer.get(office.url(her_own))).json()
    assert his["applicant"]["name_th"] == "สมชาย ใจดี"
    assert his["on_behalf"] == on_behalf
    assert hers["on_behalf"] is None
    assert received[his["tracking_number"]]["on_behalf"] == on_behalf
    assert received[hers["tracking_number"]]["on_behalf"] is None
    assert valid_national_id(241) not in json.dumps(his), "the delegate's national ID only masked"
    # On the wire the field is absent, not null, when the citizen sent it themselves.
    plain = ApplicationSubmission(
        tracking_number="T", service_code="s", national_id="1", name_th=None, name_en=None, birthdate=None,
        answers={}, files=[], submitted_at=his["submitted_at"], status_callback_url="u", request_id="r",
    )  # fmt: skip
    assert "on_behalf" not in json.loads(msgspec.json.encode(plain))
    # And he is told in his inbox, by the platform.
    [notice] = [
        item
        for item in (await somchai.get("/api/v1/inbox")).json()["items"]
        if item["agency_code"] == "platform"
    ]
    assert notice["title_th"] == "สุดา ใจดี ยื่นคำขอในนามของคุณ"


async def test_the_payment_webhook_says_on_behalf_when_a_delegate_paid_and_not_otherwise(
    app: Litestar, sign_in: SignIn, resources: Resources, client: httpx.AsyncClient
) -> None:
    national_id = valid_national_id(242)
    agency_id, agency = await issuer(sign_in, resources)
    somchai, suda = await sign_in(national_id=national_id), await sign_in()
    grant = await make_delegation(
        resources.pool,
        grantor_id=await _named(resources, somchai, "สมชาย ใจดี", "Somchai Jaidee"),
        delegate_id=await _named(resources, suda, "สุดา ใจดี", "Suda Jaidee"),
        scopes=("bills",),
    )
    async with webhook_receiver() as receiver:
        registered = await agency.put(f"/api/v1/agency/{agency_id}/webhook", json={"url": receiver.url})
        assert registered.status_code == 200, registered.text
        for payer, headers in ((suda, {"X-Acting-For": str(grant.id)}), (somchai, {})):
            issued = (await agency.post("/api/v1/agency/bills", json=bill(national_id))).json()
            paying = await payer.post(
                f"/api/v1/bills/{issued['id']}/payments",
                json={"idempotency_key": issued["id"]},
                headers=headers,
            )
            assert paying.status_code == 201, paying.text
            assert (await post_callback(client, callback(issued))).status_code == 200
        for row in await resources.pool.fetch(
            "SELECT id FROM task_outbox WHERE task = 'payments.agency_webhook'"
        ):
            assert await run_task(resources, row["id"]) == "done"
    by_delegate, by_himself = (json.loads(request.body) for request in receiver.received)
    assert by_delegate["event"] == by_himself["event"] == "payment.succeeded"
    assert by_delegate["on_behalf"] == {"kind": "delegate", "delegate_reference": str(grant.id)}
    assert "on_behalf" not in by_himself
    assert national_id not in json.dumps(by_delegate), "no personal data in a payment event"
    # The agency's documentation names every field it is sent, the optional one included.
    documented = (Path(__file__).parents[2] / "docs" / "bank-callbacks.md").read_text(encoding="utf-8")
    assert [key for key in (*by_delegate, *by_delegate["on_behalf"]) if f"`{key}`" not in documented] == []
    assert '"on_behalf": {"kind": "delegate", "delegate_reference": ' in documented
    # His receipt messages (written by the task each settlement queued): the one she paid names her.
    assert await tell_receipts(resources) == ["done", "done"]
    receipts = [m for m in (await somchai.get("/api/v1/inbox")).json()["items"] if "receipt" in m["body_en"]]
    assert [m["body_th"].endswith(" · สุดา ใจดี ชำระแทนคุณ") for m in receipts] == [False, True]  # newest first
    assert receipts[1]["body_en"].endswith(", paid for you by Suda Jaidee")
    # The agency's own view of its bills names who paid for him, the national ID masked as staff see it.
    by_her, by_him = (await agency.get(f"/api/v1/agency/{agency_id}/bills")).json()["items"][-2:][::-1]
    assert by_her["paid_by"]["name_en"] == "Suda Jaidee"
    assert by_her["paid_by"]["national_id_masked"].startswith("x-xxxx-xxxxx-")
    assert by_him["paid_by"] is None
