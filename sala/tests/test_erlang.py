"""Erlang C against worked values and at its edges."""

import math

import pytest

from sala.erlang import (
    MAX_COUNTERS,
    counters_needed,
    erlang_b,
    erlang_c,
    mean_wait_minutes,
)


def test_erlang_b_matches_the_worked_table_value():
    # 3 Erlangs on 4 servers: B = (3^4/4!) / sum(3^k/k!, k=0..4) = 27/131.
    assert erlang_b(counters=4, load=3.0) == pytest.approx(27 / 131)


def test_erlang_c_of_three_erlangs_on_four_counters_is_27_over_53():
    assert erlang_c(counters=4, load=3.0) == pytest.approx(27 / 53)


def test_erlang_c_agrees_with_the_closed_formula():
    def closed(c: int, a: float) -> float:
        head = sum(a**k / math.factorial(k) for k in range(c))
        tail = a**c / math.factorial(c) * c / (c - a)
        return tail / (head + tail)

    for counters, load in [(1, 0.5), (2, 1.2), (5, 3.0), (9, 7.5), (20, 17.0)]:
        assert erlang_c(counters=counters, load=load) == pytest.approx(
            closed(counters, load)
        )


def test_30_arrivals_an_hour_of_6_minutes_wait_3_minutes_on_4_counters():
    # a = 30/60 × 6 = 3 Erlangs; Wq = C·s/(c−a) = 27/53 × 6 / 1 = 162/53.
    wait = mean_wait_minutes(arrivals_per_hour=30, service_minutes=6, counters=4)

    assert wait == pytest.approx(162 / 53)


def test_30_arrivals_an_hour_of_6_minutes_need_4_counters_for_15_minutes():
    # Three counters equal the load (unstable); four give 3.06 minutes.
    assert (
        counters_needed(arrivals_per_hour=30, service_minutes=6, target_minutes=15) == 4
    )


def test_a_tighter_target_asks_for_more_counters():
    # Five counters: C = 0.2362, Wq = 0.2362 × 6 / 2 = 0.71 minutes.
    assert (
        counters_needed(arrivals_per_hour=30, service_minutes=6, target_minutes=1) == 5
    )
    assert (
        counters_needed(arrivals_per_hour=30, service_minutes=6, target_minutes=0.5)
        == 6
    )


def test_one_counter_at_80_percent_waits_32_minutes_so_two_are_needed():
    # 6 an hour × 8 minutes = 0.8 Erlangs: Wq = 0.8 × 8 / 0.2 = 32 minutes.
    assert mean_wait_minutes(
        arrivals_per_hour=6, service_minutes=8, counters=1
    ) == pytest.approx(32)
    assert (
        counters_needed(arrivals_per_hour=6, service_minutes=8, target_minutes=15) == 2
    )


def test_no_arrivals_need_no_counter_and_wait_nothing():
    assert (
        counters_needed(arrivals_per_hour=0, service_minutes=6, target_minutes=15) == 0
    )
    assert mean_wait_minutes(arrivals_per_hour=0, service_minutes=6, counters=0) == 0
    assert erlang_c(counters=3, load=0) == 0


def test_counters_not_above_the_load_wait_forever():
    assert (
        mean_wait_minutes(arrivals_per_hour=30, service_minutes=6, counters=3)
        == math.inf
    )
    assert erlang_c(counters=3, load=3.0) == 1.0


def test_load_beyond_any_hall_gives_no_number():
    # 1,000 an hour of 6 minutes = 100 Erlangs: more than MAX_COUNTERS.
    assert (
        counters_needed(arrivals_per_hour=1000, service_minutes=6, target_minutes=15)
        is None
    )


def test_the_cap_is_a_parameter():
    # 30 an hour of 6 minutes need 4; a cap of 3 cannot hold them.
    assert (
        counters_needed(
            arrivals_per_hour=30, service_minutes=6, target_minutes=15, max_counters=3
        )
        is None
    )
    assert MAX_COUNTERS == 50


@pytest.mark.parametrize(
    "kwargs",
    [
        {"arrivals_per_hour": 10, "service_minutes": 0, "target_minutes": 15},
        {"arrivals_per_hour": 10, "service_minutes": 6, "target_minutes": 0},
        {"arrivals_per_hour": -1, "service_minutes": 6, "target_minutes": 15},
    ],
)
def test_meaningless_inputs_are_refused(kwargs):
    with pytest.raises(ValueError, match="must"):
        counters_needed(**kwargs)
