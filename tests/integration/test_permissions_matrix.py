"""Who may call each route: the permissions matrix, one table for the whole app.

``TABLE`` is the documentation of who may do what; docs/permissions.md shows the same rows and is
checked against it. Every route the app registers, in any mode (production, demo, with or without the
built PWA), must have a row, and every row must be a route: a new route fails the suite until someone
decides who may call it.

Each row is then tried as each actor, with a valid request on real objects (``CALLS``): citizen A's
bill, payment, receipt, message, device, consent, session, application (to agency X's application
service) with its files, and the document agency X issued into A's wallet with its share links; agency
X's tiles, connectors, clients, templates, messages, campaigns, refunds and application services. An
actor the row names must get through the guard (a 2xx or 3xx, or the one answer noted in ``Call.ok``);
anyone else is refused: 401 when anonymous, 403 when logged in (an agency's system included), or 404
where the object belongs to someone else and is simply not there for them. Agency Y's administrator
stands for "another agency" throughout.

Speed: each route builds its own agencies and people with fresh ids, so this module truncates the
tables once rather than before each test (the shared ``clean_state`` costs a third of a second).

One file past 400 lines on purpose: a route's rule (``TABLE``), the call that tries it (``CALLS``) and
the objects it is tried on (``World``) are read side by side when a route is added or a rule changes,
and they change together; split, a reviewer would hold three files to judge one row.
"""

from __future__ import annotations

import base64
import datetime as dt
import itertools
import json
import re
import secrets
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import httpx
import msgspec
import pytest
import pytest_asyncio
from litestar import Litestar
from litestar.routes import HTTPRoute

from backend.core.crypto import mask_national_id, national_id_check_digit
from backend.core.resources import Resources
from backend.core.signatures import sign
from backend.delegation.assisted_queries import insert_assisted
from backend.delegation.routes import DELEGATE_ROUTES
from backend.delegation.schemas import SCOPE_WORDS
from backend.delegation.service import today as delegation_today
from backend.demo.identity_provider import demo_client_credentials
from backend.demo.people import DEMO_PEOPLE
from backend.identity.service import Identity, session_cookie_name
from backend.server.app import create_app
from backend.settings import Settings
from notifications.queries import upsert_subscription
from payments.queries import assign_biller
from tests.conftest import app_client, serve_in_process
from tests.factories import make_agency, make_citizen
from tests.factories.delegation import make_delegation
from tests.helpers.agency_clients import new_client, request_token
from tests.helpers.ports import free_port
from tests.integration.conftest import SignIn, empty_state

DOC = Path(__file__).resolve().parents[2] / "docs" / "permissions.md"
BANK, BANK_SECRET = "test-bank", b"test-bank-secret-0123456789"  # as tests/conftest.py configures

# --- the actors ---------------------------------------------------------------------------------

ANONYMOUS = "anonymous"
CITIZEN_A, CITIZEN_B = "citizen_a", "citizen_b"
X_ADMIN, X_EDITOR, X_SENDER, X_OFFICER = "x_admin", "x_editor", "x_sender", "x_officer"
Y_ADMIN = "y_admin"
X_SYSTEM = "x_system"  # agency X's machine client, holding every scope a client may have
SUPPORT, PLATFORM_ADMIN, COUNTER = "support", "platform_admin", "counter"
ACTORS = (
    ANONYMOUS, CITIZEN_A, CITIZEN_B, X_ADMIN, X_EDITOR, X_SENDER, X_OFFICER, Y_ADMIN, X_SYSTEM, SUPPORT,
    PLATFORM_ADMIN, COUNTER,
)  # fmt: skip
PEOPLE = frozenset(ACTORS) - {ANONYMOUS, X_SYSTEM}


@dataclass(frozen=True, slots=True)
class Who:
    label: str
    """As docs/permissions.md writes it."""
    actors: frozenset[str]
    others: int = 403
    """What a logged-in person outside ``actors`` gets (anonymous: 401; an agency's system: 403)."""


ANYONE = Who("anyone", frozenset(ACTORS))
BANK_SIGNED = Who("anyone, signed with a bank's secret", frozenset(ACTORS))
CLIENT_SECRET = Who("anyone, with the client's secret", frozenset(ACTORS))
PERSON = Who("any logged-in person", PEOPLE)
OWNER = Who("the citizen it belongs to (others: 404)", frozenset({CITIZEN_A}), others=404)
STAFF_SUPPORT = Who("support staff, platform admins", frozenset({SUPPORT, PLATFORM_ADMIN}))
ADMIN = Who("platform admins", frozenset({PLATFORM_ADMIN}))
COUNTER_STAFF = Who("counter staff", frozenset({COUNTER}))
TILES = Who("the agency's admins, editors, systems (tiles)", frozenset({X_ADMIN, X_EDITOR, X_SYSTEM}))
BILLS = Who("the agency's admins, systems (bills)", frozenset({X_ADMIN, X_SYSTEM}))
NOTIFY = Who(
    "the agency's admins, senders, systems (notifications)", frozenset({X_ADMIN, X_SENDER, X_SYSTEM})
)
CONNECTORS = Who("the agency's admins, systems (connectors)", frozenset({X_ADMIN, X_SYSTEM}))
CLIENTS = Who("the agency's admins", frozenset({X_ADMIN}))
APPLICATIONS = Who(
    "the agency's admins, officers, systems (applications)", frozenset({X_ADMIN, X_OFFICER, X_SYSTEM})
)
TILES_OR_NOTIFY = Who(
    "the agency's admins, editors, senders, systems (tiles or notifications)",
    frozenset({X_ADMIN, X_EDITOR, X_SENDER, X_SYSTEM}),
)
TILES_OR_APPLICATIONS = Who(
    "the agency's admins, editors, officers, systems (tiles or applications)",
    frozenset({X_ADMIN, X_EDITOR, X_OFFICER, X_SYSTEM}),
)

# --- the table ----------------------------------------------------------------------------------
# "METHOD path" as the app registers it. Agency routes are called on agency X's objects; OWNER routes
# on citizen A's. "OPTIONS *" stands for the OPTIONS answer Litestar gives on every path.

