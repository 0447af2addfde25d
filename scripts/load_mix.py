"""The load generator behind ``make load``: ``scripts/load/`` runs it as a process of its own.

A closed loop, as wrk's is: ``connections`` virtual users, each pinned to one API replica (as a load
balancer keeping connections alive would pin it), each sending its next request as soon as the last
one answered, choosing the endpoint by weight (``MIX``). Python and aiohttp rather than wrk's Lua,
because half of the mix is stateful: a bank callback must follow a payment this generator started,
carry that bill's references and amount, and be signed with HMAC-SHA256 over a fresh timestamp
(LuaJIT in wrk has no HMAC, and pre-signed bodies go stale after five minutes); and the exactly-once
checks need every callback and its answer on record, which wrk's threads cannot share.

``python -m scripts.load_mix mix|baseline PLAN RESULT``: reads the plan (JSON, ``scripts/load_plan.py``),
prints ``{"event": ...}`` lines on stdout as phases begin, and writes the result (JSON) at the end.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import random
import resource
import signal
import sys
import time
import uuid
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import msgspec
import redis.asyncio
import uvloop

from backend.core.admission import DoorPass
from backend.core.signatures import sign
from backend.identity.sessions import SessionStore
from scripts.load_plan import (
    BARE,
    CALLBACK,
    ISSUE,
    MIX,
    PAY,
    READS,
    TOKEN,
    Bill,
    CallbackRecord,
    Citizen,
    PaymentRecord,
    Plan,
    Result,
    Stats,
    bill_amount,
)

SECOND_TAP_SHARE = 0.10  # a payment started twice (same key: a network retry; new key: a second tap)
ABANDON_SHARE = 0.10  # QRs shown but never paid: left for the worker to expire
RETRY_SHARE = 0.10  # a callback sent again with the same id (the bank's retry after a timeout)
PAID_TWICE_SHARE = 0.02  # money for an already-paid bill under a new callback id (kept as an exception)
REQUEST_TIMEOUT_SECONDS = 30


class Answer(msgspec.Struct):
    status: int
    body: bytes


@dataclass
class Pending:
    payment_id: str
    bill: Bill
    started: float


class Mix:
    """The shared state of all virtual users (one event loop: no locks needed)."""

    def __init__(self, plan: Plan, http: aiohttp.ClientSession, sessions: SessionStore) -> None:
        self.plan = plan
        self.http = http
        self.sessions = sessions
        self.stats: dict[str, Stats] = {name: Stats() for name in [*MIX, TOKEN, BARE]}
        self.recording_from = float("inf")
        self.recording_until = float("inf")
        self.unpaid: list[Bill] = list(plan.bills)
        self.pending: deque[Pending] = deque()
        self.paid: list[tuple[Bill, str]] = []
        self.sent_first: list[tuple[bytes, CallbackRecord]] = []
        self.result = Result(seconds=0.0, endpoints={}, overall=Stats().summary(1.0), cpu_seconds=0.0)
        self.agency_token = ""
        self.agency_token_until = 0.0
        self.token_lock = asyncio.Lock()
        self.bill_number = 0
        self.callback_number = 0
        self.random = random.Random(plan.run_tag)  # noqa: S311 (load shapes, not secrets)

    # --- one request, timed -------------------------------------------------------------------

    async def call(
        self,
        label: str,
        method: str,
        url: str,
        *,
        headers: dict[str, str] | None = None,
        data: bytes | None = None,
        json_body: Any = None,
        form: dict[str, str] | None = None,
    ) -> Answer | None:
        """The answer, or None on a socket error or time-out; timed and counted under ``label``
        while recording."""
        stats = self.stats[label]
        started = time.monotonic()
        recording = self.recording_from <= started < self.recording_until
        payload: Any = data if data is not None else form
        try:
            async with self.http.request(
                method, url, headers=headers, data=payload, json=json_body
            ) as response:
                body = await response.read()
                status = response.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            if recording:
                stats.latencies.append((time.monotonic() - started) * 1000)
                stats.socket_errors += 1
                stats.detail[type(exc).__name__] += 1
            return None
        if recording:
            stats.latencies.append((time.monotonic() - started) * 1000)
            if not 200 <= status < 300:
                stats.non_2xx += 1
                stats.detail[str(status)] += 1
        return Answer(status, body)

    def wrong(self, label: str, what: str) -> None:
        if self.recording_from <= time.monotonic() < self.recording_until:
            self.stats[label].wrong_answers += 1
            self.stats[label].detail[what] += 1

    def citizen_headers(self, citizen: Citizen, *, unsafe: bool = False) -> dict[str, str]:
        headers = {"Cookie": f"{self.plan.cookie_name}={citizen.token}"}
        if unsafe:
            headers["X-CSRF-Token"] = citizen.csrf
        return headers

    # --- the actions --------------------------------------------------------------------------

    async def browse(self, label: str, base: str) -> None:
        citizen = self.random.choice(self.plan.citizens)
        await self.call(label, "GET", base + READS[label], headers=self.citizen_headers(citizen))

    async def agency_headers(self, base: str) -> dict[str, str] | None:
        """The agency system's bearer token, asked for again a minute before it runs out (15 minutes);
        the users who need it meanwhile wait for that one answer."""
        async with self.token_lock:
            if time.monotonic() > self.agency_token_until - 60:
                basic = aiohttp.BasicAuth(self.plan.agency_client_id, self.plan.agency_client_secret)
                answer = await self.call(
                    TOKEN,
                    "POST",
                    f"{base}/oauth/token",
                    form={"grant_type": "client_credentials", "scope": "bills"},
                    headers={"Authorization": basic.encode()},
                )
                if answer is None or answer.status != 200:
                    return None
                token = json.loads(answer.body)
                self.agency_token = token["access_token"]
                self.agency_token_until = time.monotonic() + token["expires_in"]
        return {"Authorization": f"Bearer {self.agency_token}"}

    async def issue_bill(self, base: str) -> None:
        headers = await self.agency_headers(base)
        if headers is None:
            return
        index = self.random.randrange(len(self.plan.citizens))
        self.bill_number += 1
        amount = bill_amount(self.random, self.plan.step_up_satang)
        ref1 = f"L{self.plan.run_tag}{self.bill_number:09d}"
        body = {
            "national_id": self.plan.citizens[index].national_id, "amount_satang": amount,
            "due_date": (dt.date.today() + dt.timedelta(days=30)).isoformat(),
            "biller_id": self.plan.biller_id, "ref1": ref1, "ref2": "LOAD",
            "description_th": "ค่าน้ำประปา", "description_en": "Water bill", "idempotency_key": f"load-{ref1}",
        }  # fmt: skip
        answer = await self.call(
            ISSUE, "POST", f"{base}/api/v1/agency/bills", headers=headers, json_body=body
        )
        if answer is None or answer.status != 201:
            return
        bill_id = json.loads(answer.body)["id"]
        self.result.issued_bills.append(bill_id)
        self.unpaid.append(Bill(id=bill_id, citizen=index, biller_id=self.plan.biller_id, ref1=ref1,
                                ref2="LOAD", amount_satang=amount))  # fmt: skip

    async def relogin(self, citizen: Citizen) -> None:
        """A fresh, strong login: what the app's step-up sends a citizen through (RFC 9470)."""
        token, session = await self.sessions.create(
            uuid.UUID(citizen.citizen_id),
            acr=self.plan.step_up_acr,
            amr=["pwd"],
            auth_time=int(time.time()),
            user_agent="citizen-load",
            ip_address="127.0.0.1",
            sealed_national_id=(citizen.key_id, citizen.sealed),
            birthdate=citizen.birthdate,
        )
        citizen.token, citizen.csrf, citizen.logged_in_at = token, session.csrf_token, time.time()
        self.result.relogins += 1

    async def start_payment(self, base: str) -> None:
        if not self.unpaid:
            await self.issue_bill(base)
            return
        bill = self.unpaid.pop(self.random.randrange(len(self.unpaid)))
        citizen = self.plan.citizens[bill.citizen]
        stale_after = self.plan.step_up_max_age_seconds - 60
        if (
            bill.amount_satang >= self.plan.step_up_satang
            and time.time() - citizen.logged_in_at > stale_after
        ):
            await self.relogin(citizen)
        url = f"{base}/api/v1/bills/{bill.id}/payments"
        key = uuid.uuid4().hex
        headers = self.citizen_headers(citizen, unsafe=True)
        answer = await self.call(PAY, "POST", url, headers=headers, json_body={"idempotency_key": key})
        if answer is None or answer.status != 201:
            self.unpaid.append(bill)  # try again later
            return
        payment = json.loads(answer.body)
        if payment["state"] != "pending" or payment["amount_satang"] != bill.amount_satang:
            self.wrong(PAY, "not a pending payment of the bill's amount")
        if self.random.random() < SECOND_TAP_SHARE:
            again_key = key if self.random.random() < 0.5 else uuid.uuid4().hex
            again = await self.call(
                PAY, "POST", url, headers=headers, json_body={"idempotency_key": again_key}
            )
            self.result.second_taps += 1
            if again is not None and again.status == 201 and json.loads(again.body)["id"] != payment["id"]:
                self.result.second_tap_mismatches += 1
                self.wrong(PAY, "a second tap made a second payment")
        abandoned = self.random.random() < ABANDON_SHARE
        self.result.payments.append(
            PaymentRecord(payment_id=payment["id"], bill_id=bill.id, amount_satang=bill.amount_satang,
                          abandoned=abandoned)
        )  # fmt: skip
        if not abandoned:
            self.pending.append(Pending(payment["id"], bill, time.monotonic()))

    async def callback(self, base: str) -> None:
        roll = self.random.random()
        if roll < RETRY_SHARE and self.sent_first:
            body, first = self.random.choice(self.sent_first)
            record = CallbackRecord(**{**msgspec.structs.asdict(first), "kind": "retry"})
            await self.send_callback(base, body, record)
            return
        if roll < RETRY_SHARE + PAID_TWICE_SHARE and self.paid:
            bill, _ = self.random.choice(self.paid)
            body, record = self.callback_body(bill, None, "paid_twice")
            await self.send_callback(base, body, record)
            return
        expiry = self.plan.payment_expiry_minutes * 60 - 60
        while self.pending and time.monotonic() - self.pending[0].started > expiry:
            late = self.pending.popleft()  # the bank never called: the worker expires it
            for payment in self.result.payments:
                if payment.payment_id == late.payment_id:
                    payment.abandoned = True
        if not self.pending:
            await self.start_payment(base)
            return
        pending = self.pending.popleft()
        body, record = self.callback_body(pending.bill, pending.payment_id, "first")
        if await self.send_callback(base, body, record):
            self.sent_first.append((body, record))
            self.paid.append((pending.bill, pending.payment_id))

    def callback_body(self, bill: Bill, payment_id: str | None, kind: str) -> tuple[bytes, CallbackRecord]:
        self.callback_number += 1
        callback_id = f"LD{self.plan.run_tag}-{self.callback_number}"
        body = json.dumps(
            {"callback_id": callback_id, "biller_id": bill.biller_id, "ref1": bill.ref1, "ref2": bill.ref2,
             "amount_satang": bill.amount_satang, "paid_at": dt.datetime.now(dt.UTC).isoformat(),
             "bank_reference": f"FT{self.callback_number:010d}"}
        ).encode()  # fmt: skip
        record = CallbackRecord(
            callback_id=callback_id, kind=kind, payment_id=payment_id, bill_id=bill.id,
            amount_satang=bill.amount_satang, http_status=None, status=None, outcome=None,
        )  # fmt: skip
        return body, record

    async def send_callback(self, base: str, body: bytes, record: CallbackRecord) -> bool:
        """True when the bank's callback was taken (200)."""
        headers = {
            "Content-Type": "application/json",
            "X-Signature": sign(self.plan.bank_secret.encode(), int(time.time()), body),
        }
        answer = await self.call(
            CALLBACK, "POST", f"{base}/api/v1/payments/callbacks/{self.plan.bank}", headers=headers, data=body
        )
        record.http_status = answer.status if answer else None
        if answer is not None and answer.status == 200:
            said = json.loads(answer.body)
            record.status, record.outcome = said["status"], said["outcome"]
            expected = {
                "first": ("processed", "paid"),
                "retry": ("already_processed", "paid"),
                "paid_twice": ("processed", "exception"),
            }[record.kind]
            if (record.status, record.outcome) != expected:
                self.wrong(CALLBACK, f"{record.kind} answered {record.status}/{record.outcome}")
        self.result.callbacks.append(record)
        return answer is not None and answer.status == 200

    # --- the loops ----------------------------------------------------------------------------

    async def user(self, number: int, until: float) -> None:
        base = self.plan.api[number % len(self.plan.api)]
        labels, weights = list(MIX), list(MIX.values())
        while time.monotonic() < until:
            label = self.random.choices(labels, weights)[0]
            if label == ISSUE:
                await self.issue_bill(base)
            elif label == PAY:
                await self.start_payment(base)
            elif label == CALLBACK:
                await self.callback(base)
            else:
                await self.browse(label, base)

    async def bare_user(self, number: int, until: float) -> None:
        url = f"{self.plan.bare[number % len(self.plan.bare)]}/same-size"
        while time.monotonic() < until:
            await self.call(BARE, "GET", url)


