"""The figures ``make rush`` prints: percentiles, and how far from arrival order a line was served."""

from __future__ import annotations

import itertools
import random

import pytest

from backend.core.crypto import is_valid_national_id
from scripts.rush_phone import national_id, order_deviation, percentile


def test_percentile_is_the_nearest_rank() -> None:
    values = [float(value) for value in range(1, 101)]
    random.Random(1).shuffle(values)
    assert percentile(values, 0.99) == 99.0
    assert percentile(values, 0.5) == 50.0
    assert percentile(values, 1.0) == 100.0
    assert percentile([7.0], 0.99) == 7.0
    assert percentile([], 0.99) == 0.0


def test_a_line_served_in_arrival_order_deviates_nowhere() -> None:
    deviation = order_deviation([3.0, 1.0, 2.0], [30.0, 10.0, 20.0])
    assert deviation.count == 3
    assert (deviation.max_places, deviation.p99_places, deviation.inverted_pairs) == (0, 0, 0)


def test_a_line_served_backwards_inverts_every_pair() -> None:
    deviation = order_deviation([1.0, 2.0, 3.0, 4.0], [4.0, 3.0, 2.0, 1.0])
    assert deviation.inverted_pairs == 1.0
    assert deviation.max_places == 3


def test_one_phone_served_late_moves_only_itself_far() -> None:
    arrived = [float(number) for number in range(10)]
    served = [100.0, *arrived[1:]]  # the first to arrive is served last
    deviation = order_deviation(arrived, served)
    assert deviation.max_places == 9
    assert deviation.inverted_pairs == pytest.approx(9 / 45)


def test_inverted_pairs_match_counting_every_pair() -> None:
    rng = random.Random(7)
    arrived = [rng.random() for _ in range(60)]
    served = [rng.random() for _ in range(60)]
    pairs = list(itertools.combinations(range(60), 2))
    inverted = sum(1 for a, b in pairs if (arrived[a] - arrived[b]) * (served[a] - served[b]) < 0)
    assert order_deviation(arrived, served).inverted_pairs == pytest.approx(inverted / len(pairs))


def test_each_seed_is_a_distinct_valid_national_id() -> None:
    ids = {national_id(seed) for seed in range(1, 3001)}
    assert len(ids) == 3000
    assert all(is_valid_national_id(value) for value in ids)