TABLE: dict[str, Who] = {
    # operations, schema, shell
    "GET /healthz": ANYONE,
    "GET /readyz": ANYONE,
    "GET /metrics": ANYONE,  # the reverse proxy (docker/Caddyfile) hides it from the internet
    "GET /schema": ANYONE,
    "GET /schema/openapi.json": ANYONE,
    "GET /schema/{path:str}": ANYONE,
    "OPTIONS *": ANYONE,
    "GET /": ANYONE,
    "GET /{file_path:path}": ANYONE,
    "HEAD /{file_path:path}": ANYONE,
    "GET /assets/{file_path:path}": ANYONE,
    "HEAD /assets/{file_path:path}": ANYONE,
    "GET /entitlements": ANYONE,
    "GET /bills": ANYONE,
    "GET /inbox": ANYONE,
    "GET /settings": ANYONE,
    "GET /data-access": ANYONE,
    "GET /console": ANYONE,
    "GET /applications": ANYONE,
    "GET /wallet": ANYONE,
    "GET /verify": ANYONE,
    "GET /apply/{key:str}": ANYONE,
    "GET /apply/{key:str}/{step:str}": ANYONE,
    "GET /applications/{key:str}": ANYONE,
    "GET /wallet/{key:str}": ANYONE,
    "GET /shared/{key:str}": ANYONE,
    "GET /entitlements/consent/{key:str}": ANYONE,
    "GET /verify/{key:str}": ANYONE,
    "GET /verify/receipt/{key:str}": ANYONE,
    "GET /verify-message": ANYONE,
    "GET /m/{key:str}": ANYONE,
    "GET /leave/{key:str}": ANYONE,
    "GET /programmes": ANYONE,
    "GET /programmes/{key:str}": ANYONE,
    "GET /login-problem": ANYONE,
    "GET /api/v1/messages/verify/{code:str}": ANYONE,
    "GET /api/v1/leave/{token:str}": ANYONE,
    # identity
    "GET /auth/login": ANYONE,
    "GET /auth/callback": ANYONE,
    "POST /auth/logout": PERSON,
    "GET /api/v1/me": PERSON,
    "GET /api/v1/me/national-id": PERSON,
    "GET /api/v1/me/sessions": PERSON,
    "DELETE /api/v1/me/sessions": PERSON,
    "DELETE /api/v1/me/sessions/{session_id:str}": OWNER,
    "GET /api/v1/admin/role-grants": ADMIN,
    "POST /api/v1/admin/role-grants": ADMIN,
    "DELETE /api/v1/admin/role-grants/{grant_id:int}": ADMIN,
    "GET /api/v1/agency/{agency_id:int}/clients": CLIENTS,
    "POST /api/v1/agency/{agency_id:int}/clients": CLIENTS,
    "POST /api/v1/agency/{agency_id:int}/clients/{client_id:str}/secrets": CLIENTS,
    "DELETE /api/v1/agency/{agency_id:int}/clients/{client_id:str}": CLIENTS,
    "POST /oauth/token": CLIENT_SECRET,
    # catalogue
    "GET /api/v1/agencies": ANYONE,
    "POST /api/v1/agencies": PERSON,
    "GET /api/v1/admin/agencies": ADMIN,
    "POST /api/v1/admin/agencies/{agency_id:int}/approve": ADMIN,
    "POST /api/v1/admin/agencies/{agency_id:int}/suspend": ADMIN,
    "GET /api/v1/agency/{agency_id:int}/tiles": TILES_OR_NOTIFY,
    "POST /api/v1/agency/{agency_id:int}/tiles": TILES,
    "PUT /api/v1/agency/{agency_id:int}/tiles/{tile_id:int}": TILES,
    "POST /api/v1/agency/{agency_id:int}/tiles/{tile_id:int}/submit": TILES,
    "POST /api/v1/agency/{agency_id:int}/tiles/{tile_id:int}/retire": TILES,
    "GET /api/v1/agency/{agency_id:int}/tiles/{tile_id:int}/versions": TILES,
    "GET /api/v1/admin/tile-reviews": ADMIN,
    "POST /api/v1/admin/tiles/{tile_id:int}/publish": ADMIN,
    "POST /api/v1/admin/tiles/{tile_id:int}/return": ADMIN,
    "GET /api/v1/admin/connector-reviews": ADMIN,
    "POST /api/v1/admin/connectors/{connector_id:int}/approve": ADMIN,
    "POST /api/v1/admin/connectors/{connector_id:int}/return": ADMIN,
    "GET /api/v1/tiles": ANYONE,
    "PUT /api/v1/tiles/{tile_id:int}/favourite": PERSON,
    "DELETE /api/v1/tiles/{tile_id:int}/favourite": PERSON,
    "POST /api/v1/tiles/{tile_id:int}/open": PERSON,
    "GET /api/v1/open/catalogue.json": ANYONE,
    "GET /api/v1/open/catalogue.csv": ANYONE,
    "GET /api/v1/agency/{agency_id:int}/senders": CLIENTS,  # the agency's admins: a name the public trusts
    "POST /api/v1/agency/{agency_id:int}/senders": CLIENTS,
    "DELETE /api/v1/agency/{agency_id:int}/senders/{entry_id:int}": CLIENTS,
    "GET /api/v1/admin/sender-reviews": ADMIN,
    "POST /api/v1/admin/senders/{entry_id:int}/approve": ADMIN,
    "POST /api/v1/admin/senders/{entry_id:int}/return": ADMIN,
    "GET /api/v1/open/senders": ANYONE,
    "GET /api/v1/open/senders.csv": ANYONE,
    "GET /api/v1/open/senders/{agency_code:str}": ANYONE,
    # programme registration and its waiting room (docs/waiting-room.md)
    "GET /api/v1/programmes": PERSON,
    "GET /api/v1/programmes/{programme_id:uuid}": PERSON,
    "POST /api/v1/programmes/{programme_id:uuid}/queue": PERSON,
    "GET /api/v1/programmes/{programme_id:uuid}/queue": PERSON,  # each person their own place only
    "POST /api/v1/programmes/{programme_id:uuid}/registrations": PERSON,
    "POST /api/v1/agency/{agency_id:int}/programmes": TILES,
    "GET /api/v1/agency/{agency_id:int}/programmes": TILES,
    "GET /api/v1/agency/{agency_id:int}/programmes/{programme_id:uuid}": TILES,
    "POST /api/v1/agency/{agency_id:int}/programmes/{programme_id:uuid}/close": TILES,
    "POST /api/v1/scam-reports": ANYONE,  # logged in: linked to the person, who sees the outcome
    "GET /api/v1/scam-warnings": ANYONE,
    "GET /api/v1/scam-reports/mine": PERSON,
    "GET /api/v1/support/scam-reports/groups": STAFF_SUPPORT,
    "GET /api/v1/support/scam-reports": STAFF_SUPPORT,
    "GET /api/v1/support/scam-reports/{report_id:int}/screenshot": STAFF_SUPPORT,
    "POST /api/v1/support/scam-reports/close": STAFF_SUPPORT,
    "GET /api/v1/support/scam-warnings": STAFF_SUPPORT,
    "POST /api/v1/support/scam-warnings": STAFF_SUPPORT,
    "POST /api/v1/support/scam-warnings/{warning_id:int}/withdraw": STAFF_SUPPORT,
    "GET /api/v1/admin/scam-stats": ADMIN,
    # connectors and entitlements
    "GET /api/v1/agency/{agency_id:int}/connectors": CONNECTORS,
    "POST /api/v1/agency/{agency_id:int}/connectors": CONNECTORS,
    "PUT /api/v1/agency/{agency_id:int}/connectors/{connector_id:int}": CONNECTORS,
    "DELETE /api/v1/agency/{agency_id:int}/connectors/{connector_id:int}": CONNECTORS,
    "POST /api/v1/agency/{agency_id:int}/connectors/{connector_id:int}/test": CONNECTORS,
    "GET /api/v1/agency/{agency_id:int}/connectors/{connector_id:int}/health": CONNECTORS,
    "GET /api/v1/agency/{agency_id:int}/data-access": CONNECTORS,
    "GET /api/v1/entitlements": PERSON,
    "GET /api/v1/me/consents": PERSON,
    "POST /api/v1/me/consents": PERSON,
    "GET /api/v1/me/consents/terms/{connector_id:int}": PERSON,
    "DELETE /api/v1/me/consents/{consent_id:int}": OWNER,
    "GET /api/v1/me/data-access": PERSON,
    # payments
    "POST /api/v1/agency/bills": BILLS,
    "GET /api/v1/agency/{agency_id:int}/bills": BILLS,
    "GET /api/v1/agency/{agency_id:int}/billers": BILLS,
    "POST /api/v1/agency/{agency_id:int}/bills/{bill_id:uuid}/cancel": BILLS,
    "GET /api/v1/agency/{agency_id:int}/webhook": BILLS,
    "PUT /api/v1/agency/{agency_id:int}/webhook": BILLS,
    "POST /api/v1/agency/refunds": BILLS,
    "GET /api/v1/agency/{agency_id:int}/refunds": BILLS,
    "POST /api/v1/admin/agencies/{agency_id:int}/billers": ADMIN,
    "GET /api/v1/bills": PERSON,
    "POST /api/v1/bills/{bill_id:uuid}/payments": OWNER,
    "GET /api/v1/payments/{payment_id:uuid}": OWNER,
    "GET /api/v1/payments/{payment_id:uuid}/live": OWNER,
    "GET /api/v1/payments/{payment_id:uuid}/qr.svg": OWNER,
    "GET /api/v1/payments/{payment_id:uuid}/qr.png": OWNER,
    "GET /api/v1/receipts": PERSON,
    "GET /receipts/{receipt_id:uuid}": OWNER,
    "GET /api/v1/receipts/{receipt_id:uuid}/verification-qr.svg": OWNER,
    "GET /receipt.css": ANYONE,
    "GET /api/v1/receipts/verify/{code:str}": ANYONE,
    "POST /api/v1/payments/callbacks/{bank:str}": BANK_SIGNED,
    # notifications
    "GET /api/v1/push/vapid-public-key": ANYONE,
    "GET /api/v1/push/subscriptions": PERSON,
    "POST /api/v1/push/subscriptions": PERSON,
    "DELETE /api/v1/push/subscriptions/{subscription_id:uuid}": OWNER,
    "GET /api/v1/inbox": PERSON,
    "GET /api/v1/inbox/unread-count": PERSON,
    "POST /api/v1/inbox/{notification_id:uuid}/read": OWNER,
    "DELETE /api/v1/inbox/{notification_id:uuid}": OWNER,
    "POST /api/v1/inbox/{notification_id:uuid}/restore": OWNER,
    "GET /api/v1/me/notification-preferences": PERSON,
    "PUT /api/v1/me/notification-preferences": PERSON,
    "GET /api/v1/me/notification-sources": PERSON,
    "GET /api/v1/agency/{agency_id:int}/notification-templates": NOTIFY,
    "POST /api/v1/agency/{agency_id:int}/notification-templates": NOTIFY,
    "POST /api/v1/agency/notifications": NOTIFY,
    "POST /api/v1/agency/message-codes": NOTIFY,
    "GET /api/v1/agency/{agency_id:int}/notifications/{notification_id:uuid}": NOTIFY,
    "POST /api/v1/agency/notification-campaigns": NOTIFY,
    "GET /api/v1/agency/{agency_id:int}/notification-campaigns/{campaign_id:uuid}": NOTIFY,
    "GET /api/v1/agency/{agency_id:int}/notification-campaigns/{campaign_id:uuid}/live": NOTIFY,
    "POST /api/v1/agency/{agency_id:int}/notification-campaigns/reach": NOTIFY,
    "GET /api/v1/admin/emergency-alert-approvals": ADMIN,
    "POST /api/v1/admin/emergency-alert-approvals": ADMIN,
    "DELETE /api/v1/admin/emergency-alert-approvals/{approval_id:int}": ADMIN,
    # support (each look-up at a citizen is recorded in their "who accessed my data")
    "POST /api/v1/support/citizens/find": STAFF_SUPPORT,
    "POST /api/v1/support/notifications/search": STAFF_SUPPORT,
    "GET /api/v1/support/citizens/{citizen_id:uuid}/notifications": STAFF_SUPPORT,
    "POST /api/v1/support/notifications/{notification_id:uuid}/resend": STAFF_SUPPORT,
    "GET /api/v1/support/citizens/{citizen_id:uuid}/payments": STAFF_SUPPORT,
    "GET /api/v1/support/payment-exceptions": STAFF_SUPPORT,
    "POST /api/v1/support/payment-exceptions/{exception_id:int}/resolve": STAFF_SUPPORT,
    "GET /api/v1/support/refunds": STAFF_SUPPORT,
    "POST /api/v1/support/refunds/{refund_id:uuid}": STAFF_SUPPORT,
    "POST /api/v1/support/reconciliations": STAFF_SUPPORT,
    # applications and the documents wallet
    "GET /api/v1/tiles/{tile_id:int}/application-service": PERSON,
    "GET /api/v1/tiles/{tile_id:int}/start-page": ANYONE,
    "POST /api/v1/applications": PERSON,
    "GET /api/v1/applications": PERSON,
    "GET /api/v1/applications/{application_id:uuid}": OWNER,
    "PUT /api/v1/applications/{application_id:uuid}/answers": OWNER,
    "DELETE /api/v1/applications/{application_id:uuid}": OWNER,
    "POST /api/v1/applications/{application_id:uuid}/files": OWNER,
    "POST /api/v1/applications/{application_id:uuid}/reply-files": OWNER,
    "GET /api/v1/applications/{application_id:uuid}/files/{file_id:uuid}": OWNER,
    "DELETE /api/v1/applications/{application_id:uuid}/files/{file_id:uuid}": OWNER,
    "POST /api/v1/applications/{application_id:uuid}/submit": OWNER,
    "POST /api/v1/applications/{application_id:uuid}/reply": OWNER,
    "POST /api/v1/applications/{application_id:uuid}/withdraw": OWNER,
    "PUT /api/v1/agency/{agency_id:int}/application-services/{code:str}": TILES,
    "GET /api/v1/agency/{agency_id:int}/application-services": TILES_OR_APPLICATIONS,
    "GET /api/v1/agency/{agency_id:int}/applications": APPLICATIONS,
    "GET /api/v1/agency/{agency_id:int}/applications/{application_id:uuid}": APPLICATIONS,
    "GET /api/v1/agency/{agency_id:int}/applications/{application_id:uuid}"
    "/files/{file_id:uuid}": APPLICATIONS,
    "POST /api/v1/agency/{agency_id:int}/applications/{application_id:uuid}/status": APPLICATIONS,
    "POST /api/v1/agency/{agency_id:int}/applications/{application_id:uuid}/document": APPLICATIONS,
    "POST /api/v1/agency/{agency_id:int}/applications/{application_id:uuid}/document/file": APPLICATIONS,
    "GET /api/v1/documents": PERSON,
    "GET /api/v1/documents/{document_id:uuid}": OWNER,
    "GET /api/v1/documents/{document_id:uuid}/file": OWNER,
    "POST /api/v1/documents/{document_id:uuid}/shares": OWNER,
    "GET /api/v1/documents/{document_id:uuid}/shares": OWNER,
    "DELETE /api/v1/documents/{document_id:uuid}/shares/{share_id:uuid}": OWNER,
    "POST /api/v1/shared/{token:str}/open": ANYONE,
    "GET /api/v1/shared/files/{view_token:str}": ANYONE,
    "GET /api/v1/documents/signing-keys": ANYONE,
    "GET /api/v1/documents/verify/{code:str}": ANYONE,
    "POST /api/v1/documents/verify/{code:str}": ANYONE,
    "GET /api/v1/support/citizens/{citizen_id:uuid}/applications": STAFF_SUPPORT,
    "GET /api/v1/support/applications/{application_id:uuid}/files/{file_id:uuid}": STAFF_SUPPORT,
    # delegation (docs/delegation.md): A is the grantor, or the invitee of an invitation
    "GET /api/v1/me/delegations": PERSON,
    "GET /api/v1/me/delegations/live": PERSON,
    "POST /api/v1/me/delegations": PERSON,
    "POST /api/v1/me/delegations/family": PERSON,
    "POST /api/v1/me/delegations/{delegation_id:uuid}/accept": OWNER,
    "POST /api/v1/me/delegations/{delegation_id:uuid}/end": OWNER,
    "POST /api/v1/me/delegations/{delegation_id:uuid}/renew": OWNER,
    "GET /api/v1/support/citizens/{citizen_id:uuid}/delegations": STAFF_SUPPORT,
    # assisted mode at a counter: the citizen starts it, counter staff ask or type the citizen's code
    "POST /api/v1/me/assisted/codes": PERSON,
    "POST /api/v1/me/assisted/{delegation_id:uuid}/confirm": OWNER,
    "GET /api/v1/counter/sessions": COUNTER_STAFF,
    "GET /api/v1/counter/sessions/live": COUNTER_STAFF,
    "POST /api/v1/counter/sessions": COUNTER_STAFF,
    "POST /api/v1/counter/sessions/by-code": COUNTER_STAFF,
    # demo mode only
    "GET /demo-idp/.well-known/openid-configuration": ANYONE,
    "GET /demo-idp/jwks": ANYONE,
    "GET /demo-idp/authorize": ANYONE,
    "POST /demo-idp/authorize": ANYONE,
    "POST /demo-idp/token": CLIENT_SECRET,
    "GET /demo-idp/logout": ANYONE,
    "GET /demo-bank": ANYONE,
    "POST /demo-bank/review": ANYONE,
    "POST /demo-bank/pay": ANYONE,
    "POST /api/v1/demo/push-device": PERSON,
    "GET /api/v1/demo/push-device/{subscription_id:uuid}/messages": OWNER,
}
DEMO_ONLY = frozenset(route for route in TABLE if "/demo-" in route or "/demo/" in route)
PWA_SHELL = frozenset({
    "GET /{file_path:path}", "HEAD /{file_path:path}", "GET /assets/{file_path:path}",
    "HEAD /assets/{file_path:path}", "GET /entitlements", "GET /bills", "GET /inbox", "GET /settings",
    "GET /data-access", "GET /console", "GET /applications", "GET /wallet", "GET /verify",
    "GET /apply/{key:str}", "GET /applications/{key:str}", "GET /wallet/{key:str}", "GET /shared/{key:str}",
    "GET /entitlements/consent/{key:str}", "GET /verify/{key:str}", "GET /verify/receipt/{key:str}",
    "GET /apply/{key:str}/{step:str}", "GET /verify-message", "GET /m/{key:str}",
    "GET /leave/{key:str}", "GET /programmes", "GET /programmes/{key:str}", "GET /login-problem",
})  # fmt: skip

# --- how each route is called -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Call:
    """A valid request. ``{name}`` is a value of ``World`` (agency X's id, citizen A's bill...); names
    starting ``new_`` make a fresh object for each actor, so that one actor's change (a delete, a
    submit) leaves the next actor something to act on."""

    url: str
    json: Any = None
    form: dict[str, str] | None = None
    csv: str | None = None
    multipart: dict[str, str] | None = None
    """These fields as multipart/form-data, with a small PDF as ``file``."""
    raw: bytes | None = None
    """The body as it is (a file's bytes)."""
    basic: tuple[str, str] | None = None
    """HTTP Basic credentials (replacing the actor's own)."""
    bank_signed: bool = False
    on_demo: bool = False
    """Call the demo-mode replica, whose identity provider answers (the test settings name none)."""
    ok: tuple[int, ...] = ()
    """What an allowed actor gets, when it is not a 2xx or 3xx: the route's own answer, past the guard."""


