"""Reads of the counters: queues, positions, waits, hall display."""

import datetime
import functools
import hashlib
import math
import statistics
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import (
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    Max,
    Min,
    Prefetch,
    Q,
    QuerySet,
    StdDev,
    Window,
)
from django.db.models.functions import Coalesce, ExtractHour, RowNumber
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from frontoffice.common import public_cache
from sedi import calendar
from sedi.models import Branch, Service, ServiceLine
from sedi.selectors import branch_lines_open, user_reaches
from sportelli.models import Counter, Shift, Ticket

# Without any service time measured yet, a closed-cycle service is assumed
# to take this long.
DEFAULT_SERVICE_MINUTES = 8.0
# How many of today's services make the "recent" mean.
RECENT_SERVICES = 20
HISTORY_DAYS = 30
# How long the past days' service statistics of a branch stay in the cache.
SERVICE_HISTORY_SECONDS = 600
# An hour of the past days speaks for itself from this many services on.
MIN_HOUR_SAMPLES = 5
# Without two measured services, one is taken to vary by this share of its
# mean (the range shown around an estimate).
DEFAULT_SPREAD_SHARE = 0.5
# The hall display lists the latest call and the seven before it.
DISPLAY_CALLS = 8


def priority_streak_limit() -> int:
    """Return how many priority calls in a row a line allows (anti-starvation)."""
    return int(getattr(settings, "TICKET_PRIORITY_STREAK", 3))


def ticket_issue_rate() -> int:
    """Return how many tickets one kiosk or desk may issue a minute (0: no limit)."""
    return int(getattr(settings, "TICKET_ISSUE_RATE", 30))


def waiting_tickets(*, branch: Branch, line: ServiceLine, on: datetime.date):
    """Return the waiting tickets of a line on a day, in call order.

    Priority tickets first, then by issue time (a transferred ticket keeps
    its original issue time).
    """
    return Ticket.objects.filter(
        branch=branch, line=line, issued_on=on, status=Ticket.Status.WAITING
    ).order_by("-priority", "issued_at", "pk")


def ticket_in_progress(*, counter: Counter) -> Ticket | None:
    """Return the ticket called at ``counter`` and not closed yet, if any."""
    return (
        Ticket.objects.filter(counter=counter, status=Ticket.Status.CALLED)
        .select_related("line")
        .first()
    )


def counter_is_busy(*, counter: Counter) -> bool:
    """Return whether a ticket called at ``counter`` is not closed yet."""
    return Ticket.objects.filter(counter=counter, status=Ticket.Status.CALLED).exists()


def open_shift_for_counter(*, counter: Counter) -> Shift | None:
    """Return the counter's open shift, if any."""
    return (
        Shift.objects.filter(counter=counter, closed_at__isnull=True)
        .select_related("line", "operator", "counter")
        .first()
    )


def _service_duration():
    return ExpressionWrapper(
        F("finished_at") - F("called_at"), output_field=DurationField()
    )


class ServiceSeconds(Func):
    """The seconds between a ticket's call and its close, as a float.

    A plain float lets the database average it and take its spread on
    SQLite and PostgreSQL alike (PostgreSQL has no ``stddev`` of intervals).
    """

    output_field = FloatField()

    def __init__(self) -> None:
        super().__init__(F("finished_at"), F("called_at"))

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            # julianday() is a float of days: milliseconds are as fine as it
            # measures, and rounding keeps 20 minutes from reading 20.0000001.
            template="ROUND((julianday(%(expressions)s)) * 86400.0, 3)",
            arg_joiner=") - julianday(",
            **extra_context,
        )

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="EXTRACT(EPOCH FROM (%(expressions)s))::float",
            arg_joiner=" - ",
            **extra_context,
        )


@dataclass(frozen=True)
class ServiceStats:
    """How long a line's services took over some set of them."""

    samples: int
    mean_minutes: float
    # The standard deviation of one service, in minutes.
    spread_minutes: float


def _pooled(parts: list[ServiceStats]) -> ServiceStats | None:
    """Return the statistics of several groups of services taken together."""
    total = sum(part.samples for part in parts)
    if not total:
        return None
    mean = sum(part.samples * part.mean_minutes for part in parts) / total
    square = (
        sum(
            part.samples * (part.spread_minutes**2 + part.mean_minutes**2)
            for part in parts
        )
        / total
    )
    return ServiceStats(total, mean, math.sqrt(max(square - mean**2, 0.0)))


