"""Reads of the counters: queues, positions, waits, hall display."""

import datetime
import hashlib
import math
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import (
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Max,
    Min,
    Prefetch,
    Q,
    Window,
)
from django.db.models.functions import Coalesce, ExtractHour, RowNumber
from django.http import Http404
from django.utils import timezone

from frontoffice.common import public_cache
from sedi import calendar
from sedi.models import Branch, Service, ServiceLine
from sedi.selectors import branch_lines_open, branch_list
from sportelli.models import Counter, Shift, Ticket

# Without any service time measured yet, a closed-cycle service is assumed
# to take this long.
DEFAULT_SERVICE_MINUTES = 8.0
# How many of today's services make the "recent" mean.
RECENT_SERVICES = 20
HISTORY_DAYS = 30


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


def service_minutes_by_line(*, branch: Branch, on: datetime.date) -> dict[int, float]:
    """Return the mean service time (minutes) per line id.

    Today's most recent services where there are any, else the last
    ``HISTORY_DAYS`` days' mean, else :data:`DEFAULT_SERVICE_MINUTES`.
    """
    served = Ticket.objects.filter(
        branch=branch,
        status=Ticket.Status.COMPLETED,
        called_at__isnull=False,
        finished_at__isnull=False,
    )
    history = (
        served.filter(
            issued_on__gte=on - datetime.timedelta(days=HISTORY_DAYS),
            issued_on__lt=on,
        )
        .values("line_id")
        .annotate(mean=Avg(_service_duration()))
    )
    result = {row["line_id"]: row["mean"].total_seconds() / 60 for row in history}
    # Today's recent services: the last RECENT_SERVICES of each line, cut by
    # a window function so that one query serves every line.
    today = (
        served.filter(issued_on=on)
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
                (finished_at - called_at).total_seconds() / 60
            )
    for line_id, durations in recent.items():
        result[line_id] = sum(durations) / len(durations)
    return result


def estimate_wait_minutes(
    *, position: int, service_minutes: float, open_counters: int
) -> int:
    """Return the expected wait of the ``position``-th ticket in line (1-based)."""
    ahead = max(position - 1, 0)
    return math.ceil(ahead * service_minutes / max(open_counters, 1))


def ticket_position(*, ticket: Ticket) -> int | None:
    """Return the ticket's place in line (1 = next), None when not waiting."""
    if ticket.status != Ticket.Status.WAITING:
        return None
    # The call order of ``waiting_tickets``: priority, issue time, then pk.
    earlier = Q(issued_at__lt=ticket.issued_at) | Q(
        issued_at=ticket.issued_at, pk__lt=ticket.pk
    )
    ahead = Q(priority=True) & earlier
    if not ticket.priority:
        ahead = Q(priority=True) | earlier
    count = (
        Ticket.objects.filter(
            branch_id=ticket.branch_id,
            line_id=ticket.line_id,
            issued_on=ticket.issued_on,
            status=Ticket.Status.WAITING,
        )
        .filter(ahead)
        .exclude(pk=ticket.pk)
        .count()
    )
    return count + 1


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


@dataclass(frozen=True)
class TicketState:
    ticket: Ticket
    position: int | None
    estimated_wait_minutes: int | None


def ticket_state(*, ticket: Ticket) -> TicketState:
    """Return a ticket with its place in line and estimated wait."""
    position = ticket_position(ticket=ticket)
    if position is None:
        return TicketState(ticket, None, None)
    minutes = service_minutes_by_line(branch=ticket.branch, on=ticket.issued_on).get(
        ticket.line_id, DEFAULT_SERVICE_MINUTES
    )
    counters = open_counters_by_line(branch=ticket.branch).get(ticket.line_id, 0)
    return TicketState(
        ticket,
        position,
        estimate_wait_minutes(
            position=position, service_minutes=minutes, open_counters=counters
        ),
    )


@dataclass(frozen=True)
class LineQueue:
    line: ServiceLine
    waiting: int
    priority_waiting: int
    longest_wait_minutes: int
    open_counters: int
    service_minutes: float
    estimated_wait_minutes: int


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
    minutes = service_minutes_by_line(branch=branch, on=on)
    result = []
    for line in lines:
        row = waiting.get(line.pk)
        count = row["n"] if row else 0
        oldest = row["oldest"] if row else None
        service = minutes.get(line.pk, DEFAULT_SERVICE_MINUTES)
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
                service_minutes=round(service, 1),
                # The wait of a ticket taken now: behind everyone waiting.
                estimated_wait_minutes=estimate_wait_minutes(
                    position=count + 1, service_minutes=service, open_counters=open_here
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
    """Return a counter of one of the user's branches (by ``roles``), else 404."""
    counter = (
        Counter.objects.select_related("branch")
        .filter(
            pk=counter_id,
            is_active=True,
            branch__in=branch_list(user=user, roles=roles),
        )
        .first()
    )
    if counter is None:
        raise Http404(counter_id)
    return counter


def ticket_get(*, user, ticket_id: int, roles) -> Ticket:
    """Return a ticket of one of the user's branches (by ``roles``), else 404."""
    ticket = (
        Ticket.objects.select_related("branch", "line", "counter")
        .filter(pk=ticket_id, branch__in=branch_list(user=user, roles=roles))
        .first()
    )
    if ticket is None:
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
    """Return what the hall display shows: last calls and open counters."""
    now = timezone.now()
    return {
        "branch": branch.code,
        "branch_name": branch.name,
        "generated_at": now,
        "calls": list(last_calls(branch=branch, on=calendar.to_rome(now).date())),
        "counters": list(display_counters(branch=branch)),
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