SCAM_WARNING = {
    "title_th": "ระวังข้อความปลอม", "title_en": "Beware of fake messages",
    "body_th": "อย่ากดลิงก์", "body_en": "Do not open the link.",
}  # fmt: skip

TILE = {
    "title_th": "บริการทดสอบ", "title_en": "Test service", "icon": "water", "category": "utilities",
    "kind": "link", "link_url": "https://example.org/service",
}  # fmt: skip
CONNECTOR = {
    "title_th": "ตัวเชื่อมทดสอบ", "title_en": "Test connector", "base_url": "http://127.0.0.1:9",
    "auth_kind": "none", "purpose_th": "เพื่อตรวจสอบเบี้ยทดสอบ", "purpose_en": "To check the test allowance",
}  # fmt: skip
TEMPLATE = {
    "key": "matrix-note", "category": "general", "title_th": "ข้อความ", "title_en": "A note",
    "body_th": "ข้อความทดสอบ", "body_en": "A test message",
}  # fmt: skip
BILL = {
    "national_id": "{a_national_id}", "amount_satang": 30000, "due_date": "2030-12-31",
    "biller_id": "{x_biller}", "ref1": "{new_ref}", "description_th": "ค่าน้ำ", "description_en": "Water",
    "idempotency_key": "{new_key}", "agency_id": "{x}",
}  # fmt: skip
P256DH = "B" + "A" * 86
DEVICE = {
    "endpoint": "https://fcm.googleapis.com/fcm/send/{new_key}",
    "keys": {"p256dh": P256DH, "auth": "A" * 22},
}
MESSAGE = {"national_id": "{a_national_id}", "template": "{x_template}", "idempotency_key": "{new_key}"}
SETTLEMENT_HEADER = "date,bank_reference,biller_id,ref1,ref2,amount\n"
APPLICATION_TILE = {**TILE, "kind": "application", "link_url": None, "category": "documents"}
FORM = {
    "fields": [
        {"name": "note", "kind": "text", "label_th": "หมายเหตุ", "label_en": "Note", "required": True,
         "max_length": 200},
        {"name": "proof", "kind": "file", "label_th": "หลักฐาน", "label_en": "Proof", "max_files": 5},
    ]
}  # fmt: skip
SERVICE = {"tile_id": "{x_application_tile}", "form": FORM}
DOCUMENT = {"title_th": "หนังสือรับรอง", "title_en": "Certificate"}
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 9 9]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
AUTHORIZE = {
    "client_id": "{demo_idp_client_id}", "redirect_uri": "{demo_redirect_uri}", "response_type": "code",
    "scope": "openid pid", "state": "s", "nonce": "n", "code_challenge": "c" * 43,
    "code_challenge_method": "S256",
}  # fmt: skip

PROGRAMME = {
    "name_th": "โครงการทดสอบ", "name_en": "Test programme", "description_th": "", "description_en": "",
    "opens_at": "2026-01-01T00:00:00+07:00", "admit_per_second": 10,
}  # fmt: skip

