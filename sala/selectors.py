"""The floor supervisor's live hall, read from the other apps' selectors.

One call of :func:`dashboard_get` runs a fixed number of queries, whatever
the number of tickets, counters or appointments: every figure is an
aggregate of its own app.
"""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from consulenza import selectors as agenda
from frontoffice.common.dates import long_date
from reception import selectors as reception
from sala import erlang, forecast
from sala.models import CounterClone, SupervisorAction
from sedi import calendar
from sedi.models import Branch, ServiceLine, StaffRole
from sedi.selectors import branch_line_list, branch_lines_open
from sportelli import selectors as counters_read

Role = StaffRole.Role
# Who sees the dashboard: the hall's own staff, and the region (read only).
DASHBOARD_ROLES = (Role.FLOOR_SUPERVISOR, Role.DIRECTOR, Role.REGIONAL)
# The arrival rate is measured over this window...
RATE_WINDOW = datetime.timedelta(minutes=30)
# ...or, while the morning is younger than the window, taken from the same
# weekday's same half hour over this many past weeks.
HISTORY_WEEKS = 4
# A counter doing nothing this long while its line has people waiting is
# reported as idle.
IDLE_MINUTES = 3
LAST_CALLS_SHOWN = 8
# The backlog forecast reads this many past weeks of requests.
FORECAST_WEEKS = 4


@dataclass(frozen=True)
class LineRow:
    """One line of the hall, now."""

    line: ServiceLine
    waiting: int
    priority_waiting: int
    longest_wait_minutes: int
    # None while no counter serves the line: nobody can promise a wait.
    estimated_wait_minutes: int | None
    open_counters: int
    operators: list[str]
    # Erlang C advice; None when no number of counters would do.
    counters_needed: int | None
    arrivals_per_hour: float
    rate_source: str
    service_minutes: float
    served_today: int
    issued_today: int
    mean_wait_minutes: int | None
    # The likely range around ``estimated_wait_minutes`` (None alike).
    estimated_wait_min_minutes: int | None = None
    estimated_wait_max_minutes: int | None = None

    @property
    def understaffed(self) -> bool:
        return self.counters_needed is None or self.counters_needed > (
            self.open_counters
        )


@dataclass(frozen=True)
class CounterRow:
    """One counter of the hall: open, paused, idle or closed."""

    id: int
    number: int
    name: str
    status: str  # "open", "paused", "closed"
    line: ServiceLine | None
    operator: str | None
    in_progress: bool
    idle_minutes: int | None  # open, nothing in progress, people waiting
    clone: CounterClone | None


@dataclass(frozen=True)
class Alert:
    code: str
    detail: str
    line: ServiceLine | None = None


@dataclass(frozen=True)
class AgendaRow:
    line: ServiceLine
    first_free_slot: datetime.datetime | None
    backlog_days: int | None
    level: str
    meeting_points: int
    recommended_meeting_points: int
    open_escalations: int
    # When the first free slot is expected to pass 30 days (None: not
    # within the forecast), and the meeting points that would prevent it.
    passes_limit_on: datetime.date | None = None
    forecast_warn: bool = False
    meeting_points_needed: int | None = None


@dataclass
class Dashboard:
    branch: Branch
    generated_at: datetime.datetime
    counters_open_now: bool
    target_wait_minutes: int
    lines: list[LineRow]
    counters: list[CounterRow]
    alerts: list[Alert]
    last_calls: list[Any] = field(default_factory=list)
    reception: reception.ReceptionStats | None = None
    complaints_due: list[Any] = field(default_factory=list)
    agenda: list[AgendaRow] = field(default_factory=list)
    waits_by_hour: list[tuple[int, float | None, float | None]] = field(
        default_factory=list
    )


def _operator_name(user: User) -> str:
    return user.get_full_name() or user.get_username()


