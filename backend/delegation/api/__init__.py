"""Delegation's HTTP surface: one guarded router per audience (citizens, support staff, counter staff)."""

from __future__ import annotations

from litestar import Router

from backend.delegation.api import assisted, citizen, counter, support

ROUTERS: list[Router] = [citizen.router, support.router, assisted.router, counter.router]
