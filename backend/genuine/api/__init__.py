"""The genuine-messages feature's routes, one guarded router per audience."""

from litestar import Router

from backend.genuine.api import agency, public, scams, senders

ROUTERS: list[Router] = [
    public.router,
    agency.router,
    senders.agency_router,
    senders.admin_router,
    senders.public_router,
    scams.public_router,
    scams.citizen_router,
    scams.support_router,
    scams.admin_router,
]
