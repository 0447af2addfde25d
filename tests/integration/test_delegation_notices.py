"""Issue 22 items 1 and 4, the inbox: the platform's own sender ("ทางรัฐ") tells the grantor of every
change to a grant and of each delegate step that changes something, and the delegate of what the grantor
did, in Thai and English with the other person's name and never a national ID; once per change or step
(a retried request writes no second notice); the notices check as genuine, from the platform."""

from __future__ import annotations

from typing import Any

import httpx
from litestar import Litestar

from backend.core.resources import Resources
from notifications.platform import platform_sender_id
from tests.helpers.delegation import grant_body, grantor_and_delegate, new_person
from tests.helpers.notifications import TEMPLATE
from tests.integration.conftest import SignIn

_PLATFORM = ("platform", "ทางรัฐ", "Thang Rat (the platform)")


async def _notices(browser: httpx.AsyncClient, headers: dict[str, str] | None = None) -> list[dict[str, Any]]:
    inbox = await browser.get("/api/v1/inbox", headers=headers)
    assert inbox.status_code == 200, inbox.text
    return [item for item in inbox.json()["items"] if item["agency_code"] == "platform"]


def _texts(notices: list[dict[str, Any]]) -> str:
    return " ".join(f"{n['title_th']} {n['title_en']} {n['body_th']} {n['body_en']}" for n in notices)


async def test_each_change_to_a_grant_is_one_notice_to_the_grantor_and_the_grantors_changes_to_the_delegate(
    sign_in: SignIn, resources: Resources
) -> None:
    somchai, somchai_nid = await new_person(sign_in, resources, "สมชาย ใจดี", "Somchai Jaidee")
    suda, suda_nid = await new_person(sign_in, resources, "สุดา ใจดี", "Suda Jaidee")
    grant = (await somchai.post("/api/v1/me/delegations", json=grant_body(suda_nid))).json()
    assert (await suda.post(f"/api/v1/me/delegations/{grant['id']}/accept")).status_code == 200
    renewal = {"ends_on": grant_body(suda_nid)["ends_on"]}
    path = f"/api/v1/me/delegations/{grant['id']}"
    assert (await somchai.post(f"{path}/renew", json=renewal)).status_code == 200
    assert (await somchai.post(f"{path}/end", json={})).status_code == 200
    # Answering again changes nothing and tells nobody again.
    assert (await somchai.post(f"{path}/end", json={})).status_code == 409

    his = await _notices(somchai)
    assert [(n["agency_code"], n["agency_name_th"], n["agency_name_en"]) for n in his] == [_PLATFORM] * 4
    assert [n["title_th"].split(" ถึงวันที่")[0] for n in reversed(his)] == [
        "คุณขอให้ สุดา ใจดี ทำแทนคุณ",
        "สุดา ใจดี ตอบรับทำแทนคุณ",
        "คุณต่ออายุการให้ สุดา ใจดี ทำแทนคุณ",
        "คุณยกเลิกการให้ สุดา ใจดี ทำแทนคุณ",
    ]
    assert his[-1]["title_en"].startswith("You asked Suda Jaidee to act for you until ")
    assert all(n["url"] == "/data-access" and n["verification_code"] for n in his)

    hers = await _notices(suda)
    assert [n["title_en"].split(" until")[0] for n in reversed(hers)] == [
        "Somchai Jaidee asked you to act for them",
        "Somchai Jaidee renewed your right to act for them",
        "Somchai Jaidee ended your right to act for them",
    ]
    assert hers[-1]["title_th"].startswith("สมชาย ใจดี ขอให้คุณทำแทน ถึงวันที่")
    for national_id in (somchai_nid, suda_nid):
        assert national_id not in _texts(his) + _texts(hers)


