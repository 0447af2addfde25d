"""The connectors' HTTP surface: one router per kind of caller, each guarded on the router."""

from __future__ import annotations

from litestar import Router

from backend.connectors.api import admin, agency, citizen

ROUTERS: list[Router] = [admin.router, agency.router, citizen.router]
