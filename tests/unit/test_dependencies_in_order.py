"""backend.server.dependencies replaces a private Litestar method: an upgrade that renames it or changes
its signature must fail here, not quietly at the first request."""

from __future__ import annotations

import inspect

from litestar._kwargs.kwargs_model import KwargsModel

from backend.server import dependencies


def test_the_replaced_method_still_has_the_shape_we_replace() -> None:
    original = inspect.signature(KwargsModel.resolve_dependencies)
    ours = inspect.signature(dependencies._resolve_in_order)
    assert list(original.parameters) == list(ours.parameters) == ["self", "connection", "kwargs"]
    assert "dependency_batches" in KwargsModel.__slots__ or hasattr(KwargsModel, "dependency_batches")
