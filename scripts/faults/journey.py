"""The load during a restart: citizens, an agency and a bank at once, and the clients' retries."""

from __future__ import annotations

import asyncio
import collections
import datetime as dt
import json
import uuid
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

import httpx

from scripts.faults.world import TEMPLATE, Citizen, Intent, Ledger, World
from scripts.stack.clients import gather_limited, new_key
from scripts.stack.stack import WATER_BILLER

READS = (
    ("me", "/api/v1/me"),
    ("tiles", "/api/v1/tiles"),
    ("inbox", "/api/v1/inbox"),
    ("bills", "/api/v1/bills"),
    ("entitlements", "/api/v1/entitlements"),
)


def bill_body(citizen: Citizen, key: str, amount: int) -> dict[str, Any]:
    return {
        "national_id": citizen.person.national_id,
        "amount_satang": amount,
        "due_date": (dt.date.today() + dt.timedelta(days=14)).isoformat(),
        "biller_id": WATER_BILLER,
        "ref1": uuid.uuid4().hex[:16].upper(),
        "description_th": "ค่าน้ำ (ทดสอบความทนทาน)",
        "description_en": "Water (fault test)",
        "idempotency_key": key,
    }


def callback_body(bill: dict[str, Any], paid_at: dt.datetime) -> bytes:
    return json.dumps({
        "callback_id": new_key("cb"), "biller_id": bill["biller_id"], "ref1": bill["ref1"],
        "ref2": bill.get("ref2"), "amount_satang": bill["amount_satang"], "paid_at": paid_at.isoformat(),
        "bank_reference": "FT-FAULTS",
    }).encode()  # fmt: skip


async def journey(world: World, citizen: Citizen, ledger: Ledger, stop: asyncio.Event, seed: int) -> None:
    """One citizen's loop: a bill issued to them, paid by QR, the bank's callback, a message from the
    agency, then the screens they look at; the steps alternate between the two replicas."""
    step = seed
    while not stop.is_set():
        step += 1
        api, other = step % 2, 1 - step % 2
        key = new_key("bill")
        bill = Intent(key, bill_body(citizen, key, 100 + step % 900), citizen)
        ledger.bills.append(bill)
        issued = await world.water.call("issue-bill", api, "POST", "/api/v1/agency/bills", json=bill.body)
        if issued is not None and issued.status_code == 201:
            bill.id = issued.json()["id"]
            payment = Intent(new_key("pay"), {}, citizen)
            ledger.payments.append(payment)
            started = await citizen.browser.call(
                "start-payment", other, "POST", f"/api/v1/bills/{bill.id}/payments",
                json={"idempotency_key": payment.key},
            )  # fmt: skip
            if started is not None and started.status_code == 201:
                payment.id = started.json()["id"]
                raw = callback_body(issued.json(), dt.datetime.now(dt.UTC))
                callback = Intent(
                    json.loads(raw)["callback_id"], {"raw": raw, "payment_id": payment.id}, citizen
                )
                ledger.callbacks.append(callback)
                paid = await world.send_callback(raw, api)
                if paid is not None and paid.status_code == 200:
                    callback.id = paid.json()["outcome"]
        notice = Intent(new_key("msg"), {}, citizen)
        notice.body = {
            "national_id": citizen.person.national_id, "template": TEMPLATE["key"],
            "params": {"what": f"step {step}"}, "idempotency_key": notice.key,
        }  # fmt: skip
        ledger.notifications.append(notice)
        sent = await world.water.call(
            "send-message", other, "POST", "/api/v1/agency/notifications", json=notice.body
        )
        if sent is not None and sent.status_code in (200, 201):
            notice.id = sent.json()["id"]
        for kind, path in READS:
            await citizen.browser.call(kind, api, "GET", path)
        if sent is None or sent.status_code >= 500:
            await asyncio.sleep(0.2)  # backing off while it is down, as a client would: not a busy loop


async def retry_unanswered(world: World, ledger: Ledger) -> dict[str, int]:
    """What clients do once the service is back: send again what got no answer, with the same
    idempotency key or callback id. Returns how many were sent again, per kind."""
    retried = collections.Counter[str]()

    async def again(kind: str, intent: Intent, send: Callable[[], Awaitable[httpx.Response | None]]) -> None:
        response = await send()
        intent.retried = True
        retried[kind] += 1
        if response is not None and response.status_code in (200, 201):
            answer = response.json()
            if kind == "callback":
                intent.id = answer["outcome"]
                intent.written_before = answer["status"] == "already_processed"
            else:
                intent.id = answer["id"]
                intent.written_before = response.status_code == 200  # 201 would be "created now"

    call = world.water.call
    jobs: list[Callable[[], Awaitable[None]]] = [
        *(partial(again, "bill", b, partial(call, "retry", 0, "POST", "/api/v1/agency/bills", json=b.body))
          for b in ledger.bills if b.id is None),
        *(partial(again, "notification", n,
                  partial(call, "retry", 0, "POST", "/api/v1/agency/notifications", json=n.body))
          for n in ledger.notifications if n.id is None),
        *(partial(again, "callback", c, partial(world.send_callback, c.body["raw"], 0))
          for c in ledger.callbacks if c.id is None),
    ]  # fmt: skip
    await gather_limited(8, jobs)
    return dict(retried)
