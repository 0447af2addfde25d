"""The world the scenarios act in: the report, the demo agencies' systems, the citizens with their
devices, and what clients asked for."""

from __future__ import annotations

import collections
import json
from dataclasses import dataclass, field
from typing import Any

import httpx
import redis.asyncio

from backend.core.db import Pool
from backend.demo.people import DEMO_PEOPLE, DemoPerson
from scripts.stack.clients import AgencySystem, Browser, Recorder, demo_clients
from scripts.stack.stack import BANK, Stack

TEMPLATE = {
    "key": "faults-notice",
    "category": "welfare",  # one of notifications.schemas.TemplateCategory
    "title_th": "แจ้ง {what}",
    "title_en": "Notice: {what}",
    "body_th": "รายละเอียด {what}",
    "body_en": "Details of {what}",
}


# --- reporting -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    scenario: str
    name: str
    passed: bool
    detail: str


@dataclass
class Report:
    checks: list[Check] = field(default_factory=list)
    scenario: str = ""

    def section(self, title: str) -> None:
        self.scenario = title
        print(f"\n== {title} ==", flush=True)

    def note(self, text: str) -> None:
        print(f"        {text}", flush=True)

    def check(self, name: str, passed: bool, detail: str) -> bool:
        self.checks.append(Check(self.scenario, name, passed, detail))
        print(f"  {'PASS' if passed else 'FAIL'}  {name}: {detail}", flush=True)
        return passed


# --- the world the scenarios act in ----------------------------------------------------------------


@dataclass
class Citizen:
    person: DemoPerson
    browser: Browser
    device_id: str


@dataclass
class Intent:
    """Something a client asked for; ``id`` once the API acknowledged it."""

    key: str
    body: dict[str, Any]
    citizen: Citizen
    id: str | None = None
    retried: bool = False
    written_before: bool = False
    """The retry found it written already: the first answer was lost, not the write."""


@dataclass
class Ledger:
    bills: list[Intent] = field(default_factory=list)
    payments: list[Intent] = field(default_factory=list)
    callbacks: list[Intent] = field(default_factory=list)
    """Keyed by callback id; ``id`` is the outcome (``paid``...) once the bank had an answer."""
    notifications: list[Intent] = field(default_factory=list)


@dataclass
class World:
    stack: Stack
    report: Report
    recorder: Recorder
    pool: Pool
    redis: redis.asyncio.Redis
    water: AgencySystem
    """Issues the bills and sends single messages."""
    welfare: AgencySystem
    """Sends the campaign."""
    citizens: list[Citizen]

    async def push_messages(self, device_id: str) -> collections.Counter[str]:
        """How many times the device received each notification (by its id)."""
        async with httpx.AsyncClient(timeout=30) as client:
            response = await client.get(f"{self.stack.push_url}/devices/{device_id}/messages")
        counts: collections.Counter[str] = collections.Counter()
        for message in response.json():
            counts[str(json.loads(message["payload"]).get("id"))] += 1
        return counts

    async def send_callback(self, body: bytes, api: int, at: float | None = None) -> httpx.Response | None:
        return await self.recorder.request(
            self.water.client, "bank-callback", api, "POST",
            f"{self.stack.api_urls[api]}/api/v1/payments/callbacks/{BANK}", content=body,
            headers={"X-Signature": self.stack.sign(body, at), "Content-Type": "application/json"},
        )  # fmt: skip


async def build_world(stack: Stack, report: Report) -> World:
    """The demo agencies' webhook and a template; each demo citizen logged in with a device."""
    recorder = Recorder()
    clients = demo_clients(stack)
    water = AgencySystem(recorder, stack, *clients["demo-water"])
    welfare = AgencySystem(recorder, stack, *clients["demo-welfare"])
    for agency in (water, welfare):
        base = f"/api/v1/agency/{agency.agency_id}"
        hook = await agency.call("setup", 0, "PUT", f"{base}/webhook", json={"url": stack.receiver.url})
        template = await agency.call("setup", 0, "POST", f"{base}/notification-templates", json=TEMPLATE)
        if hook is None or hook.status_code != 200 or template is None or template.status_code != 201:
            raise RuntimeError("could not set up the demo agencies' webhook and template")
    citizens = []
    async with httpx.AsyncClient(timeout=30) as client:
        for person in (p for p in DEMO_PEOPLE if p.role is None):
            browser = Browser(recorder, stack, person.key)
            if not await browser.login(0):
                raise RuntimeError(f"could not log in as {person.key}")
            device = (await client.post(f"{stack.push_url}/devices")).json()
            subscription = {"endpoint": device["endpoint"], "keys": device["keys"]}
            subscribed = await browser.call(
                "setup", 0, "POST", "/api/v1/push/subscriptions", json=subscription
            )
            if subscribed is None or subscribed.status_code != 201:
                raise RuntimeError(f"could not register a device for {person.key}")
            citizens.append(Citizen(person, browser, device["device_id"]))
    return World(
        stack=stack, report=report, recorder=recorder, pool=await stack.pool(),
        redis=redis.asyncio.from_url(stack.redis.url), water=water, welfare=welfare, citizens=citizens,
    )  # fmt: skip


async def pairs(pool: Pool, sql: str, *args: Any) -> dict[Any, Any]:
    """A two-column query as a dict."""
    return {row[0]: row[1] for row in await pool.fetch(sql, *args)}