@dataclass(frozen=True)
class ServiceProfile:
    """A line's service times: by hour of call over the past days, and today's.

    ``by_hour`` holds the last ``HISTORY_DAYS`` days before today, keyed by
    the Rome hour of the call; ``recent`` today's latest services (minutes,
    newest first, at most ``RECENT_SERVICES``).
    """

    by_hour: dict[int, ServiceStats]
    recent: tuple[float, ...] = ()

    @property
    def history(self) -> ServiceStats | None:
        return _pooled(list(self.by_hour.values()))

    @property
    def mean_minutes(self) -> float:
        """Today's latest services' mean, else the past days', else the default."""
        if self.recent:
            return sum(self.recent) / len(self.recent)
        history = self.history
        return history.mean_minutes if history else DEFAULT_SERVICE_MINUTES

    def at_hour(self, hour: int) -> ServiceStats:
        """Return the service time to expect for a call in ``hour`` (Rome).

        The same hour of the past days counts where it has at least
        ``MIN_HOUR_SAMPLES`` services; today's latest services count too,
        each side weighted by its number of services (at most
        ``RECENT_SERVICES`` each). Without either, the past days of every
        hour, else the default with a spread of ``DEFAULT_SPREAD_SHARE``.
        """
        same_hour = self.by_hour.get(hour)
        if same_hour is not None and same_hour.samples < MIN_HOUR_SAMPLES:
            same_hour = None
        today = None
        if self.recent:
            mean = sum(self.recent) / len(self.recent)
            spread = statistics.pstdev(self.recent) if len(self.recent) > 1 else 0.0
            today = ServiceStats(len(self.recent), mean, spread)
        if same_hour is not None and today is not None:
            weight = min(same_hour.samples, RECENT_SERVICES)
            pooled = _pooled(
                [
                    ServiceStats(
                        weight, same_hour.mean_minutes, same_hour.spread_minutes
                    ),
                    today,
                ]
            )
            assert pooled is not None
            return pooled
        if same_hour is not None:
            return same_hour
        if today is not None and today.samples > 1:
            return today
        history = self.history
        if today is not None:
            # One service today: its time, with the past days' spread.
            spread = (
                history.spread_minutes
                if history
                else today.mean_minutes * DEFAULT_SPREAD_SHARE
            )
            return ServiceStats(1, today.mean_minutes, spread)
        if history is not None:
            return history
        return ServiceStats(
            0, DEFAULT_SERVICE_MINUTES, DEFAULT_SERVICE_MINUTES * DEFAULT_SPREAD_SHARE
        )


EMPTY_PROFILE = ServiceProfile(by_hour={})


def _service_history(
    *, served: QuerySet[Ticket], on: datetime.date
) -> dict[int, dict[int, ServiceStats]]:
    """Return the past days' service statistics by line id and hour of call."""
    history = (
        served.filter(
            issued_on__gte=on - datetime.timedelta(days=HISTORY_DAYS),
            issued_on__lt=on,
        )
        .annotate(hour=ExtractHour("called_at", tzinfo=calendar.ROME))
        .values("line_id", "hour")
        .annotate(
            n=Count("pk"),
            mean=Avg(ServiceSeconds()),
            spread=StdDev(ServiceSeconds()),
        )
        .order_by()
    )
    by_hour: dict[int, dict[int, ServiceStats]] = {}
    for row in history:
        by_hour.setdefault(row["line_id"], {})[row["hour"]] = ServiceStats(
            row["n"], row["mean"] / 60, (row["spread"] or 0.0) / 60
        )
    return by_hour


def _served(*, branch_id: int) -> QuerySet[Ticket]:
    """Return the branch's tickets served, with their call and close times."""
    return Ticket.objects.filter(
        branch_id=branch_id,
        status=Ticket.Status.COMPLETED,
        called_at__isnull=False,
        finished_at__isnull=False,
    )


def _history_by_line(
    *, branch_id: int, on: datetime.date
) -> dict[int, dict[int, ServiceStats]]:
    """Return the past days' service statistics by line and hour, cached.

    Past days do not move during the morning: they stay in the cache for
    ``SERVICE_HISTORY_SECONDS`` (every ticket issued would otherwise read a
    month of services again).
    """
    return public_cache.lookup(
        key=f"service-history:{branch_id}:{on.isoformat()}",
        find=lambda: _service_history(served=_served(branch_id=branch_id), on=on),
        timeout=SERVICE_HISTORY_SECONDS,
    )