def arrival_rates(
    *, branch: Branch, now: datetime.datetime
) -> tuple[dict[int, float], str]:
    """Return the arrivals per hour of each line id, and where they come from.

    Once the counters have been open for ``RATE_WINDOW``, the tickets of
    the last 30 minutes (``"recent"``). Earlier in the morning, the same
    half hour of the same weekday over the last ``HISTORY_WEEKS`` weeks,
    averaged over the days that issued tickets (``"history"``); without
    any such day, the morning so far (``"recent"``). One query, two at most.
    """
    local = calendar.to_rome(now)
    opens = datetime.datetime.combine(
        local.date(), calendar.COUNTER_OPENS, calendar.ROME
    )
    hours = RATE_WINDOW.total_seconds() / 3600
    if local - opens < RATE_WINDOW:
        start_time = max(local.time(), calendar.COUNTER_OPENS)
        windows = []
        for week in range(1, HISTORY_WEEKS + 1):
            day = local.date() - datetime.timedelta(weeks=week)
            start = datetime.datetime.combine(day, start_time, calendar.ROME)
            windows.append((start, start + RATE_WINDOW))
        history = counters_read.tickets_issued_between(branch=branch, windows=windows)
        days = {day for _line, day in history}
        if days:
            totals: dict[int, int] = defaultdict(int)
            for (line_id, _day), count in history.items():
                totals[line_id] += count
            return (
                {line_id: n / (len(days) * hours) for line_id, n in totals.items()},
                "history",
            )
    recent = counters_read.tickets_issued_between(
        branch=branch, windows=[(now - RATE_WINDOW, now)]
    )
    rates: dict[int, float] = defaultdict(float)
    for (line_id, _day), count in recent.items():
        rates[line_id] += count / hours
    return dict(rates), "recent"


def _line_rows(
    *, branch: Branch, now: datetime.datetime, shifts_by_line: dict[int, list[str]]
) -> list[LineRow]:
    on = calendar.today(now=now)
    queues = counters_read.queue_summary(branch=branch, now=now)
    stats = counters_read.line_day_stats(branch=branch, on=on)
    rates, source = arrival_rates(branch=branch, now=now)
    rows = []
    for queue in queues:
        line = queue.line
        day = stats.get(line.pk)
        rate = round(rates.get(line.pk, 0.0), 1)
        needed = erlang.counters_needed(
            arrivals_per_hour=rate,
            service_minutes=queue.service_minutes,
            target_minutes=branch.target_wait_minutes,
        )
        mean_wait = day.mean_wait_minutes if day else None
        rows.append(
            LineRow(
                line=line,
                waiting=queue.waiting,
                priority_waiting=queue.priority_waiting,
                longest_wait_minutes=queue.longest_wait_minutes,
                estimated_wait_minutes=queue.estimated_wait_minutes,
                estimated_wait_min_minutes=queue.estimated_wait_min_minutes,
                estimated_wait_max_minutes=queue.estimated_wait_max_minutes,
                open_counters=queue.open_counters,
                operators=shifts_by_line.get(line.pk, []),
                counters_needed=needed,
                arrivals_per_hour=rate,
                rate_source=source,
                service_minutes=queue.service_minutes,
                served_today=day.served if day else 0,
                issued_today=day.issued if day else 0,
                mean_wait_minutes=(
                    math.ceil(mean_wait) if mean_wait is not None else None
                ),
            )
        )
    return rows


