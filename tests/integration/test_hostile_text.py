"""Text one party writes and another reads is refused, naming the field, when it hides characters
(bidirectional overrides, zero-width characters, control characters), while Thai with its combining
marks passes; nothing is stored from a refused request."""

from __future__ import annotations

import re
import types
import typing
import uuid
from pathlib import Path
from typing import Any, cast

import pytest
from litestar import Litestar

from backend.core.input import Input
from backend.core.resources import Resources
from backend.core.text import hidden_character
from backend.server.app import create_app
from backend.settings import Settings
from tests.factories import make_agency, valid_national_id
from tests.helpers.bodies import UPLOAD, example, nested_inputs, route_bodies, with_text
from tests.helpers.payments import bill, issuer
from tests.integration.conftest import SignIn, demo_settings_for

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
                "purpose_th": "p",
                "purpose_en": "p",
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


# --- every body the app takes, found from its routes ----------------------------------------------

# Bodies that are not an ``Input``, each with why; a new body is an Input or is named here.
NOT_INPUT: dict[tuple[str, str], str] = {
    ("POST", "/oauth/token"): "an OAuth token request (RFC 6749, form-encoded): a client's id, secret and "
    "scopes, refused in OAuth's own error shape; nothing in it is shown to anyone",
    ("POST", "/demo-idp/authorize"): "demo mode: the demo identity provider's person picker, an OpenID "
    "Connect authorization request (client, redirect, state, nonce, PKCE) whose values are checked as such",
    ("POST", "/demo-idp/token"): "demo mode: the demo identity provider's token request (RFC 6749)",
    ("POST", "/demo-bank/review"): "demo mode: stands for a bank's own page; the pasted QR payload is "
    "shown back to the one who pasted it",
    ("POST", "/demo-bank/pay"): "demo mode: stands for a bank's own app; pays the pasted QR payload",
}


def _struct_of(body_type: object) -> object:
    """The body's type, or X for an optional body ``X | None`` (a request that may come without one)."""
    arguments = [argument for argument in typing.get_args(body_type) if argument is not type(None)]
    is_union = typing.get_origin(body_type) in (typing.Union, types.UnionType)
    return arguments[0] if is_union and len(arguments) == 1 else body_type


def _is_input(body_type: object) -> bool:
    struct = _struct_of(body_type)
    return isinstance(struct, type) and issubclass(struct, Input)


def test_every_body_is_an_input_whose_nested_structs_are_checked_from_it(
    app: Litestar, settings: Settings, tmp_path: Path
) -> None:
    bodies = [*route_bodies(app), *route_bodies(create_app(demo_settings_for(settings, tmp_path)))]
    assert len(bodies) > 30  # the enumeration found the app's routes
    routes = {(body.method, body.path) for body in bodies}
    assert set(NOT_INPUT) <= routes  # the list names no route that is gone
    plain = [
        (body.method, body.path, body.body_type)
        for body in bodies
        if (body.method, body.path) not in NOT_INPUT and not _is_input(body.body_type)
    ]
    assert plain == [], "derive these bodies from backend.core.input.Input (or say why not in NOT_INPUT)"
    nested = {
        body.path: found
        for body in bodies
        if _is_input(body.body_type)
        if (found := nested_inputs(cast(type[Input], _struct_of(body.body_type))))
    }
    assert nested == {}, "a struct inside a body is a plain msgspec.Struct: the body checks it"


async def test_hidden_characters_in_any_text_of_any_body_are_refused_naming_the_field(
    app: Litestar, sign_in: SignIn, resources: Resources
) -> None:
    """Each free-text field of each body, in turn, carries a hidden character in an otherwise valid
    body, sent by a person holding every role: the body is refused before its handler runs."""
    agency_id = await make_agency(resources.pool, status="approved")
    person = await sign_in(
        ("platform_admin", None), ("support", None), ("counter_staff", None), ("agency_admin", agency_id),
        ("agency_editor", agency_id), ("agency_sender", agency_id),
    )  # fmt: skip
    checked, wrong = 0, []
    for body in route_bodies(app):
        if not _is_input(body.body_type):
            continue
        url = _url(body.path, agency_id)
        sample = example(cast(type[Input], _struct_of(body.body_type)))
        for field, (least, most) in sample.texts.items():
            hidden = ("ก\u202e" + "ก" * max(least - 2, 0))[: most or None]
            value = with_text(sample.value, field, hidden)
            if body.media_type == "multipart/form-data":
                files = {name: part for name, part in value.items() if part == UPLOAD}
                fields = {name: part for name, part in value.items() if part != UPLOAD}
                response = await person.request(body.method, url, data=fields, files=files)
            else:
                response = await person.request(body.method, url, json=value)
            errors = response.json().get("errors") or [{}] if response.status_code == 400 else [{}]
            if (errors[0].get("field"), errors[0].get("message")) != (field, "contains U+202E"):
                wrong.append((body.method, body.path, field, response.status_code, response.text[:300]))
            checked += 1
    assert wrong == []
    assert checked > 60  # every text field of every body


def _url(path: str, agency_id: int) -> str:
    """The route's path with its parameters filled: the person's agency, and any id of the right type
    (the body is refused before anything is looked up)."""

    def value(match: re.Match[str]) -> str:
        name, kind = match.group(1), match.group(2)
        if name == "agency_id":
            return str(agency_id)
        return {"int": "1", "uuid": str(uuid.uuid4())}.get(kind, "x")

    return re.sub(r"\{(\w+):(\w+)\}", value, path)
