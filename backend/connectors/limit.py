"""At most so many calls in flight to one agency, the rest waiting their turn in arrival order.

``asyncio.Semaphore`` (Python 3.11) looks through all its waiters on every acquire: with hundreds of
citizens' calls waiting for one agency in a burst, that is quadratic. Here a call takes a free place,
or waits on a future of its own that a leaving call hands its place to.
"""

from __future__ import annotations

import asyncio
from collections import deque
from types import TracebackType


class Limit:
    def __init__(self, size: int) -> None:
        self._free = size
        self._waiting: deque[asyncio.Future[None]] = deque()
        """Never holds a live waiter while a place is free (a leaving call hands its place on)."""

    async def __aenter__(self) -> None:
        if self._free > 0:
            self._free -= 1
            return
        turn = asyncio.get_running_loop().create_future()
        self._waiting.append(turn)
        try:
            await turn
        except asyncio.CancelledError:
            if not turn.cancelled():  # handed a place, then cancelled before taking it: hand it on
                self._leave()
            raise  # a cancelled turn left in the queue is passed over

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._leave()

    def _leave(self) -> None:
        while self._waiting:
            turn = self._waiting.popleft()
            if not turn.done():
                turn.set_result(None)
                return
        self._free += 1
