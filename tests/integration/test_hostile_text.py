"""Text one party writes and another reads is refused, naming the field, when it hides characters
(bidirectional overrides, zero-width characters, control characters), while Thai with its combining
marks passes; nothing is stored from a refused request."""

from __future__ import annotations

from typing import Any

import pytest

from backend.core.resources import Resources
from backend.core.text import hidden_character
from tests.factories import valid_national_id
from tests.helpers.payments import bill, issuer
from tests.integration.conftest import SignIn

DISGUISES = ["\u202e", "\u200b", "\u2066", "\ufeff", "\x07"]


@pytest.mark.parametrize("disguise", DISGUISES)
def test_each_disguise_is_named_and_thai_combining_marks_are_not(disguise: str) -> None:
    assert hidden_character(f"เบี้ยยังชีพ{disguise}ผู้สูงอายุ") == f"U+{ord(disguise):04X}"
    assert hidden_character("เบี้ยยังชีพผู้สูงอายุ ค่าน้ำ\nบรรทัดใหม่") is None


async def test_every_text_others_read_is_refused_when_it_hides_characters(
    sign_in: SignIn, resources: Resources
) -> None:
    agency_id, agency = await issuer(sign_in, resources)
    admin = await sign_in(("platform_admin", None))
    person = valid_national_id(5150)
    await sign_in(national_id=person)
    hidden = "ปกติ\u202eเท็จ"
    cases: list[tuple[Any, str, str, dict[str, Any], str]] = [
        (agency, "POST", "/api/v1/agency/bills", bill(person, description_th=hidden), "description_th"),
        (
            agency,
            "POST",
            f"/api/v1/agency/{agency_id}/notification-templates",
            {
                "key": "k1",
                "category": "general",
                "title_th": "t",
                "title_en": "t",
                "body_th": hidden,
                "body_en": "b",
            },
            "body_th",
        ),
        (
            agency,
            "POST",
            "/api/v1/agency/notifications",
            {
                "agency_id": agency_id,
                "national_id": person,
                "template": "k1",
                "params": {"name": hidden},
                "idempotency_key": "x1",
            },
            "params.name",
        ),
        (
            agency,
            "POST",
            f"/api/v1/agency/{agency_id}/connectors",
            {
                "name": "c1",
                "title_th": hidden,
                "title_en": "t",
                "base_url": "https://agency.example/",
                "auth_kind": "none",
                "purpose": "p",
            },
            "title_th",
        ),
        (
            admin,
            "POST",
            "/api/v1/admin/role-grants",
            {"national_id": person, "role": "support", "reason": hidden},
            "reason",
        ),
        (
            admin,
            "POST",
            "/api/v1/agencies",
            {"code": "x-agency", "name_th": hidden, "name_en": "X", "contact_email": "x@agency.example"},
            "name_th",
        ),
    ]
    for browser, method, path, body, field in cases:
        response = await browser.request(method, path, json=body)
        assert response.status_code == 400, (path, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert {"field": field, "message": "contains U+202E"}.items() <= response.json()["errors"][
            0
        ].items(), path
    for table in ("bills", "notifications", "connectors", "notification_templates"):
        assert await resources.pool.fetchval(f"SELECT count(*) FROM {table}") == 0, table
    assert await resources.pool.fetchval("SELECT count(*) FROM role_grants WHERE role = 'support'") == 0
    assert await resources.pool.fetchval("SELECT count(*) FROM agencies") == 1  # the issuer's own
