"""Browser and run-command tests start a whole app of their own (up to 90 s until it is ready, on a
shared machine) before their first step, and pytest-timeout counts that set-up: they get longer than
the suite's default 120 s."""

from __future__ import annotations

import pytest

E2E_TIMEOUT_SECONDS = 300


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in item.nodeid and item.get_closest_marker("timeout") is None:
            item.add_marker(pytest.mark.timeout(E2E_TIMEOUT_SECONDS))
