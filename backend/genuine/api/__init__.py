"""The genuine-messages feature's routes, one guarded router per audience."""

from litestar import Router

from backend.genuine.api import agency

ROUTERS: list[Router] = [agency.router]
