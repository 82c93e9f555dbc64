"""Weekly and monthly roll-up rows, and the reports that read them.

The data set of ``conftest.py`` plus, at ``roma-centro`` on line A, two
tickets on Thursday 2 April 2026: waits 8 and 50 minutes, each served in
4 minutes with the line's first service. The clock stands on Wednesday
8 April, every day up to Tuesday 7 April closed. The week from Monday
30 March spans the end of March and follows the spring DST change
(Sunday 29 March, the last day of the week of Friday 27 March).
"""

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.core.management import call_command

from reports.models import DailyTicketSummary, PeriodTicketSummary
from reports.services import days_close
from reports.tests.conftest import FRIDAY, MONDAY, ROME, _ticket, at
from sportelli.models import Ticket

pytestmark = pytest.mark.django_db
URL = "/api/v1/reports/tickets/"
THURSDAY = datetime.date(2026, 4, 2)
CENTRE_A = ("roma-centro", "assicurato-pensionato")
ORDER = ("group", "period", "branch_id", "line_id")


@pytest.fixture
def later() -> Iterator[Any]:
    """Wednesday 8 April 2026, 10:00 (Rome)."""
    with time_machine.travel(
        datetime.datetime(2026, 4, 8, 10, 0, tzinfo=ROME), tick=False
    ) as traveller:
        yield traveller


@pytest.fixture
def closed(dataset: dict[str, Any], later: Any) -> dict[str, Any]:
    first_service = dataset["line_a"].services.order_by("position").first()
    for issued, called in ((at(THURSDAY, 9, 0), 8), (at(THURSDAY, 9, 30), 50)):
        _ticket(
            branch=dataset["centre"],
            day=THURSDAY,
            line=dataset["line_a"],
            issued=issued,
            called=issued + datetime.timedelta(minutes=called),
            finished=issued + datetime.timedelta(minutes=called + 4),
            status=Ticket.Status.COMPLETED,
            services=[first_service],
        )
    days_close(date_from=FRIDAY, date_to=datetime.date(2026, 4, 7))
    return dataset


def _rows(client: Any, user: Any, **params: Any) -> dict[tuple[str, str, str], Any]:
    client.force_login(user)
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    return {
        (r["period"], r["branch"], r["line"]): r for r in response.json()["results"]
    }


def test_close_day_writes_the_week_and_month_sums(closed):
    centre, line_a = closed["centre"], closed["line_a"]
    week = PeriodTicketSummary.objects.get(
        group="week", period=MONDAY, branch=centre, line=line_a
    )
    march = PeriodTicketSummary.objects.get(
        group="month", period=datetime.date(2026, 3, 1), branch=centre, line=line_a
    )
    april = PeriodTicketSummary.objects.get(
        group="month", period=datetime.date(2026, 4, 1), branch=centre, line=line_a
    )
    first, second = closed["services"]

    # Monday's eleven and Thursday's two, across the end of March.
    assert (week.issued, week.served, week.waited) == (13, 10, 12)
    assert week.wait_seconds == 9045 + 480 + 3000
    assert week.max_wait_seconds == 3600
    assert week.wait_histogram == {
        str(m): 1 for m in (1, 2, 3, 4, 5, 8, 10, 15, 20, 30, 50, 60)
    }
    assert week.services == {first: 4, second: 1}
    # March: Friday (winter time) and Monday (summer time); April: Thursday.
    assert (march.issued, march.waited, march.wait_seconds) == (12, 11, 9045 + 420)
    assert march.wait_histogram["7"] == 1
    assert (april.issued, april.wait_seconds, april.services) == (2, 3480, {first: 2})
    assert PeriodTicketSummary.objects.filter(group="week").count() == 4
    # Each roll-up is the sum of its period's daily rows.
    assert march.served == sum(
        DailyTicketSummary.objects.filter(
            branch=centre, line=line_a, day__month=3
        ).values_list("served", flat=True)
    )


def test_whole_weeks_read_from_the_roll_ups(api_client, closed, regional):
    rows = _rows(
        api_client,
        regional,
        group="week",
        date_from="2026-03-23",
        date_to="2026-04-05",
    )

    assert len(rows) == 4
    dst_week = rows[("2026-03-23", *CENTRE_A)]
    assert (dst_week["issued"], dst_week["p90_wait_minutes"]) == (1, 7)
    week = rows[("2026-03-30", *CENTRE_A)]
    assert week["period_end"] == "2026-04-05"
    assert week["issued"] == 13
    # 12525 s over 12 waits; minutes 1 2 3 4 5 8 10 15 20 30 50 60: the 11th.
    assert week["mean_wait_minutes"] == 17.4
    assert week["p90_wait_minutes"] == 50
    assert week["max_wait_minutes"] == 60.0
    # (3420 + 240 + 240) s over 10 services.
    assert week["mean_service_minutes"] == 6.5
    first, second = closed["services"]
    assert week["services"] == {first: 4, second: 1}
    assert week["live"] is False


def test_a_week_mostly_inside_the_range_is_its_roll_up_less_the_days_left_out(
    api_client, closed, regional
):
    """From Tuesday: six days of seven, the roll-up less Monday's rows."""
    rows = _rows(
        api_client, regional, group="week", date_from="2026-03-31", date_to="2026-04-05"
    )

    first, _second = closed["services"]
    assert list(rows) == [("2026-03-30", *CENTRE_A)]
    thursday = rows[("2026-03-30", *CENTRE_A)]
    assert thursday["issued"] == 2
    # Waits 8 and 50 minutes: the 2nd of 2; the second service left out.
    assert thursday["p90_wait_minutes"] == 50
    assert thursday["mean_wait_minutes"] == 29.0
    assert thursday["max_wait_minutes"] == 50.0
    assert thursday["services"] == {first: 2}


