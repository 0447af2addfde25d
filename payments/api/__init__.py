"""The payments feature's HTTP surface: one module per kind of caller, each router guarded."""

from __future__ import annotations

from litestar import Router

from payments.api import admin, agency, citizen, public, support

ROUTERS: list[Router] = [
    agency.from_the_body,
    agency.of_the_path,
    citizen.router,
    citizen.receipt_pages,
    public.router,
    admin.router,
    support.router,
]
