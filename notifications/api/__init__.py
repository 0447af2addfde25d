"""The notifications feature's routes, one guarded router per audience."""

from litestar import Router

from notifications import tasks as _tasks  # noqa: F401  (registers the login hook that gives held messages)
from notifications.api import admin, agency, citizen, public, support

ROUTERS: list[Router] = [
    public.router,
    citizen.router,
    agency.router,
    agency.senders,
    support.router,
    admin.router,
]
