"""Opening hours of the front office (guideline, "Orario di apertura").

All rules are evaluated in Rome local time, whatever the server's zone:

- closed-cycle counters: Monday–Friday 08:30–12:30, last ticket at 12:00;
- consultation by appointment: Monday–Thursday 13:30–15:30, in every branch
  except an agenzia territoriale;
- never on Italian public holidays (``holidays`` package) nor on the
  branch's patron-saint day.
"""

import datetime
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.utils import timezone
from django.utils.translation import gettext as _

from sedi.models import Branch

ROME = ZoneInfo("Europe/Rome")

COUNTER_WEEKDAYS = frozenset(range(5))  # Monday–Friday
COUNTER_OPENS = datetime.time(8, 30)
COUNTER_CLOSES = datetime.time(12, 30)
LAST_TICKET = datetime.time(12, 0)  # "ultimo numero ore 12,00"

CONSULTATION_WEEKDAYS = frozenset(range(4))  # Monday–Thursday
CONSULTATION_OPENS = datetime.time(13, 30)
CONSULTATION_CLOSES = datetime.time(15, 30)


@dataclass(frozen=True)
class DaySchedule:
    """What a branch offers on one day; a window is None when closed."""

    day: datetime.date
    closed_for: str | None
    counters: tuple[datetime.time, datetime.time] | None
    last_ticket: datetime.time | None
    consultation: tuple[datetime.time, datetime.time] | None


@lru_cache(maxsize=64)
def _national_holidays(year: int) -> dict[datetime.date, str]:
    return dict(holidays.Italy(years=year, language="it_IT"))


@lru_cache(maxsize=512)
def _provincial_patron_day(province: str, year: int) -> datetime.date | None:
    """Return the provincial capital's patron day, as ``holidays`` knows it."""
    if province not in holidays.Italy.subdivisions:
        return None
    extra = set(holidays.Italy(subdiv=province, years=year)) - set(
        _national_holidays(year)
    )
    return min(extra) if extra else None


def patron_day(*, branch: Branch, year: int) -> datetime.date | None:
    """Return the branch's patron-saint day in ``year``.

    A branch outside its provincial capital keeps its own patron day on the
    branch; when the branch does not set one, the provincial capital's day
    applies (e.g. Rome's 29 June for a branch in the city).
    """
    if branch.patron_day_month and branch.patron_day_day:
        try:
            return datetime.date(year, branch.patron_day_month, branch.patron_day_day)
        except ValueError:  # 29 February in a common year
            return datetime.date(year, 3, 1)
    return _provincial_patron_day(branch.province, year)


def closed_for(*, branch: Branch, day: datetime.date) -> str | None:
    """Return why the branch is closed all day on ``day`` (a holiday), or None.

    Weekends are not reported here: they are outside the opening days.
    """
    name = _national_holidays(day.year).get(day)
    if name:
        return name
    if patron_day(branch=branch, year=day.year) == day:
        return _("Festa del santo patrono")
    return None


def is_open_day(*, branch: Branch, day: datetime.date) -> bool:
    """Return whether ``day`` is a working day (Mon–Fri, not a holiday)."""
    return (
        day.weekday() in COUNTER_WEEKDAYS and closed_for(branch=branch, day=day) is None
    )


def to_rome(at: datetime.datetime) -> datetime.datetime:
    """Return ``at`` in Rome local time; naive datetimes are refused."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("Aware datetime required for calendar rules.")
    return at.astimezone(ROME)


def today(*, now: datetime.datetime | None = None) -> datetime.date:
    """Return the Rome date of ``now`` (default: this instant)."""
    return to_rome(now or timezone.now()).date()


def _minute(at: datetime.datetime) -> datetime.time:
    return at.time().replace(second=0, microsecond=0)


def counters_open_at(*, branch: Branch, at: datetime.datetime) -> bool:
    """Return whether the closed-cycle counters serve at instant ``at``."""
    local = to_rome(at)
    return (
        is_open_day(branch=branch, day=local.date())
        and COUNTER_OPENS <= local.time() < COUNTER_CLOSES
    )


def tickets_open_at(*, branch: Branch, at: datetime.datetime) -> bool:
    """Return whether a ticket may be issued at ``at`` (08:30 to 12:00 included).

    The last ticket is the one issued during the minute 12:00.
    """
    local = to_rome(at)
    return (
        is_open_day(branch=branch, day=local.date())
        and COUNTER_OPENS <= _minute(local) <= LAST_TICKET
    )


def consultation_day(*, branch: Branch, day: datetime.date) -> bool:
    """Return whether the branch holds consultation on ``day`` (Mon–Thu)."""
    return (
        branch.has_consultation
        and day.weekday() in CONSULTATION_WEEKDAYS
        and closed_for(branch=branch, day=day) is None
    )


def consultation_open_at(*, branch: Branch, at: datetime.datetime) -> bool:
    """Return whether consultation by appointment runs at instant ``at``."""
    local = to_rome(at)
    return (
        consultation_day(branch=branch, day=local.date())
        and CONSULTATION_OPENS <= local.time() < CONSULTATION_CLOSES
    )


def day_schedule(*, branch: Branch, day: datetime.date) -> DaySchedule:
    """Return the branch's opening windows on ``day``."""
    reason = closed_for(branch=branch, day=day)
    counters = is_open_day(branch=branch, day=day)
    consult = consultation_day(branch=branch, day=day)
    return DaySchedule(
        day=day,
        closed_for=reason,
        counters=(COUNTER_OPENS, COUNTER_CLOSES) if counters else None,
        last_ticket=LAST_TICKET if counters else None,
        consultation=(CONSULTATION_OPENS, CONSULTATION_CLOSES) if consult else None,
    )


def closures_between(
    *, branch: Branch, start: datetime.date, end: datetime.date
) -> list[tuple[datetime.date, str]]:
    """Return the holidays (and patron day) from ``start`` to ``end`` included."""
    found: list[tuple[datetime.date, str]] = []
    for year in range(start.year, end.year + 1):
        days = dict(_national_holidays(year))
        patron = patron_day(branch=branch, year=year)
        if patron is not None and patron not in days:
            days[patron] = _("Festa del santo patrono")
        found.extend((d, n) for d, n in days.items() if start <= d <= end)
    return sorted(found)
