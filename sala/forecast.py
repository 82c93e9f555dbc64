"""Backlog forecast: when will a line's first free slot pass 30 days?

The agenda of a line is a horizon ``H``: its first free slot lies ``H``
days ahead. Each calendar day the horizon shortens by one (a day goes by)
and lengthens by the day's requests over the day's capacity (slots of its
meeting points), both spread over the seven days of the week. Requests
follow the straight line fitted to the last weeks' counts (least squares,
never below zero) for as many weeks ahead as were measured, then stay at
that level: a trend is not extrapolated for months. Pure functions: no
database, no clock.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

# Guideline §3: beyond 30 days a request goes to the regional CRIC.
LIMIT_DAYS = 30
# Warn this many days before the limit is expected to be passed.
WARNING_DAYS = 14
# How far ahead the forecast looks.
HORIZON_DAYS = 120
# No line is advised more meeting points than this.
MAX_MEETING_POINTS = 20


@dataclass(frozen=True)
class Forecast:
    # Days from today to the first day the horizon passes the limit: 0 when
    # it is already past it, None when not within ``HORIZON_DAYS``.
    passes_in_days: int | None
    # Meeting points that keep the horizon within the limit over the whole
    # forecast; None when the limit is already passed (the backlog flag
    # recommends then) or more than ``MAX_MEETING_POINTS`` would be needed.
    meeting_points_needed: int | None

    @property
    def warn(self) -> bool:
        return self.passes_in_days is not None and (self.passes_in_days <= WARNING_DAYS)


def weekly_trend(weekly_requests: Sequence[int]) -> tuple[float, float]:
    """Return (level, slope) of the least-squares line through the weeks.

    ``level`` is the fitted value of the latest week, ``slope`` the change
    per week. One week gives a flat line; none gives zero demand.
    """
    n = len(weekly_requests)
    if n == 0:
        return 0.0, 0.0
    if n == 1:
        return float(weekly_requests[0]), 0.0
    xs = range(n)
    mean_x = (n - 1) / 2
    mean_y = sum(weekly_requests) / n
    slope = sum(
        (x - mean_x) * (y - mean_y) for x, y in zip(xs, weekly_requests, strict=True)
    ) / sum((x - mean_x) ** 2 for x in xs)
    return mean_y + slope * (n - 1 - mean_x), slope


def passes_in_days(
    *,
    backlog_days: float,
    weekly_requests: Sequence[int],
    weekly_capacity: float,
    limit_days: int = LIMIT_DAYS,
    horizon_days: int = HORIZON_DAYS,
) -> int | None:
    """Return in how many days the first free slot passes ``limit_days``.

    0 when it already has; None when it does not within ``horizon_days``
    or nothing can be said (no capacity at all: there is no agenda to
    forecast, the missing meeting point is its own alert).
    """
    if backlog_days > limit_days:
        return 0
    if weekly_capacity <= 0:
        return None
    level, slope = weekly_trend(weekly_requests)
    horizon = float(backlog_days)
    for day in range(1, horizon_days + 1):
        # The week the day falls in, counted from the latest measured one.
        weeks_ahead = min(math.ceil(day / 7), len(weekly_requests))
        weekly = max(level + slope * weeks_ahead, 0.0)
        horizon = max(horizon - 1 + weekly / weekly_capacity, 0.0)
        if horizon > limit_days:
            return day
    return None


def backlog_forecast(
    *,
    backlog_days: float,
    weekly_requests: Sequence[int],
    weekly_capacity_per_point: float,
    meeting_points: int,
) -> Forecast:
    """Return when the line passes 30 days and how many points prevent it."""
    passes = passes_in_days(
        backlog_days=backlog_days,
        weekly_requests=weekly_requests,
        weekly_capacity=weekly_capacity_per_point * meeting_points,
    )
    needed: int | None = meeting_points if passes is None else None
    if passes and weekly_capacity_per_point > 0:
        needed = None
        for points in range(max(meeting_points, 1), MAX_MEETING_POINTS + 1):
            if (
                passes_in_days(
                    backlog_days=backlog_days,
                    weekly_requests=weekly_requests,
                    weekly_capacity=weekly_capacity_per_point * points,
                )
                is None
            ):
                needed = points
                break
    return Forecast(passes_in_days=passes, meeting_points_needed=needed)
