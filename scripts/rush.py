"""A rush of new citizens (``make rush``): what the admission control does when thousands arrive at once.

Starts the stack of ``make faults`` (``scripts/stack/``: a PostgreSQL and Redis of its own, two
API replicas, two workers, the demo agencies answering after ``RUSH_AGENCY_DELAY_MS``), its logs in
``var/rush/``, with the login limits as deployed and the loopback trusted as the proxy the phones' requests
come through (``scripts/rush_phone.py``: each phone its own address and ``X-Request-Start``). Then:

1. unloaded: one new citizen at a time for ``RUSH_SOLO_SECONDS`` (15): each step's p99 with nobody else;
2. capacity: ``RUSH_CONCURRENCY`` (32) new citizens at a time, each starting the next journey when one
   ends, for ``RUSH_CAPACITY_SECONDS`` (30) after ``RUSH_WARMUP_SECONDS`` (5): journeys per second;
3. the rush: ``RUSH_CITIZENS`` (2000) new citizens at once, each giving up on a request after 10 s and
   on the journey after ``RUSH_PATIENCE_SECONDS`` (600).

A journey: log in (demo identity provider) -> home -> entitlements -> register (an application sent;
``scripts/rush_phone.py`` has the step). Printed: completed journeys per second against capacity,
time-outs, 503 and 429 answers, registrations lost or doubled (the database against what phones were
told), each step's p99 for admitted requests against the unloaded one, and how far from arrival order the
registrations were served. Figures are reported, never asserted; the machine's load average is printed
beside them.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import os
import resource
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import aiohttp
import httpx
import uvloop

from backend.demo.agencies import SERVICES
from scripts.rush_phone import (
    FIRST_STEPS,
    Apply,
    Journey,
    Phone,
    Registration,
    WaitingRoom,
    national_id,
    order_deviation,
    percentile,
)
from scripts.stack.clients import demo_clients
from scripts.stack.servers import ROOT, Child
from scripts.stack.stack import Stack

SERVICE = ("demo-education", "replacement-certificate")  # no files to upload: a registration
ANSWERS = {"document_kind": "DIPLOMA", "reason": "DAMAGED"}


def _number(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    return float(value) if value else default


@dataclass(frozen=True)
class Config:
    citizens: int = int(_number("RUSH_CITIZENS", 2000))
    concurrency: int = int(_number("RUSH_CONCURRENCY", 32))
    solo_seconds: float = _number("RUSH_SOLO_SECONDS", 15)
    warmup_seconds: float = _number("RUSH_WARMUP_SECONDS", 5)
    capacity_seconds: float = _number("RUSH_CAPACITY_SECONDS", 30)
    patience_seconds: float = _number("RUSH_PATIENCE_SECONDS", 600)
    agency_delay_ms: int = int(_number("RUSH_AGENCY_DELAY_MS", 80))


class RushStack(Stack):
    """The faults stack with the API replicas as deployed behind a proxy: the login limits at their
    defaults (the faults stack lifts them for its one client) and the proxy (loopback) trusted."""

    def _api(self, index: int) -> Child:
        lifted = (
            "LOGIN_ATTEMPTS_PER_MINUTE",
            "LOGIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE",
            "LOGIN_ATTEMPTS_PER_SECOND",
        )
        port = self.api_ports[index]
        env = {name: value for name, value in self.env.items() if name not in lifted} | {
            "PORT": str(port), "PUBLIC_URL": f"http://127.0.0.1:{port}", "WEB_WORKERS": "1",
            "TRUSTED_PROXIES": "127.0.0.1/32", "LOG_LEVEL": "WARNING",
        }  # fmt: skip
        # RUSH_SET_<NAME>=value sets NAME for the API replicas: trying other limits without editing.
        env |= {
            name.removeprefix("RUSH_SET_"): value
            for name, value in os.environ.items()
            if name.startswith("RUSH_SET_")
        }
        return Child(f"api-{index + 1}", self._cli("serve"), env, self.log_dir)


def _say(message: str) -> None:
    print(f"rush: {message}", file=sys.stderr, flush=True)


def _address(seed: int) -> str:
    return f"10.{seed >> 16 & 255}.{seed >> 8 & 255}.{seed & 255}"


async def _journey(
    connector: aiohttp.BaseConnector, base: str, seed: int, last: Registration, patience: float
) -> Journey:
    journey = Journey(national_id(seed), time.monotonic())
    phone = Phone(connector, base, journey, _address(seed), patience)
    try:
        await phone.run(last)
    finally:
        await phone.close()
    return journey


async def closed_loop(
    stack: Stack, last: Registration, users: int, seconds: float, seeds: Iterator[int], patience: float
) -> list[Journey]:
    """``users`` phones, each starting a new citizen's journey as soon as its last one ended."""
    journeys: list[Journey] = []
    until = time.monotonic() + seconds
    connector = aiohttp.TCPConnector(limit=0, ttl_dns_cache=None)

    async def user(number: int) -> None:
        base = stack.api_urls[number % len(stack.api_urls)]
        while time.monotonic() < until:
            journeys.append(await _journey(connector, base, next(seeds), last, patience))

    try:
        await asyncio.gather(*(user(number) for number in range(users)))
    finally:
        await connector.close()
    return journeys


