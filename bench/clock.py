"""The bench's clock: a real working morning, ticking from ``BENCH_AT``.

The product refuses tickets outside 08:30–12:00 on open days, and the bench
must not weaken that rule: instead the server and the seeding process live
at 09:00 of the next working day (time-machine, ticking), set here from the
environment so that every process shares the same morning.
"""

import datetime
import os
from zoneinfo import ZoneInfo

import time_machine

_traveller: time_machine.travel | None = None


def next_morning(now: datetime.datetime | None = None) -> datetime.datetime:
    """Return 09:00 Rome of the next Monday–Thursday that is not a holiday."""
    import holidays

    rome = ZoneInfo("Europe/Rome")
    day = (now or datetime.datetime.now(rome)).astimezone(rome).date()
    italian = holidays.country_holidays("IT")
    while True:
        day += datetime.timedelta(days=1)
        if day.weekday() < 4 and day not in italian and (day.month, day.day) != (6, 29):
            return datetime.datetime.combine(day, datetime.time(9, 0), tzinfo=rome)


def start() -> None:
    """Move this process to ``BENCH_AT`` (ISO 8601) and let the clock tick."""
    global _traveller
    at = os.environ.get("BENCH_AT")
    if at and _traveller is None:
        _traveller = time_machine.travel(datetime.datetime.fromisoformat(at), tick=True)
        _traveller.start()