def _minutes_between(start: datetime.datetime, end: datetime.datetime) -> float:
    return (end - start).total_seconds() / 60


def service_profiles(*, branch: Branch, on: datetime.date) -> dict[int, ServiceProfile]:
    """Return every line's service profile (by line id). Two queries, often one.

    The past ``HISTORY_DAYS`` days before ``on`` by hour of call (Rome),
    cached (see :func:`_history_by_line`), and the latest
    ``RECENT_SERVICES`` services of ``on``, always read.
    """
    by_hour = _history_by_line(branch_id=branch.pk, on=on)
    # Today's recent services: the last RECENT_SERVICES of each line, cut by
    # a window function so that one query serves every line.
    today = (
        _served(branch_id=branch.pk)
        .filter(issued_on=on)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=F("line_id"),
                order_by=F("finished_at").desc(),
            )
        )
        .filter(rank__lte=RECENT_SERVICES)
        .values_list("line_id", "called_at", "finished_at")
    )
    recent: dict[int, list[float]] = {}
    for line_id, called_at, finished_at in today:
        if called_at is not None and finished_at is not None:
            recent.setdefault(line_id, []).append(
                _minutes_between(called_at, finished_at)
            )
    return {
        line_id: ServiceProfile(
            by_hour=by_hour.get(line_id, {}), recent=tuple(recent.get(line_id, ()))
        )
        for line_id in by_hour.keys() | recent.keys()
    }


def service_minutes_by_line(*, branch: Branch, on: datetime.date) -> dict[int, float]:
    """Return the mean service time (minutes) per line id with any service.

    Today's most recent services where there are any, else the last
    ``HISTORY_DAYS`` days' mean (lines without either are left out: the
    caller takes :data:`DEFAULT_SERVICE_MINUTES`).
    """
    return {
        line_id: profile.mean_minutes
        for line_id, profile in service_profiles(branch=branch, on=on).items()
    }


@dataclass(frozen=True)
class WaitEstimate:
    """The expected wait of a ticket, in whole minutes, with its likely range."""

    minutes: int
    low: int
    high: int


def wait_estimate(
    *, position: int, open_counters: int, service: ServiceStats
) -> WaitEstimate | None:
    """Return the expected wait of the ``position``-th ticket in line (1-based).

    People ahead × mean service time ÷ open counters; the range widens with
    the spread of one service × √(people ahead) ÷ counters, the spread of a
    sum of independent services. None while no counter serves the line:
    then nobody can promise a wait, and no page may print one.
    """
    if open_counters <= 0:
        return None
    ahead = max(position - 1, 0)
    # Rounded first, so that 16.000000001 minutes is not promised as 17.
    centre = round(ahead * service.mean_minutes / open_counters, 6)
    half = round(service.spread_minutes * math.sqrt(ahead) / open_counters, 6)
    return WaitEstimate(
        minutes=math.ceil(centre),
        low=max(math.floor(centre - half), 0),
        high=math.ceil(centre + half),
    )


def open_counters_by_line(*, branch: Branch) -> dict[int, int]:
    """Return how many counters serve each line now (open, not paused)."""
    rows = (
        Shift.objects.filter(
            counter__branch=branch, closed_at__isnull=True, paused_at__isnull=True
        )
        .values("line_id")
        .annotate(n=Count("pk"))
    )
    return {row["line_id"]: row["n"] for row in rows}


class _WaitFields:
    """The API's wait figures, read from an optional :class:`WaitEstimate`."""

    wait: WaitEstimate | None

    @property
    def estimated_wait_minutes(self) -> int | None:
        return self.wait.minutes if self.wait else None

    @property
    def estimated_wait_min_minutes(self) -> int | None:
        return self.wait.low if self.wait else None

    @property
    def estimated_wait_max_minutes(self) -> int | None:
        return self.wait.high if self.wait else None


@dataclass(frozen=True)
class TicketState(_WaitFields):
    ticket: Ticket
    position: int | None
    # None when the ticket does not wait, or no counter serves its line.
    wait: WaitEstimate | None
    open_counters: int = 0


def _rome_hour(now: datetime.datetime | None = None) -> int:
    return calendar.to_rome(now or timezone.now()).hour


