"""The identity feature's HTTP surface, one module per kind of caller: ``public`` (login, callback,
the token endpoint), ``citizen`` (profile, national ID, sessions, logout), ``agency`` (machine
clients) and ``admin`` (role grants)."""

from __future__ import annotations

from litestar import Router

from backend.identity.api import admin, agency, citizen, public

ROUTERS: list[Router] = [
    public.login_router,
    public.token_router,
    citizen.logout_router,
    citizen.me_router,
    agency.router,
    admin.router,
]
IDENTITY_ROUTERS = ROUTERS