def _event(name: str, **details: Any) -> None:
    print(json.dumps({"event": name, **details}), flush=True)


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def run(kind: str, plan: Plan) -> Result:
    connector = aiohttp.TCPConnector(limit=plan.connections, limit_per_host=0, ttl_dns_cache=None)
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_SECONDS)
    redis_client = redis.asyncio.Redis.from_url(plan.redis_url)
    sessions = SessionStore(
        redis_client,
        idle_seconds=plan.session_idle_seconds,
        absolute_seconds=plan.session_absolute_seconds,
        door_pass=DoorPass(plan.secret_key),
    )
    # No cookie jar: each request carries its own citizen's cookie, and nothing a response sets.
    async with aiohttp.ClientSession(
        connector=connector, timeout=timeout, cookie_jar=aiohttp.DummyCookieJar()
    ) as http:
        mix = Mix(plan, http, sessions)
        started = time.monotonic()
        mix.recording_from = started + plan.warmup_seconds
        mix.recording_until = mix.recording_from + plan.seconds
        loop = mix.user if kind == "mix" else mix.bare_user
        users = [asyncio.create_task(loop(number, mix.recording_until)) for number in range(plan.connections)]
        _event("warming_up", seconds=plan.warmup_seconds)
        await asyncio.sleep(max(0.0, mix.recording_from - time.monotonic()))
        cpu_at_start = _cpu_seconds()
        _event("measuring", seconds=plan.seconds)
        await asyncio.sleep(max(0.0, mix.recording_until - time.monotonic()))
        cpu = _cpu_seconds() - cpu_at_start
        _event("finishing")
        await asyncio.gather(*users)  # the requests in flight finish; none starts after the end
    await redis_client.aclose()
    result = mix.result
    result.seconds = plan.seconds
    result.endpoints = {
        name: stats.summary(plan.seconds) for name, stats in mix.stats.items() if stats.latencies
    }
    result.overall = Stats.together(mix.stats.values()).summary(plan.seconds)
    result.cpu_seconds = cpu
    return result


def main(argv: list[str]) -> int:
    kind, plan_path, result_path = argv
    if kind not in ("mix", "baseline"):
        raise SystemExit(f"unknown phase {kind!r}")
    plan = msgspec.json.decode(Path(plan_path).read_bytes(), type=Plan)
    # scripts/load/ stops this process (with SIGINT) only when it is itself stopping.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    result = uvloop.run(run(kind, plan))
    Path(result_path).write_bytes(msgspec.json.encode(result))
    _event("done")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
