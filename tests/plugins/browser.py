"""Fixtures for the browser tests: ``citizen run`` in demo mode, one per test module, and a headless
Chromium context per test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio
from playwright.async_api import BrowserContext, async_playwright

from tests.helpers.pwa import CHROMIUM, FLAGS, DemoApp
from tests.helpers.run_command import RunCommand, free_port


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoApp]:
    var_dir = tmp_path_factory.mktemp("pwa") / "var"
    port, agencies_port = free_port(), free_port()
    run = RunCommand(var_dir, port, free_port(), agencies_port=agencies_port)
    run.wait_until_ready()
    try:
        yield DemoApp(f"http://127.0.0.1:{port}", f"http://127.0.0.1:{agencies_port}", run.log)
    finally:
        assert run.ctrl_c() == 0


@pytest_asyncio.fixture
async def browser_context() -> AsyncIterator[BrowserContext]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = await browser.new_context(
            viewport={"width": 390, "height": 844},
            locale="th-TH",
            permissions=["notifications"],
            bypass_csp=True,  # only so that the test can inject axe-core; the app itself runs under its CSP
        )
        try:
            yield context
        finally:
            await browser.close()
