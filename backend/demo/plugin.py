"""The demo's parts of the app, added by ``create_app`` in demo mode only: the demo identity provider
(unless a real one is configured), the demo bank and the demo phone, in one router with a router per
audience (anyone, the logged-in citizen). A Litestar init plugin, so the production app never imports
this package (it is left out of the production wheel)."""

from __future__ import annotations

from litestar import Router
from litestar.config.app import AppConfig
from litestar.plugins import InitPluginProtocol

from backend.core.guards import person
from backend.demo.bank import demo_bank_routes
from backend.demo.identity_provider import demo_idp_routes
from backend.demo.phone import demo_device_routes
from backend.settings import Settings


class DemoPlugin(InitPluginProtocol):
    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        settings = self._settings
        # Anyone: the demo bank's pages and the demo identity provider (who logs in is chosen there).
        public = demo_bank_routes(settings)
        if settings.uses_demo_identity_provider:
            public += demo_idp_routes(settings)
        citizen = Router("/", guards=[person], route_handlers=demo_device_routes(settings))  # their phone
        app_config.route_handlers.append(
            Router("/", route_handlers=[Router("/", route_handlers=public), citizen])
        )
        return app_config
