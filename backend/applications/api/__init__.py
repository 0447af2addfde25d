"""The HTTP surface of applications and documents, one module per kind of caller: citizens (their
applications and wallet), agencies (services and case officers), support staff, and anyone (shared
links and verification)."""

from __future__ import annotations

from litestar import Router

from backend.applications.api import agency, citizen, public, support

ROUTERS: list[Router] = [
    citizen.applications_router,
    agency.services_router,
    agency.services_seen_router,
    agency.case_officers_router,
    citizen.wallet_router,
    public.router,
    support.router,
]
APPLICATION_ROUTERS = ROUTERS
