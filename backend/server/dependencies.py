"""Litestar resolves a handler's dependencies of one level concurrently, in an anyio task group, as soon
as there are two: a task group, cancel scope and task per dependency on every request, about a tenth
of a cached page's CPU. Every provider here (``backend.server.app``) is a plain function that reads
the app's state or the request, which waits for nothing, so they are resolved one after the other."""

from __future__ import annotations

from typing import Any

from litestar._kwargs.cleanup import DependencyCleanupGroup
from litestar._kwargs.dependencies import resolve_dependency
from litestar._kwargs.kwargs_model import KwargsModel
from litestar.connection import ASGIConnection


async def _resolve_in_order(
    self: KwargsModel, connection: ASGIConnection[Any, Any, Any, Any], kwargs: dict[str, Any]
) -> DependencyCleanupGroup:
    cleanup_group = DependencyCleanupGroup()
    for batch in self.dependency_batches:
        for dependency in batch:
            await resolve_dependency(dependency, connection, kwargs, cleanup_group)
    return cleanup_group


def resolve_dependencies_in_order() -> None:
    """Call once, before the app is made. The dependencies' own order within a level does not matter:
    each depends only on those of the levels before it."""
    KwargsModel.resolve_dependencies = _resolve_in_order  # type: ignore[method-assign]