CALLS: dict[str, Call] = {
    "GET /healthz": Call("/healthz"),
    "GET /readyz": Call("/readyz"),
    "GET /metrics": Call("/metrics"),
    "GET /schema": Call("/schema"),
    "GET /schema/openapi.json": Call("/schema/openapi.json"),
    "GET /schema/{path:str}": Call("/schema/redoc", ok=(404,)),  # no such renderer: not found, for all
    "OPTIONS *": Call("/api/v1/agency/{x}/tiles"),
    "GET /": Call("/"),
    "GET /{file_path:path}": Call("/manifest.webmanifest"),
    "HEAD /{file_path:path}": Call("/manifest.webmanifest"),
    "GET /assets/{file_path:path}": Call("/assets/{asset}"),
    "HEAD /assets/{file_path:path}": Call("/assets/{asset}"),
    "GET /entitlements": Call("/entitlements"),
    "GET /bills": Call("/bills"),
    "GET /inbox": Call("/inbox"),
    "GET /settings": Call("/settings"),
    "GET /data-access": Call("/data-access"),
    "GET /console": Call("/console"),
    "GET /applications": Call("/applications"),
    "GET /wallet": Call("/wallet"),
    "GET /verify": Call("/verify"),
    "GET /apply/{key:str}": Call("/apply/7"),
    "GET /apply/{key:str}/{step:str}": Call("/apply/7/check"),
    "GET /applications/{key:str}": Call("/applications/{new_key}"),
    "GET /wallet/{key:str}": Call("/wallet/{new_key}"),
    "GET /entitlements/consent/{key:str}": Call("/entitlements/consent/{new_key}"),
    "GET /shared/{key:str}": Call("/shared/{new_key}"),
    "GET /verify/{key:str}": Call("/verify/{new_key}"),
    "GET /verify/receipt/{key:str}": Call("/verify/receipt/{new_key}"),
    "GET /verify-message": Call("/verify-message"),
    "GET /m/{key:str}": Call("/m/{new_key}"),
    "GET /leave/{key:str}": Call("/leave/{new_key}"),
    "GET /api/v1/leave/{token:str}": Call("/api/v1/leave/{new_key}", ok=(404,)),  # signed by no one
    "GET /api/v1/messages/verify/{code:str}": Call("/api/v1/messages/verify/{new_key}", ok=(400,)),
    "GET /auth/login": Call("/auth/login?next=/bills", on_demo=True),
    "GET /auth/callback": Call("/auth/callback?error=access_denied", ok=(400,)),  # refused by the provider
    "POST /auth/logout": Call("/auth/logout", on_demo=True),
    "GET /api/v1/me": Call("/api/v1/me"),
    "GET /api/v1/me/national-id": Call("/api/v1/me/national-id"),
    "GET /api/v1/me/sessions": Call("/api/v1/me/sessions"),
    "DELETE /api/v1/me/sessions": Call("/api/v1/me/sessions"),
    "DELETE /api/v1/me/sessions/{session_id:str}": Call("/api/v1/me/sessions/{new_a_session}"),
    "GET /api/v1/admin/role-grants": Call("/api/v1/admin/role-grants"),
    "POST /api/v1/admin/role-grants": Call(
        "/api/v1/admin/role-grants",
        json={"national_id": "{new_person_national_id}", "role": "support", "reason": "matrix"},
    ),
    "DELETE /api/v1/admin/role-grants/{grant_id:int}": Call("/api/v1/admin/role-grants/{new_grant}"),
    "GET /api/v1/agency/{agency_id:int}/clients": Call("/api/v1/agency/{x}/clients"),
    "POST /api/v1/agency/{agency_id:int}/clients": Call(
        "/api/v1/agency/{x}/clients", json={"name": "Billing system", "scopes": ["bills"]}
    ),
    "POST /api/v1/agency/{agency_id:int}/clients/{client_id:str}/secrets": Call(
        "/api/v1/agency/{x}/clients/{new_x_client}/secrets", json={}
    ),
    "DELETE /api/v1/agency/{agency_id:int}/clients/{client_id:str}": Call(
        "/api/v1/agency/{x}/clients/{new_x_client}"
    ),
    "POST /oauth/token": Call(
        "/oauth/token",
        form={"grant_type": "client_credentials"},
        basic=("{x_client_id}", "{x_client_secret}"),
    ),
    "GET /api/v1/agencies": Call("/api/v1/agencies"),
    "POST /api/v1/agencies": Call(
        "/api/v1/agencies",
        json={"code": "{new_code}", "name_th": "กรมทดสอบ", "name_en": "Test", "contact_email": "a@b.example"},
    ),
    "GET /api/v1/admin/agencies": Call("/api/v1/admin/agencies"),
    "POST /api/v1/admin/agencies/{agency_id:int}/approve": Call(
        "/api/v1/admin/agencies/{new_pending_agency}/approve"
    ),
    "POST /api/v1/admin/agencies/{agency_id:int}/suspend": Call(
        "/api/v1/admin/agencies/{new_approved_agency}/suspend"
    ),
    "GET /api/v1/agency/{agency_id:int}/tiles": Call("/api/v1/agency/{x}/tiles"),
    "POST /api/v1/agency/{agency_id:int}/tiles": Call("/api/v1/agency/{x}/tiles", json=TILE),
    "PUT /api/v1/agency/{agency_id:int}/tiles/{tile_id:int}": Call(
        "/api/v1/agency/{x}/tiles/{x_tile}", json=TILE
    ),
    "POST /api/v1/agency/{agency_id:int}/tiles/{tile_id:int}/submit": Call(
        "/api/v1/agency/{x}/tiles/{new_x_tile}/submit"
    ),
    "POST /api/v1/agency/{agency_id:int}/tiles/{tile_id:int}/retire": Call(
        "/api/v1/agency/{x}/tiles/{new_x_tile}/retire"
    ),
    "GET /api/v1/agency/{agency_id:int}/tiles/{tile_id:int}/versions": Call(
        "/api/v1/agency/{x}/tiles/{x_tile}/versions"
    ),
    "GET /api/v1/admin/tile-reviews": Call("/api/v1/admin/tile-reviews"),
    "POST /api/v1/admin/tiles/{tile_id:int}/publish": Call(
        "/api/v1/admin/tiles/{new_tile_in_review}/publish"
    ),
    "POST /api/v1/admin/tiles/{tile_id:int}/return": Call(
        "/api/v1/admin/tiles/{new_tile_in_review}/return", json={"comment": "Say who may apply."}
    ),
    "GET /api/v1/admin/connector-reviews": Call("/api/v1/admin/connector-reviews"),
    "POST /api/v1/admin/connectors/{connector_id:int}/approve": Call(
        "/api/v1/admin/connectors/{new_x_connector}/approve"
    ),
    "POST /api/v1/admin/connectors/{connector_id:int}/return": Call(
        "/api/v1/admin/connectors/{new_x_connector}/return", json={"comment": "Name the data items."}
    ),
    "GET /api/v1/tiles": Call("/api/v1/tiles"),
    "PUT /api/v1/tiles/{tile_id:int}/favourite": Call("/api/v1/tiles/{x_published_tile}/favourite"),
    "DELETE /api/v1/tiles/{tile_id:int}/favourite": Call("/api/v1/tiles/{x_published_tile}/favourite"),
    "POST /api/v1/tiles/{tile_id:int}/open": Call("/api/v1/tiles/{x_published_tile}/open"),
    "GET /api/v1/open/catalogue.json": Call("/api/v1/open/catalogue.json"),
    "GET /api/v1/open/catalogue.csv": Call("/api/v1/open/catalogue.csv"),
    "GET /api/v1/agency/{agency_id:int}/senders": Call("/api/v1/agency/{x}/senders"),
    "POST /api/v1/agency/{agency_id:int}/senders": Call(
        "/api/v1/agency/{x}/senders", json={"kind": "sms_sender", "value": "{new_sms_sender}"}
    ),
    "DELETE /api/v1/agency/{agency_id:int}/senders/{entry_id:int}": Call(
        "/api/v1/agency/{x}/senders/{new_x_sender}"
    ),
    "GET /api/v1/admin/sender-reviews": Call("/api/v1/admin/sender-reviews"),
    "POST /api/v1/admin/senders/{entry_id:int}/approve": Call("/api/v1/admin/senders/{new_x_sender}/approve"),
    "POST /api/v1/admin/senders/{entry_id:int}/return": Call(
        "/api/v1/admin/senders/{new_x_sender}/return", json={"comment": "Show the operator's letter."}
    ),
    "GET /api/v1/open/senders": Call("/api/v1/open/senders"),
    "GET /api/v1/open/senders.csv": Call("/api/v1/open/senders.csv"),
    "GET /api/v1/open/senders/{agency_code:str}": Call("/api/v1/open/senders/dsdw"),
    "POST /api/v1/scam-reports": Call(
        "/api/v1/scam-reports", json={"text": "รับเงินคืน https://refund.example/x"}
    ),
    "GET /api/v1/scam-warnings": Call("/api/v1/scam-warnings"),
    "GET /api/v1/scam-reports/mine": Call("/api/v1/scam-reports/mine"),
    "GET /api/v1/support/scam-reports/groups": Call("/api/v1/support/scam-reports/groups?key=sender"),
    "GET /api/v1/support/scam-reports": Call("/api/v1/support/scam-reports?key=sender&value={scam_sender}"),
    "GET /api/v1/support/scam-reports/{report_id:int}/screenshot": Call(
        "/api/v1/support/scam-reports/{scam_report}/screenshot"
    ),
    "POST /api/v1/support/scam-reports/close": Call(
        "/api/v1/support/scam-reports/close",
        json={
            "key": "sender",
            "value": "{new_scam_sender}",
            "outcome": "dismissed",
            "note": "Too little to go on.",
        },
    ),
    "GET /api/v1/support/scam-warnings": Call("/api/v1/support/scam-warnings"),
    "POST /api/v1/support/scam-warnings": Call(
        "/api/v1/support/scam-warnings", json={"key": "sender", "value": "{new_name}", **SCAM_WARNING}
    ),
    "POST /api/v1/support/scam-warnings/{warning_id:int}/withdraw": Call(
        "/api/v1/support/scam-warnings/{new_scam_warning}/withdraw", json={"note": "Published by mistake."}
    ),
    "GET /api/v1/admin/scam-stats": Call("/api/v1/admin/scam-stats"),
    "GET /programmes": Call("/programmes"),
    "GET /programmes/{key:str}": Call("/programmes/{x_programme}"),
    "GET /login-problem": Call("/login-problem?problem=service-unavailable&retry=5"),
    "GET /api/v1/programmes": Call("/api/v1/programmes"),
    "GET /api/v1/programmes/{programme_id:uuid}": Call("/api/v1/programmes/{x_programme}"),
    "POST /api/v1/programmes/{programme_id:uuid}/queue": Call("/api/v1/programmes/{x_programme}/queue"),
    # Past the guard, a person finds their own place: none (404) until they join.
    "GET /api/v1/programmes/{programme_id:uuid}/queue": Call(
        "/api/v1/programmes/{x_programme}/queue", ok=(404,)
    ),
    # Past the guard: not joined (404), or joined and still waiting for their turn (409).
    "POST /api/v1/programmes/{programme_id:uuid}/registrations": Call(
        "/api/v1/programmes/{x_programme}/registrations", ok=(404, 409)
    ),
    "POST /api/v1/agency/{agency_id:int}/programmes": Call("/api/v1/agency/{x}/programmes", json=PROGRAMME),
    "GET /api/v1/agency/{agency_id:int}/programmes": Call("/api/v1/agency/{x}/programmes"),
    "GET /api/v1/agency/{agency_id:int}/programmes/{programme_id:uuid}": Call(
        "/api/v1/agency/{x}/programmes/{x_programme}"
    ),
    "POST /api/v1/agency/{agency_id:int}/programmes/{programme_id:uuid}/close": Call(
        "/api/v1/agency/{x}/programmes/{x_programme}/close"
    ),
    "GET /api/v1/agency/{agency_id:int}/connectors": Call("/api/v1/agency/{x}/connectors"),
    "POST /api/v1/agency/{agency_id:int}/connectors": Call(
        "/api/v1/agency/{x}/connectors", json={**CONNECTOR, "name": "{new_name}"}
    ),
    "PUT /api/v1/agency/{agency_id:int}/connectors/{connector_id:int}": Call(
        "/api/v1/agency/{x}/connectors/{x_connector}", json={**CONNECTOR, "name": "{x_connector_name}"}
    ),
    "DELETE /api/v1/agency/{agency_id:int}/connectors/{connector_id:int}": Call(
        "/api/v1/agency/{x}/connectors/{new_x_connector}"
    ),
    "POST /api/v1/agency/{agency_id:int}/connectors/{connector_id:int}/test": Call(
        "/api/v1/agency/{x}/connectors/{x_connector}/test", json={"national_id": "{a_national_id}"}
    ),
    "GET /api/v1/agency/{agency_id:int}/connectors/{connector_id:int}/health": Call(
        "/api/v1/agency/{x}/connectors/{x_connector}/health"
    ),
    "GET /api/v1/agency/{agency_id:int}/data-access": Call("/api/v1/agency/{x}/data-access"),
    "GET /api/v1/entitlements": Call("/api/v1/entitlements"),
    "GET /api/v1/me/consents": Call("/api/v1/me/consents"),
    "POST /api/v1/me/consents": Call("/api/v1/me/consents", json={"connector_id": "{x_connector}"}),
    "GET /api/v1/me/consents/terms/{connector_id:int}": Call("/api/v1/me/consents/terms/{x_connector}"),
    "DELETE /api/v1/me/consents/{consent_id:int}": Call("/api/v1/me/consents/{new_a_consent}"),
    "GET /api/v1/me/data-access": Call("/api/v1/me/data-access"),
    "POST /api/v1/agency/bills": Call("/api/v1/agency/bills", json=BILL),
    "GET /api/v1/agency/{agency_id:int}/bills": Call("/api/v1/agency/{x}/bills"),
    "GET /api/v1/agency/{agency_id:int}/billers": Call("/api/v1/agency/{x}/billers"),
    "POST /api/v1/agency/{agency_id:int}/bills/{bill_id:uuid}/cancel": Call(
        "/api/v1/agency/{x}/bills/{new_a_bill}/cancel"
    ),
    "GET /api/v1/agency/{agency_id:int}/webhook": Call("/api/v1/agency/{x}/webhook"),
    "PUT /api/v1/agency/{agency_id:int}/webhook": Call(
        "/api/v1/agency/{x}/webhook", json={"url": "https://127.0.0.1:9/payments"}
    ),
    "POST /api/v1/agency/refunds": Call(
        "/api/v1/agency/refunds", json={"payment_id": "{a_payment}", "amount_satang": 1, "reason": "matrix"}
    ),
    "GET /api/v1/agency/{agency_id:int}/refunds": Call("/api/v1/agency/{x}/refunds"),
    "POST /api/v1/admin/agencies/{agency_id:int}/billers": Call(
        "/api/v1/admin/agencies/{x}/billers", json={"biller_id": "{new_biller}"}
    ),
    "GET /api/v1/bills": Call("/api/v1/bills"),
    "POST /api/v1/bills/{bill_id:uuid}/payments": Call(
        "/api/v1/bills/{a_bill}/payments", json={"idempotency_key": "{new_key}"}
    ),
    "GET /api/v1/payments/{payment_id:uuid}": Call("/api/v1/payments/{a_payment}"),
    "GET /api/v1/payments/{payment_id:uuid}/live": Call("/api/v1/payments/{a_payment}/live"),
    "GET /api/v1/payments/{payment_id:uuid}/qr.svg": Call("/api/v1/payments/{a_payment}/qr.svg"),
    "GET /api/v1/payments/{payment_id:uuid}/qr.png": Call("/api/v1/payments/{a_payment}/qr.png"),
    "GET /api/v1/receipts": Call("/api/v1/receipts"),
    "GET /receipts/{receipt_id:uuid}": Call("/receipts/{a_receipt}"),
    "GET /api/v1/receipts/{receipt_id:uuid}/verification-qr.svg": Call(
        "/api/v1/receipts/{a_receipt}/verification-qr.svg"
    ),
    "GET /receipt.css": Call("/receipt.css"),
    "GET /api/v1/receipts/verify/{code:str}": Call("/api/v1/receipts/verify/{a_receipt_code}"),
    "POST /api/v1/payments/callbacks/{bank:str}": Call(
        f"/api/v1/payments/callbacks/{BANK}",
        json={
            "callback_id": "{new_key}",
            "biller_id": "{x_biller}",
            "ref1": "NOSUCHBILL",
            "amount_satang": 100,
            "paid_at": "{new_time}",
        },
        bank_signed=True,
    ),
    "GET /api/v1/push/vapid-public-key": Call("/api/v1/push/vapid-public-key"),
    "GET /api/v1/push/subscriptions": Call("/api/v1/push/subscriptions"),
    "POST /api/v1/push/subscriptions": Call("/api/v1/push/subscriptions", json=DEVICE),
    "DELETE /api/v1/push/subscriptions/{subscription_id:uuid}": Call(
        "/api/v1/push/subscriptions/{new_a_device}"
    ),
    "GET /api/v1/inbox": Call("/api/v1/inbox"),
    "GET /api/v1/inbox/unread-count": Call("/api/v1/inbox/unread-count"),
    "POST /api/v1/inbox/{notification_id:uuid}/read": Call("/api/v1/inbox/{a_message}/read"),
    "DELETE /api/v1/inbox/{notification_id:uuid}": Call("/api/v1/inbox/{new_a_message}"),
    "POST /api/v1/inbox/{notification_id:uuid}/restore": Call(
        "/api/v1/inbox/{new_a_deleted_message}/restore"
    ),
    "GET /api/v1/me/notification-preferences": Call("/api/v1/me/notification-preferences"),
    "PUT /api/v1/me/notification-preferences": Call("/api/v1/me/notification-preferences", json={}),
    "GET /api/v1/me/notification-sources": Call("/api/v1/me/notification-sources"),
    "GET /api/v1/agency/{agency_id:int}/notification-templates": Call(
        "/api/v1/agency/{x}/notification-templates"
    ),
    "POST /api/v1/agency/{agency_id:int}/notification-templates": Call(
        "/api/v1/agency/{x}/notification-templates", json=TEMPLATE
    ),
    "POST /api/v1/agency/notifications": Call(
        "/api/v1/agency/notifications", json={**MESSAGE, "agency_id": "{x}"}
    ),
    "POST /api/v1/agency/message-codes": Call(
        "/api/v1/agency/message-codes",
        json={
            "national_id": "{a_national_id}",
            "channel": "sms",
            "text": "ทดสอบ",
            "idempotency_key": "{new_key}",
        }
        | {"agency_id": "{x}"},
    ),
    "GET /api/v1/agency/{agency_id:int}/notifications/{notification_id:uuid}": Call(
        "/api/v1/agency/{x}/notifications/{a_message}"
    ),
    "POST /api/v1/agency/notification-campaigns": Call(
        "/api/v1/agency/notification-campaigns",
        json={
            "audience": {"kind": "agency-followers"},
            "template": "{x_template}",
            "idempotency_key": "{new_key}",
            "agency_id": "{x}",
        },
    ),
    "GET /api/v1/agency/{agency_id:int}/notification-campaigns/{campaign_id:uuid}": Call(
        "/api/v1/agency/{x}/notification-campaigns/{x_campaign}"
    ),
    # A finished campaign: its stream says so once and ends.
    "GET /api/v1/agency/{agency_id:int}/notification-campaigns/{campaign_id:uuid}/live": Call(
        "/api/v1/agency/{x}/notification-campaigns/{x_finished_campaign}/live"
    ),
    "POST /api/v1/agency/{agency_id:int}/notification-campaigns/reach": Call(
        "/api/v1/agency/{x}/notification-campaigns/reach", json={"audience": {"kind": "agency-followers"}}
    ),
    "GET /api/v1/admin/emergency-alert-approvals": Call("/api/v1/admin/emergency-alert-approvals"),
    "POST /api/v1/admin/emergency-alert-approvals": Call(
        "/api/v1/admin/emergency-alert-approvals",
        json={"agency_id": "{new_approved_agency}", "reason": "Flood warnings"},
    ),
    "DELETE /api/v1/admin/emergency-alert-approvals/{approval_id:int}": Call(
        "/api/v1/admin/emergency-alert-approvals/{new_emergency_approval}"
    ),
    "POST /api/v1/support/citizens/find": Call(
        "/api/v1/support/citizens/find", json={"national_id": "{a_national_id}"}
    ),
    "POST /api/v1/support/notifications/search": Call(
        "/api/v1/support/notifications/search", json={"national_id": "{a_national_id}"}
    ),
    "GET /api/v1/support/citizens/{citizen_id:uuid}/notifications": Call(
        "/api/v1/support/citizens/{a_citizen}/notifications"
    ),
    "POST /api/v1/support/notifications/{notification_id:uuid}/resend": Call(
        "/api/v1/support/notifications/{a_message_with_device}/resend", json={"note": "Never got it"}
    ),
    "GET /api/v1/support/citizens/{citizen_id:uuid}/payments": Call(
        "/api/v1/support/citizens/{a_citizen}/payments"
    ),
    "GET /api/v1/support/payment-exceptions": Call("/api/v1/support/payment-exceptions"),
    "POST /api/v1/support/payment-exceptions/{exception_id:int}/resolve": Call(
        "/api/v1/support/payment-exceptions/{new_exception}/resolve",
        json={"action": "refund", "note": "Not ours"},
    ),
    "GET /api/v1/support/refunds": Call("/api/v1/support/refunds"),
    "POST /api/v1/support/refunds/{refund_id:uuid}": Call(
        "/api/v1/support/refunds/{new_refund}", json={"state": "success"}
    ),
    "POST /api/v1/support/reconciliations": Call(
        f"/api/v1/support/reconciliations?bank={BANK}&date={{new_date}}", csv=SETTLEMENT_HEADER
    ),
    # Applications. Where only citizen A may act, A goes last and the refused leave the object as it
    # was, so one draft (and one file of it) serves; where an agency's three may, each gets its own.
    "GET /api/v1/tiles/{tile_id:int}/application-service": Call(
        "/api/v1/tiles/{x_service_tile}/application-service"
    ),
    "GET /api/v1/tiles/{tile_id:int}/start-page": Call("/api/v1/tiles/{x_service_tile}/start-page"),
    "POST /api/v1/applications": Call("/api/v1/applications", json={"service_id": "{x_service}"}),
    "GET /api/v1/applications": Call("/api/v1/applications"),
    "GET /api/v1/applications/{application_id:uuid}": Call("/api/v1/applications/{a_draft}"),
    "PUT /api/v1/applications/{application_id:uuid}/answers": Call(
        "/api/v1/applications/{a_draft}/answers", json={"answers": {"note": "Half written"}}
    ),
    "POST /api/v1/applications/{application_id:uuid}/files": Call(
        "/api/v1/applications/{a_draft}/files", multipart={"field": "proof"}
    ),
    "GET /api/v1/applications/{application_id:uuid}/files/{file_id:uuid}": Call(
        "/api/v1/applications/{a_draft}/files/{a_draft_file}"
    ),
    "DELETE /api/v1/applications/{application_id:uuid}/files/{file_id:uuid}": Call(
        "/api/v1/applications/{a_draft}/files/{a_draft_file}"
    ),
    "POST /api/v1/applications/{application_id:uuid}/submit": Call(
        "/api/v1/applications/{new_a_ready_draft}/submit"
    ),
    "POST /api/v1/applications/{application_id:uuid}/reply": Call(
        "/api/v1/applications/{new_a_asked}/reply", json={"message": "The page is added."}
    ),
    "POST /api/v1/applications/{application_id:uuid}/reply-files": Call(
        "/api/v1/applications/{new_a_asked}/reply-files", multipart={}
    ),
    "DELETE /api/v1/applications/{application_id:uuid}": Call("/api/v1/applications/{new_a_discardable}"),
    "POST /api/v1/applications/{application_id:uuid}/withdraw": Call(
        "/api/v1/applications/{new_a_submitted}/withdraw"
    ),
    "PUT /api/v1/agency/{agency_id:int}/application-services/{code:str}": Call(
        "/api/v1/agency/{x}/application-services/matrix", json=SERVICE
    ),
    "GET /api/v1/agency/{agency_id:int}/application-services": Call(
        "/api/v1/agency/{x}/application-services"
    ),
    "GET /api/v1/agency/{agency_id:int}/applications": Call("/api/v1/agency/{x}/applications"),
    "GET /api/v1/agency/{agency_id:int}/applications/{application_id:uuid}": Call(
        "/api/v1/agency/{x}/applications/{a_submitted}"
    ),
    "GET /api/v1/agency/{agency_id:int}/applications/{application_id:uuid}/files/{file_id:uuid}": Call(
        "/api/v1/agency/{x}/applications/{a_submitted}/files/{a_submitted_file}"
    ),
    "POST /api/v1/agency/{agency_id:int}/applications/{application_id:uuid}/status": Call(
        "/api/v1/agency/{x}/applications/{new_a_submitted}/status", json={"state": "in_review"}
    ),
    "POST /api/v1/agency/{agency_id:int}/applications/{application_id:uuid}/document": Call(
        "/api/v1/agency/{x}/applications/{new_a_approved}/document", json=DOCUMENT
    ),
    "POST /api/v1/agency/{agency_id:int}/applications/{application_id:uuid}/document/file": Call(
        "/api/v1/agency/{x}/applications/{new_a_approved}/document/file", multipart=DOCUMENT
    ),
    "GET /api/v1/documents": Call("/api/v1/documents"),
    "GET /api/v1/documents/{document_id:uuid}": Call("/api/v1/documents/{a_document}"),
    "GET /api/v1/documents/{document_id:uuid}/file": Call("/api/v1/documents/{a_document}/file"),
    "POST /api/v1/documents/{document_id:uuid}/shares": Call(
        "/api/v1/documents/{a_document}/shares", json={"minutes": 15}
    ),
    "GET /api/v1/documents/{document_id:uuid}/shares": Call("/api/v1/documents/{a_document}/shares"),
    "DELETE /api/v1/documents/{document_id:uuid}/shares/{share_id:uuid}": Call(
        "/api/v1/documents/{a_document}/shares/{new_a_share}"
    ),
    "POST /api/v1/shared/{token:str}/open": Call("/api/v1/shared/{new_share_token}/open"),
    "GET /api/v1/shared/files/{view_token:str}": Call("/api/v1/shared/files/{a_view_token}"),
    "GET /api/v1/documents/signing-keys": Call("/api/v1/documents/signing-keys"),
    "GET /api/v1/documents/verify/{code:str}": Call("/api/v1/documents/verify/{a_document_code}"),
    "POST /api/v1/documents/verify/{code:str}": Call("/api/v1/documents/verify/{a_document_code}", raw=PDF),
    "GET /api/v1/support/citizens/{citizen_id:uuid}/applications": Call(
        "/api/v1/support/citizens/{a_citizen}/applications"
    ),
    "GET /api/v1/support/applications/{application_id:uuid}/files/{file_id:uuid}": Call(
        "/api/v1/support/applications/{a_submitted}/files/{a_submitted_file}"
    ),
    "GET /api/v1/me/delegations": Call("/api/v1/me/delegations"),
    # Streams that end at once: before the rows below leave A a code or help, or the counter a request.
    "GET /api/v1/me/delegations/live": Call("/api/v1/me/delegations/live"),
    "POST /api/v1/me/delegations": Call(
        "/api/v1/me/delegations",
        json={"national_id": "{new_person_national_id}", "scopes": ["bills"], "ends_on": "{new_end}"},
    ),
    # No registry is registered here: 503 once past the guard (tests/integration/test_delegation_family.py).
    "POST /api/v1/me/delegations/family": Call(
        "/api/v1/me/delegations/family",
        json={"relationship": "parent", "national_id": "{new_person_national_id}", "birthdate": "2020-01-31"},
        ok=(503,),
    ),
    "POST /api/v1/me/delegations/{delegation_id:uuid}/accept": Call(
        "/api/v1/me/delegations/{new_a_invitation}/accept"
    ),
    "POST /api/v1/me/delegations/{delegation_id:uuid}/end": Call(
        "/api/v1/me/delegations/{new_a_grant}/end", json={}
    ),
    "POST /api/v1/me/delegations/{delegation_id:uuid}/renew": Call(
        "/api/v1/me/delegations/{new_a_grant}/renew", json={"ends_on": "{new_end}"}
    ),
    "GET /api/v1/support/citizens/{citizen_id:uuid}/delegations": Call(
        "/api/v1/support/citizens/{a_citizen}/delegations"
    ),
    "POST /api/v1/me/assisted/codes": Call("/api/v1/me/assisted/codes", json={"scopes": ["bills"]}),
    "POST /api/v1/me/assisted/{delegation_id:uuid}/confirm": Call(
        "/api/v1/me/assisted/{new_a_assist_request}/confirm", json={"scopes": ["bills"]}
    ),
    "GET /api/v1/counter/sessions": Call("/api/v1/counter/sessions"),
    "GET /api/v1/counter/sessions/live": Call("/api/v1/counter/sessions/live"),
    "POST /api/v1/counter/sessions": Call(
        "/api/v1/counter/sessions", json={"national_id": "{new_person_national_id}", "service_point": "ช่อง 1"}
    ),
    "POST /api/v1/counter/sessions/by-code": Call(  # past the guard, a code nobody made is refused
        "/api/v1/counter/sessions/by-code",
        json={"national_id": "{new_person_national_id}", "code": "123456", "service_point": "ช่อง 1"},
        ok=(400,),
    ),
    "GET /demo-idp/.well-known/openid-configuration": Call("/demo-idp/.well-known/openid-configuration"),
    "GET /demo-idp/jwks": Call("/demo-idp/jwks"),
    "GET /demo-idp/authorize": Call(
        "/demo-idp/authorize?" + "&".join(f"{name}={value}" for name, value in AUTHORIZE.items())
    ),
    "POST /demo-idp/authorize": Call("/demo-idp/authorize", form={**AUTHORIZE, "person": "{demo_person}"}),
    "POST /demo-idp/token": Call(  # past the client check, the made-up code is refused
        "/demo-idp/token",
        form={"grant_type": "authorization_code", "code": "made-up"},
        basic=("{demo_idp_client_id}", "{demo_idp_client_secret}"),
        ok=(400,),
    ),
    "GET /demo-idp/logout": Call("/demo-idp/logout"),
    "GET /demo-bank": Call("/demo-bank"),
    "POST /demo-bank/review": Call("/demo-bank/review", form={"payload": "not a QR"}),
    "POST /demo-bank/pay": Call("/demo-bank/pay", form={"payload": "not a QR"}),
    # The demo push service is not running here: 503 once past the guard.
    "POST /api/v1/demo/push-device": Call("/api/v1/demo/push-device", ok=(503,)),
    "GET /api/v1/demo/push-device/{subscription_id:uuid}/messages": Call(
        "/api/v1/demo/push-device/{a_demo_device}/messages", ok=(503,)
    ),
}