def _utc(value: datetime.datetime | str) -> datetime.datetime:
    """Return a timestamp read by a plain cursor as an aware UTC datetime."""
    if isinstance(value, str):  # SQLite may hand back the stored text
        parsed = parse_datetime(value)
        assert parsed is not None, value
        value = parsed
    if timezone.is_naive(value):  # SQLite stores UTC without an offset
        value = value.replace(tzinfo=datetime.UTC)
    return value


@functools.cache
def _line_figures_sql(priority: bool) -> str:
    """The one statement behind :func:`ticket_state` (see there)."""
    ticket = Ticket._meta.db_table
    shift, counter = Shift._meta.db_table, Counter._meta.db_table
    # The call order of ``waiting_tickets``: priority, issue time, then pk.
    earlier = "(t.issued_at < %(at)s OR (t.issued_at = %(at)s AND t.id < %(id)s))"
    ahead = f"t.priority AND {earlier}" if priority else f"t.priority OR {earlier}"
    return f"""
        SELECT figures.ahead, figures.counters, recent.called_at, recent.finished_at
        FROM (
            SELECT
                (SELECT COUNT(*) FROM {ticket} t
                 WHERE t.branch_id = %(branch)s AND t.line_id = %(line)s
                   AND t.issued_on = %(on)s AND t.status = %(waiting)s
                   AND t.id <> %(id)s AND ({ahead})) AS ahead,
                (SELECT COUNT(*) FROM {shift} s
                 JOIN {counter} c ON c.id = s.counter_id
                 WHERE c.branch_id = %(branch)s AND s.line_id = %(line)s
                   AND s.closed_at IS NULL AND s.paused_at IS NULL) AS counters
        ) figures
        LEFT JOIN (
            SELECT t.called_at, t.finished_at FROM {ticket} t
            WHERE t.branch_id = %(branch)s AND t.line_id = %(line)s
              AND t.issued_on = %(on)s AND t.status = %(completed)s
              AND t.called_at IS NOT NULL AND t.finished_at IS NOT NULL
            ORDER BY t.finished_at DESC
            LIMIT %(recent)s
        ) recent ON 1 = 1
    """


def ticket_state(*, ticket: Ticket) -> TicketState:
    """Return a ticket with its place in line and estimated wait.

    Nothing is read for a ticket that does not wait. For a waiting one, one
    statement: its place (the tickets ahead in the call order of
    :func:`waiting_tickets`), the
    counters serving its line now (as :func:`open_counters_by_line`) and
    today's latest services of the line (as :func:`service_profiles`), one
    row per service or a single row before the first. Every ticket issued
    and every virtual ticket asks it, so it is written once by hand rather
    than compiled by the ORM at each request (SQLite and PostgreSQL alike).
    The past days come from the cache (see :func:`_history_by_line`).
    """
    if ticket.status != Ticket.Status.WAITING:
        return TicketState(ticket, None, None)
    with connection.cursor() as cursor:
        cursor.execute(
            _line_figures_sql(bool(ticket.priority)),
            {
                "branch": ticket.branch_id,
                "line": ticket.line_id,
                # Adapted as the ORM writes them: SQLite compares the text.
                "on": connection.ops.adapt_datefield_value(ticket.issued_on),
                "id": ticket.pk,
                "at": connection.ops.adapt_datetimefield_value(ticket.issued_at),
                "waiting": Ticket.Status.WAITING.value,
                "completed": Ticket.Status.COMPLETED.value,
                "recent": RECENT_SERVICES,
            },
        )
        rows = cursor.fetchall()
    before, counters = int(rows[0][0]), int(rows[0][1])
    history = _history_by_line(branch_id=ticket.branch_id, on=ticket.issued_on)
    profile = ServiceProfile(
        by_hour=history.get(ticket.line_id, {}),
        recent=tuple(
            _minutes_between(_utc(called_at), _utc(finished_at))
            for _, _, called_at, finished_at in rows
            if called_at is not None and finished_at is not None
        ),
    )
    position = before + 1
    return TicketState(
        ticket,
        position,
        wait_estimate(
            position=position,
            open_counters=counters,
            service=profile.at_hour(_rome_hour()),
        ),
        counters,
    )


@dataclass(frozen=True)
class LineQueue(_WaitFields):
    line: ServiceLine
    waiting: int
    priority_waiting: int
    longest_wait_minutes: int
    open_counters: int
    service_minutes: float
    # The wait of a ticket taken now; None while no counter serves the line.
    wait: WaitEstimate | None


