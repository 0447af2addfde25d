"""Programmes' routes, one guarded router per audience."""

from litestar import Router

from backend.programmes.api import agency, citizen

ROUTERS: list[Router] = [citizen.router, agency.router]
