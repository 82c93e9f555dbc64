"""Reads of the regional reports: the tickets report from summaries and live rows.

A report row covers one period (a day, an ISO week from Monday, a calendar
month), branch and line. Closed days (up to the newest ``DayClosure``) are
read from ``DailyTicketSummary``; the days after it (today, and any day the
nightly job has not closed yet) are computed from their tickets with the
very function that writes the summaries, so a day reads the same either way.
"""

from __future__ import annotations

import datetime
import hashlib
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import (
    Case,
    F,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    When,
)
from django.db.models.functions import Coalesce

from reports.models import (
    DailyTicketSummary,
    DayClosure,
    PeriodTicketSummary,
)
from sedi.models import Branch, Service, ServiceLine
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


class Seconds(Func):
    """Whole seconds from the second expression to the first (at least 0)."""

    output_field = IntegerField()
    arity = 2

    def as_sql(  # type: ignore[override]
        self, compiler: Any, connection: Any, **extra_context: Any
    ) -> tuple[str, list[Any]]:
        end_sql, end_params = compiler.compile(self.source_expressions[0])
        start_sql, start_params = compiler.compile(self.source_expressions[1])
        params = [*end_params, *start_params]
        if connection.vendor == "postgresql":
            # Not GREATEST(0, …): it would turn a missing time (NULL) into 0.
            diff = f"({end_sql} - {start_sql})"
            return (
                f"CASE WHEN {diff} < interval '0' THEN 0 "
                f"ELSE FLOOR(EXTRACT(EPOCH FROM {diff}))::integer END",
                params * 2,
            )
        # SQLite: julianday() is a float of days; a millisecond of slack keeps
        # a whole number of seconds from flooring to the one below. MAX() of
        # a NULL is NULL there.
        return (
            f"MAX(0, CAST((julianday({end_sql}) - julianday({start_sql}))"
            " * 86400.0 + 0.001 AS INTEGER))",
            params,
        )


