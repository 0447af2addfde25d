"""Fixtures for the browser tests: ``citizen run`` in demo mode, one per test module, and headless
Chromium per test: ``browser_context`` (a large phone allowed notifications), ``phone`` or ``phones``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
import pytest_asyncio
from playwright.async_api import BrowserContext, async_playwright

from tests.helpers.ports import free_port
from tests.helpers.pwa import CHROMIUM, FLAGS, PHONE, DemoApp, Phones
from tests.helpers.run_command import RunCommand


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


@asynccontextmanager
async def chromium_context(**options: Any) -> AsyncIterator[BrowserContext]:
    """Debian's Chromium with one context (Playwright's ``new_context`` options), closed afterwards."""
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            yield await browser.new_context(**options)
        finally:
            await browser.close()


@pytest_asyncio.fixture
async def browser_context() -> AsyncIterator[BrowserContext]:
    async with chromium_context(
        viewport={"width": 390, "height": 844},
        locale="th-TH",
        permissions=["notifications"],
        bypass_csp=True,  # only so that the test can inject axe-core; the app itself runs under its CSP
    ) as context:
        yield context


@pytest_asyncio.fixture
async def phones() -> AsyncIterator[Phones]:
    """Phones made on demand, for a test with several people at once: ``await phones(**options)`` is a
    360 px phone in Thai with Playwright's ``new_context`` options over those; all closed at teardown."""
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)

        async def phone(**options: Any) -> BrowserContext:
            made: dict[str, Any] = {
                "viewport": PHONE,
                "locale": "th-TH",
                "bypass_csp": True,  # only so that shot() can inject axe-core
            }
            return await browser.new_context(**(made | options))

        try:
            yield phone
        finally:
            await browser.close()


@pytest_asyncio.fixture
async def phone(request: pytest.FixtureRequest, phones: Phones) -> BrowserContext:
    """A 360 px phone in Thai. A module or test asks for more with ``pytest.mark.phone(**options)``
    (``permissions=[...]``, ``accept_downloads=True``, another ``viewport``)."""
    marker = request.node.get_closest_marker("phone")
    return await phones(**(marker.kwargs if marker else {}))
