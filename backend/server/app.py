"""The Litestar application factory.

``create_app()`` reads settings from the environment (granian calls it with no arguments in each
worker process); tests pass their own settings. Database and Redis URLs must already be resolved:
``citizen serve`` / ``citizen run`` start the embedded servers first when none are configured.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any, cast

import asyncpg
import httpx
from litestar import Litestar
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import NotFoundException
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.plugins import PluginProtocol
from litestar.types import ControllerRouterHandler, ExceptionHandlersMap

from backend.agencies.api.agency import router as agencies_for_agency_staff
from backend.applications.api import APPLICATION_ROUTERS
from backend.applications.context import Applications, provide_applications
from backend.applications.files import FileStore
from backend.applications.signing import DocumentSigner
from backend.catalogue.api import ROUTERS as CATALOGUE_ROUTERS
from backend.catalogue.published import Catalogue, personal_key, provide_catalogue
from backend.connectors.api import ROUTERS as CONNECTOR_ROUTERS
from backend.connectors.client import ConnectorClient
from backend.connectors.entitlements import EntitlementsService, provide_entitlements
from backend.core.admission import DoorPass, InFlightLimit
from backend.core.deadline import QueueDeadline
from backend.core.errors import EXCEPTION_HANDLERS, ConfigurationError
from backend.core.heap import long_lived_heap
from backend.core.keyrings import parse_keyring
from backend.core.logging import configure_logging
from backend.core.metrics import REQUEST_METRICS
from backend.core.migrate import upgrade
from backend.core.pipeline import RequestPipeline
from backend.core.resources import Resources, open_resources
from backend.core.responses import LeanResponse
from backend.core.shared import Shared
from backend.delegation.acting import ActingForMiddleware
from backend.delegation.api import ROUTERS as DELEGATION_ROUTERS
from backend.delegation.live import DelegationChanges, provide_delegation_changes
from backend.genuine.api import ROUTERS as GENUINE_ROUTERS
from backend.genuine.context import Genuine, provide_genuine
from backend.genuine.sealing import MessageSealer
from backend.identity.api import IDENTITY_ROUTERS
from backend.identity.auth import AuthenticationMiddleware
from backend.identity.service import (
    create_identity,
    journey_cookies,
    provide_identity,
    provide_optional_principal,
    provide_principal,
)
from backend.programmes.api import ROUTERS as PROGRAMME_ROUTERS
from backend.server import health
from backend.server.dependencies import resolve_dependencies_in_order
from backend.server.public import public_router
from backend.server.pwa_shell import page_not_found_handler
from backend.server.tasks import TASKS, wire_features
from backend.settings import Settings, load_settings
from notifications.api import ROUTERS as NOTIFICATION_ROUTERS
from notifications.live import CampaignMoves, provide_campaign_moves
from notifications.seals import forget_pool, seal_messages_with
from payments.api import ROUTERS as PAYMENT_ROUTERS
from payments.live import PaymentStates, provide_payment_states

MAX_REQUEST_BODY_BYTES = 1024 * 1024


def provide_resources(state: State) -> Resources:
    return cast(Resources, state.resources)


async def prepare_database(settings: Settings) -> None:
    """Migrate, then seed demo data when in demo mode. Safe to run from several replicas at once."""
    assert settings.database_url
    await upgrade(settings.database_url)
    if settings.demo_mode:
        from backend.demo.seed import seed_demo_data  # demo mode only: not in the production wheel

        connection = await asyncpg.connect(settings.database_url)
        try:
            await seed_demo_data(connection, settings)
        finally:
            await connection.close()


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or load_settings()
    if not settings.database_url or not settings.redis_url:
        raise ConfigurationError("DATABASE_URL and REDIS_URL must be resolved before the app starts")
    configure_logging(settings.log_level, json_lines=settings.log_json)
    wire_features(settings)
    resolve_dependencies_in_order()

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        if settings.migrate_on_start:
            await prepare_database(settings)
        async with open_resources(settings, TASKS, serving=True) as resources, AsyncExitStack() as stack:
            app.state.resources = resources
            oidc_http = resources.http
            if settings.demo_mode:
                # The demo provider and demo bank live in this app: they reach it in-process rather
                # than over the network.
                app.state.self_http = await stack.enter_async_context(
                    httpx.AsyncClient(transport=httpx.ASGITransport(app=cast(Any, app)), timeout=10)
                )
            if settings.uses_demo_identity_provider:
                oidc_http = app.state.self_http
            app.state.shared = shared = Shared(resources.redis)
            shared.start()
            stack.push_async_callback(shared.stop)
            app.state.identity = create_identity(settings, resources, shared, oidc_http=oidc_http)
            app.state.catalogue = Catalogue(resources.pool, resources.redis, shared)
            connectors = ConnectorClient(
                resources.redis,
                resources.outbound,
                per_agency_concurrency=settings.connector_concurrency_per_agency,
            )
            app.state.entitlements = EntitlementsService(
                resources.pool,
                resources.queue,
                connectors,
                app.state.identity.cipher,
                shared,
                deadline_seconds=settings.entitlements_deadline_ms / 1000,
                refresh_cooldown_seconds=settings.entitlements_refresh_cooldown_seconds,
                max_fanouts=settings.entitlements_fanouts_per_process,
            )
            stack.push_async_callback(app.state.entitlements.settle)
            app.state.identity.prefetch["/api/v1/entitlements"] = app.state.entitlements.prefetch_keys
            app.state.identity.prefetch["/api/v1/tiles"] = lambda citizen_id: [personal_key(citizen_id)]
            assert settings.database_url  # create_app refuses to start without it
            app.state.payment_states = await stack.enter_async_context(PaymentStates(settings.database_url))
            app.state.campaign_moves = await stack.enter_async_context(CampaignMoves(settings.database_url))
            app.state.delegation_changes = await stack.enter_async_context(
                DelegationChanges(settings.database_url)
            )
            app.state.applications = Applications(
                resources.pool,
                resources.queue,
                FileStore(settings.files_path),
                DocumentSigner(parse_keyring(settings.document_signing_keys)),
                app.state.identity.cipher,
                settings.public_url,
            )
            sealer = MessageSealer(app.state.applications.signer)
            app.state.genuine = Genuine(resources.pool, resources.queue, sealer, settings.public_url)
            seal_messages_with(sealer, pool=resources.pool)  # this app's messages, with this app's keys
            stack.callback(forget_pool, resources.pool)
            stack.enter_context(long_lived_heap())  # last: what start-up built, frozen
            yield

    handlers: list[ControllerRouterHandler] = [
        health.router,
        public_router(settings),
        *IDENTITY_ROUTERS,
        *CATALOGUE_ROUTERS,
        *CONNECTOR_ROUTERS,
        *PAYMENT_ROUTERS,
        *NOTIFICATION_ROUTERS,
        *APPLICATION_ROUTERS,
        *GENUINE_ROUTERS,
        *DELEGATION_ROUTERS,
        *PROGRAMME_ROUTERS,
        agencies_for_agency_staff,
    ]
    plugins: list[PluginProtocol] = []
    if settings.demo_mode:
        from backend.demo.plugin import DemoPlugin  # demo mode only: not in the production wheel

        plugins.append(DemoPlugin(settings))
    pwa_dir = Path(settings.pwa_dir)
    exception_handlers: ExceptionHandlersMap = EXCEPTION_HANDLERS
    if (pwa_dir / "index.html").exists():
        exception_handlers = {**EXCEPTION_HANDLERS, NotFoundException: page_not_found_handler(pwa_dir)}

    app = Litestar(
        route_handlers=handlers,
        dependencies={
            "resources": Provide(provide_resources, sync_to_thread=False),
            "identity": Provide(provide_identity, sync_to_thread=False),
            "optional_principal": Provide(provide_optional_principal, sync_to_thread=False),
            "principal": Provide(provide_principal, sync_to_thread=False),
            "catalogue": Provide(provide_catalogue, sync_to_thread=False),
            "entitlements": Provide(provide_entitlements, sync_to_thread=False),
            "applications": Provide(provide_applications, sync_to_thread=False),
            "payment_states": Provide(provide_payment_states, sync_to_thread=False),
            "campaign_moves": Provide(provide_campaign_moves, sync_to_thread=False),
            "delegation_changes": Provide(provide_delegation_changes, sync_to_thread=False),
            "genuine": Provide(provide_genuine, sync_to_thread=False),
        },
        lifespan=[lifespan],
        plugins=plugins,
        exception_handlers=exception_handlers,
        # Acting for someone (backend/delegation/acting.py) reads the principal authentication found.
        middleware=[AuthenticationMiddleware(), ActingForMiddleware()],
        openapi_config=OpenAPIConfig(
            title="Citizen super app API",
            version="0.1.0",
            path="/schema",
            render_plugins=[JsonRenderPlugin(path=["/", "/openapi.json"])],
        ),
        request_max_body_size=MAX_REQUEST_BODY_BYTES,
        response_class=LeanResponse,
        logging_config=None,
        debug=False,
    )
    # Request ids, security headers, the queue deadline, the in-flight limit and request metrics, in one
    # layer around the app's whole ASGI handler (404s and 405s too): backend/core/pipeline.py.
    app.asgi_handler = RequestPipeline(
        app.asgi_handler,
        https=settings.uses_https,
        deadline=QueueDeadline(
            deadline_seconds=settings.request_queue_deadline_seconds,
            trusted_proxies=settings.trusted_proxy_networks,
        ),
        admission=InFlightLimit(
            limit=settings.requests_in_flight_per_process,
            wait_seconds=settings.requests_in_flight_wait_seconds,
            journey_cookies=journey_cookies(settings),
            door_pass=DoorPass(settings.secret_key),  # as create_identity marks the tokens it hands out
        ),
        metrics=REQUEST_METRICS,
    )
    return app
