"""Agencies' machine clients: creating one and asking for its client-credentials token."""

from __future__ import annotations

import httpx


async def new_client(admin: httpx.AsyncClient, agency_id: int, scopes: list[str]) -> dict[str, str]:
    created = await admin.post(
        f"/api/v1/agency/{agency_id}/clients", json={"name": "Billing system", "scopes": scopes}
    )
    assert created.status_code == 201, created.text
    assert created.headers["cache-control"] == "no-store"
    body: dict[str, str] = created.json()
    return body


async def request_token(
    web: httpx.AsyncClient, client_id: str, secret: str, scope: str | None = None
) -> httpx.Response:
    form = {"grant_type": "client_credentials", **({"scope": scope} if scope else {})}
    return await web.post("/oauth/token", data=form, auth=(client_id, secret))
