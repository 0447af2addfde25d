"""Delegation's HTTP surface: one guarded router per audience (citizens, support staff)."""

from __future__ import annotations

from litestar import Router

from backend.delegation.api import citizen, support

ROUTERS: list[Router] = [citizen.router, support.router]