# --- the world each route is tried in -----------------------------------------------------------

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_dates = itertools.count()
_addresses = itertools.count()


def new_national_id() -> str:
    first_twelve = f"5{secrets.randbelow(10**11):011d}"
    return first_twelve + str(national_id_check_digit(first_twelve))


def route_keys(app: Litestar) -> set[str]:
    """Each route the app answers, as "METHOD path"; the OPTIONS answer Litestar adds to every path is
    the one key "OPTIONS *"."""
    keys: set[str] = set()
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            keys.add(f"{type(route).__name__} {route.path}")  # needs a row of its own
            continue
        for handler in route.route_handlers:
            for method in handler.http_methods:
                module = handler.fn.__module__
                generated = handler.handler_name == "options_handler" and module.startswith("litestar.")
                keys.add("OPTIONS *" if method == "OPTIONS" and generated else f"{method} {route.path}")
    return keys


@dataclass
class Apps:
    """The app under test and a demo-mode replica of it (same database, Redis and keys)."""

    main: Litestar
    demo: Litestar
    demo_settings: Settings
    callers: dict[str, httpx.AsyncClient]
    main_routes: set[str]


@dataclass
class World:
    """Agencies X and Y, the actors' credentials, and the objects the calls name, made when first named."""

    apps: Apps
    resources: Resources
    identity: Identity
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    browsers: dict[str, httpx.AsyncClient] = field(default_factory=dict)
    known: dict[str, Any] = field(default_factory=dict)

    @classmethod
    async def build(cls, apps: Apps, resources: Resources, sign_in: SignIn) -> World:
        world = cls(apps, resources, apps.main.state.identity)
        pool = resources.pool
        x = await make_agency(pool, status="approved", name_en="Agency X")
        y = await make_agency(pool, status="approved", name_en="Agency Y")
        x_biller = f"{secrets.randbelow(10**13):013d}"
        await assign_biller(pool, x_biller, x, None)
        a_national_id = new_national_id()
        people: dict[str, tuple[tuple[str, int | None], ...]] = {
            CITIZEN_A: (), CITIZEN_B: (), X_ADMIN: (("agency_admin", x),), X_EDITOR: (("agency_editor", x),),
            X_SENDER: (("agency_sender", x),), X_OFFICER: (("agency_officer", x),),
            Y_ADMIN: (("agency_admin", y),), SUPPORT: (("support", None),),
            PLATFORM_ADMIN: (("platform_admin", None),), COUNTER: (("counter_staff", None),),
        }  # fmt: skip
        cookie = session_cookie_name(world.identity.settings)
        for actor, roles in people.items():
            browser = await sign_in(*roles, national_id=a_national_id if actor == CITIZEN_A else None)
            world.browsers[actor] = browser
            world.headers[actor] = {
                "Cookie": f"{cookie}={browser.cookies[cookie]}",
                "X-CSRF-Token": browser.headers["X-CSRF-Token"],
            }
        world.headers[ANONYMOUS] = {}
        issued = await new_client(
            world.browsers[X_ADMIN], x, ["applications", "bills", "connectors", "notifications", "tiles"]
        )
        # Each agency's system calls from an address of its own (the token endpoint limits each address).
        number = next(_addresses)
        transport = httpx.ASGITransport(
            app=cast(Any, apps.main), client=(f"10.0.{number // 250}.{number % 250 + 1}", 1)
        )
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as system:
            token = await request_token(system, issued["client_id"], issued["client_secret"])
        assert token.status_code == 200, token.text
        world.headers[X_SYSTEM] = {"Authorization": f"Bearer {token.json()['access_token']}"}
        a_citizen = (await world.browsers[CITIZEN_A].get("/api/v1/me")).json()["id"]
        world.known.update(
            x=x, y=y, x_biller=x_biller, a_national_id=a_national_id, a_citizen=a_citizen,
            x_client_id=issued["client_id"], x_client_secret=issued["client_secret"],
        )  # fmt: skip
        return world

    # -- filling in a call

    async def value(self, name: str, target: str = "main") -> Any:
        if name == "asset":  # a file the serving app's PWA build really has
            settings = self.apps.demo_settings if target == "demo" else self.identity.settings
            assets = (Path(settings.pwa_dir) / "assets").iterdir()
            return sorted(path.name for path in assets if path.is_file())[0]
        if name in self.known:
            return self.known[name]
        made = await getattr(self, f"_{name}")()
        if not name.startswith("new_"):
            self.known[name] = made
        return made

    async def fill(self, template: Any, target: str = "main") -> Any:
        if isinstance(template, dict):
            return {key: await self.fill(value, target) for key, value in template.items()}
        if isinstance(template, list):
            return [await self.fill(value, target) for value in template]
        if not isinstance(template, str):
            return template
        if whole := _PLACEHOLDER.fullmatch(template):
            return await self.value(whole[1], target)  # keeps its type (an int stays an int)
        values = {name: await self.value(name, target) for name in _PLACEHOLDER.findall(template)}
        return _PLACEHOLDER.sub(lambda match: str(values[match[1]]), template)

    def target(self, route: str) -> str:
        return "main" if route in self.apps.main_routes and not CALLS[route].on_demo else "demo"

    async def send(self, route: str, actor: str) -> httpx.Response:
        call, target = CALLS[route], self.target(route)
        method = "OPTIONS" if route == "OPTIONS *" else route.split(" ", 1)[0]
        headers = dict(self.headers[actor])
        content: bytes | None = None
        if call.json is not None:
            content = json.dumps(await self.fill(call.json, target)).encode()
            headers["Content-Type"] = "application/json"
            if call.bank_signed:
                headers["X-Signature"] = sign(BANK_SECRET, int(time.time()), content)
        elif call.form is not None:
            form = await self.fill(call.form, target)
            content = str(httpx.QueryParams(form)).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif call.csv is not None:
            content, headers["Content-Type"] = call.csv.encode(), "text/csv"
        elif call.raw is not None:
            content, headers["Content-Type"] = call.raw, "application/pdf"
        elif call.multipart is not None:
            multipart = httpx.Request(
                "POST", "/", data=await self.fill(call.multipart, target),
                files={"file": ("proof.pdf", PDF, "application/pdf")},
            )  # fmt: skip
            content, headers["Content-Type"] = multipart.read(), multipart.headers["Content-Type"]
        if call.basic is not None:
            client_id, secret = [await self.fill(part, target) for part in call.basic]
            headers["Authorization"] = "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()
        caller = self.apps.callers[target]
        try:
            url = await self.fill(call.url, target)
            return await caller.request(method, url, headers=headers, content=content)
        finally:
            caller.cookies.clear()  # each request carries only its actor's credentials

    # -- the objects (``new_`` ones are made afresh each time)

    async def _made(self, actor: str, method: str, url: str, body: Any = None) -> Any:
        response = await self.browsers[actor].request(method, url, json=body)
        assert response.is_success, f"setting up: {method} {url} as {actor}: {response.text}"
        return response.json()

    async def _new_key(self) -> str:
        return uuid.uuid4().hex

    async def _new_ref(self) -> str:
        return "INV" + uuid.uuid4().hex[:12].upper()

    async def _new_name(self) -> str:
        return "c" + uuid.uuid4().hex[:12]

    async def _new_code(self) -> str:
        return "a" + uuid.uuid4().hex[:12]

    async def _new_biller(self) -> str:
        return f"{secrets.randbelow(10**13):013d}"

    async def _new_date(self) -> str:
        return (dt.date(2001, 1, 1) + dt.timedelta(days=next(_dates))).isoformat()

    async def _new_time(self) -> str:
        return dt.datetime.now(dt.UTC).isoformat()

    async def _new_person_national_id(self) -> str:
        national_id = new_national_id()
        await make_citizen(self.resources.pool, self.identity.cipher, national_id=national_id)
        return national_id

    async def _new_end(self) -> str:
        return (delegation_today() + dt.timedelta(days=30)).isoformat()

    async def _new_a_invitation(self) -> str:
        """Someone new asks A to act for them: A alone may accept."""
        someone = await make_citizen(self.resources.pool, self.identity.cipher)
        row = await make_delegation(
            self.resources.pool, grantor_id=someone, delegate_id=await self.value("a_citizen"), accepted=False
        )
        return str(row.id)

    async def _new_a_grant(self) -> str:
        """A lets someone new act for them: A (or that person) may end it; A alone renews it."""
        someone = await make_citizen(self.resources.pool, self.identity.cipher)
        row = await make_delegation(
            self.resources.pool, grantor_id=await self.value("a_citizen"), delegate_id=someone
        )
        return str(row.id)

    async def _new_a_assist_request(self) -> str:
        """Someone new at a counter asks to help A: A alone may confirm."""
        staff = await make_citizen(self.resources.pool, self.identity.cipher)
        made = await insert_assisted(
            self.resources.pool, grantor_id=await self.value("a_citizen"), staff_id=uuid.UUID(staff),
            scopes=["bills"], service_point="ช่อง 1", active_minutes=None, lapse_minutes=10,
        )  # fmt: skip
        assert made is not None
        return str(made)

    async def _new_grant(self) -> int:
        grant = {"national_id": await self._new_person_national_id(), "role": "support", "reason": "m"}
        return int((await self._made(PLATFORM_ADMIN, "POST", "/api/v1/admin/role-grants", grant))["id"])

    async def _new_a_session(self) -> str:
        _, session = await self.identity.sessions.create(
            await self.value("a_citizen"), acr="urn:demo:ial:2", amr=["pwd"], auth_time=int(time.time()),
            user_agent="second phone", ip_address="127.0.0.1",
        )  # fmt: skip
        return session.public_id

    async def _new_x_client(self) -> str:
        url = f"/api/v1/agency/{await self.value('x')}/clients"
        return str(
            (await self._made(X_ADMIN, "POST", url, {"name": "CMS", "scopes": ["tiles"]}))["client_id"]
        )

    async def _new_emergency_approval(self) -> int:
        body = {"agency_id": await self._new_approved_agency(), "reason": "m"}
        url = "/api/v1/admin/emergency-alert-approvals"
        return int((await self._made(PLATFORM_ADMIN, "POST", url, body))["id"])

    async def _new_pending_agency(self) -> int:
        return await make_agency(self.resources.pool, status="pending")

    async def _new_approved_agency(self) -> int:
        return await make_agency(self.resources.pool, status="approved")

    async def _new_x_tile(self) -> int:
        return int(
            (await self._made(X_ADMIN, "POST", f"/api/v1/agency/{await self.value('x')}/tiles", TILE))["id"]
        )

    async def _x_tile(self) -> int:
        return await self._new_x_tile()

    async def _x_programme(self) -> str:
        made = await self._made(
            X_EDITOR, "POST", f"/api/v1/agency/{await self.value('x')}/programmes", PROGRAMME
        )
        return str(made["id"])

    async def _new_tile_in_review(self) -> int:
        tile = await self._new_x_tile()
        await self._made(X_ADMIN, "POST", f"/api/v1/agency/{await self.value('x')}/tiles/{tile}/submit")
        return tile

    async def _x_published_tile(self) -> int:
        tile = await self._new_tile_in_review()
        await self._made(PLATFORM_ADMIN, "POST", f"/api/v1/admin/tiles/{tile}/publish")
        return tile

    # applications: agency X's service (a published tile of kind application with a form), citizen A's
    # application in each state a route needs, and the document X issued into A's wallet

    async def _x_application_tile(self) -> int:
        x = await self.value("x")
        tile = int((await self._made(X_ADMIN, "POST", f"/api/v1/agency/{x}/tiles", APPLICATION_TILE))["id"])
        await self._made(X_ADMIN, "POST", f"/api/v1/agency/{x}/tiles/{tile}/submit")
        await self._made(PLATFORM_ADMIN, "POST", f"/api/v1/admin/tiles/{tile}/publish")
        return tile

    async def _x_service(self) -> int:
        url = f"/api/v1/agency/{await self.value('x')}/application-services/matrix"
        return int((await self._made(X_ADMIN, "PUT", url, await self.fill(SERVICE)))["id"])

    async def _x_service_tile(self) -> int:
        await self.value("x_service")
        return int(await self.value("x_application_tile"))

    async def _a_draft(self) -> str:
        """Citizen A's draft (starting again reopens it, until it is sent)."""
        body = {"service_id": await self.value("x_service")}
        return str((await self._made(CITIZEN_A, "POST", "/api/v1/applications", body))["id"])

    async def _new_a_discardable(self) -> str:
        """A's draft, which A's discard takes away: later rows start another (with files of its own)."""
        draft = await self._a_draft()
        if self.known.get("a_draft") == draft:
            self.known.pop("a_draft")
            self.known.pop("a_draft_file", None)
        return draft

    async def _upload(self, draft: str) -> str:
        response = await self.browsers[CITIZEN_A].post(
            f"/api/v1/applications/{draft}/files",
            data={"field": "proof"},
            files={"file": ("proof.pdf", PDF, "application/pdf")},
        )
        assert response.status_code == 201, f"setting up: an upload: {response.text}"
        return str(response.json()["id"])

    async def _a_draft_file(self) -> str:
        return await self._upload(await self.value("a_draft"))

    async def _answered(self, draft: str, answers: dict[str, Any]) -> str:
        await self._made(CITIZEN_A, "PUT", f"/api/v1/applications/{draft}/answers", {"answers": answers})
        return draft

    async def _new_a_ready_draft(self) -> str:
        """A's draft (the same one until it is sent), answered in full: ready to be sent."""
        return await self._answered(await self._a_draft(), {"note": "Please"})

    async def _new_a_submitted(self) -> str:
        """A's application with a file, sent to agency X."""
        draft = await self._a_draft()
        await self._answered(draft, {"note": "Please", "proof": [await self._upload(draft)]})
        await self._made(CITIZEN_A, "POST", f"/api/v1/applications/{draft}/submit")
        if self.known.get("a_draft") == draft:
            del self.known["a_draft"]  # sent: starting again makes a new draft
        return draft

    async def _a_submitted(self) -> str:
        return await self._new_a_submitted()

    async def _a_submitted_file(self) -> str:
        url = f"/api/v1/applications/{await self.value('a_submitted')}"
        application = await self._made(CITIZEN_A, "GET", url)
        return str(application["files"][0]["id"])

    async def _agency_moves(self, application: str, state: str, **extra: Any) -> str:
        url = f"/api/v1/agency/{await self.value('x')}/applications/{application}/status"
        await self._made(X_ADMIN, "POST", url, {"state": state, **extra})
        return application

    async def _new_a_asked(self) -> str:
        """A's application, on which agency X asked for more information."""
        return await self._agency_moves(
            await self._new_a_submitted(), "more_information_requested", note="Add the second page."
        )

    async def _new_a_approved(self) -> str:
        return await self._agency_moves(await self._new_a_submitted(), "approved")

    async def _a_approved(self) -> str:
        return await self._new_a_approved()

    async def _a_issued(self) -> dict[str, str]:
        """The document agency X issued into A's wallet: its id and verification code."""
        url = f"/api/v1/agency/{await self.value('x')}/applications/{await self._new_a_approved()}/document"
        document = await self._made(X_ADMIN, "POST", url, DOCUMENT)
        return {"id": document["id"], "code": document["verification_code"]}

    async def _a_document(self) -> str:
        return str((await self.value("a_issued"))["id"])

    async def _a_document_code(self) -> str:
        return str((await self.value("a_issued"))["code"])

    async def _new_a_shared(self) -> dict[str, Any]:
        url = f"/api/v1/documents/{await self.value('a_document')}/shares"
        return cast(dict[str, Any], await self._made(CITIZEN_A, "POST", url, {"minutes": 60}))

    async def _new_a_share(self) -> str:
        return str((await self._new_a_shared())["share"]["id"])

    async def _new_share_token(self) -> str:
        return str((await self._new_a_shared())["url"]).rsplit("/", 1)[1]

    async def _a_view_token(self) -> str:
        """The address of a shared document's file, given to whoever opened the link."""
        caller = self.apps.callers["main"]
        opened = await caller.post(f"/api/v1/shared/{await self._new_share_token()}/open")
        assert opened.status_code == 200, f"setting up: opening a share: {opened.text}"
        return str(opened.json()["file_url"]).rsplit("/", 1)[1]

    async def _new_x_connector(self) -> int:
        body = {**CONNECTOR, "name": await self._new_name()}
        made = await self._made(X_ADMIN, "POST", f"/api/v1/agency/{await self.value('x')}/connectors", body)
        self.known.setdefault("x_connector_name", made["name"])
        return int(made["id"])

    async def _new_sms_sender(self) -> str:
        return "S" + uuid.uuid4().hex[:10]  # 11 characters: the longest SMS sender name

    async def _new_x_sender(self) -> int:
        body = {"kind": "sms_sender", "value": await self._new_sms_sender()}
        return int(
            (await self._made(X_ADMIN, "POST", f"/api/v1/agency/{await self.value('x')}/senders", body))["id"]
        )

    async def _new_scam_sender(self) -> str:
        """A sender with a report waiting for a decision (written directly: reports are rate limited)."""
        sender = "scam-" + uuid.uuid4().hex[:12]
        await self.resources.pool.execute(
            "INSERT INTO scam_reports (message_text, sender) VALUES ('ข้อความต้องสงสัย', $1)", sender
        )
        return sender

    async def _scam_sender(self) -> str:
        return await self._new_scam_sender()

    async def _scam_report(self) -> int:
        """A waiting report with a screenshot (a PNG's signature is all the route serves back)."""
        report_id: int = await self.resources.pool.fetchval(
            "INSERT INTO scam_reports (sender, screenshot, screenshot_type) "
            "VALUES ('scam-shot', '\\x89504e470d0a1a0a'::bytea, 'image/png') RETURNING id"
        )
        return report_id

    async def _new_scam_warning(self) -> int:
        body = {"key": "sender", "value": await self._new_name(), **SCAM_WARNING}
        return int((await self._made(SUPPORT, "POST", "/api/v1/support/scam-warnings", body))["id"])

    async def _x_connector(self) -> int:
        """Live: registered, then approved by a platform admin."""
        connector_id = await self._new_x_connector()
        await self._made(PLATFORM_ADMIN, "POST", f"/api/v1/admin/connectors/{connector_id}/approve")
        return connector_id

    async def _x_connector_name(self) -> str:
        await self.value("x_connector")
        return str(self.known["x_connector_name"])

    async def _new_a_consent(self) -> int:
        body = {"connector_id": await self.value("x_connector")}
        return int((await self._made(CITIZEN_A, "POST", "/api/v1/me/consents", body))["id"])

    async def _new_a_bill(self) -> str:
        return str((await self._made(X_ADMIN, "POST", "/api/v1/agency/bills", await self.fill(BILL)))["id"])

    async def _a_bill(self) -> str:
        return await self._new_a_bill()

    async def _a_paid(self) -> dict[str, Any]:
        """A bill of citizen A's, paid through the bank: its payment and receipt."""
        bill_id = await self._new_a_bill()
        bill = (await self.browsers[CITIZEN_A].get("/api/v1/bills")).json()
        [mine] = [row for row in bill if row["id"] == bill_id]
        payment = await self._made(
            CITIZEN_A, "POST", f"/api/v1/bills/{bill_id}/payments", {"idempotency_key": "k"}
        )
        callback = {
            "callback_id": uuid.uuid4().hex, "biller_id": mine["biller_id"], "ref1": mine["ref1"],
            "amount_satang": mine["amount_satang"], "paid_at": await self._new_time(),
        }  # fmt: skip
        raw = json.dumps(callback).encode()
        signature = {
            "X-Signature": sign(BANK_SECRET, int(time.time()), raw),
            "Content-Type": "application/json",
        }
        paid = await self.apps.callers["main"].post(
            f"/api/v1/payments/callbacks/{BANK}", content=raw, headers=signature
        )
        assert paid.json()["outcome"] == "paid", paid.text
        state = await self._made(CITIZEN_A, "GET", f"/api/v1/payments/{payment['id']}")
        receipt = state["receipt"]
        return {
            "payment": payment["id"],
            "receipt": receipt["id"],
            "code": receipt["verification_url"].rsplit("/", 1)[1],
        }

    async def _a_payment(self) -> str:
        return str((await self.value("a_paid"))["payment"])

    async def _a_receipt(self) -> str:
        return str((await self.value("a_paid"))["receipt"])

    async def _a_receipt_code(self) -> str:
        return str((await self.value("a_paid"))["code"])

    async def _new_refund(self) -> str:
        body = {"payment_id": await self.value("a_payment"), "amount_satang": 1, "reason": "matrix"}
        return str((await self._made(X_ADMIN, "POST", "/api/v1/agency/refunds", body))["id"])

    async def _new_exception(self) -> int:
        exception_id: int = await self.resources.pool.fetchval(
            "INSERT INTO payment_exceptions (kind, bank, callback_id, amount_satang, detail) "
            "VALUES ('unknown_bill', $1, $2, 100, 'No bill has these references.') RETURNING id",
            BANK,
            uuid.uuid4().hex,
        )
        return exception_id

    async def _x_template(self) -> str:
        url = f"/api/v1/agency/{await self.value('x')}/notification-templates"
        return str((await self._made(X_ADMIN, "POST", url, TEMPLATE))["key"])

    async def _new_a_message(self) -> str:
        body = await self.fill({**MESSAGE, "agency_id": "{x}"})
        return str((await self._made(X_ADMIN, "POST", "/api/v1/agency/notifications", body))["id"])

    async def _new_a_deleted_message(self) -> str:
        message = await self._new_a_message()
        await self.resources.pool.execute(
            "UPDATE notifications SET deleted_at = now() WHERE id = $1::uuid", message
        )
        return message

    async def _a_message(self) -> str:
        return await self._new_a_message()

    async def _a_message_with_device(self) -> str:
        await self.value("a_device")
        return await self._new_a_message()

    async def _x_campaign(self) -> str:
        body = await self.fill(CALLS["POST /api/v1/agency/notification-campaigns"].json)
        return str((await self._made(X_ADMIN, "POST", "/api/v1/agency/notification-campaigns", body))["id"])

    async def _x_finished_campaign(self) -> str:
        body = await self.fill(CALLS["POST /api/v1/agency/notification-campaigns"].json)
        campaign_id = str(
            (await self._made(X_ADMIN, "POST", "/api/v1/agency/notification-campaigns", body))["id"]
        )
        await self.resources.pool.execute(  # as its expansion would leave it: X has no followers
            "UPDATE notification_campaigns SET status = 'expanded', expanded_at = now() WHERE id = $1::uuid",
            campaign_id,
        )
        return campaign_id

    async def _new_a_device(self) -> str:
        return str(
            (await self._made(CITIZEN_A, "POST", "/api/v1/push/subscriptions", await self.fill(DEVICE)))["id"]
        )

    async def _a_device(self) -> str:
        return await self._new_a_device()

    async def _a_demo_device(self) -> str:
        push_service = f"http://127.0.0.1:{self.apps.demo_settings.demo_push_service_port}"
        row = await upsert_subscription(
            self.resources.pool,
            citizen_id=await self.value("a_citizen"),
            endpoint=f"{push_service}/push/{uuid.uuid4().hex}",
            p256dh=P256DH,
            auth="A" * 22,
            user_agent="demo",
        )
        return str(row.id)

    async def _demo_idp_client_id(self) -> str:
        return demo_client_credentials(self.apps.demo_settings)[0]

    async def _demo_idp_client_secret(self) -> str:
        return demo_client_credentials(self.apps.demo_settings)[1]

    async def _demo_redirect_uri(self) -> str:
        return f"{self.apps.demo_settings.public_url}/auth/callback"

    async def _demo_person(self) -> str:
        return DEMO_PEOPLE[0].key


