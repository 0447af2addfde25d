"""Ports for the servers tests and scripts start: a server is told its port before it binds it, so the
port must stay free in between."""

from __future__ import annotations

import random
import socket
from pathlib import Path

_handed_out: set[int] = set()


def _below_ephemeral_range() -> range:
    """Linux gives outgoing connections (and ``bind(0)``) ports from ``ip_local_port_range``; a port below
    it is not taken by one of them in the seconds between the pick and the server's bind."""
    try:
        low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        low = 32768
    return range(max(1024, low - 12000), low)


def in_use(port: int, *, time_wait_counts: bool = True) -> bool:
    """Whether ``port`` on loopback cannot be bound: something listens on it (or, unless
    ``time_wait_counts`` is False, a closed connection of it still waits out TIME_WAIT)."""
    with socket.socket() as probe:
        if not time_wait_counts:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def free_port() -> int:
    """A port nothing listens on, never the same one twice in a process: two servers told the same port
    would both start (granian binds with SO_REUSEPORT) and share connections between them."""
    candidates = _below_ephemeral_range()
    for _ in range(1000):
        port = random.choice(candidates)
        if port in _handed_out or in_use(port):
            continue
        _handed_out.add(port)
        return port
    raise RuntimeError(f"no free port in {candidates}")
