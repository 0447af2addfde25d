"""The factories write rows the features themselves read back as they would their own: each state a
factory offers is the state the feature's queries and HTTP surface see."""

from __future__ import annotations

from litestar import Litestar

from backend.applications.context import Applications
from backend.core.resources import Resources
from backend.identity.service import Identity, session_cookie_name
from payments import queries as payment_queries
from tests.conftest import app_client
from tests.factories import (
    citizen_row,
    make_access_record,
    make_agency,
    make_application,
    make_bill,
    make_campaign,
    make_citizen,
    make_connector,
    make_consent,
    make_delivery,
    make_device,
    make_document,
    make_file,
    make_member,
    make_notification,
    make_payment,
    make_service,
    make_session,
    make_template,
    make_tile,
    valid_national_id,
)


async def test_agency_members_tiles_and_sessions(app: Litestar, resources: Resources) -> None:
    identity: Identity = app.state.identity
    agency_id = await make_agency(resources.pool, status="approved")
    member = await make_member(resources.pool, identity.cipher, agency_id, role="agency_admin")
    assert (member.role, member.agency_id, member.revoked_at) == ("agency_admin", agency_id, None)
    states = {}
    for state in ("draft", "in_review", "published", "retired"):
        tile = await make_tile(resources.pool, agency_id, state=state)
        states[tile.id] = state
    token, session = await make_session(identity, member.citizen_id)
    assert session.citizen_id == member.citizen_id
    browser = app_client(app)
    browser.cookies.set(session_cookie_name(identity.settings), token)
    async with browser:
        listed = await browser.get(f"/api/v1/agency/{agency_id}/tiles")
    assert listed.status_code == 200, listed.text
    assert {tile["id"]: tile["state"] for tile in listed.json()} == states


async def test_connectors_consents_and_the_access_record(app: Litestar, resources: Resources) -> None:
    identity: Identity = app.state.identity
    agency_id = await make_agency(resources.pool, status="approved")
    citizen_id = await make_citizen(resources.pool, identity.cipher)
    connector = await make_connector(resources.pool, agency_id, consent_required=True)
    disabled = await make_connector(resources.pool, agency_id, status="disabled")
    assert (connector.status, disabled.status) == ("active", "disabled")
    consent = await make_consent(resources.pool, citizen_id, connector)
    assert consent.connector_id == connector.id
    assert consent.expires_at > consent.granted_at
    record = await make_access_record(
        resources.pool, citizen_id, agency_id=agency_id, connector_id=connector.id
    )
    assert (record.citizen_id, record.kind, record.outcome) == (citizen_id, "agency_call", "ok")


async def test_bills_and_payments_in_each_state(app: Litestar, resources: Resources) -> None:
    identity: Identity = app.state.identity
    agency_id = await make_agency(resources.pool, status="approved")
    citizen_id = await make_citizen(resources.pool, identity.cipher)
    citizen = await citizen_row(resources.pool, citizen_id)
    national_id = identity.cipher.decrypt(citizen.national_id_key_id, citizen.national_id_ciphertext)
    hashed = identity.cipher.lookup_hash(national_id)
    unpaid = await make_bill(resources.pool, agency_id, hashed)
    assert (unpaid.status, unpaid.paid_at) == ("unpaid", None)
    pending = await make_payment(resources.pool, unpaid, citizen_id)
    assert (pending.state, pending.bill_id, pending.amount_satang) == ("pending", unpaid.id, 30000)
    expired = await make_payment(
        resources.pool, await make_bill(resources.pool, agency_id, hashed), citizen_id, state="expired"
    )
    assert expired.state == "expired"
    to_pay = await make_bill(resources.pool, agency_id, hashed, amount_satang=12345)
    paid = await make_payment(resources.pool, to_pay, citizen_id, state="success")
    assert paid.state == "success"
    assert paid.completed_at is not None
    settled = await payment_queries.bill(resources.pool, to_pay.id)
    assert settled is not None
    assert settled.status == "paid"
    receipt = await payment_queries.receipt_for_payment(resources.pool, paid.id)
    assert receipt is not None
    assert receipt.amount_satang == 12345
    cancelled = await make_bill(resources.pool, agency_id, hashed, status="cancelled")
    assert cancelled.status == "cancelled"


async def test_messages_devices_deliveries_and_campaigns(app: Litestar, resources: Resources) -> None:
    identity: Identity = app.state.identity
    agency_id = await make_agency(resources.pool, status="approved")
    citizen_id = await make_citizen(resources.pool, identity.cipher)
    device = await make_device(resources.pool, citizen_id)
    assert device.endpoint.startswith("https://push.example.org/")
    sent = await make_notification(
        resources.pool, citizen_id, agency_id, status="delivered", with_deliveries=True
    )
    assert sent.status == "delivered"
    assert sent.deliveries == [{"status": "delivered", "origin": "https://push.example.org"}]
    queued = await make_notification(resources.pool, citizen_id, agency_id)
    delivery = await make_delivery(resources.pool, queued.id, device, status="temporary-failure")
    assert (delivery.notification_id, delivery.subscription_id) == (str(queued.id), str(device.id))
    held_for = identity.cipher.lookup_hash(valid_national_id(42))
    held = await make_notification(resources.pool, None, agency_id, held_for=held_for)
    assert held.status == "created"
    template = await make_template(resources.pool, agency_id)
    assert template.version == 1
    campaign = await make_campaign(resources.pool, agency_id, template, status="expanded")
    assert (campaign.status, campaign.counts) == ("expanded", {})


async def test_applications_files_and_documents(app: Litestar, resources: Resources) -> None:
    identity: Identity = app.state.identity
    applications: Applications = app.state.applications
    agency_id = await make_agency(resources.pool, status="approved")
    citizen_id = await make_citizen(resources.pool, identity.cipher)
    service = await make_service(resources.pool, agency_id)
    assert service.is_published
    assert service.status == "open"
    draft = await make_application(resources.pool, service, citizen_id, state="draft")
    assert (draft.state, draft.submitted_at) == ("draft", None)
    approved = await make_application(resources.pool, service, citizen_id, state="approved")
    assert approved.state == "approved"
    assert approved.submitted_at is not None
    assert approved.answers == {"school": "Triam Udom Suksa"}
    uploaded = await make_file(applications, approved.id)
    assert uploaded.field == "transcript"
    assert await applications.store.get(uploaded.sha256)
    document = await make_document(applications, approved)
    assert (document.application_id, str(document.citizen_id)) == (approved.id, citizen_id)
    assert document.revoked_at is None
