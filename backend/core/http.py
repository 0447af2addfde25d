"""The one outbound HTTP client (agencies, identity provider, push services, banks).

Every call gets a connect timeout and a total deadline from settings; connection pools are shared
so that a slow agency cannot exhaust sockets for everyone else.
"""

from __future__ import annotations

import httpx


def create_http_client(*, connect_timeout: float, total_timeout: float) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        timeout=httpx.Timeout(total_timeout, connect=connect_timeout),
        limits=httpx.Limits(max_connections=200, max_keepalive_connections=50, keepalive_expiry=30),
        follow_redirects=False,
        headers={"User-Agent": "citizen-super-app/0.1"},
    )
