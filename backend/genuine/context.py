"""What the feature's services share: ``Genuine`` (the pool, the queue, the sealer and the public URL;
made once per process and given to handlers as the ``genuine`` dependency)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from litestar.datastructures import State

from backend.core.db import Pool
from backend.genuine.codes import grouped
from backend.genuine.sealing import MessageSealer

if TYPE_CHECKING:
    from saq.queue.base import Queue


class Genuine:
    def __init__(self, pool: Pool, queue: Queue, sealer: MessageSealer, public_url: str) -> None:
        self.pool = pool
        self.queue = queue
        self.sealer = sealer
        self.public_url = public_url

    def link(self, code: str) -> str:
        """The short link printed beside a code: the platform's own page, never an agency's."""
        return f"{self.public_url}/m/{grouped(code)}"


def provide_genuine(state: State) -> Genuine:
    genuine: Genuine = state.genuine
    return genuine
