"""The backlog forecast on constructed demand histories."""

import pytest

from sala.forecast import (
    backlog_forecast,
    passes_in_days,
    weekly_trend,
)

# One meeting point: 4 slots a day, 4 consultation days a week.
PER_POINT = 16


@pytest.mark.parametrize(
    ("weeks", "expected"),
    [
        ([], (0.0, 0.0)),
        ([7], (7.0, 0.0)),
        ([10, 30], (30.0, 20.0)),
        ([16, 20, 24, 28], (28.0, 4.0)),
        ([40, 30, 20, 10], (10.0, -10.0)),
    ],
)
def test_the_trend_is_the_least_squares_line_at_the_latest_week(weeks, expected):
    assert weekly_trend(weeks) == pytest.approx(expected)


def test_steady_demand_matching_capacity_never_passes():
    forecast = backlog_forecast(
        backlog_days=10,
        weekly_requests=[16, 16, 16, 16],
        weekly_capacity_per_point=PER_POINT,
        meeting_points=1,
    )

    assert forecast.passes_in_days is None
    assert forecast.warn is False
    assert forecast.meeting_points_needed == 1


def test_steady_double_demand_adds_a_day_of_wait_each_day():
    # 32 requests a week on 16 slots: +2 days of agenda, −1 day of time.
    assert (
        passes_in_days(
            backlog_days=10, weekly_requests=[32] * 4, weekly_capacity=PER_POINT
        )
        == 21
    )
    forecast = backlog_forecast(
        backlog_days=20,
        weekly_requests=[32] * 4,
        weekly_capacity_per_point=PER_POINT,
        meeting_points=1,
    )
    assert forecast.passes_in_days == 11
    assert forecast.warn is True
    assert forecast.meeting_points_needed == 2


def test_rising_demand_passes_in_the_third_week():
    # Trend 28 + 4/week: weeks ahead ask 32, 36, 40 → +1, +1.25, +1.5 a day.
    # 10 → 17 (day 7) → 25.75 (day 14) → 30.25 on day 17.
    forecast = backlog_forecast(
        backlog_days=10,
        weekly_requests=[16, 20, 24, 28],
        weekly_capacity_per_point=PER_POINT,
        meeting_points=1,
    )

    assert forecast.passes_in_days == 17
    assert forecast.warn is False
    # Two points fall behind once demand reaches 44 a week; three hold.
    assert forecast.meeting_points_needed == 3


def test_falling_demand_never_passes():
    forecast = backlog_forecast(
        backlog_days=25,
        weekly_requests=[40, 30, 20, 10],
        weekly_capacity_per_point=PER_POINT,
        meeting_points=1,
    )

    assert forecast.passes_in_days is None
    assert forecast.meeting_points_needed == 1


def test_a_line_already_past_the_limit_passes_today():
    forecast = backlog_forecast(
        backlog_days=31,
        weekly_requests=[0, 0, 0, 0],
        weekly_capacity_per_point=PER_POINT,
        meeting_points=1,
    )

    assert forecast.passes_in_days == 0
    assert forecast.warn is True
    assert forecast.meeting_points_needed is None


def test_without_capacity_nothing_is_forecast():
    assert (
        passes_in_days(backlog_days=0, weekly_requests=[10], weekly_capacity=0) is None
    )


def test_demand_beyond_any_number_of_points_gives_no_number():
    forecast = backlog_forecast(
        backlog_days=29,
        weekly_requests=[1000] * 4,
        weekly_capacity_per_point=PER_POINT,
        meeting_points=1,
    )

    assert forecast.passes_in_days == 1
    assert forecast.meeting_points_needed is None