async def test_a_delegate_step_that_changes_something_is_one_notice_and_a_read_is_none(
    app: Litestar, sign_in: SignIn, resources: Resources
) -> None:
    world = await grantor_and_delegate(app, sign_in, resources)
    suda, as_him = world["suda"], world["as_him"]
    paying = {"idempotency_key": "k1"}
    for _ in range(2):  # the app sends it again after a lost answer: the same payment, one notice
        sent = await suda.post(f"/api/v1/bills/{world['bill']}/payments", json=paying, headers=as_him)
        assert sent.status_code == 201, sent.text
    read = await suda.post(f"/api/v1/inbox/{world['message']}/read", headers=as_him)
    assert read.status_code in (200, 204), read.text

    [notice] = await _notices(world["somchai"])
    assert notice["title_th"] == "สุดา เริ่มชำระบิลแทนคุณ (สร้าง QR ชำระเงิน)"
    assert notice["title_en"] == "Suda started paying a bill for you (a payment QR)"
    assert notice["body_th"].startswith("ดูทุกอย่างที่ทำแทนคุณได้ที่")
    assert notice["read_at"] is None, "not marked read by her reading his inbox"
    assert await _notices(suda) == [], "his notice, not hers"
    # Reading or opening messages writes no notice (a notice about a notice would never end).
    assert len(await resources.pool.fetch(
        "SELECT 1 FROM notifications n JOIN agencies a ON a.id = n.agency_id"
        " WHERE a.is_platform AND n.citizen_id = $1::uuid", world["somchai_id"],
    )) == 1  # fmt: skip


async def test_a_platform_notice_checks_as_genuine_from_the_platform(
    app: Litestar, sign_in: SignIn, resources: Resources, client: httpx.AsyncClient
) -> None:
    world = await grantor_and_delegate(app, sign_in, resources)
    sent = await world["suda"].post(
        f"/api/v1/bills/{world['bill']}/payments", json={"idempotency_key": "k1"}, headers=world["as_him"]
    )
    assert sent.status_code == 201, sent.text
    [notice] = await _notices(world["somchai"])
    checked = await client.get(f"/api/v1/messages/verify/{notice['verification_code']}")
    assert checked.status_code == 200, checked.text
    answer = checked.json()
    assert (answer["agency_code"], answer["agency_name_th"], answer["agency_name_en"]) == _PLATFORM
    assert answer["channel"] == "app"
    # Not an agency: the public lists of agencies leave it out, and a staff role there gives nothing
    # (nobody sends as the platform through the agency API or console).
    listed = (await client.get("/api/v1/agencies")).json()
    assert "platform" not in {agency["code"] for agency in listed}
    platform_id = await platform_sender_id(resources.pool)
    sender = await sign_in(("agency_sender", platform_id))
    assert (await sender.get("/api/v1/me")).json()["roles"] == []
    refused = await sender.post(f"/api/v1/agency/{platform_id}/notification-templates", json=TEMPLATE)
    assert refused.status_code == 403, refused.text


async def test_a_delegate_who_ends_an_active_grant_is_in_the_grantors_log_and_inbox_and_acts_no_more(
    sign_in: SignIn, resources: Resources
) -> None:
    somchai, _ = await new_person(sign_in, resources, "สมชาย ใจดี", "Somchai Jaidee")
    suda, suda_nid = await new_person(sign_in, resources, "สุดา ใจดี", "Suda Jaidee")
    grant = (await somchai.post("/api/v1/me/delegations", json=grant_body(suda_nid))).json()
    path, as_him = f"/api/v1/me/delegations/{grant['id']}", {"X-Acting-For": grant["id"]}
    assert (await suda.post(f"{path}/accept")).status_code == 200
    assert (await suda.get("/api/v1/inbox", headers=as_him)).status_code == 200, "active: she may act"

    ended = await suda.post(f"{path}/end", json={"reason": "ย้ายไปต่างจังหวัด"})
    assert ended.status_code == 200, ended.text
    assert ended.json()["status"] == "ended", "an active grant is ended, not declined"

    log = (await somchai.get("/api/v1/me/data-access", params={"kind": "delegation"})).json()["items"]
    latest = log[0]
    assert (latest["actor_kind"], latest["actor_name_th"], latest["actor_name_en"]) == (
        "delegate", "สุดา ใจดี", "Suda Jaidee",
    )  # fmt: skip
    assert (latest["purpose_th"], latest["purpose_en"]) == ("เลิกทำแทนคุณแล้ว", "stopped acting for you")
    [notice, *_] = await _notices(somchai)
    assert notice["title_th"] == "สุดา ใจดี เลิกทำแทนคุณแล้ว"
    assert notice["title_en"] == "Suda Jaidee stopped acting for you"
    assert [n for n in await _notices(suda) if "เลิกทำแทน" in n["title_th"]] == [], "her own step: no notice"

    refused = await suda.get("/api/v1/inbox", headers=as_him)
    assert refused.status_code == 403, refused.text
    assert refused.json()["type"].endswith("/problems/acting-ended")
