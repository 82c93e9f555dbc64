"""Writes of the reports: closing days into summary rows."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.db.models import Max, Min, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from frontoffice.common.exceptions import ApplicationError
from reports.models import DailyTicketSummary, DayClosure, PeriodTicketSummary
from reports.selectors import (
    SUMMED,
    closed_through,
    period_end,
    period_start,
    ticket_figures_compute,
)
from sedi import calendar
from sportelli.models import Ticket

# The nightly job closes again this many days before yesterday, so that a
# correction made in the following days (a late no-show, an annulment) is
# picked up without anyone re-running it by hand.
RECLOSE_DAYS = 7


@transaction.atomic
def day_close(*, day: datetime.date, now: datetime.datetime | None = None) -> int:
    """Summarise ``day``'s tickets into its summary rows; return the row count.

    Its week's and month's roll-up rows are rewritten in the same
    transaction (``period_summaries_refresh``).

    The rows of an earlier run are replaced, so a re-run gives the same rows
    and picks up corrections. Only a day that is over can be closed (409
    ``day_not_over``). Concurrent runs of the same day queue on its closure
    row.
    """
    now = now or timezone.now()
    if day >= calendar.today(now=now):
        raise ApplicationError(
            code="day_not_over",
            detail=_("Si può chiudere solo una giornata già trascorsa."),
        )
    DayClosure.objects.get_or_create(day=day, defaults={"closed_at": now})
    closure = DayClosure.objects.select_for_update().get(day=day)
    tickets = Ticket.objects.filter(issued_on=day)
    figures = ticket_figures_compute(tickets=tickets)
    DailyTicketSummary.objects.filter(day=day).delete()
    DailyTicketSummary.objects.bulk_create(
        DailyTicketSummary(
            day=key_day,
            branch_id=branch_id,
            line_id=line_id,
            issued=f.issued,
            priority=f.priority,
            transferred=f.transferred,
            waited=f.waited,
            wait_seconds=f.wait_seconds,
            max_wait_seconds=f.max_wait_seconds,
            wait_histogram={str(k): v for k, v in sorted(f.wait_histogram.items())},
            served=f.served,
            no_show=f.no_show,
            expired=f.expired,
            serviced=f.serviced,
            service_seconds=f.service_seconds,
            services=dict(sorted(f.services.items())),
        )
        for (key_day, branch_id, line_id), f in sorted(figures.items())
    )
    period_summaries_refresh(day=day)
    closure.closed_at = now
    closure.tickets = tickets.count()
    closure.save(update_fields=["closed_at", "tickets"])
    return len(figures)


def _counts_add(total: dict[int | str, int], counts: dict[str, int], cast: Any) -> None:
    for key, n in counts.items():
        key = cast(key)
        total[key] = total.get(key, 0) + n


def period_summaries_refresh(*, day: datetime.date) -> int:
    """Rewrite the roll-up rows of ``day``'s ISO week and calendar month.

    Each becomes the exact sum of the period's daily rows: counts and times
    added, the longest wait the longest of the days, the wait histograms and
    services added key by key (so a week's or a month's 90th percentile is
    the one of its tickets). Called by ``day_close`` in the day's
    transaction: the roll-ups never lag the daily rows. Returns the rows
    written.
    """
    written = 0
    for group in PeriodTicketSummary.Group.values:
        start = period_start(day, group)
        daily = DailyTicketSummary.objects.filter(
            day__gte=start, day__lte=period_end(start, group)
        ).order_by()
        rows: dict[tuple[int, int], PeriodTicketSummary] = {}
        for item in daily.values("branch_id", "line_id").annotate(
            **{f"sum_{name}": Sum(name) for name in SUMMED},
            max_wait=Max("max_wait_seconds"),
        ):
            row = PeriodTicketSummary(
                group=group,
                period=start,
                branch_id=item["branch_id"],
                line_id=item["line_id"],
                max_wait_seconds=item["max_wait"] or 0,
                **{name: item[f"sum_{name}"] or 0 for name in SUMMED},
            )
            row.wait_histogram, row.services = {}, {}
            rows[(item["branch_id"], item["line_id"])] = row
        for branch_id, line_id, histogram, services in daily.values_list(
            "branch_id", "line_id", "wait_histogram", "services"
        ):
            row = rows[(branch_id, line_id)]
            _counts_add(row.wait_histogram, histogram, int)
            _counts_add(row.services, services, str)
        for row in rows.values():
            row.wait_histogram = {
                str(minute): n for minute, n in sorted(row.wait_histogram.items())
            }
            row.services = dict(sorted(row.services.items()))
        PeriodTicketSummary.objects.filter(group=group, period=start).delete()
        PeriodTicketSummary.objects.bulk_create(rows[key] for key in sorted(rows))
        written += len(rows)
    return written


def days_close(
    *,
    date_from: datetime.date | None,
    date_to: datetime.date,
    now: datetime.datetime | None = None,
) -> list[datetime.date]:
    """Close every day from ``date_from`` to ``date_to``; return the days closed.

    Reports read every day up to the newest closed one from the summaries,
    so no day may be left open behind it: the range is widened back to the
    day after the newest closed one (or, before any closure, to the first
    day with tickets). ``date_from`` None closes only what that rule asks.
    One transaction per day.
    """
    now = now or timezone.now()
    if date_to >= calendar.today(now=now):
        raise ApplicationError(
            code="day_not_over",
            detail=_("Si può chiudere solo una giornata già trascorsa."),
        )
    last_closed = closed_through()
    if last_closed is not None:
        pending = last_closed + datetime.timedelta(days=1)
    else:
        pending = Ticket.objects.aggregate(first=Min("issued_on"))["first"] or date_to
    start = pending if date_from is None else min(date_from, pending)
    closed = []
    day = start
    while day <= date_to:
        day_close(day=day, now=now)
        closed.append(day)
        day += datetime.timedelta(days=1)
    return closed


def days_close_pending(*, now: datetime.datetime | None = None) -> list[datetime.date]:
    """Close yesterday, any day left open before it, and the week before again."""
    now = now or timezone.now()
    yesterday = calendar.today(now=now) - datetime.timedelta(days=1)
    return days_close(
        date_from=yesterday - datetime.timedelta(days=RECLOSE_DAYS),
        date_to=yesterday,
        now=now,
    )
