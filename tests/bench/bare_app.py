"""The benchmark's baseline: a bare Litestar app returning a stored JSON payload (BENCH_PAYLOAD_FILE),
served by granian exactly as the real app is, so that the ratio compares our request path, not servers."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import msgspec
from litestar import Litestar, get


def create_bare_app() -> Litestar:
    payload = msgspec.json.decode(Path(os.environ["BENCH_PAYLOAD_FILE"]).read_bytes())

    @get("/same-size")
    async def same_size() -> Any:
        return payload

    return Litestar(route_handlers=[same_size], logging_config=None)