async def rush(
    stack: Stack, last: Registration, citizens: int, seeds: Iterator[int], patience: float
) -> list[Journey]:
    connector = aiohttp.TCPConnector(limit=0, ttl_dns_cache=None)
    try:
        bases = itertools.cycle(stack.api_urls)
        return list(
            await asyncio.gather(
                *(_journey(connector, next(bases), next(seeds), last, patience) for _ in range(citizens))
            )
        )
    finally:
        await connector.close()


def step_p99(
    journeys: list[Journey], steps: tuple[str, ...], since: float = 0.0, until: float = float("inf")
) -> dict[str, tuple[float, float, float]]:
    """Each step's p99 (ms) over its admitted requests (answered as expected) as the phones timed them,
    over its successful tries (each a step's requests together, as its person waited for them), and over
    its admitted requests as the server timed them (``Server-Timing``), started in the window."""

    def requests(step: str) -> list[float]:
        return [s * 1000 for j in journeys for n, t, s, _ in j.answered if n == step and since <= t < until]

    def served(step: str) -> list[float]:
        answered = (a for j in journeys for a in j.answered if a[0] == step and since <= a[1] < until)
        return [server * 1000 for _, _, _, server in answered if server is not None]

    def tries(step: str) -> list[float]:
        ok = (a for j in journeys for a in j.attempts if a.step == step and a.outcome == "ok")
        return [a.seconds * 1000 for a in ok if since <= a.start < until]

    return {
        step: (
            percentile(requests(step), 0.99),
            percentile(tries(step), 0.99),
            percentile(served(step), 0.99),
        )
        for step in steps
    }


async def check_registrations(
    stack: Stack, registration: Registration, journeys: list[Journey]
) -> Counter[str]:
    """Against the database: a registration a phone was told of and that is not there as its citizen's
    (lost), a citizen with more than one (doubled), and ones whose phone never heard (unconfirmed)."""
    pool = await stack.pool()
    try:
        rows = await pool.fetch(registration.sent_sql, registration.key)
    finally:
        await pool.close()
    sent = {row[0]: row[1] for row in rows}
    told = {journey.registration: journey.citizen_id for journey in journeys if journey.registration}
    per_citizen = Counter(sent.values())
    return Counter(
        told=len(told),
        sent_in_database=len(sent),
        lost=sum(1 for reference, citizen in told.items() if sent.get(reference) != citizen),
        doubled=sum(count - 1 for count in per_citizen.values() if count > 1),
        unconfirmed=sum(1 for reference in sent if reference not in told),
    )


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _by(done: list[Journey], share: float, started: float) -> float:
    """Seconds from the rush's start until ``share`` of the completed journeys had completed."""
    return percentile([(journey.served_at or 0.0) - started for journey in done], share)


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


@dataclass
class Measured:
    steps: tuple[str, ...]
    solo: list[Journey]
    capacity: float
    capacity_p99: dict[str, tuple[float, float, float]]
    crowd: list[Journey]
    rush_started: float
    registrations: Counter[str]
    client_cpu: float


