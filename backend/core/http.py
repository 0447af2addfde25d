"""The one outbound HTTP client (agencies, identity provider, push services, banks).

Every call gets a connect timeout and a total deadline from settings; connection pools are shared
so that a slow agency cannot exhaust sockets for everyone else.
"""

from __future__ import annotations

import httpx


def create_http_client(*, connect_timeout: float, total_timeout: float) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        timeout=httpx.Timeout(total_timeout, connect=connect_timeout),
        # Entitlements fan out to every agency for each citizen (200 citizens at once are 1,600 calls),
        # so many connections may be open at once; but few are kept idle: measured here, a pool
        # keeping hundreds of idle keep-alive connections made the same burst 4-8 times slower.
        limits=httpx.Limits(max_connections=1000, max_keepalive_connections=20, keepalive_expiry=30),
        follow_redirects=False,
        headers={"User-Agent": "citizen-super-app/0.1"},
    )
