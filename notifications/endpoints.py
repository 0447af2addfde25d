"""Which push endpoints a device may be registered with, and so which URLs the delivery worker posts to.

A push endpoint is a URL the citizen's browser hands us; each push is a request the platform makes to
it. Only the real push services are allowed (``PUSH_SERVICE_HOSTS``: https on the default port, no
user info, no address literal), and, with ``ALLOW_LOOPBACK_PUSH`` (demo mode and tests), the local
push service on loopback. The same rule runs at registration, so a citizen is told at once, and again
before every push, so a device registered under an older, wider list is never posted to.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from backend.core.outbound import literal_address
from backend.settings import Settings

_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
_MAX_ENDPOINT_CHARS = 2048


def endpoint_problem(endpoint: str, settings: Settings) -> str | None:
    """Why a push may not be sent to ``endpoint`` (plain English, for the API and support), or None."""
    parsed = _parsed(endpoint)
    if parsed is None:
        return "is not a push service URL"
    scheme, host, port = parsed
    # Demo mode and tests: the local push service, over plain HTTP or (``make scale``'s) HTTPS.
    if settings.allow_loopback_push and scheme in ("http", "https") and host in _LOOPBACK_HOSTS:
        return None
    if scheme != "https" or port not in (None, 443) or literal_address(host) is not None:
        return "must be an https:// URL of a known push service"
    if not any(_matches(host, pattern) for pattern in settings.push_service_host_patterns):
        return "is not a push service this platform sends to"
    return None


def _parsed(endpoint: str) -> tuple[str, str, int | None] | None:
    """(scheme, host, port) of a URL with nothing odd in it: no user info, fragment, spaces,
    control characters or backslashes (which parsers and signers disagree about)."""
    if len(endpoint) > _MAX_ENDPOINT_CHARS or any(ord(c) < 0x21 or c in "\\\x7f" for c in endpoint):
        return None
    try:
        parts = urlsplit(endpoint)
        host, port = (parts.hostname or "").lower(), parts.port
    except ValueError:
        return None
    if parts.username is not None or parts.password is not None or not host or parts.fragment:
        return None
    return parts.scheme, host, port


def _matches(host: str, pattern: str) -> bool:
    if pattern.startswith("*."):
        return host.endswith(pattern[1:]) and len(host) > len(pattern) - 1
    return host == pattern