def report(config: Config, m: Measured) -> None:
    done = [journey for journey in m.crowd if journey.served_at is not None]
    seconds = max((j.served_at or 0.0 for j in done), default=m.rush_started) - m.rush_started
    rate = len(done) / seconds if seconds > 0 else 0.0
    statuses: Counter[str] = Counter()
    for journey in m.crowd:
        statuses.update(journey.statuses)
    refused = {
        step: Counter(a.outcome for j in m.crowd for a in j.attempts if a.step == step and a.outcome != "ok")
        for step in m.steps
    }
    sent, told = m.registrations["sent_in_database"], m.registrations["told"]
    share = rate / m.capacity if m.capacity else 0.0
    lost, doubled, unheard = (m.registrations[key] for key in ("lost", "doubled", "unconfirmed"))
    lines = [
        f"\nmake rush: {config.citizens} new citizens at once; load average {_load()}; "
        f"{os.cpu_count()} CPUs shared with whatever else runs",
        f"capacity ({config.concurrency} at a time, {config.capacity_seconds:.0f} s): "
        f"{m.capacity:.1f} journeys/s",
        f"rush: {len(done)}/{len(m.crowd)} journeys completed in {seconds:.1f} s = {rate:.1f} journeys/s = "
        f"{share:.0%} of capacity; gave up: {sum(j.gave_up for j in m.crowd)}",
        "completed by: "
        + ", ".join(f"{part:.0%} at {_by(done, part, m.rush_started):.1f} s" for part in (0.5, 0.9, 0.99)),
        f"time-outs (phone gave up on a request after 10 s): {statuses['timeout']}; "
        f"no answer: {statuses['error']}; 503: {statuses['503']}; 429: {statuses['429']}",
        *(
            f"  refused at {step}: "
            + ", ".join(f"{code} x{count}" for code, count in refused[step].most_common())
            for step in m.steps
            if refused[step]
        ),
        f"registrations (all phases): told {told}, in the database {sent}, lost {lost}, doubled {doubled}, "
        f"made but the phone never heard {unheard}",
        "p99, ms: of admitted requests (answered as expected) / of a step's successful try (its requests "
        "together), unloaded (1 at a time), capacity run, rush; rush/unloaded for requests",
    ]
    solo_p99, rush_p99 = step_p99(m.solo, m.steps), step_p99(m.crowd, m.steps)
    for step in m.steps:
        (solo, solo_try, _), (loaded, loaded_try, _) = solo_p99[step], m.capacity_p99[step]
        rush, rush_try, _ = rush_p99[step]
        figures = (
            f"{solo:6.0f} /{solo_try:6.0f} {loaded:7.0f} /{loaded_try:6.0f} {rush:7.0f} /{rush_try:6.0f}"
            f" {rush / solo if solo else 0.0:6.1f}x"
        )
        lines.append(f"  {step:13} {figures}" + ("  (waiting in line)" if step == "queue" else ""))
    lines.append(
        "p99, ms, of admitted requests as the server timed them (Server-Timing: from arrival at the app, "
        "its wait for a place included, to its answer), unloaded / capacity run / rush; rush/unloaded"
    )
    for step in m.steps:
        solo, loaded, rush = solo_p99[step][2], m.capacity_p99[step][2], rush_p99[step][2]
        ratio = rush / solo if solo else 0.0
        verdict = "within 2x" if ratio <= 2 else "NOT within 2x"
        lines.append(f"  {step:13} {solo:6.1f} / {loaded:7.1f} / {rush:7.1f}  {ratio:5.1f}x  [{verdict}]")
    by_server = all(j.arrival_order is not None and j.served_order is not None for j in done)
    arrived = [(j.arrival_order if by_server else j.queued_at) or 0.0 for j in done]
    served = [(j.served_order if by_server else j.served_at) or 0.0 for j in done]
    deviation = order_deviation(arrived, served)
    lines += [
        f"served vs arrival order ({'ticket vs admission' if by_server else 'as the phones saw it'}, "
        f"{deviation.count} phones): p99 {deviation.p99_places:.0f} places, max {deviation.max_places}, "
        f"{deviation.inverted_pairs:.1%} of pairs inverted",
        f"the phones' own CPU over the rush: {m.client_cpu:.1f} s (one Python process)",
    ]
    print("\n".join(lines))


async def _agency_token(stack: Stack, base: str) -> tuple[str, int]:
    client_id, secret, agency_id = demo_clients(stack)["demo-welfare"]
    async with httpx.AsyncClient() as http:
        answer = await http.post(
            f"{base}/oauth/token",
            auth=(client_id, secret),
            data={"grant_type": "client_credentials", "scope": "tiles"},
        )
    answer.raise_for_status()
    return answer.json()["access_token"], agency_id