def ticket_figures_compute(*, tickets: QuerySet[Ticket]) -> dict[Key, TicketFigures]:
    """Return the figures of ``tickets`` by issue day, branch and line.

    ``issued``, ``priority``, ``transferred`` and the waits count on the
    line the ticket was issued for (its letter): a wait runs from issue to
    the first call, wherever that call was. ``served``, ``no_show``,
    ``expired``, service times and services count on the line that finally
    held the ticket; a service runs from the last call to the closing.
    Times are whole seconds, rounded down. Three queries, whatever the
    number of tickets: the lines' letters; one grouped query by day,
    branch, letter, final line and whole minute of wait (every count, sum
    and histogram bucket, and the tickets' id bounds); the services
    performed. Nothing is read ticket by ticket.
    """
    line_of_letter = dict(ServiceLine.objects.values_list("letter", "pk"))
    moved = ~Q(letter=F("line__letter"))
    first_call = Coalesce(
        Case(
            When(
                moved,
                then=Subquery(
                    TicketEvent.objects.filter(
                        ticket=OuterRef("pk"), kind=TicketEvent.Kind.CALLED
                    )
                    .order_by("at")
                    .values("at")[:1]
                ),
            ),
            default=None,
        ),
        F("called_at"),
    )
    status = Ticket.Status
    # Each ticket's wait and service are computed once, in a derived
    # table, then grouped: the database would otherwise evaluate the
    # expressions again for every aggregate that uses them.
    per_ticket = (
        tickets.order_by()
        .annotate(
            wait=Seconds(first_call, F("issued_at")),
            service=Seconds(F("finished_at"), F("called_at")),
            moved=Case(When(moved, then=1), default=0, output_field=IntegerField()),
        )
        .values(
            "id",
            "issued_on",
            "branch_id",
            "letter",
            "line_id",
            "status",
            "priority",
            "wait",
            "service",
            "moved",
        )
    )
    inner, params = per_ticket.query.sql_with_params()
    if connection.vendor == "postgresql":
        # A fence: without it the planner folds the derived table back in.
        inner += " OFFSET 0"
    completed = status.COMPLETED
    sql = f"""
        SELECT t.issued_on, t.branch_id, t.letter, t.line_id, t.wait / 60,
               COUNT(*),
               SUM(CASE WHEN t.priority THEN 1 ELSE 0 END),
               SUM(t.moved),
               COUNT(t.wait), SUM(t.wait), MAX(t.wait),
               SUM(CASE WHEN t.status = %s THEN 1 ELSE 0 END),
               SUM(CASE WHEN t.status = %s THEN 1 ELSE 0 END),
               SUM(CASE WHEN t.status = %s THEN 1 ELSE 0 END),
               SUM(CASE WHEN t.status = %s AND t.service IS NOT NULL
                        THEN 1 ELSE 0 END),
               SUM(CASE WHEN t.status = %s THEN t.service END),
               MIN(t.id), MAX(t.id)
        FROM ({inner}) AS t
        GROUP BY t.issued_on, t.branch_id, t.letter, t.line_id, t.wait / 60
    """
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [completed, status.NO_SHOW, status.EXPIRED, completed, completed, *params],
        )
        grouped = cursor.fetchall()
    result: dict[Key, TicketFigures] = {}

    def at(key: Key) -> TicketFigures:
        figures = result.get(key)
        if figures is None:
            figures = result[key] = TicketFigures()
        return figures

    # A letter no line has any more counts on the lowest of its tickets' lines.
    any_line: dict[tuple[Any, int, str], int] = {}
    for day, branch_id, letter, line_id, *_rest in grouped:
        mark = (day, branch_id, letter)
        any_line[mark] = min(any_line.get(mark, line_id), line_id)
    low, high = 1, 0
    for (
        day, branch_id, letter, line_id, minute, issued, priority, transferred,
        waited, wait_seconds, max_wait, served, no_show, expired, serviced,
        service_seconds, first_id, last_id,
    ) in grouped:  # fmt: skip
        if isinstance(day, str):  # SQLite answers dates as text
            day = datetime.date.fromisoformat(day)
        origin_line = line_of_letter.get(letter) or any_line[(day, branch_id, letter)]
        origin = at((day, branch_id, origin_line))
        origin.issued += issued
        origin.priority += priority
        origin.transferred += transferred
        if waited:
            origin.waited += waited
            origin.wait_seconds += wait_seconds
            origin.max_wait_seconds = max(origin.max_wait_seconds, max_wait)
            origin.wait_histogram[int(minute)] += waited
        final = at((day, branch_id, line_id))
        final.served += served
        final.no_show += no_show
        final.expired += expired
        final.serviced += serviced
        final.service_seconds += service_seconds or 0
        low = first_id if low > high else min(low, first_id)
        high = max(high, last_id)
    # The services performed: the bounds of the tickets' ids let the
    # database walk the link table's index for those tickets only, rather
    # than read all of it (its planner cannot see that from the join).
    # Tickets are stored as they are issued, so a day's ids are close
    # together. (Without tickets the bounds select nothing: the query still
    # runs, so the number of queries does not depend on the data.)
    # (The tickets' day, branch and line come from the derived table: no
    # second look-up of each ticket. Grouped by the service's id, its code
    # joined after: no sorting of text per ticket.)
    link = Ticket.services.through
    ticket_sql, ticket_params = (
        tickets.order_by()
        .values("id", "issued_on", "branch_id", "line_id")
        .query.sql_with_params()
    )
    if connection.vendor == "postgresql":
        ticket_sql += " OFFSET 0"
    link_table = connection.ops.quote_name(link._meta.db_table)
    service_table = connection.ops.quote_name(Service._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT g.issued_on, g.branch_id, g.line_id, s.code, g.n
            FROM (
                SELECT t.issued_on, t.branch_id, t.line_id, l.service_id,
                       COUNT(*) AS n
                FROM ({ticket_sql}) AS t
                JOIN {link_table} AS l ON l.ticket_id = t.id
                WHERE l.ticket_id >= %s AND l.ticket_id <= %s
                GROUP BY t.issued_on, t.branch_id, t.line_id, l.service_id
            ) AS g
            JOIN {service_table} AS s ON s.id = g.service_id
            """,
            [*ticket_params, low, high],
        )
        performed = cursor.fetchall()
    for day, branch_id, line_id, code, n in performed:
        if isinstance(day, str):  # SQLite answers dates as text
            day = datetime.date.fromisoformat(day)
        at((day, branch_id, line_id)).services[code] += n
    return result


def ticket_keys(*, tickets: QuerySet[Ticket]) -> set[Key]:
    """Return the keys ``ticket_figures_compute`` would return for ``tickets``.

    Two light queries (the lines' letters, the distinct day, branch,
    letter and line of the tickets): enough to count a report's rows
    without computing their figures.
    """
    line_of_letter = dict(ServiceLine.objects.values_list("letter", "pk"))
    groups = list(
        tickets.order_by()
        .values_list("issued_on", "branch_id", "letter", "line_id")
        .distinct()
    )
    any_line: dict[tuple[Any, int, str], int] = {}
    for day, branch_id, letter, line_id in groups:
        mark = (day, branch_id, letter)
        any_line[mark] = min(any_line.get(mark, line_id), line_id)
    keys: set[Key] = set()
    for day, branch_id, letter, line_id in groups:
        origin = line_of_letter.get(letter) or any_line[(day, branch_id, letter)]
        keys.add((day, branch_id, origin))
        keys.add((day, branch_id, line_id))
    return keys


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


def _sort_key(
    row: TicketReportRow, branch_codes: dict[int, str], positions: dict[int, Any]
) -> tuple[Any, ...]:
    return (row.period, branch_codes[row.branch_id], positions[row.line_id])


ORDER = ("branch__code", "line__position", "line__code")


def _counts_add(total: Counter[Any], counts: dict[str, int], cast: Any) -> None:
    for key, n in counts.items():
        total[cast(key)] += n


def _counts_subtract(total: Counter[Any], counts: dict[str, int], cast: Any) -> None:
    for key, n in counts.items():
        key = cast(key)
        left = total[key] - n
        if left > 0:
            total[key] = left
        else:
            del total[key]


class _Segment:
    """Report rows of closed days, in report order, one page at a time in SQL."""

    def __init__(self, query: TicketReportQuery) -> None:
        self.query = query
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:
            self._count = self._compute_count()
        return self._count

    def _compute_count(self) -> int:
        raise NotImplementedError

    def rows(self, offset: int, limit: int | None) -> list[TicketReportRow]:
        raise NotImplementedError


# A summary row's columns as read (tuples: no model instance per row).
FIGURE_COLUMNS = (
    "branch_id",
    "line_id",
    *SUMMED,
    "max_wait_seconds",
    "wait_histogram",
    "services",
)


def _figures_of(values: Sequence[Any]) -> TicketFigures:
    """Return the figures of a summary row read as ``FIGURE_COLUMNS[2:]``."""
    *sums, max_wait, histogram, services = values
    figures = TicketFigures(
        **dict(zip(SUMMED, sums, strict=True)),
        max_wait_seconds=max_wait,
    )
    _counts_add(figures.wait_histogram, histogram, int)
    figures.services.update(services)
    return figures


def _rows_of(values: Iterable[tuple[Any, ...]]) -> list[TicketReportRow]:
    """Return report rows from ``(period, *FIGURE_COLUMNS)`` tuples."""
    return [
        TicketReportRow(
            period=period,
            branch_id=branch_id,
            line_id=line_id,
            figures=_figures_of(rest),
            live=False,
        )
        for period, branch_id, line_id, *rest in values
    ]


class _Days(_Segment):
    """By day: each daily summary row is a report row, read as it is."""

    def __init__(
        self, query: TicketReportQuery, day_from: datetime.date, day_to: datetime.date
    ) -> None:
        super().__init__(query)
        self.summaries = _summaries(query, day_from=day_from, day_to=day_to)

    def _compute_count(self) -> int:
        return self.summaries.count()

    def rows(self, offset: int, limit: int | None) -> list[TicketReportRow]:
        ordered = self.summaries.order_by("day", *ORDER).values_list(
            "day", *FIGURE_COLUMNS
        )
        return _rows_of(ordered[offset : None if limit is None else offset + limit])


class _Periods(_Segment):
    """Whole weeks or months: their roll-up rows, read as they are."""

    def __init__(
        self, query: TicketReportQuery, first: datetime.date, last: datetime.date
    ) -> None:
        super().__init__(query)
        rows = PeriodTicketSummary.objects.filter(
            group=query.group,
            period__gte=first,
            period__lte=last,
            branch__in=query.branches,
        )
        if query.line is not None:
            rows = rows.filter(line=query.line)
        self.summaries = rows

    def _compute_count(self) -> int:
        return self.summaries.count()

    def rows(self, offset: int, limit: int | None) -> list[TicketReportRow]:
        ordered = self.summaries.order_by("period", *ORDER).values_list(
            "period", *FIGURE_COLUMNS
        )
        return _rows_of(ordered[offset : None if limit is None else offset + limit])


class _PartPeriod(_Segment):
    """Part of one week or month (the range starts or ends inside it).

    Counts, times and the longest wait are summed in SQL over the part's
    daily rows. Histograms and services are added from those daily rows,
    or, when the part is the larger share of the period, taken from the
    period's roll-up row less the daily rows of the days left out: both
    exact (counts add and subtract), the second reads fewer rows.
    """

    def __init__(
        self, query: TicketReportQuery, day_from: datetime.date, day_to: datetime.date
    ) -> None:
        super().__init__(query)
        self.start = period_start(day_from, query.group)
        self.end = period_end(self.start, query.group)
        assert self.start <= day_from <= day_to <= self.end
        self.day_from, self.day_to = day_from, day_to
        self.summaries = _summaries(query, day_from=day_from, day_to=day_to)

    def _grouped(self) -> Any:
        return self.summaries.values("branch_id", "line_id").order_by()

    def _compute_count(self) -> int:
        return self._grouped().distinct().count()

    def rows(self, offset: int, limit: int | None) -> list[TicketReportRow]:
        grouped = (
            self._grouped()
            .annotate(
                **{f"sum_{name}": Sum(name) for name in SUMMED},
                max_wait=Max("max_wait_seconds"),
            )
            .order_by(*ORDER)
        )
        page = list(grouped[offset : None if limit is None else offset + limit])
        if not page:
            return []
        rows: dict[tuple[int, int], TicketReportRow] = {}
        for item in page:
            figures = TicketFigures(max_wait_seconds=item["max_wait"] or 0)
            for name in SUMMED:
                setattr(figures, name, item[f"sum_{name}"] or 0)
            rows[(item["branch_id"], item["line_id"])] = TicketReportRow(
                period=self.start,
                branch_id=item["branch_id"],
                line_id=item["line_id"],
                figures=figures,
                live=False,
            )
        branch_ids = {key[0] for key in rows}
        line_ids = {key[1] for key in rows}
        kept = (self.day_to - self.day_from).days + 1
        left_out = (self.end - self.start).days + 1 - kept
        detail = DailyTicketSummary.objects.filter(
            branch_id__in=branch_ids, line_id__in=line_ids
        )
        if left_out < kept:
            whole = PeriodTicketSummary.objects.filter(
                group=self.query.group,
                period=self.start,
                branch_id__in=branch_ids,
                line_id__in=line_ids,
            )
            for branch_id, line_id, histogram, services in whole.values_list(
                "branch_id", "line_id", "wait_histogram", "services"
            ):
                row = rows.get((branch_id, line_id))
                if row is not None:
                    _counts_add(row.figures.wait_histogram, histogram, int)
                    _counts_add(row.figures.services, services, str)
            outside = detail.filter(
                Q(day__gte=self.start, day__lt=self.day_from)
                | Q(day__gt=self.day_to, day__lte=self.end)
            )
            merge = _counts_subtract
        else:
            outside = detail.filter(day__gte=self.day_from, day__lte=self.day_to)
            merge = _counts_add
        for branch_id, line_id, histogram, services in outside.values_list(
            "branch_id", "line_id", "wait_histogram", "services"
        ):
            row = rows.get((branch_id, line_id))
            if row is not None:
                merge(row.figures.wait_histogram, histogram, int)
                merge(row.figures.services, services, str)
        return list(rows.values())


class _Tail(_Segment):
    def __init__(self, report: TicketReport) -> None:
        super().__init__(report.query)
        self.report = report

    def _compute_count(self) -> int:
        return self.report.tail_count()

    def rows(self, offset: int, limit: int | None) -> list[TicketReportRow]:
        return self.report.tail()[offset : None if limit is None else offset + limit]


class TicketReport:
    """A tickets report, read one page at a time in a bounded number of queries.

    Rows are ordered by period, branch code and line (guideline order). The
    closed part is read in SQL pages from up to three segments: by day, the
    daily summaries as they are; by week or month, the roll-up rows of the
    periods wholly inside the range, and a part period at either end. The
    tail from the first period that touches an unclosed day is merged in
    memory (it spans a few days at most). Each segment counts its rows with
    one query; none re-runs the whole report to count it.
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
        self.segments = [*self._closed_segments(), _Tail(self)]

    def _closed_segments(self) -> list[_Segment]:
        query, one_day = self.query, datetime.timedelta(days=1)
        first = query.date_from
        last = min(query.date_to, self.split - one_day)
        if last < first:
            return []
        if query.group == "day":
            return [_Days(query, first, last)]
        group = query.group
        first_start, last_start = period_start(first, group), period_start(last, group)
        if first_start == last_start:
            if first == first_start and last == period_end(first_start, group):
                return [_Periods(query, first_start, first_start)]
            return [_PartPeriod(query, first, last)]
        segments: list[_Segment] = []
        whole_from = first_start
        if first != first_start:
            segments.append(_PartPeriod(query, first, period_end(first_start, group)))
            whole_from = period_end(first_start, group) + one_day
        whole_to = last_start
        if last != period_end(last_start, group):
            whole_to = period_start(last_start - one_day, group)
        if whole_from <= whole_to:
            segments.append(_Periods(query, whole_from, whole_to))
        if last != period_end(last_start, group):
            segments.append(_PartPeriod(query, last_start, last))
        return segments

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

        for day, branch_id, line_id, *rest in self._closed_tail().values_list(
            "day", *FIGURE_COLUMNS
        ):
            key = (period_start(day, group), branch_id, line_id)
            add(key, _figures_of(rest), live=False)
        for (day, branch_id, line_id), figures in self._live_figures().items():
            if self.query.line is not None and line_id != self.query.line.pk:
                continue
            add((period_start(day, group), branch_id, line_id), figures, live=True)
        branch_codes, positions, _codes = self.names()
        self._tail = sorted(
            merged.values(), key=lambda row: _sort_key(row, branch_codes, positions)
        )
        return self._tail

    def _live_scope(self) -> tuple[str, QuerySet[Ticket]]:
        """Return the cache key and the tickets of the unclosed days."""
        assert self.live_from is not None
        live_to = min(self.query.date_to, self.query.today)
        line = self.query.line
        branch_ids = sorted(self.names()[0])
        scope = f"{branch_ids}|{line.pk if line else ''}|{self.live_from}|{live_to}"
        key = "reports:live:" + hashlib.sha256(scope.encode()).hexdigest()
        tickets = Ticket.objects.filter(
            issued_on__gte=self.live_from,
            issued_on__lte=live_to,
            branch_id__in=branch_ids,
        )
        if line is not None:
            tickets = tickets.filter(Q(line=line) | Q(letter=line.letter))
        return key, tickets

    def _live_cached(self) -> dict[Key, TicketFigures] | None:
        if not settings.REPORTS_LIVE_CACHE_SECONDS:
            return None
        key, _tickets = self._live_scope()
        return cast(dict[Key, TicketFigures] | None, cache.get(key))

    def _live_keys(self) -> set[Key]:
        """Return the unclosed days' row keys, cached like their figures."""
        key, tickets = self._live_scope()
        seconds = settings.REPORTS_LIVE_CACHE_SECONDS
        if seconds:
            cached = cache.get(key + ":keys")
            if cached is not None:
                return cast(set[Key], cached)
        keys = ticket_keys(tickets=tickets)
        if seconds:
            cache.set(key + ":keys", keys, seconds)
        return keys

    def _live_figures(self) -> dict[Key, TicketFigures]:
        """Return the unclosed days' figures, cached for a few seconds."""
        cached = self._live_cached()
        if cached is not None:
            return cached
        key, tickets = self._live_scope()
        figures = ticket_figures_compute(tickets=tickets)
        if settings.REPORTS_LIVE_CACHE_SECONDS:
            cache.set(key, figures, settings.REPORTS_LIVE_CACHE_SECONDS)
        return figures

    def tail_count(self) -> int:
        """Return how many rows the tail has, without its figures if need be.

        A page before the tail (every page but the last ones) then never
        groups today's tickets: their keys are enough to count.
        """
        if self._tail is not None:
            return len(self._tail)
        if self.live_from is None:
            return 0
        group, line = self.query.group, self.query.line
        keys = {
            (period_start(day, group), branch_id, line_id)
            for day, branch_id, line_id in self._closed_tail().values_list(
                "day", "branch_id", "line_id"
            )
        }
        live = self._live_cached()
        live_keys = set(live) if live is not None else self._live_keys()
        for day, branch_id, line_id in live_keys:
            if line is None or line_id == line.pk:
                keys.add((period_start(day, group), branch_id, line_id))
        return len(keys)

    def _closed_tail(self) -> QuerySet[DailyTicketSummary]:
        """Return the tail's closed days' summary rows (none if there are none)."""
        assert self.live_from is not None
        closed_from = max(self.split, self.query.date_from)
        closed_to = self.live_from - datetime.timedelta(days=1)
        return _summaries(self.query, day_from=closed_from, day_to=closed_to)

    # --- pages --------------------------------------------------------------

    def count(self) -> int:
        """Return how many rows the report has."""
        return sum(segment.count() for segment in self.segments)

    def rows(
        self, *, offset: int = 0, limit: int | None = None
    ) -> list[TicketReportRow]:
        """Return the rows from ``offset`` (all of them when ``limit`` is None)."""
        result: list[TicketReportRow] = []
        for segment in self.segments:
            if limit is not None and len(result) >= limit:
                break
            size = segment.count()
            if offset >= size:
                offset -= size
                continue
            wanted = None if limit is None else limit - len(result)
            result.extend(segment.rows(offset, wanted))
            offset = 0
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
