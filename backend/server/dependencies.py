"""Two of Litestar's per-request steps made cheaper, for every route (call ``resolve_dependencies_in_order``
once, before the app is made).

Litestar resolves a handler's dependencies of one level concurrently, in an anyio task group, as soon
as there are two: a task group, cancel scope and task per dependency on every request, about a tenth
of a cached page's CPU. Every provider here (``backend.server.app``) is a plain function that reads
the app's state or the request, which waits for nothing, so they are resolved one after the other.

A provider that only reads the app's state, the request or other dependencies (all of ours) is called
with them as they are: Litestar would first copy the state into a new ``State`` and check each argument
against the provider's signature, on every request (a tenth of a cached page again); anything else
(a generator, a cached or a threaded provider) goes through Litestar as before.

Litestar also hands each guard a shallow ``copy`` of the route handler, made anew for every guard of
every request (a twentieth of a cached page); our guards (``backend.core.guards``) never look at it,
let alone change it, so they are given the handler itself."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from litestar._kwargs.cleanup import DependencyCleanupGroup
from litestar._kwargs.dependencies import DependencyContainer, resolve_dependency
from litestar._kwargs.kwargs_model import KwargsModel
from litestar.connection import ASGIConnection
from litestar.di import Provide
from litestar.handlers.base import BaseRouteHandler

Connection = ASGIConnection[Any, Any, Any, Any]
_DIRECT: dict[int, tuple[Provide, Callable[[Connection, dict[str, Any]], Any] | None]] = {}
"""Per provider (by id, the provider kept so that its id is never reused), how to call it directly, or
None."""


def _direct(dependency: DependencyContainer) -> Callable[[Connection, dict[str, Any]], Any] | None:
    provide = dependency.provide
    if (
        not provide.has_sync_callable
        or provide.use_cache
        or provide.has_sync_generator_dependency
        or provide.has_async_generator_dependency
    ):
        return None
    names = tuple(provide.signature_model._fields)
    if not set(names) <= {"state", "request"} | {inner.key for inner in dependency.dependencies}:
        return None  # it reads a parameter, which Litestar must parse first
    function = provide.dependency

    def call(connection: Connection, kwargs: dict[str, Any]) -> Any:
        arguments = {
            name: connection.app.state
            if name == "state"
            else connection
            if name == "request"
            else kwargs[name]
            for name in names
        }
        return function(**arguments)

    return call


async def _resolve_in_order(
    self: KwargsModel, connection: Connection, kwargs: dict[str, Any]
) -> DependencyCleanupGroup:
    cleanup_group = DependencyCleanupGroup()
    for batch in self.dependency_batches:
        for dependency in batch:
            known = _DIRECT.get(id(dependency.provide))
            if known is None:
                known = _DIRECT[id(dependency.provide)] = (dependency.provide, _direct(dependency))
            direct = known[1]
            if direct is not None:
                kwargs[dependency.key] = direct(connection, kwargs)
            else:
                await resolve_dependency(dependency, connection, kwargs, cleanup_group)
    return cleanup_group


async def _authorize_without_copies(
    self: BaseRouteHandler, connection: ASGIConnection[Any, Any, Any, Any]
) -> None:
    for guard in self.resolve_guards():
        await guard(connection, self)  # type: ignore[misc]  # as Litestar's own: ours are async


def resolve_dependencies_in_order() -> None:
    """Call once, before the app is made. The dependencies' own order within a level does not matter:
    each depends only on those of the levels before it."""
    KwargsModel.resolve_dependencies = _resolve_in_order  # type: ignore[method-assign]
    BaseRouteHandler.authorize_connection = _authorize_without_copies  # type: ignore[method-assign]