async def _programme(stack: Stack, admit_per_second: int) -> WaitingRoom:
    """A programme of the demo welfare agency, open from now, letting ``admit_per_second`` in."""
    base = stack.api_urls[0]
    token, agency_id = await _agency_token(stack, base)
    body = {
        "name_th": "ลงทะเบียนทดสอบ", "name_en": "Rush test", "description_th": "ทดสอบ",
        "description_en": "Test", "opens_at": dt.datetime.now(dt.UTC).isoformat(),
        "admit_per_second": admit_per_second,
    }  # fmt: skip
    async with httpx.AsyncClient(headers={"Authorization": f"Bearer {token}"}) as http:
        answer = await http.post(f"{base}/api/v1/agency/{agency_id}/programmes", json=body)
    answer.raise_for_status()
    return WaitingRoom(answer.json()["id"])


async def _apply(stack: Stack) -> Apply:
    pool = await stack.pool()
    try:
        service_id = await pool.fetchval(
            "SELECT s.id FROM application_services s JOIN agencies a ON a.id = s.agency_id "
            "WHERE a.code = $1 AND s.code = $2",
            *SERVICE,
        )
    finally:
        await pool.close()
    return Apply(int(service_id), ANSWERS)


def _has_waiting_room(stack: Stack) -> bool:
    """RUSH_STEP=apply or waiting-room; else the waiting room once its routes exist (401, not 404)."""
    chosen = os.environ.get("RUSH_STEP", "").strip()
    if chosen:
        return chosen == "waiting-room"
    return httpx.get(f"{stack.api_urls[0]}/api/v1/programmes").status_code != 404


async def measure(stack: RushStack, config: Config) -> None:
    waiting_room = _has_waiting_room(stack)
    first: Registration
    first = await _programme(stack, 10000) if waiting_room else await _apply(stack)
    seeds, patience = itertools.count(1), config.patience_seconds
    _say(f"registering through {'the waiting room' if waiting_room else 'the applications API'}")
    _say(f"unloaded: one at a time for {config.solo_seconds:.0f} s")
    solo = await closed_loop(stack, first, 1, config.solo_seconds, seeds, patience)
    started = time.monotonic()
    _say(f"capacity: {config.concurrency} at a time, {config.capacity_seconds:.0f} s measured")
    window = (started + config.warmup_seconds, started + config.warmup_seconds + config.capacity_seconds)
    loop = await closed_loop(stack, first, config.concurrency, window[1] - started, seeds, patience)
    in_window = sum(1 for j in loop if j.served_at is not None and window[0] <= j.served_at < window[1])
    capacity = in_window / config.capacity_seconds
    _say(f"capacity {capacity:.1f} journeys/s; the rush: {config.citizens} at once")
    admit = int(_number("RUSH_ADMIT_PER_SECOND", max(1, round(capacity))))
    last: Registration
    last = await _programme(stack, admit) if waiting_room else first
    await asyncio.sleep(2)  # the capacity run's last requests answered
    cpu, rush_started = _cpu(), time.monotonic()
    crowd = await rush(stack, last, config.citizens, seeds, patience)
    client_cpu = _cpu() - cpu
    registrations = await check_registrations(
        stack, first, [*solo, *loop] if last is not first else [*solo, *loop, *crowd]
    )
    if last is not first:
        registrations += await check_registrations(stack, last, crowd)
    steps = (*FIRST_STEPS, *last.steps)
    report(config, Measured(steps, solo, capacity, step_p99(loop, steps, *window), crowd, rush_started,
                            registrations, client_cpu))  # fmt: skip


def main() -> int:
    config = Config()
    stack = RushStack(ROOT / "var" / "rush")  # its children's logs, apart from make faults'
    try:
        _say(f"starting the stack (logs in {stack.log_dir})")
        stack.start()
        # RUSH_CLIENT_NICE: the phones (devices of their own, in life) yield this much to the stack,
        # started above at the usual priority. Off by default: on a machine busy with other work a
        # niced client starves, and its own delays would read as the server's time-outs.
        os.nice(int(_number("RUSH_CLIENT_NICE", 0)))
        for service in SERVICES:
            control = {"mode": "ok", "delay_ms": config.agency_delay_ms}
            httpx.post(f"{stack.agencies_url}/{service}/_control", json=control).raise_for_status()
        uvloop.run(measure(stack, config))
    finally:
        _say("stopping the stack")
        stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
