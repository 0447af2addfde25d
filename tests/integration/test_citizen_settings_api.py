"""What the citizen app's settings screen asks the API: sessions named in words, and the agencies and
kinds of message a citizen can turn off (named in Thai and English, the urgent ones marked)."""

from __future__ import annotations

from litestar import Litestar

from backend.core.resources import Resources
from backend.identity.service import Identity
from tests.factories import make_agency, make_session, make_template
from tests.integration.conftest import SignIn

IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko)"
    " Version/17.1 Mobile/15E148 Safari/604.1"
)


async def test_sessions_say_their_browser_and_system_in_words(sign_in: SignIn, app: Litestar) -> None:
    citizen = await sign_in()
    me = (await citizen.get("/api/v1/me")).json()
    identity: Identity = app.state.identity
    await make_session(identity, me["id"], user_agent=IPHONE)
    sessions = (await citizen.get("/api/v1/me/sessions")).json()
    by_current = {session["current"]: session for session in sessions}
    assert by_current[False]["device"] == {"browser": "Safari", "os": "iOS", "device": "iPhone"}
    assert by_current[True]["device"] == {"browser": "", "os": "", "device": ""}  # "test" names nothing


async def test_a_citizen_can_turn_off_the_agencies_and_named_kinds_of_message_in_use(
    sign_in: SignIn, resources: Resources
) -> None:
    writer = await make_agency(resources.pool, status="approved")
    silent = await make_agency(resources.pool, status="approved")
    await make_template(resources.pool, writer, category="health")
    await make_template(resources.pool, writer, category="an-agency-own-word")
    citizen = await sign_in()
    sources = (await citizen.get("/api/v1/me/notification-sources")).json()
    assert [agency["id"] for agency in sources["agencies"]] == [writer]
    keys = [category["key"] for category in sources["categories"]]
    # No raw, unnamed codes; the platform's own first.
    assert keys == ["payments", "applications", "entitlements", "delegation", "turns", "health"]
    payments = sources["categories"][0]
    assert payments == {
        "key": "payments",
        "name_th": "การชำระเงินและใบเสร็จ",
        "name_en": "Payments and receipts",
        "urgent_passes": True,
    }

    # An agency turned off stays listed (so that it can be turned on again) even with nothing to send.
    saved = await citizen.put(
        "/api/v1/me/notification-preferences",
        json={"quiet_hours": {"start": "21:30:00", "end": "06:30:00"}, "opt_out_agencies": [silent]},
    )
    assert saved.status_code == 200, saved.text
    again = (await citizen.get("/api/v1/me/notification-sources")).json()
    assert {agency["id"] for agency in again["agencies"]} == {writer, silent}
