"""Delegation's HTTP surface: the citizen's own router, guarded on the router."""

from __future__ import annotations

from litestar import Router

from backend.delegation.api import citizen

ROUTERS: list[Router] = [citizen.router]