# --- fixtures -----------------------------------------------------------------------------------


@pytest_asyncio.fixture(scope="module", autouse=True)
async def clean_state(app: Litestar, resources: Resources) -> AsyncIterator[None]:
    """Replaces the per-test clean-up (see the module docstring): once, for the whole module."""
    await empty_state(app, resources)
    yield


@pytest.fixture(scope="module")
def pwa_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A stand-in for pwa/dist, so that the PWA's routes exist whatever state the real build is in."""
    dist = tmp_path_factory.mktemp("pwa-dist")
    (dist / "assets").mkdir()
    (dist / "index.html").write_text("<!doctype html><title>Citizen</title>")
    (dist / "manifest.webmanifest").write_text("{}")
    (dist / "assets" / "app-1234.js").write_text("export {}")
    return dist


@pytest_asyncio.fixture(scope="module")
async def apps(app: Litestar, settings: Settings, pwa_build: Path) -> AsyncIterator[Apps]:
    demo_settings = msgspec.structs.replace(
        settings, demo_mode=True, oidc_issuer="", pwa_dir=str(pwa_build), demo_push_service_port=free_port()
    )
    demo = create_app(demo_settings)
    async with serve_in_process(demo), app_client(app) as main_caller, app_client(demo) as demo_caller:
        yield Apps(app, demo, demo_settings, {"main": main_caller, "demo": demo_caller}, route_keys(app))


