"""What ``make load`` (``scripts/load/``) and its load generator (``scripts/load_mix.py``) exchange: the
endpoints and their shares in the mix, the plan the generator is given (JSON) and the result it writes
back (JSON), with the per-endpoint statistics the result is made of."""

from __future__ import annotations

import random
from array import array
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import msgspec

HOME = "GET /api/v1/tiles"
ENTITLEMENTS = "GET /api/v1/entitlements"
INBOX = "GET /api/v1/inbox"
BILLS = "GET /api/v1/bills"
ISSUE = "POST /api/v1/agency/bills"
PAY = "POST /api/v1/bills/{id}/payments"
CALLBACK = "POST /api/v1/payments/callbacks/{bank}"
TOKEN = "POST /oauth/token"  # noqa: S105 (a label): asked for when the agency's token runs out, outside the mix
BARE = "GET /same-size (bare Litestar)"

READS: dict[str, str] = {
    HOME: "/api/v1/tiles?lang=th",
    ENTITLEMENTS: "/api/v1/entitlements",
    INBOX: "/api/v1/inbox",
    BILLS: "/api/v1/bills",
}
"""The path each of the four reads asks for: in the mix, and each alone under wrk."""

MIX: dict[str, int] = {
    HOME: 30,
    ENTITLEMENTS: 20,
    INBOX: 20,
    BILLS: 15,
    ISSUE: 5,
    PAY: 5,
    CALLBACK: 5,
}
"""Target shares in percent. Agencies issue bills at the rate citizens start paying them, so the soak
never runs out of bills; a payment without a bill to pay (or a callback without a payment) is sent
as the step before it instead, which is why the output shows the shares actually sent too."""

LARGE_BILL_SHARE = 0.10  # bills needing a step-up login to pay


class Citizen(msgspec.Struct, kw_only=True):
    citizen_id: str
    national_id: str
    key_id: str
    sealed: bytes
    birthdate: str
    token: str
    csrf: str
    logged_in_at: float


class Bill(msgspec.Struct, kw_only=True):
    id: str
    citizen: int
    """Index into ``Plan.citizens``."""
    biller_id: str
    ref1: str
    ref2: str | None
    amount_satang: int


class Plan(msgspec.Struct, kw_only=True):
    api: list[str]
    bare: list[str]
    connections: int
    warmup_seconds: float
    seconds: float
    cookie_name: str
    citizens: list[Citizen]
    bills: list[Bill]
    agency_client_id: str
    agency_client_secret: str
    biller_id: str
    bank: str
    bank_secret: str
    redis_url: str
    secret_key: str
    """For the sessions a re-login makes, marked as the app marks them (``backend.core.admission``)."""
    session_idle_seconds: int
    session_absolute_seconds: int
    step_up_acr: str
    step_up_max_age_seconds: int
    step_up_satang: int
    payment_expiry_minutes: int
    run_tag: str


class EndpointResult(msgspec.Struct, kw_only=True):
    count: int
    per_second: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    non_2xx: int
    socket_errors: int
    wrong_answers: int
    """2xx answers that said something other than expected (checked again against the database)."""
    detail: dict[str, int]


class CallbackRecord(msgspec.Struct, kw_only=True):
    callback_id: str
    kind: str
    """``first`` (the payment's own), ``retry`` (same id again) or ``paid_twice`` (new id, paid bill)."""
    payment_id: str | None
    bill_id: str
    amount_satang: int
    http_status: int | None
    status: str | None
    outcome: str | None


class PaymentRecord(msgspec.Struct, kw_only=True):
    payment_id: str
    bill_id: str
    amount_satang: int
    abandoned: bool


class Result(msgspec.Struct, kw_only=True):
    seconds: float
    endpoints: dict[str, EndpointResult]
    overall: EndpointResult
    cpu_seconds: float
    """This generator's own CPU time over the measured window."""
    issued_bills: list[str] = msgspec.field(default_factory=list)
    payments: list[PaymentRecord] = msgspec.field(default_factory=list)
    callbacks: list[CallbackRecord] = msgspec.field(default_factory=list)
    second_taps: int = 0
    second_tap_mismatches: int = 0
    relogins: int = 0


def bill_amount(rng: random.Random, step_up_satang: int) -> int:
    """Mostly household bills (50 to 3,000 baht); some large enough to need a step-up login to pay."""
    if rng.random() < LARGE_BILL_SHARE:
        return rng.randrange(step_up_satang, 5 * step_up_satang)
    return rng.randrange(5_000, 300_000)


def percentile(ordered: list[float], fraction: float) -> float:
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


@dataclass
class Stats:
    latencies: array[float] = field(default_factory=lambda: array("d"))
    detail: Counter[str] = field(default_factory=Counter)
    non_2xx: int = 0
    socket_errors: int = 0
    wrong_answers: int = 0

    @classmethod
    def together(cls, parts: Iterable[Stats]) -> Stats:
        """Every endpoint's requests as one."""
        overall = cls()
        for stats in parts:
            overall.latencies.extend(stats.latencies)
            overall.non_2xx += stats.non_2xx
            overall.socket_errors += stats.socket_errors
            overall.wrong_answers += stats.wrong_answers
            overall.detail.update(stats.detail)
        return overall

    def summary(self, seconds: float) -> EndpointResult:
        ordered = sorted(self.latencies)
        return EndpointResult(
            count=len(ordered),
            per_second=len(ordered) / seconds if seconds else 0.0,
            p50_ms=percentile(ordered, 0.50),
            p90_ms=percentile(ordered, 0.90),
            p99_ms=percentile(ordered, 0.99),
            max_ms=ordered[-1] if ordered else 0.0,
            non_2xx=self.non_2xx,
            socket_errors=self.socket_errors,
            wrong_answers=self.wrong_answers,
            detail=dict(self.detail),
        )
