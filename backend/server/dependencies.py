"""Two of Litestar's per-request steps made cheaper, for every route (call ``resolve_dependencies_in_order``
once, before the app is made).

Litestar resolves a handler's dependencies of one level concurrently, in an anyio task group, as soon
as there are two: a task group, cancel scope and task per dependency on every request, about a tenth
of a cached page's CPU. Every provider here (``backend.server.app``) is a plain function that reads
the app's state or the request, which waits for nothing, so they are resolved one after the other.

Litestar also hands each guard a shallow ``copy`` of the route handler, made anew for every guard of
every request (a twentieth of a cached page); our guards (``backend.core.guards``) never look at it,
let alone change it, so they are given the handler itself."""

from __future__ import annotations

from typing import Any

from litestar._kwargs.cleanup import DependencyCleanupGroup
from litestar._kwargs.dependencies import resolve_dependency
from litestar._kwargs.kwargs_model import KwargsModel
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler


async def _resolve_in_order(
    self: KwargsModel, connection: ASGIConnection[Any, Any, Any, Any], kwargs: dict[str, Any]
) -> DependencyCleanupGroup:
    cleanup_group = DependencyCleanupGroup()
    for batch in self.dependency_batches:
        for dependency in batch:
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