@pytest_asyncio.fixture
async def world(apps: Apps, resources: Resources, sign_in: SignIn) -> World:
    return await World.build(apps, resources, sign_in)


def _refusal(who: Who, actor: str) -> int:
    if actor == ANONYMOUS:
        return 401
    return 403 if actor == X_SYSTEM else who.others


def _answer(response: httpx.Response) -> str:
    return f"{response.status_code} {response.text[:300]}"


# --- the tests ----------------------------------------------------------------------------------


def test_every_route_of_the_app_has_a_row_and_every_row_is_a_route(
    app: Litestar, settings: Settings, pwa_build: Path
) -> None:
    variants = {
        "the app under test": app,
        "production, PWA built": create_app(msgspec.structs.replace(settings, pwa_dir=str(pwa_build))),
        "production, no PWA": create_app(msgspec.structs.replace(settings, pwa_dir="/nonexistent")),
        "demo mode": create_app(
            msgspec.structs.replace(settings, demo_mode=True, oidc_issuer="", pwa_dir=str(pwa_build))
        ),
    }
    seen: set[str] = set()
    for name, variant in variants.items():
        routes = route_keys(variant)
        missing = sorted(routes - set(TABLE))
        assert not missing, f"{name} has routes the permissions table does not mention: {missing}"
        seen |= routes
    assert sorted(set(TABLE) - seen) == [], "rows for routes that no longer exist"
    assert set(CALLS) == set(TABLE), "each row needs a way to call it"
    production = route_keys(variants["production, PWA built"])
    assert not DEMO_ONLY & production, "demo routes exist only in demo mode"
    assert production >= PWA_SHELL, "the PWA's routes, once it is built"


