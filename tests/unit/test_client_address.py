from __future__ import annotations

import ipaddress
from typing import Any

from litestar import Request

from backend.core.ratelimit import address_key, client_address

PROXIES = [ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("172.16.0.0/12")]


def _request(peer: str, forwarded: str | None = None) -> Request[Any, Any, Any]:
    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded else []
    scope: Any = {"type": "http", "method": "GET", "path": "/", "headers": headers, "client": (peer, 1234)}
    return Request(scope)


def test_a_direct_caller_is_its_own_address_whatever_it_claims() -> None:
    assert client_address(_request("203.0.113.9", "1.2.3.4"), PROXIES) == "203.0.113.9"


def test_behind_trusted_proxies_the_first_untrusted_hop_from_the_right_is_the_client() -> None:
    assert client_address(_request("10.0.0.2", "203.0.113.9"), PROXIES) == "203.0.113.9"
    # Two proxies; the client tried to forge a hop on the left.
    assert client_address(_request("10.0.0.2", "6.6.6.6, 203.0.113.9, 172.16.0.5"), PROXIES) == "203.0.113.9"


def test_without_trusted_proxies_forwarded_headers_are_ignored() -> None:
    assert client_address(_request("10.0.0.2", "203.0.113.9"), []) == "10.0.0.2"


def test_a_per_address_limit_counts_an_ipv6_network_once() -> None:
    """A phone or a home holds a whole /64: counted address by address, its limit would be no limit."""
    assert address_key("2001:db8:1:2:aaaa::1") == address_key("2001:db8:1:2:bbbb::9") == "2001:db8:1:2::/64"
    assert address_key("2001:db8:1:3::1") != address_key("2001:db8:1:2::1")
    assert address_key("203.0.113.9") == "203.0.113.9"
    assert address_key("::ffff:203.0.113.9") == "203.0.113.9"  # IPv4 as an IPv6 socket shows it
    assert address_key("unknown") == "unknown"
