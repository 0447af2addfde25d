"""The catalogue's HTTP surface: one router per kind of caller, each guarded on the router."""

from __future__ import annotations

from litestar import Router

from backend.catalogue.api import admin, agency, citizen, public

ROUTERS: list[Router] = [public.router, citizen.router, agency.router, agency.list_router, admin.router]