def _counter_rows(
    *,
    branch: Branch,
    now: datetime.datetime,
    counter_list: list[Any],
    waiting: dict[int, int],
) -> list[CounterRow]:
    on = calendar.today(now=now)
    activity = counters_read.counter_activity(branch=branch, on=on)
    clones = {
        clone.shift_id: clone
        for clone in CounterClone.objects.filter(branch=branch, ended_at__isnull=True)
    }
    rows = []
    for counter in counter_list:
        shift = counter.open_shift
        seen = activity.get(counter.pk)
        in_progress = bool(seen and seen.in_progress)
        status, idle = "closed", None
        if shift is not None:
            status = "paused" if shift.is_paused else "open"
            if status == "open" and not in_progress and waiting.get(shift.line_id):
                since = max(
                    [shift.opened_at]
                    + (
                        [seen.last_activity_at]
                        if seen and seen.last_activity_at
                        else []
                    )
                )
                minutes = int((now - since).total_seconds() // 60)
                idle = minutes if minutes >= IDLE_MINUTES else None
        rows.append(
            CounterRow(
                id=counter.pk,
                number=counter.number,
                name=counter.name,
                status=status,
                line=shift.line if shift else None,
                operator=_operator_name(shift.operator) if shift else None,
                in_progress=in_progress,
                idle_minutes=idle,
                clone=clones.get(shift.pk) if shift else None,
            )
        )
    return rows


def _weekly_capacity_per_point(
    *, branch: Branch, points: list[Any], today: datetime.date
) -> float:
    """Return the slots a week one of ``points`` offers, over the next 4 weeks."""
    if not points:
        return 0.0
    days = sum(
        1
        for offset in range(1, FORECAST_WEEKS * 7 + 1)
        if calendar.consultation_day(
            branch=branch, day=today + datetime.timedelta(days=offset)
        )
    )
    slots = sum(
        len(agenda.day_slot_starts(slot_minutes=point.slot_minutes, day=today))
        for point in points
    )
    return slots / len(points) * days / FORECAST_WEEKS


def agenda_rows(*, branch: Branch, now: datetime.datetime) -> list[AgendaRow]:
    """Return the branch's agenda per line, with the backlog forecast."""
    today = calendar.today(now=now)
    escalations = agenda.escalation_open_counts(branch=branch)
    requests = agenda.request_counts_by_week(
        branch=branch, weeks=FORECAST_WEEKS, now=now
    )
    points_by_line: dict[int, list[Any]] = defaultdict(list)
    for point in agenda.meeting_point_list(
        branch=branch, valid_from=today, valid_to=today
    ):
        points_by_line[point.line_id].append(point)
    rows = []
    for row in agenda.backlog_rows(
        branches=Branch.objects.filter(pk=branch.pk), now=now
    ):
        points = points_by_line.get(row.line.pk, [])
        prediction = forecast.backlog_forecast(
            backlog_days=(
                row.backlog_days
                if row.backlog_days is not None
                else forecast.LIMIT_DAYS + 1
            ),
            weekly_requests=requests.get(row.line.pk, [0] * FORECAST_WEEKS),
            weekly_capacity_per_point=_weekly_capacity_per_point(
                branch=branch, points=points, today=today
            ),
            meeting_points=len(points),
        )
        passes = prediction.passes_in_days
        rows.append(
            AgendaRow(
                line=row.line,
                first_free_slot=row.first_free_slot,
                backlog_days=row.backlog_days,
                level=row.level,
                meeting_points=row.meeting_points,
                recommended_meeting_points=row.recommended_meeting_points,
                open_escalations=escalations.get(row.line.pk, 0),
                passes_limit_on=(
                    today + datetime.timedelta(days=passes)
                    if passes is not None
                    else None
                ),
                forecast_warn=prediction.warn,
                meeting_points_needed=prediction.meeting_points_needed,
            )
        )
    return rows


def _alerts(
    *,
    branch: Branch,
    lines: list[LineRow],
    counters: list[CounterRow],
    agenda_rows: list[AgendaRow],
    gaps: list[ServiceLine],
    counters_open_now: bool,
    now: datetime.datetime,
) -> list[Alert]:
    alerts: list[Alert] = []
    target = branch.target_wait_minutes
    for row in lines:
        name = row.line.name
        if counters_open_now and row.open_counters == 0:
            alerts.append(
                Alert(
                    code="line_unstaffed",
                    line=row.line,
                    detail=_(
                        "Linea «%(line)s» aperta senza sportelli: %(n)d in attesa."
                    )
                    % {"line": name, "n": row.waiting},
                )
            )
        if (
            row.estimated_wait_minutes is not None
            and row.estimated_wait_minutes > target
        ):
            alerts.append(
                Alert(
                    code="wait_over_target",
                    line=row.line,
                    detail=_(
                        "Linea «%(line)s»: attesa stimata %(wait)d minuti, "
                        "oltre l'obiettivo di %(target)d."
                    )
                    % {
                        "line": name,
                        "wait": row.estimated_wait_minutes,
                        "target": target,
                    },
                )
            )
        if counters_open_now and row.arrivals_per_hour and row.understaffed:
            if row.counters_needed is None:
                detail = _(
                    "Linea «%(line)s»: %(rate)s arrivi l'ora, più di quanti "
                    "%(max)d sportelli possano servire entro l'obiettivo."
                ) % {
                    "line": name,
                    "rate": row.arrivals_per_hour,
                    "max": erlang.MAX_COUNTERS,
                }
            else:
                detail = _(
                    "Linea «%(line)s»: servono %(needed)d sportelli, aperti %(open)d."
                ) % {
                    "line": name,
                    "needed": row.counters_needed,
                    "open": row.open_counters,
                }
            alerts.append(Alert(code="understaffed", line=row.line, detail=detail))
    for counter in counters:
        if counter.idle_minutes is not None and counter.line is not None:
            alerts.append(
                Alert(
                    code="counter_idle",
                    line=counter.line,
                    detail=_(
                        "%(counter)s è fermo da %(minutes)d minuti con persone in "
                        "attesa sulla linea «%(line)s»."
                    )
                    % {
                        "counter": counter.name,
                        "minutes": counter.idle_minutes,
                        "line": counter.line.name,
                    },
                )
            )
        if counter.clone is not None and counter.clone.ends_at <= now:
            alerts.append(
                Alert(
                    code="clone_expired",
                    line=counter.line,
                    detail=_(
                        "%(counter)s era clonato fino alle %(time)s: chiuderlo o "
                        "prolungarlo."
                    )
                    % {
                        "counter": counter.name,
                        "time": calendar.to_rome(counter.clone.ends_at).strftime(
                            "%H:%M"
                        ),
                    },
                )
            )
    for line in gaps:
        alerts.append(
            Alert(
                code="no_meeting_point",
                line=line,
                detail=_("Linea «%(line)s» senza punto di incontro in agenda.")
                % {"line": line.name},
            )
        )
    for agenda_row in agenda_rows:
        if (
            agenda_row.forecast_warn
            and agenda_row.level != "flagged"
            and agenda_row.passes_limit_on is not None
        ):
            detail = _(
                "Agenda «%(line)s»: il primo posto libero supererà i 30 giorni "
                "tra %(days)d giorni (%(day)s)."
            ) % {
                "line": agenda_row.line.name,
                "days": (agenda_row.passes_limit_on - calendar.today(now=now)).days,
                "day": long_date(agenda_row.passes_limit_on),
            }
            if agenda_row.meeting_points_needed is not None:
                detail += " " + _("Con %(n)d punti di incontro non accadrebbe.") % {
                    "n": agenda_row.meeting_points_needed
                }
            alerts.append(
                Alert(code="backlog_forecast", line=agenda_row.line, detail=detail)
            )
        if agenda_row.level == "flagged":
            if agenda_row.backlog_days is None:
                wait = _("nessun posto libero nell'orizzonte di calcolo")
            else:
                wait = _("primo posto libero tra %(days)d giorni") % {
                    "days": agenda_row.backlog_days
                }
            alerts.append(
                Alert(
                    code="backlog_flagged",
                    line=agenda_row.line,
                    detail=_("Agenda «%(line)s» oltre 30 giorni: %(wait)s.")
                    % {"line": agenda_row.line.name, "wait": wait},
                )
            )
    return alerts


def _waits_by_hour(
    *, branch: Branch, on: datetime.date
) -> list[tuple[int, float | None, float | None]]:
    history_days = [
        on - datetime.timedelta(weeks=week) for week in range(1, HISTORY_WEEKS + 1)
    ]
    today = counters_read.mean_wait_by_hour(branch=branch, days=[on])
    usual = counters_read.mean_wait_by_hour(branch=branch, days=history_days)
    first = calendar.COUNTER_OPENS.hour
    last = calendar.COUNTER_CLOSES.hour
    return [(hour, today.get(hour), usual.get(hour)) for hour in range(first, last + 1)]


def dashboard_get(
    *, branch: Branch, now: datetime.datetime | None = None, full: bool = True
) -> Dashboard:
    """Return the live hall of ``branch``: lines, counters and alerts.

    With ``full`` also the last calls, the reception's figures, complaints
    near their deadline, the agenda panel and the hourly waits (the page);
    without, only what the API gives. A fixed number of queries.
    """
    now = now or timezone.now()
    on = calendar.today(now=now)
    counters_open_now = calendar.counters_open_at(branch=branch, at=now)
    shifts_by_line: dict[int, list[str]] = defaultdict(list)
    counter_list = list(counters_read.counter_list(branch=branch))
    for counter in counter_list:
        shift = counter.open_shift
        if shift is not None and not shift.is_paused:
            shifts_by_line[shift.line_id].append(
                f"{counter.name}: {_operator_name(shift.operator)}"
            )
    lines = _line_rows(branch=branch, now=now, shifts_by_line=shifts_by_line)
    counters = _counter_rows(
        branch=branch,
        now=now,
        counter_list=counter_list,
        waiting={row.line.pk: row.waiting for row in lines},
    )
    agenda_panel = (
        agenda_rows(branch=branch, now=now) if branch.has_consultation else []
    )
    gaps = [
        line
        for gap_branch, line in agenda.meeting_point_gaps(on=on)
        if gap_branch.pk == branch.pk
    ]
    dashboard = Dashboard(
        branch=branch,
        generated_at=now,
        counters_open_now=counters_open_now,
        target_wait_minutes=branch.target_wait_minutes,
        lines=lines,
        counters=counters,
        alerts=_alerts(
            branch=branch,
            lines=lines,
            counters=counters,
            agenda_rows=agenda_panel,
            gaps=gaps,
            counters_open_now=counters_open_now,
            now=now,
        ),
        agenda=agenda_panel,
    )
    if full:
        dashboard.last_calls = list(
            counters_read.last_calls(branch=branch, on=on, limit=LAST_CALLS_SHOWN)
        )
        dashboard.reception = reception.reception_stats(branch=branch, day=on)
        dashboard.complaints_due = list(
            reception.complaints_due(branch=branch, today=on)
        )
        dashboard.waits_by_hour = _waits_by_hour(branch=branch, on=on)
    return dashboard


def clone_list(*, branch: Branch) -> QuerySet[CounterClone]:
    """Return the branch's live cloned counters, the latest first."""
    return CounterClone.objects.filter(
        branch=branch, ended_at__isnull=True
    ).select_related("counter", "line", "operator", "requested_by", "shift")


def action_list(*, branch: Branch, limit: int = 20) -> list[SupervisorAction]:
    """Return the branch's latest supervisor actions (who, when, why)."""
    return list(
        SupervisorAction.objects.filter(branch=branch)
        .select_related("actor", "line", "counter")
        .order_by("-at", "-pk")[:limit]
    )


def peak_lines(*, branch: Branch, on: datetime.date) -> list[dict[str, Any]]:
    """Return the peak lines (Indebiti) with whether each is open on ``on``."""
    present = {bl.line_id: bl for bl in branch_lines_open(branch=branch, on=on)}
    periods = {bl.line_id: bl for bl in branch_line_list(branch=branch)}
    return [
        {
            "line": line,
            "is_open": line.pk in present,
            "period": periods.get(line.pk),
        }
        for line in ServiceLine.objects.filter(kind=ServiceLine.Kind.PEAK)
    ]
