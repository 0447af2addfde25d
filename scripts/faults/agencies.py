"""Scenario 4: the demo agencies' connectors slow, failing, answering garbage, the wrong shape or
dripping."""

from __future__ import annotations

import asyncio
import collections
from typing import Any

import httpx

from backend.demo.seed import DEMO_CONNECTORS
from scripts.faults.checks import describe_statuses
from scripts.faults.world import World

DEADLINE_TOLERANCE_SECONDS = 0.5
"""Allowed beyond the entitlements deadline: recording the calls, and HTTP itself, on two shared cores."""


OK: dict[str, Any] = {"mode": "ok"}
AGENCY_CASES: tuple[tuple[str, dict[str, Any], int | None], ...] = (
    # name, what every agency does, connectors' own time-out (None: as seeded, 1.5 s)
    ("all agencies ok", OK, None),
    ("slow (5 s)", {"mode": "slow", "delay_ms": 5000}, None),
    ("slow (12 s), connector time-outs at their 10 s maximum", {"mode": "slow", "delay_ms": 12000}, 10000),
    ("failing (500)", {"mode": "fail"}, None),
    ("garbage (HTML)", {"mode": "garbage"}, None),
    ("wrong_shape", {"mode": "wrong_shape"}, None),
    ("drip (a byte per 200 ms), time-outs 10 s", {"mode": "drip", "delay_ms": 200}, 10000),
)
SEEDED_TIMEOUT_MS = 1500
SERVICE_OF = {title_en: service for _, service, _, title_en, *_ in DEMO_CONNECTORS}
SERVICES = tuple(SERVICE_OF.values())
ROUNDS = 3


async def agency_case(
    world: World,
    control: httpx.AsyncClient,
    name: str,
    modes: dict[str, dict[str, Any]],
    timeout_ms: int | None,
) -> None:
    """Every citizen asks for their entitlements ROUNDS times (``refresh``: past the cache, to the
    agencies) while the agencies behave as ``modes`` says. The breakers start closed, so the first
    round reaches every agency; later rounds may meet a breaker it opened."""
    report, stack = world.report, world.stack
    deadline = int(stack.env.get("ENTITLEMENTS_DEADLINE_MS", "3000")) / 1000
    for service, body in modes.items():
        await control.post(f"{stack.agencies_url}/{service}/_control", json=body)
    await world.pool.execute(
        "UPDATE connectors SET timeout_ms = $1 WHERE name = ANY($2::text[])",
        timeout_ms or SEEDED_TIMEOUT_MS,
        SERVICES,
    )
    if breakers := [key async for key in world.redis.scan_iter(match="breaker:*")]:
        await world.redis.delete(*breakers)
    if timeout_ms is not None:
        await asyncio.sleep(5.5)  # each replica reads its connector list again every 5 s
    world.recorder.restart()
    pages: list[httpx.Response | None] = []
    for round_number in range(ROUNDS):
        pages += await asyncio.gather(*(
            c.browser.call("entitlements", (i + round_number) % 2, "GET", "/api/v1/entitlements",
                           params={"refresh": "true", "lang": "en"})
            for i, c in enumerate(world.citizens)
        ))  # fmt: skip
    samples = world.recorder.samples
    latencies = sorted(s.seconds for s in samples)
    states, passed_off = collections.Counter[str](), 0
    for page in pages:
        for agency in page.json()["agencies"] if page is not None and page.status_code == 200 else []:
            states[agency["state"] + (f" ({agency['reason']})" if agency["reason"] else "")] += 1
            misbehaving = modes[SERVICE_OF[agency["connector_title"]]]["mode"] != "ok"
            passed_off += misbehaving and agency["state"] == "fresh"
    report.check(
        f"{name}: entitlements answered within the deadline",
        all(s.status == 200 for s in samples) and latencies[-1] <= deadline + DEADLINE_TOLERANCE_SECONDS,
        f"{len(samples)} requests ({describe_statuses(samples)}), max {latencies[-1] * 1000:.0f} ms, median "
        f"{latencies[len(latencies) // 2] * 1000:.0f} ms; ENTITLEMENTS_DEADLINE_MS {deadline * 1000:.0f} "
        f"(+{DEADLINE_TOLERANCE_SECONDS * 1000:.0f} allowed)",
    )
    report.check(
        f"{name}: no misbehaving agency's answer shown as fresh",
        passed_off == 0,
        "agencies' results: " + ", ".join(f"{n} {state}" for state, n in states.most_common()),
    )


async def agencies_misbehave(world: World) -> None:
    world.report.section("4. Agency connectors slow, failing, or answering garbage")
    cases = [(name, dict.fromkeys(SERVICES, mode), timeout_ms) for name, mode, timeout_ms in AGENCY_CASES]
    faults = [mode for _, mode, _ in AGENCY_CASES[1:]]
    mixed = {service: faults[index % len(faults)] for index, service in enumerate(SERVICES)}
    cases.append(("each agency its own fault", mixed, None))
    async with httpx.AsyncClient(timeout=10) as control:
        try:
            for name, modes, timeout_ms in cases:
                await agency_case(world, control, name, modes, timeout_ms)
        finally:
            for service in SERVICES:
                await control.post(f"{world.stack.agencies_url}/{service}/_control", json=OK)
            await world.pool.execute(
                "UPDATE connectors SET timeout_ms = $1 WHERE name = ANY($2::text[])",
                SEEDED_TIMEOUT_MS,
                SERVICES,
            )
