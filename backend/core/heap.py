"""The garbage collector of a serving process, tuned for a heap that is mostly built at start-up.

What start-up builds (modules, routes, schemas, pools) lives as long as the process; unfrozen, every
full collection walked it again. A burst of requests (an uncached entitlements page has eight agency
calls in flight, each with its tasks, timers and buffers) then set off collection after collection:
40% of such a page's CPU. Frozen, and collected less often: about a tenth of it. Cycles still get
collected, only in larger batches (a few MB of garbage at most).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

_THRESHOLDS = (50_000, 20, 20)
"""Objects allocated (net) before a young collection, then young collections per middle one and middle
ones per full one; Python's defaults are (700, 10, 10)."""


@contextmanager
def long_lived_heap() -> Iterator[None]:
    """Freeze what exists now and collect less often; as before on leaving (tests start many apps)."""
    before = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(*_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()
