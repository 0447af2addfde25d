"""The httpx client for the identity provider the operator configured (and the demo's own parts).
Every call made on someone's behalf, to a URL an agency or a citizen chose, goes through the vetted
client in ``backend.core.outbound`` instead.

Every call gets a connect timeout and a total deadline from settings; connection pools are shared
so that a slow agency cannot exhaust sockets for everyone else.
"""

from __future__ import annotations

import httpx


def create_http_client(*, connect_timeout: float, total_timeout: float) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        timeout=httpx.Timeout(total_timeout, connect=connect_timeout),
        # Few idle connections are kept: httpcore's pool does work per kept connection on every request.
        limits=httpx.Limits(max_connections=1000, max_keepalive_connections=20, keepalive_expiry=30),
        follow_redirects=False,
        headers={"User-Agent": "citizen-super-app/0.1"},
    )
