"""The outbound rule, held by the source itself: no HTTP client is opened outside the few places that
may open one, so a new feature cannot call an agency or a push service around the vetted client."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OPENS_A_CLIENT = re.compile(
    r"aiohttp\.ClientSession\(|httpx\.(?:Async)?Client\(|\bwebpush(?:_async)?\(|urlopen\(|requests\.\w+\("
)
# Why each may open a client of its own.
ALLOWED = {
    "backend/core/outbound.py": "the vetted client itself",
    "backend/core/http.py": "the identity provider the operator configured, never a URL anyone else chose",
    "backend/server/app.py": "demo mode: the demo provider and bank, reached in-process (ASGI transport)",
    "backend/server/launcher.py": "waits for this app's own /readyz on loopback",
}


def test_no_module_opens_an_http_client_around_the_vetted_one() -> None:
    offenders = []
    for folder in ("backend", "notifications", "payments"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if relative in ALLOWED:
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if OPENS_A_CLIENT.search(line) and not line.lstrip().startswith("#"):
                    offenders.append(f"{relative}:{number}: {line.strip()}")
    assert offenders == [], "use backend.core.outbound.OutboundClient (docs/security.md)"