def test_a_week_mostly_outside_the_range_adds_its_days(api_client, closed, regional):
    """Monday and Tuesday: two days of seven, their daily rows added."""
    rows = _rows(
        api_client, regional, group="week", date_from="2026-03-30", date_to="2026-03-31"
    )

    monday = rows[("2026-03-30", *CENTRE_A)]
    assert len(rows) == 3
    assert (monday["issued"], monday["p90_wait_minutes"]) == (11, 30)
    assert monday["mean_wait_minutes"] == 15.1


def test_a_month_from_its_second_day(api_client, closed, regional):
    """March from the 2nd: the roll-up less 1 March (a Sunday, no rows)."""
    rows = _rows(
        api_client,
        regional,
        group="month",
        date_from="2026-03-02",
        date_to="2026-04-07",
    )

    march = rows[("2026-03-01", *CENTRE_A)]
    assert march["period_end"] == "2026-03-31"
    assert (march["issued"], march["served"]) == (12, 9)
    # (9045 + 420) s over 11 waits; with the 7-minute wait: the 10th of 11.
    assert march["mean_wait_minutes"] == 14.3
    assert march["p90_wait_minutes"] == 30
    april = rows[("2026-04-01", *CENTRE_A)]
    assert (april["issued"], april["p90_wait_minutes"]) == (2, 50)
    assert len(rows) == 4


def test_a_correction_closed_again_reaches_the_roll_ups(api_client, closed, regional):
    Ticket.objects.filter(issued_on=MONDAY, status=Ticket.Status.EXPIRED).update(
        status=Ticket.Status.NO_SHOW
    )
    call_command("close_day", "--from", "2026-03-30", "--to", "2026-03-30")

    week = _rows(
        api_client, regional, group="week", date_from="2026-03-30", date_to="2026-04-05"
    )[("2026-03-30", *CENTRE_A)]
    month = PeriodTicketSummary.objects.get(
        group="month",
        period=datetime.date(2026, 3, 1),
        branch=closed["centre"],
        line=closed["line_a"],
    )
    assert (week["no_show"], week["expired"]) == (2, 0)
    assert (month.no_show, month.expired) == (2, 0)


def test_closing_again_gives_the_same_roll_ups(closed):
    drop = ("id",)
    before = [
        {k: v for k, v in row.items() if k not in drop}
        for row in PeriodTicketSummary.objects.order_by(*ORDER).values()
    ]
    days_close(date_from=FRIDAY, date_to=datetime.date(2026, 4, 7))
    again = [
        {k: v for k, v in row.items() if k not in drop}
        for row in PeriodTicketSummary.objects.order_by(*ORDER).values()
    ]

    assert before == again


@pytest.mark.parametrize("group", ["day", "week", "month"])
def test_pages_of_part_and_whole_periods_join_up(api_client, closed, regional, group):
    """Page by page (size 1) gives the rows of one whole page, in order."""
    params = {"group": group, "date_from": "2026-03-24", "date_to": "2026-04-07"}
    whole = list(_rows(api_client, regional, **params))
    paged = []
    for page in range(1, len(whole) + 1):
        paged += list(_rows(api_client, regional, page=page, page_size=1, **params))

    assert paged == whole
    assert len(whole) == {"day": 5, "week": 4, "month": 4}[group]


YEAR = {"date_from": "2025-04-02", "date_to": "2026-04-01"}
# Session, user and role look-ups, names, the newest closure, each
# segment's count, the page's segments (a part period three queries),
# today's live figures: set by the request's shape, not by the data.
YEAR_QUERIES = 19


def _year_queries(client: Any, group: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sedi import scope

    # Each compared request reads the caller's scope, none finds it kept.
    scope.forget_local()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {**YEAR, "group": group, "page_size": 2})
    assert response.status_code == 200
    return len(queries)


def test_a_year_asks_the_same_queries_whatever_the_data(
    api_client, dataset, regional, after, django_assert_max_num_queries
):
    """A few days closed, then a ticket every Wednesday of the year closed too.

    The first week and month of the range are parts (from Wednesday 2
    April 2025): the large data set reads them from part periods, the small
    one finds them empty. Either way the queries stay under one bound.
    """
    days_close(date_from=FRIDAY, date_to=datetime.date(2026, 3, 31))
    api_client.force_login(regional)
    small = {}
    for group in ("day", "week", "month"):
        with django_assert_max_num_queries(YEAR_QUERIES):
            small[group] = _year_queries(api_client, group)
    wednesday = datetime.date(2025, 4, 2)
    while wednesday < FRIDAY:
        _ticket(
            branch=dataset["eur"],
            day=wednesday,
            line=dataset["line_a"],
            issued=at(wednesday, 9, 0),
            called=at(wednesday, 9, 5),
            finished=at(wednesday, 9, 9),
            status=Ticket.Status.COMPLETED,
        )
        wednesday += datetime.timedelta(days=7)
    _ticket(  # and one waiting today
        branch=dataset["eur"],
        day=datetime.date(2026, 4, 1),
        line=dataset["line_a"],
        issued=at(datetime.date(2026, 4, 1), 9, 0),
        status=Ticket.Status.WAITING,
    )
    days_close(date_from=datetime.date(2025, 4, 1), date_to=datetime.date(2026, 3, 31))
    large = {}
    for group in ("day", "week", "month"):
        with django_assert_max_num_queries(YEAR_QUERIES):
            large[group] = _year_queries(api_client, group)

    assert large["day"] == small["day"]
    assert PeriodTicketSummary.objects.filter(group="week").count() > 50
