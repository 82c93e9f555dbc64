"""Writes of the reports: closing days into summary rows."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from frontoffice.common.exceptions import ApplicationError
from reports.models import DailyTicketSummary, DayClosure
from reports.selectors import closed_through, ticket_figures_compute
from sedi import calendar
from sportelli.models import Ticket

# The nightly job closes again this many days before yesterday, so that a
# correction made in the following days (a late no-show, an annulment) is
# picked up without anyone re-running it by hand.
RECLOSE_DAYS = 7


@transaction.atomic
def day_close(*, day: datetime.date, now: datetime.datetime | None = None) -> int:
    """Summarise ``day``'s tickets into its summary rows; return the row count.

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
    closure.closed_at = now
    closure.tickets = tickets.count()
    closure.save(update_fields=["closed_at", "tickets"])
    return len(figures)


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