def test_the_permissions_document_lists_every_route_with_the_same_rule() -> None:
    documented: dict[str, str] = {}
    for line in DOC.read_text().splitlines():
        cells = [cell.strip().strip("`").strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and cells[0] in {"GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS"}:
            route = f"{cells[0]} {cells[1]}"
            assert route not in documented, f"{route} is listed twice in {DOC.name}"
            documented[route] = cells[2]
    assert documented == {route: who.label for route, who in TABLE.items()}


@pytest.mark.parametrize("route", list(TABLE))
async def test_each_actor_is_allowed_or_refused_as_the_table_says(
    route: str, world: World, subtests: pytest.Subtests
) -> None:
    who = TABLE[route]
    ok = CALLS[route].ok
    # The refused go first: an allowed actor may change things (log out, delete) for those after.
    for actor in sorted(ACTORS, key=lambda actor: actor in who.actors):
        with subtests.test(actor=actor):
            response = await world.send(route, actor)
            if actor in who.actors:
                assert response.status_code < 400 or response.status_code in ok, (
                    f"{route} should let {actor} through: {_answer(response)}"
                )
            else:
                assert response.status_code == _refusal(who, actor), (
                    f"{route} should refuse {actor}: {_answer(response)}"
                )


# Agency Y's administrator, through agency Y's own paths (which its guard lets through), at agency X's
# objects: not there. Through a request body naming agency Y: X's biller ID, template, tile and payment
# are not Y's to use (nor X's application tile for a service of Y's).
ACROSS_AGENCIES: dict[str, tuple[Call, int]] = {
    "PUT /api/v1/agency/{agency_id:int}/tiles/{tile_id:int}": (
        Call("/api/v1/agency/{y}/tiles/{x_tile}", json=TILE),
        404,
    ),
    "POST /api/v1/agency/{agency_id:int}/tiles/{tile_id:int}/submit": (
        Call("/api/v1/agency/{y}/tiles/{x_tile}/submit"),
        404,
    ),
    "POST /api/v1/agency/{agency_id:int}/tiles/{tile_id:int}/retire": (
        Call("/api/v1/agency/{y}/tiles/{x_tile}/retire"),
        404,
    ),
    "GET /api/v1/agency/{agency_id:int}/tiles/{tile_id:int}/versions": (
        Call("/api/v1/agency/{y}/tiles/{x_tile}/versions"),
        404,
    ),
    "PUT /api/v1/agency/{agency_id:int}/connectors/{connector_id:int}": (
        Call("/api/v1/agency/{y}/connectors/{x_connector}", json={**CONNECTOR, "name": "{x_connector_name}"}),
        404,
    ),
    "DELETE /api/v1/agency/{agency_id:int}/connectors/{connector_id:int}": (
        Call("/api/v1/agency/{y}/connectors/{x_connector}"),
        404,
    ),
    "POST /api/v1/agency/{agency_id:int}/clients/{client_id:str}/secrets": (
        Call("/api/v1/agency/{y}/clients/{x_client_id}/secrets", json={"overlap_hours": 0}),
        404,
    ),
    "DELETE /api/v1/agency/{agency_id:int}/clients/{client_id:str}": (
        Call("/api/v1/agency/{y}/clients/{x_client_id}"),
        404,
    ),
    "GET /api/v1/agency/{agency_id:int}/notifications/{notification_id:uuid}": (
        Call("/api/v1/agency/{y}/notifications/{a_message}"),
        404,
    ),
    "GET /api/v1/agency/{agency_id:int}/notification-campaigns/{campaign_id:uuid}": (
        Call("/api/v1/agency/{y}/notification-campaigns/{x_campaign}"),
        404,
    ),
    "GET /api/v1/agency/{agency_id:int}/notification-campaigns/{campaign_id:uuid}/live": (
        Call("/api/v1/agency/{y}/notification-campaigns/{x_finished_campaign}/live"),
        404,
    ),
    "GET /api/v1/agency/{agency_id:int}/applications/{application_id:uuid}": (
        Call("/api/v1/agency/{y}/applications/{a_submitted}"),
        404,
    ),
    "GET /api/v1/agency/{agency_id:int}/applications/{application_id:uuid}/files/{file_id:uuid}": (
        Call("/api/v1/agency/{y}/applications/{a_submitted}/files/{a_submitted_file}"),
        404,
    ),
    "POST /api/v1/agency/{agency_id:int}/applications/{application_id:uuid}/status": (
        Call("/api/v1/agency/{y}/applications/{a_submitted}/status", json={"state": "in_review"}),
        404,
    ),
    "POST /api/v1/agency/{agency_id:int}/applications/{application_id:uuid}/document": (
        Call("/api/v1/agency/{y}/applications/{a_approved}/document", json=DOCUMENT),
        404,
    ),
    "PUT /api/v1/agency/{agency_id:int}/application-services/{code:str}": (
        Call("/api/v1/agency/{y}/application-services/matrix", json=SERVICE),
        400,
    ),
    "GET /api/v1/agency/{agency_id:int}/bills": (Call("/api/v1/agency/{y}/bills?before={a_bill}"), 400),
    "POST /api/v1/agency/{agency_id:int}/connectors/{connector_id:int}/test": (
        Call("/api/v1/agency/{y}/connectors/{x_connector}/test", json={"national_id": "{a_national_id}"}),
        404,
    ),
    "GET /api/v1/agency/{agency_id:int}/connectors/{connector_id:int}/health": (
        Call("/api/v1/agency/{y}/connectors/{x_connector}/health"),
        404,
    ),
    "POST /api/v1/agency/{agency_id:int}/bills/{bill_id:uuid}/cancel": (
        Call("/api/v1/agency/{y}/bills/{a_bill}/cancel"),
        404,
    ),
    "POST /api/v1/agency/{agency_id:int}/notification-campaigns/reach": (
        Call(
            "/api/v1/agency/{y}/notification-campaigns/reach",
            json={"audience": {"kind": "tile-followers", "tile_id": "{x_published_tile}"}},
        ),
        400,
    ),
    "GET /api/v1/agency/{agency_id:int}/programmes/{programme_id:uuid}": (
        Call("/api/v1/agency/{y}/programmes/{x_programme}"),
        404,
    ),
    "POST /api/v1/agency/{agency_id:int}/programmes/{programme_id:uuid}/close": (
        Call("/api/v1/agency/{y}/programmes/{x_programme}/close"),
        404,
    ),
    "POST /api/v1/agency/bills": (Call("/api/v1/agency/bills", json={**BILL, "agency_id": "{y}"}), 400),
    "POST /api/v1/agency/notifications": (
        Call("/api/v1/agency/notifications", json={**MESSAGE, "agency_id": "{y}"}),
        400,
    ),
    "POST /api/v1/agency/notification-campaigns": (
        Call(
            "/api/v1/agency/notification-campaigns",
            json={
                "audience": {"kind": "tile-followers", "tile_id": "{x_published_tile}"},
                "template": "{x_template}",
                "idempotency_key": "{new_key}",
                "agency_id": "{y}",
            },
        ),
        400,
    ),
    "POST /api/v1/agency/refunds": (
        Call(
            "/api/v1/agency/refunds",
            json={"payment_id": "{a_payment}", "amount_satang": 1, "reason": "not ours"},
        ),
        403,
    ),
}
AGENCY_X_LISTINGS = (
    "tiles",
    "connectors",
    "clients",
    "bills",
    "refunds",
    "notification-templates",
    "webhook",
    "application-services",
    "applications",
    "programmes",
)


async def _agency_x_as_its_admin_sees_it(world: World) -> list[Any]:
    x = await world.value("x")
    return [
        (await world.browsers[X_ADMIN].get(f"/api/v1/agency/{x}/{listing}")).json()
        for listing in AGENCY_X_LISTINGS
    ]


@pytest.mark.parametrize("route", list(ACROSS_AGENCIES))
async def test_another_agencys_admin_cannot_reach_agency_xs_objects_through_its_own_agency(
    route: str, world: World
) -> None:
    call, refused = ACROSS_AGENCIES[route]
    assert route in TABLE
    filled = await world.fill(call.json)  # the objects exist before the "before" picture
    await world.fill(call.url)
    before = await _agency_x_as_its_admin_sees_it(world)
    headers = {**world.headers[Y_ADMIN], "Content-Type": "application/json"}
    caller = world.apps.callers["main"]
    response = await caller.request(
        route.split(" ", 1)[0], await world.fill(call.url), headers=headers,
        content=None if filled is None else json.dumps(filled).encode(),
    )  # fmt: skip
    assert response.status_code == refused, _answer(response)
    assert await _agency_x_as_its_admin_sees_it(world) == before


async def test_a_citizens_lists_hold_their_own_things_and_no_one_elses(world: World) -> None:
    for name in (
        "a_paid", "a_bill", "a_message", "a_device", "new_a_consent", "new_a_session", "a_draft",
        "a_document",
    ):  # fmt: skip
        await world.value(name)
    lists: dict[str, Callable[[Any], list[Any]]] = {
        "/api/v1/bills": lambda body: [bill["id"] for bill in body],
        "/api/v1/receipts": lambda body: [receipt["id"] for receipt in body],
        "/api/v1/inbox": lambda body: [item["id"] for item in body["items"]],
        "/api/v1/inbox/unread-count": lambda body: list(range(body["unread"])),
        "/api/v1/me/consents": lambda body: [consent["id"] for consent in body],
        "/api/v1/push/subscriptions": lambda body: [device["id"] for device in body],
        "/api/v1/me/sessions": lambda body: [session["id"] for session in body if not session["current"]],
        "/api/v1/applications": lambda body: [application["id"] for application in body],
        "/api/v1/documents": lambda body: [document["id"] for document in body],
    }
    for url, items in lists.items():
        mine = items((await world.browsers[CITIZEN_A].get(url)).json())
        theirs = items((await world.browsers[CITIZEN_B].get(url)).json())
        assert mine, f"citizen A should see their own in {url}"
        assert theirs == [], f"citizen B sees citizen A's in {url}: {theirs}"


async def test_support_staff_see_national_ids_masked_and_each_look_up_is_recorded(world: World) -> None:
    national_id, citizen = await world.value("a_national_id"), await world.value("a_citizen")
    await world.value("a_paid")
    message = await world.value("a_message_with_device")
    application, file = await world.value("a_submitted"), await world.value("a_submitted_file")
    look_ups = [
        ("POST", "/api/v1/support/citizens/find", {"national_id": national_id}),
        ("POST", "/api/v1/support/notifications/search", {"national_id": national_id}),
        ("GET", f"/api/v1/support/citizens/{citizen}/notifications", None),
        ("GET", f"/api/v1/support/citizens/{citizen}/payments", None),
        ("POST", f"/api/v1/support/notifications/{message}/resend", {"note": "Never got it"}),
        ("GET", f"/api/v1/support/citizens/{citizen}/applications", None),
        ("GET", f"/api/v1/support/applications/{application}/files/{file}", None),
    ]
    staff_id = (await world.browsers[SUPPORT].get("/api/v1/me")).json()["id"]
    count = "SELECT count(*) FROM data_access_log WHERE citizen_id = $1::uuid AND actor_id = $2"
    for number, (method, url, body) in enumerate(look_ups, start=1):
        response = await world.browsers[SUPPORT].request(method, url, json=body)
        assert response.status_code == 200, _answer(response)
        digits_only = re.sub(r"[^0-9x]", "", response.text)
        assert national_id not in digits_only, f"{url} shows the national ID in clear"
        if url.endswith(("/find", "/search", "/notifications", "/payments")):
            assert mask_national_id(national_id) in response.text, f"{url} should show it masked"
        assert await world.resources.pool.fetchval(count, citizen, staff_id) == number, f"{url} unrecorded"
    seen = (await world.browsers[CITIZEN_A].get("/api/v1/me/data-access")).json()["items"]
    assert sum(item["actor_kind"] == "staff" for item in seen) == len(look_ups)


# "Delegate with scope X": a citizen acting for citizen A (``X-Acting-For``) under a grant of that one
# scope. Of the routes A may call as a person, the delegate reaches exactly those the delegation's route
# list gives the scope (backend/delegation/routes.py), as A would; every other one is a 403.


def test_each_route_a_delegate_may_call_is_one_citizen_a_may_call() -> None:
    for route in DELEGATE_ROUTES:
        assert route in TABLE, f"{route} is no route of the app"
        assert TABLE[route] in (PERSON, OWNER), f"{route} is not a citizen's own route"


@pytest.mark.parametrize("scope", list(SCOPE_WORDS))
async def test_a_delegate_with_one_scope_reaches_exactly_that_scopes_routes_as_citizen_a(
    scope: str, world: World, sign_in: SignIn, subtests: pytest.Subtests
) -> None:
    browser = await sign_in()
    delegate_id = (await browser.get("/api/v1/me")).json()["id"]
    grant = await make_delegation(
        world.resources.pool, grantor_id=await world.value("a_citizen"), delegate_id=delegate_id,
        scopes=(scope,),  # type: ignore[arg-type]
    )  # fmt: skip
    actor = f"delegate_{scope}"
    cookie = session_cookie_name(world.identity.settings)
    world.headers[actor] = {
        "Cookie": f"{cookie}={browser.cookies[cookie]}",
        "X-CSRF-Token": browser.headers["X-CSRF-Token"],
        "X-Acting-For": str(grant.id),
    }
    granted = {route for route, use in DELEGATE_ROUTES.items() if use.scope == scope}
    assert granted, f"no route serves the scope {scope}"
    for route, who in TABLE.items():
        if who not in (PERSON, OWNER):
            continue
        with subtests.test(route=route):
            response = await world.send(route, actor)
            if route in granted:
                assert response.status_code < 400 or response.status_code in CALLS[route].ok, (
                    f"{route} should let a delegate with {scope} through: {_answer(response)}"
                )
            else:
                assert response.status_code == 403, (
                    f"{route} should refuse a delegate with {scope}: {_answer(response)}"
                )


async def test_without_the_bank_signature_or_the_client_secret_everyone_is_refused(world: World) -> None:
    caller = world.apps.callers["main"]
    callback = await world.fill(CALLS["POST /api/v1/payments/callbacks/{bank:str}"].json)
    wrong = {
        "Authorization": "Basic "
        + base64.b64encode(f"{await world.value('x_client_id')}:no".encode()).decode()
    }
    for actor in ACTORS:
        headers = world.headers[actor]
        unsigned = await caller.post(f"/api/v1/payments/callbacks/{BANK}", json=callback, headers=headers)
        assert unsigned.status_code == 401, f"an unsigned callback from {actor}: {_answer(unsigned)}"
        token = await caller.post(
            "/oauth/token", data={"grant_type": "client_credentials"}, headers={**headers, **wrong}
        )
        assert token.status_code == 401, f"a wrong client secret from {actor}: {_answer(token)}"
        caller.cookies.clear()
