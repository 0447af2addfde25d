"""The genuine-messages feature's routes, one guarded router per audience."""

from litestar import Router

from backend.genuine.api import agency, public

ROUTERS: list[Router] = [public.router, agency.router]
