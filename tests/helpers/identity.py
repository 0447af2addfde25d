"""Logging in through demo mode's own identity provider."""

from __future__ import annotations

import re

import httpx

ORIGIN = "https://testserver"
_HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


async def authorize_form(demo: httpx.AsyncClient, **login_params: str) -> dict[str, str]:
    """Start a login; the hidden fields of the demo provider's page, to post with a ``person``."""
    started = await demo.get("/auth/login", params=login_params)
    assert started.status_code == 302
    page = await demo.get(started.headers["location"].removeprefix(ORIGIN))
    assert page.status_code == 200
    assert "Demo only" in page.text
    return {name: value.replace("&amp;", "&") for name, value in _HIDDEN.findall(page.text)}


async def pick(demo: httpx.AsyncClient, person: str, **login_params: str) -> httpx.Response:
    """Start a login, pick ``person`` on the demo provider's page, return the callback's response."""
    form = await authorize_form(demo, **login_params)
    chosen = await demo.post("/demo-idp/authorize", data={**form, "person": person})
    assert chosen.status_code == 303, chosen.text
    return await demo.get(chosen.headers["location"].removeprefix(ORIGIN))