def queue_summary(
    *, branch: Branch, now: datetime.datetime | None = None
) -> list[LineQueue]:
    """Return, per line open at the branch today, the state of its queue.

    A fixed number of queries, whatever the number of tickets or lines.
    """
    now = now or timezone.now()
    on = calendar.today(now=now)
    lines = [bl.line for bl in branch_lines_open(branch=branch, on=on)]
    waiting = {
        row["line_id"]: row
        for row in Ticket.objects.filter(
            branch=branch, issued_on=on, status=Ticket.Status.WAITING
        )
        .values("line_id")
        .annotate(
            n=Count("pk"),
            n_priority=Count("pk", filter=Q(priority=True)),
            oldest=Min("issued_at"),
        )
    }
    counters = open_counters_by_line(branch=branch)
    profiles = service_profiles(branch=branch, on=on)
    hour = _rome_hour(now)
    result = []
    for line in lines:
        row = waiting.get(line.pk)
        count = row["n"] if row else 0
        oldest = row["oldest"] if row else None
        profile = profiles.get(line.pk, EMPTY_PROFILE)
        open_here = counters.get(line.pk, 0)
        result.append(
            LineQueue(
                line=line,
                waiting=count,
                priority_waiting=row["n_priority"] if row else 0,
                longest_wait_minutes=(
                    int((now - oldest).total_seconds() // 60) if oldest else 0
                ),
                open_counters=open_here,
                service_minutes=round(profile.mean_minutes, 1),
                # The wait of a ticket taken now: behind everyone waiting.
                wait=wait_estimate(
                    position=count + 1,
                    open_counters=open_here,
                    service=profile.at_hour(hour),
                ),
            )
        )
    return result


def counter_list(*, branch: Branch):
    """Return the branch's counters with their open shift (line, operator)."""
    counters = list(
        Counter.objects.filter(branch=branch, is_active=True).order_by("number")
    )
    shifts = {
        shift.counter_id: shift
        for shift in Shift.objects.filter(
            counter__branch=branch, closed_at__isnull=True
        ).select_related("line", "operator")
    }
    for counter in counters:
        counter.open_shift = shifts.get(counter.pk)  # type: ignore[attr-defined]
    return counters


def last_calls(*, branch: Branch, on: datetime.date, limit: int = 8):
    """Return the latest calls of the day (ticket and counter), newest first.

    A recall moves a call back to the top: the display announces it again.
    """
    return (
        Ticket.objects.filter(branch=branch, issued_on=on, called_at__isnull=False)
        .exclude(status=Ticket.Status.WAITING)
        .select_related("counter", "line")
        .annotate(last_call=Coalesce("recalled_at", "called_at"))
        .order_by("-last_call", "-pk")[:limit]
    )


def counter_get(*, user, counter_id: int, roles) -> Counter:
    """Return a counter of one of the user's branches (by ``roles``), else 404.

    Read by its key, then the reach decided on the roles held (kept between
    requests): no per-request scope query.
    """
    counter = (
        Counter.objects.select_related("branch")
        .filter(pk=counter_id, is_active=True)
        .first()
    )
    if counter is None or not user_reaches(
        user=user, branch=counter.branch, roles=roles
    ):
        raise Http404(counter_id)
    return counter


def ticket_get(*, user, ticket_id: int, roles) -> Ticket:
    """Return a ticket of one of the user's branches (by ``roles``), else 404."""
    ticket = (
        Ticket.objects.select_related("branch", "line", "counter")
        .filter(pk=ticket_id)
        .first()
    )
    if ticket is None or not user_reaches(user=user, branch=ticket.branch, roles=roles):
        raise Http404(ticket_id)
    return ticket


def ticket_by_public_code(*, public_code: str) -> Ticket:
    """Return the ticket with this unguessable public code, else 404."""
    ticket = (
        Ticket.objects.select_related("branch", "line", "counter")
        .filter(public_code=public_code)
        .first()
    )
    if ticket is None:
        raise Http404
    return ticket


# A ticket's branch never changes: its lookup may stay for a day.
TICKET_BRANCH_SECONDS = 24 * 3600


def ticket_public_branch_id(
    *, public_code: str, found: list[Ticket] | None = None
) -> int:
    """Return the branch id of a virtual ticket, cached (it never changes); else 404.

    When the ticket had to be read, it is appended to ``found``, so that the
    caller does not read it again.
    """

    def find() -> int:
        ticket = ticket_by_public_code(public_code=public_code)
        if found is not None:
            found.append(ticket)
        return ticket.branch_id

    return public_cache.lookup(
        key="ticket-branch:" + hashlib.sha256(public_code.encode()).hexdigest()[:32],
        find=find,
        timeout=TICKET_BRANCH_SECONDS,
    )


def display_counters(*, branch: Branch):
    """Return the open counters with their line and its catalogue (display)."""
    return (
        Shift.objects.filter(counter__branch=branch, closed_at__isnull=True)
        .select_related("counter", "line")
        .prefetch_related(
            Prefetch("line__services", queryset=Service.objects.order_by("position"))
        )
        .order_by("counter__number")
    )


def display_cache_key(*, branch_id: int) -> str:
    """Return the public cache key of a branch's hall display."""
    return f"display:{branch_id}"


def display_version_cache_key(*, branch_id: int) -> str:
    """Return the public cache key of the version a hall display shows."""
    return f"display-version:{branch_id}"


def ticket_status_cache_key(*, public_code: str) -> str:
    """Return the public cache key of a virtual ticket (code hashed: any length)."""
    return "ticket-status:" + hashlib.sha256(public_code.encode()).hexdigest()[:32]


def branch_public_id(*, code: str, found: list[Branch] | None = None) -> int:
    """Return a branch's id by code for the public pages, cached; else 404.

    When the id had to be read, the branch read is appended to ``found``,
    so that the caller does not read it again.
    """

    def find() -> int:
        branch = branch_public_get(code=code)
        if found is not None:
            found.append(branch)
        return branch.pk

    return public_cache.lookup(
        key="branch-id:" + hashlib.sha256(code.encode()).hexdigest()[:32], find=find
    )


def branch_public_get(*, code: str) -> Branch:
    """Return a branch by code for the public pages (display, kiosk), else 404."""
    branch = Branch.objects.filter(code=code).first()
    if branch is None:
        raise Http404(code)
    return branch


def tickets_issued_by_line(*, branch: Branch, on: datetime.date) -> dict[str, int]:
    """Return how many tickets each line (code) issued on ``on``."""
    rows = (
        Ticket.objects.filter(branch=branch, issued_on=on)
        .values("letter")
        .annotate(n=Count("pk"))
    )
    by_letter = {row["letter"]: row["n"] for row in rows}
    return {
        line.code: by_letter[line.letter]
        for line in ServiceLine.objects.filter(letter__in=list(by_letter))
    }


def display_data(*, branch: Branch) -> dict[str, Any]:
    """Return what the hall display shows: last calls, open counters and,
    per line open today, how many wait and the honest wait of a new ticket.

    Ticket codes, counters and lines only: never a person. Ten queries.
    """
    now = timezone.now()
    return {
        "branch": branch.code,
        "branch_name": branch.name,
        "generated_at": now,
        "calls": list(
            last_calls(
                branch=branch, on=calendar.to_rome(now).date(), limit=DISPLAY_CALLS
            )
        ),
        "counters": list(display_counters(branch=branch)),
        "lines": queue_summary(branch=branch, now=now),
    }


# --- Figures for the floor supervisor's dashboard ----------------------------


def _wait_duration():
    return ExpressionWrapper(
        F("called_at") - F("issued_at"), output_field=DurationField()
    )


def _minutes(value: datetime.timedelta | None) -> float | None:
    return None if value is None else value.total_seconds() / 60


@dataclass(frozen=True)
class LineDayStats:
    issued: int
    served: int
    # Mean of issue → call over the tickets called so far; None if none.
    mean_wait_minutes: float | None


def line_day_stats(*, branch: Branch, on: datetime.date) -> dict[int, LineDayStats]:
    """Return, per line id, the day's tickets issued, served and mean wait.

    The wait of a ticket runs from its issue to its call. One query.
    """
    rows = (
        Ticket.objects.filter(branch=branch, issued_on=on)
        .values("line_id")
        .annotate(
            issued=Count("pk"),
            served=Count("pk", filter=Q(status=Ticket.Status.COMPLETED)),
            mean_wait=Avg(_wait_duration(), filter=Q(called_at__isnull=False)),
        )
        .order_by()
    )
    return {
        row["line_id"]: LineDayStats(
            issued=row["issued"],
            served=row["served"],
            mean_wait_minutes=_minutes(row["mean_wait"]),
        )
        for row in rows
    }


def tickets_issued_between(
    *, branch: Branch, windows: list[tuple[datetime.datetime, datetime.datetime]]
) -> dict[tuple[int, datetime.date], int]:
    """Return the tickets issued within any of ``windows``, per (line id, day).

    Each window is ``[start, end)``. One query, whatever the windows.
    """
    if not windows:
        return {}
    within = Q()
    for start, end in windows:
        within |= Q(issued_at__gte=start, issued_at__lt=end)
    rows = (
        Ticket.objects.filter(within, branch=branch)
        .values("line_id", "issued_on")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {(row["line_id"], row["issued_on"]): row["n"] for row in rows}


@dataclass(frozen=True)
class CounterActivity:
    in_progress: bool
    # The last call or close at the counter today, if any.
    last_activity_at: datetime.datetime | None


def counter_activity(
    *, branch: Branch, on: datetime.date
) -> dict[int, CounterActivity]:
    """Return, per counter id, whether a ticket is in progress and when the
    counter last called or closed a ticket on ``on``. One query."""
    rows = (
        Ticket.objects.filter(branch=branch, issued_on=on, counter__isnull=False)
        .values("counter_id")
        .annotate(
            called=Count("pk", filter=Q(status=Ticket.Status.CALLED)),
            last_called=Max("called_at"),
            last_finished=Max("finished_at"),
        )
        .order_by()
    )
    result = {}
    for row in rows:
        stamps = [t for t in (row["last_called"], row["last_finished"]) if t]
        result[row["counter_id"]] = CounterActivity(
            in_progress=row["called"] > 0,
            last_activity_at=max(stamps) if stamps else None,
        )
    return result


def mean_wait_by_hour(*, branch: Branch, days: list[datetime.date]) -> dict[int, float]:
    """Return the mean wait (minutes) of the tickets called, by hour of issue.

    Hours are Rome local hours; the mean runs over every called ticket of
    ``days`` together. One query.
    """
    if not days:
        return {}
    rows = (
        Ticket.objects.filter(
            branch=branch, issued_on__in=days, called_at__isnull=False
        )
        .annotate(hour=ExtractHour("issued_at", tzinfo=calendar.ROME))
        .values("hour")
        .annotate(mean_wait=Avg(_wait_duration()))
        .order_by("hour")
    )
    return {row["hour"]: round(_minutes(row["mean_wait"]) or 0.0, 1) for row in rows}


# --- Opening hours, as the desks show them -----------------------------------


@dataclass(frozen=True)
class HoursNow:
    """Whether counters serve and tickets are issued now, and why not."""

    counters_open: bool
    tickets_open: bool
    # Why the whole day is closed (holiday, patron saint), if it is.
    closed_for: str | None
    is_open_day: bool
    before_opening: bool
    opens: datetime.time
    closes: datetime.time
    last_ticket: datetime.time


def hours_now(*, branch: Branch, now: datetime.datetime | None = None) -> HoursNow:
    """Return the branch's counter hours as they stand at ``now`` (Rome)."""
    now = now or timezone.now()
    local = calendar.to_rome(now)
    open_day = calendar.is_open_day(branch=branch, day=local.date())
    return HoursNow(
        counters_open=calendar.counters_open_at(branch=branch, at=now),
        tickets_open=calendar.tickets_open_at(branch=branch, at=now),
        closed_for=calendar.closed_for(branch=branch, day=local.date()),
        is_open_day=open_day,
        before_opening=open_day and local.time() < calendar.COUNTER_OPENS,
        opens=calendar.COUNTER_OPENS,
        closes=calendar.COUNTER_CLOSES,
        last_ticket=calendar.LAST_TICKET,
    )


def waiting_preview(
    *, branch: Branch, line: ServiceLine, on: datetime.date, limit: int
) -> tuple[int, int, list[Ticket]]:
    """Return how many wait on a line (and with priority), and the first
    ``limit`` of them in call order. Two queries."""
    waiting = waiting_tickets(branch=branch, line=line, on=on)
    counts = waiting.aggregate(
        n=Count("pk"), n_priority=Count("pk", filter=Q(priority=True))
    )
    first = list(waiting.only("letter", "number", "priority")[:limit])
    return counts["n"], counts["n_priority"], first
