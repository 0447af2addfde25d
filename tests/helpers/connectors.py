"""Agency connectors: registration bodies, the demo agencies' control switch, and a rebinding resolver."""

from __future__ import annotations

import socket
from typing import Any

import httpx
from aiohttp.abc import AbstractResolver, ResolveResult

from backend.core.resources import Resources
from tests.factories import make_agency
from tests.integration.conftest import SignIn


async def control(agencies_url: str, service: str, mode: str, delay_ms: int = 0) -> None:
    async with httpx.AsyncClient() as client:
        response = await client.post(
            f"{agencies_url}/{service}/_control", json={"mode": mode, "delay_ms": delay_ms}
        )
        assert response.status_code == 200


DEMO_SERVICES = ("social-security", "health", "child-support", "welfare-card", "elderly", "credit-bureau")


async def all_well_behaved(agencies_url: str) -> None:
    """Every demo agency service answers normally (a test before may have left one failing)."""
    for service in DEMO_SERVICES:
        await control(agencies_url, service, "ok")


async def cool_down_over(resources: Resources) -> None:
    """As if a minute had passed since each citizen's last refresh of their entitlements."""
    if keys := [key async for key in resources.redis.scan_iter(match="entitlements-refresh:*")]:
        await resources.redis.delete(*keys)


def connector(agencies_url: str, service: str, **overrides: Any) -> dict[str, Any]:
    return {
        "name": service,
        "title_th": f"บริการ {service}",
        "title_en": f"Service {service}",
        "base_url": f"{agencies_url}/{service}",
        "auth_kind": "none",
        "timeout_ms": 800,
        "retries": 0,
        "cache_seconds": 300,
        "purpose_th": f"แสดงสิทธิ {service} ของคุณในแอป",
        "purpose_en": f"Show your {service} rights in the app",
        "fields_th": ["สถานะ"],
        "fields_en": ["status"],
        **overrides,
    }


async def approve_connectors(sign_in: SignIn, *connector_ids: int) -> None:
    """A platform admin approves the connectors (or their changes) as the review console does: only
    then do citizens' entitlements call them."""
    reviewer = await sign_in(("platform_admin", None))
    for connector_id in connector_ids:
        approved = await reviewer.post(f"/api/v1/admin/connectors/{connector_id}/approve")
        assert approved.status_code == 200, approved.text


async def agency_with(
    sign_in: SignIn, resources: Resources, connectors: list[dict[str, Any]], *, approve: bool = True
) -> tuple[int, httpx.AsyncClient, list[int]]:
    """An approved agency, its admin, and its connectors registered (and approved unless told not)."""
    agency_id = await make_agency(resources.pool, status="approved")
    admin = await sign_in(("agency_admin", agency_id))
    ids = []
    for body in connectors:
        registered = await admin.post(f"/api/v1/agency/{agency_id}/connectors", json=body)
        assert registered.status_code == 201, registered.text
        ids.append(registered.json()["id"])
    if approve and ids:
        await approve_connectors(sign_in, *ids)
    return agency_id, admin, ids


class RebindingDns(AbstractResolver):
    """Answers every name with loopback: what an attacker's DNS does once a URL has been approved."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        self.asked.append(host)
        return [
            ResolveResult(
                hostname=host, host="127.0.0.1", port=port, family=socket.AF_INET, proto=0,
                flags=socket.AI_NUMERICHOST,
            )
        ]  # fmt: skip

    async def close(self) -> None:
        return None
