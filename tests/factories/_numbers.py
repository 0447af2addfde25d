"""One counter for every factory, so that codes, names and references never collide within a run."""

from __future__ import annotations

import itertools

_sequence = itertools.count(1)


def next_number() -> int:
    return next(_sequence)
