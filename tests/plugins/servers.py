"""Fixtures for the local stand-ins of other parties' servers: the demo agencies and a push service."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.demo_agencies import running_demo_agencies, running_push_service


@pytest.fixture(scope="module")
def agencies_url() -> Iterator[str]:
    """The demo agencies' connector server, one per test module that asks for it."""
    with running_demo_agencies() as base:
        yield base


@pytest.fixture(scope="module")
def push_service() -> Iterator[str]:
    """A real RFC 8030 push service on loopback, one per test module that asks for it."""
    with running_push_service() as base:
        yield base
