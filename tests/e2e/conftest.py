"""Browser and run-command tests start a whole app of their own (up to 90 s until it is ready, on a
shared machine) before their first step, and pytest-timeout counts that set-up: they get longer than
the suite's default 120 s. A failed browser test's report carries the end of its app's own log, which
is where a step that never finished usually says why."""

from __future__ import annotations

from collections.abc import Generator

import pytest

E2E_TIMEOUT_SECONDS = 300


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in item.nodeid and item.get_closest_marker("timeout") is None:
            item.add_marker(pytest.mark.timeout(E2E_TIMEOUT_SECONDS))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    demo_app = getattr(item, "funcargs", {}).get("demo_app")
    if report.failed and demo_app is not None and demo_app.log.exists():
        report.sections.append(
            ("demo app log (last 200 lines)", "\n".join(demo_app.log.read_text().splitlines()[-200:]))
        )
    return report
