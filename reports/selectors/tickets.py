"""Reads of the regional reports: the tickets report from summaries and live rows.

A report row covers one period (a day, an ISO week from Monday, a calendar
month), branch and line. Closed days (up to the newest ``DayClosure``) are
read from ``DailyTicketSummary``; the days after it (today, and any day the
nightly job has not closed yet) are computed from their tickets with the
very function that writes the summaries, so a day reads the same either way.
"""

from __future__ import annotations

import datetime
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Count,
    DateField,
    F,
    Max,
    Min,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import TruncMonth, TruncWeek

from reports.models import DailyTicketSummary, DayClosure
from sedi.models import Branch, ServiceLine
from sportelli.models import Ticket, TicketEvent

GROUPS = ("day", "week", "month")
# The integer columns of a summary row, summed over a period.
SUMMED = (
    "issued",
    "priority",
    "transferred",
    "waited",
    "wait_seconds",
    "served",
    "no_show",
    "expired",
    "serviced",
    "service_seconds",
)


@dataclass
class TicketFigures:
    """The counters' figures of one branch, line and day or period."""

    issued: int = 0
    priority: int = 0
    transferred: int = 0
    waited: int = 0
    wait_seconds: int = 0
    max_wait_seconds: int = 0
    wait_histogram: Counter[int] = field(default_factory=Counter)
    served: int = 0
    no_show: int = 0
    expired: int = 0
    serviced: int = 0
    service_seconds: int = 0
    services: Counter[str] = field(default_factory=Counter)

    def add(self, other: TicketFigures) -> None:
        """Add ``other``'s figures to these (sums, histograms, maximum)."""
        for name in SUMMED:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.max_wait_seconds = max(self.max_wait_seconds, other.max_wait_seconds)
        self.wait_histogram.update(other.wait_histogram)
        self.services.update(other.services)

    def add_wait(self, seconds: int) -> None:
        """Count one wait of ``seconds`` (a negative clock skew counts as 0)."""
        seconds = max(0, seconds)
        self.waited += 1
        self.wait_seconds += seconds
        self.max_wait_seconds = max(self.max_wait_seconds, seconds)
        self.wait_histogram[seconds // 60] += 1

    @classmethod
    def from_summary(cls, row: DailyTicketSummary) -> TicketFigures:
        """Return the figures stored in a summary row."""
        figures = cls(
            wait_histogram=Counter(
                {int(k): int(v) for k, v in row.wait_histogram.items()}
            ),
            services=Counter({str(k): int(v) for k, v in row.services.items()}),
            max_wait_seconds=row.max_wait_seconds,
        )
        for name in SUMMED:
            setattr(figures, name, getattr(row, name))
        return figures

    def p90_wait_minutes(self) -> int | None:
        """Return the 90th percentile wait (nearest rank, whole minutes)."""
        total = sum(self.wait_histogram.values())
        if not total:
            return None
        rank = math.ceil(0.9 * total)
        seen = 0
        for minute in sorted(self.wait_histogram):
            seen += self.wait_histogram[minute]
            if seen >= rank:
                return minute
        raise AssertionError("unreachable: the ranks add up to the total")


Key = tuple[datetime.date, int, int]  # (day or period start, branch id, line id)


def ticket_figures_compute(*, tickets: QuerySet[Ticket]) -> dict[Key, TicketFigures]:
    """Return the figures of ``tickets`` by issue day, branch and line.

    ``issued``, ``priority``, ``transferred`` and the waits count on the
    line the ticket was issued for (its letter): a wait runs from issue to
    the first call, wherever that call was. ``served``, ``no_show``,
    ``expired``, service times and services count on the line that finally
    held the ticket; a service runs from the last call to the closing.
    Three queries, whatever the number of tickets.
    """
    line_of_letter = dict(ServiceLine.objects.values_list("letter", "pk"))
    transferred = tickets.exclude(letter=F("line__letter"))
    first_calls = dict(
        TicketEvent.objects.filter(
            ticket__in=transferred.values("pk"), kind=TicketEvent.Kind.CALLED
        )
        .values("ticket_id")
        .annotate(first=Min("at"))
        .values_list("ticket_id", "first")
    )
    result: dict[Key, TicketFigures] = {}

    def at(key: Key) -> TicketFigures:
        figures = result.get(key)
        if figures is None:
            figures = result[key] = TicketFigures()
        return figures

    rows = tickets.values_list(
        "pk",
        "issued_on",
        "branch_id",
        "line_id",
        "letter",
        "status",
        "priority",
        "issued_at",
        "called_at",
        "finished_at",
    ).order_by()
    for row in rows.iterator(chunk_size=5000):
        pk, day, branch_id, line_id, letter, status, priority = row[:7]
        issued_at, called_at, finished_at = row[7:]
        origin = at((day, branch_id, line_of_letter.get(letter, line_id)))
        origin.issued += 1
        origin.priority += bool(priority)
        moved = origin is not at((day, branch_id, line_id))
        origin.transferred += moved
        first_call = first_calls.get(pk) if moved else None
        first_call = first_call or called_at
        if first_call is not None:
            origin.add_wait(int((first_call - issued_at).total_seconds()))
        final = at((day, branch_id, line_id))
        if status == Ticket.Status.COMPLETED:
            final.served += 1
            if called_at is not None and finished_at is not None:
                final.serviced += 1
                final.service_seconds += max(
                    0, int((finished_at - called_at).total_seconds())
                )
        elif status == Ticket.Status.NO_SHOW:
            final.no_show += 1
        elif status == Ticket.Status.EXPIRED:
            final.expired += 1
    performed = (
        Ticket.services.through.objects.filter(ticket__in=tickets.values("pk"))
        .values_list(
            "ticket__issued_on", "ticket__branch_id", "ticket__line_id", "service__code"
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
    for day, branch_id, line_id, code, n in performed:
        at((day, branch_id, line_id)).services[code] += n
    return result


def period_start(day: datetime.date, group: str) -> datetime.date:
    """Return the first day of ``day``'s period (ISO week from Monday)."""
    if group == "week":
        return day - datetime.timedelta(days=day.weekday())
    if group == "month":
        return day.replace(day=1)
    return day


def period_end(start: datetime.date, group: str) -> datetime.date:
    """Return the last day of the period that starts on ``start``."""
    if group == "week":
        return start + datetime.timedelta(days=6)
    if group == "month":
        following = (start.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        return following - datetime.timedelta(days=1)
    return start


def closed_through() -> datetime.date | None:
    """Return the newest closed day (every day up to it is closed)."""
    return DayClosure.objects.aggregate(last=Max("day"))["last"]


@dataclass(frozen=True)
class TicketReportQuery:
    """What a tickets report asks for, already checked and scoped."""

    date_from: datetime.date
    date_to: datetime.date
    branches: QuerySet[Branch]
    line: ServiceLine | None
    group: str
    today: datetime.date


@dataclass
class TicketReportRow:
    """One row of the tickets report, before rendering."""

    period: datetime.date
    branch_id: int
    line_id: int
    figures: TicketFigures
    live: bool


def _summaries(
    query: TicketReportQuery, *, day_from: datetime.date, day_to: datetime.date
) -> QuerySet[DailyTicketSummary]:
    rows = DailyTicketSummary.objects.filter(
        day__gte=day_from, day__lte=day_to, branch__in=query.branches
    )
    if query.line is not None:
        rows = rows.filter(line=query.line)
    return rows


def _period_expression(group: str) -> Any:
    if group == "week":
        return TruncWeek("day", output_field=DateField())
    if group == "month":
        return TruncMonth("day", output_field=DateField())
    return F("day")


def _sort_key(
    row: TicketReportRow, branch_codes: dict[int, str], positions: dict[int, Any]
) -> tuple[Any, ...]:
    return (row.period, branch_codes[row.branch_id], positions[row.line_id])


class TicketReport:
    """A tickets report, read one page at a time in a bounded number of queries.

    Rows are ordered by period, branch code and line (guideline order).
    Closed periods come from one aggregate query over the summaries (with
    ``LIMIT``/``OFFSET``); the tail from the first period that touches an
    unclosed day is merged in memory (it spans a few days at most).
    """

    def __init__(self, query: TicketReportQuery) -> None:
        self.query = query
        last_closed = closed_through()
        first_live = (
            query.date_from
            if last_closed is None
            else max(query.date_from, last_closed + datetime.timedelta(days=1))
        )
        self.live_from: datetime.date | None = (
            first_live if first_live <= min(query.date_to, query.today) else None
        )
        # Everything before this day's period is read by SQL pagination.
        self.split = (
            period_start(self.live_from, query.group)
            if self.live_from is not None
            else query.date_to + datetime.timedelta(days=1)
        )
        self._tail: list[TicketReportRow] | None = None
        self._names: tuple[dict[int, str], dict[int, Any], dict[int, str]] | None = None

    # --- names ------------------------------------------------------------

    def names(self) -> tuple[dict[int, str], dict[int, Any], dict[int, str]]:
        """Return branch codes, line positions and line codes by id."""
        if self._names is None:
            branch_codes = dict(self.query.branches.values_list("pk", "code"))
            lines = list(ServiceLine.objects.values_list("pk", "position", "code"))
            self._names = (
                branch_codes,
                {pk: (position, code) for pk, position, code in lines},
                {pk: code for pk, _position, code in lines},
            )
        return self._names

    # --- closed periods (SQL) ---------------------------------------------

    def _head(self) -> QuerySet[DailyTicketSummary, dict[str, Any]]:
        last = min(self.query.date_to, self.split - datetime.timedelta(days=1))
        return (
            _summaries(self.query, day_from=self.query.date_from, day_to=last)
            .annotate(period=_period_expression(self.query.group))
            .values("period", "branch_id", "line_id")
            .annotate(
                **{f"sum_{name}": Sum(name) for name in SUMMED},
                max_wait=Max("max_wait_seconds"),
            )
            .order_by("period", "branch__code", "line__position", "line__code")
        )

    def _head_count(self) -> int:
        if self.split <= self.query.date_from:
            return 0
        return self._head().count()

    def _head_rows(self, offset: int, limit: int | None) -> list[TicketReportRow]:
        if self.split <= self.query.date_from:
            return []
        head = self._head()
        page = list(head[offset : offset + limit] if limit is not None else head)
        if not page:
            return []
        rows: dict[Key, TicketReportRow] = {}
        for item in page:
            figures = TicketFigures(max_wait_seconds=item["max_wait"] or 0)
            for name in SUMMED:
                setattr(figures, name, item[f"sum_{name}"] or 0)
            key = (item["period"], item["branch_id"], item["line_id"])
            rows[key] = TicketReportRow(
                period=item["period"],
                branch_id=item["branch_id"],
                line_id=item["line_id"],
                figures=figures,
                live=False,
            )
        # Histograms and services merge in Python: one more query, bounded
        # by the page (its periods, branches and lines), not by the data.
        periods = [key[0] for key in rows]
        last = min(
            self.query.date_to,
            self.split - datetime.timedelta(days=1),
            period_end(max(periods), self.query.group),
        )
        detail = _summaries(
            self.query, day_from=max(min(periods), self.query.date_from), day_to=last
        ).filter(
            branch_id__in={key[1] for key in rows},
            line_id__in={key[2] for key in rows},
        )
        for day, branch_id, line_id, histogram, services in detail.values_list(
            "day", "branch_id", "line_id", "wait_histogram", "services"
        ):
            row = rows.get((period_start(day, self.query.group), branch_id, line_id))
            if row is None:
                continue
            for minute, count in histogram.items():
                row.figures.wait_histogram[int(minute)] += int(count)
            row.figures.services.update(services)
        return list(rows.values())

    # --- the tail: periods touching unclosed days ---------------------------

    def tail(self) -> list[TicketReportRow]:
        """Return the rows of the periods from the first unclosed day, merged."""
        if self._tail is not None:
            return self._tail
        merged: dict[Key, TicketReportRow] = {}
        if self.live_from is None:
            self._tail = []
            return self._tail
        group = self.query.group

        def add(key: Key, figures: TicketFigures, *, live: bool) -> None:
            row = merged.get(key)
            if row is None:
                merged[key] = TicketReportRow(
                    period=key[0],
                    branch_id=key[1],
                    line_id=key[2],
                    figures=TicketFigures(),
                    live=live,
                )
                row = merged[key]
            row.figures.add(figures)
            row.live = row.live or live

        closed_from = max(self.split, self.query.date_from)
        closed_to = self.live_from - datetime.timedelta(days=1)
        if closed_from <= closed_to:
            for summary in _summaries(
                self.query, day_from=closed_from, day_to=closed_to
            ):
                add(
                    (
                        period_start(summary.day, group),
                        summary.branch_id,
                        summary.line_id,
                    ),
                    TicketFigures.from_summary(summary),
                    live=False,
                )
        tickets = Ticket.objects.filter(
            issued_on__gte=self.live_from,
            issued_on__lte=min(self.query.date_to, self.query.today),
            branch__in=self.query.branches,
        )
        if self.query.line is not None:
            line = self.query.line
            tickets = tickets.filter(Q(line=line) | Q(letter=line.letter))
        for (day, branch_id, line_id), figures in ticket_figures_compute(
            tickets=tickets
        ).items():
            if self.query.line is not None and line_id != self.query.line.pk:
                continue
            add((period_start(day, group), branch_id, line_id), figures, live=True)
        branch_codes, positions, _codes = self.names()
        self._tail = sorted(
            merged.values(), key=lambda row: _sort_key(row, branch_codes, positions)
        )
        return self._tail

    # --- pages --------------------------------------------------------------

    def count(self) -> int:
        """Return how many rows the report has."""
        return self._head_count() + len(self.tail())

    def rows(
        self, *, offset: int = 0, limit: int | None = None
    ) -> list[TicketReportRow]:
        """Return the rows from ``offset`` (all of them when ``limit`` is None)."""
        head_count = self._head_count()
        result: list[TicketReportRow] = []
        if offset < head_count:
            result = self._head_rows(offset, limit)
        tail_offset = max(0, offset - head_count)
        wanted = None if limit is None else limit - len(result)
        if wanted is None or wanted > 0:
            tail = self.tail()[tail_offset:]
            result.extend(tail if wanted is None else tail[:wanted])
        return result


def ticket_report_serialise(
    report: TicketReport, rows: Iterable[TicketReportRow]
) -> list[dict[str, Any]]:
    """Return report rows as plain dicts, in the report's column order."""
    branch_codes, _positions, line_codes = report.names()
    group = report.query.group
    out = []
    for row in rows:
        f = row.figures
        out.append(
            {
                "period": row.period,
                "period_end": period_end(row.period, group),
                "branch": branch_codes[row.branch_id],
                "line": line_codes[row.line_id],
                "issued": f.issued,
                "served": f.served,
                "no_show": f.no_show,
                "transferred": f.transferred,
                "expired": f.expired,
                "priority": f.priority,
                "mean_wait_minutes": (
                    round(f.wait_seconds / f.waited / 60, 1) if f.waited else None
                ),
                "max_wait_minutes": (
                    round(f.max_wait_seconds / 60, 1) if f.waited else None
                ),
                "p90_wait_minutes": f.p90_wait_minutes(),
                "mean_service_minutes": (
                    round(f.service_seconds / f.serviced / 60, 1)
                    if f.serviced
                    else None
                ),
                "services": dict(sorted(f.services.items())),
                "live": row.live,
            }
        )
    return out
