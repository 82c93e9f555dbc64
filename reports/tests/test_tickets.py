"""The tickets report against hand-computed figures (data set: ``conftest.py``)."""

import csv
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from frontoffice.common.exceptions import ApplicationError
from reports.apis import TicketReportRowSerializer
from reports.models import DailyTicketSummary, DayClosure
from reports.services import day_close, days_close
from reports.tests.conftest import FRIDAY, MONDAY, TODAY, TUESDAY, _ticket, at
from sedi.tests.factories import StaffRoleFactory
from sportelli.models import Ticket

pytestmark = pytest.mark.django_db
URL = "/api/v1/reports/tickets/"
MARCH = {"date_from": "2026-03-27", "date_to": "2026-03-31"}


def _get(client: Any, user: Any, **params: Any) -> Any:
    client.force_login(user)
    return client.get(URL, params)


def _rows(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def _key(row: dict[str, Any]) -> tuple[str, str, str]:
    return (row["period"], row["branch"], row["line"])


def _without_live(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in row.items() if k != "live"} for row in rows]


CENTRE_A_MONDAY = {
    "period": "2026-03-30",
    "period_end": "2026-03-30",
    "branch": "roma-centro",
    "line": "assicurato-pensionato",
    "issued": 11,
    "served": 8,
    "no_show": 1,
    "transferred": 1,
    "expired": 1,
    "priority": 1,
    # 9045 s over 10 waits.
    "mean_wait_minutes": 15.1,
    "max_wait_minutes": 60.0,
    # Whole minutes 1 2 3 4 5 10 15 20 30 60: the 9th of 10.
    "p90_wait_minutes": 30,
    # 3420 s over 8 services.
    "mean_service_minutes": 7.1,
}


def _expected_day(services: tuple[str, str]) -> list[dict[str, Any]]:
    first, second = services
    return [
        {
            "period": "2026-03-27",
            "period_end": "2026-03-27",
            "branch": "roma-centro",
            "line": "assicurato-pensionato",
            "issued": 1,
            "served": 1,
            "no_show": 0,
            "transferred": 0,
            "expired": 0,
            "priority": 0,
            "mean_wait_minutes": 7.0,
            "max_wait_minutes": 7.0,
            "p90_wait_minutes": 7,
            "mean_service_minutes": 4.0,
            "services": {},
        },
        {**CENTRE_A_MONDAY, "services": {first: 2, second: 1}},
        {
            "period": "2026-03-30",
            "period_end": "2026-03-30",
            "branch": "roma-centro",
            "line": "socio-sanitari",
            "issued": 0,
            "served": 1,
            "no_show": 0,
            "transferred": 0,
            "expired": 0,
            "priority": 0,
            "mean_wait_minutes": None,
            "max_wait_minutes": None,
            "p90_wait_minutes": None,
            "mean_service_minutes": 10.0,
            "services": {},
        },
        {
            "period": "2026-03-30",
            "period_end": "2026-03-30",
            "branch": "roma-eur",
            "line": "assicurato-pensionato",
            "issued": 1,
            "served": 1,
            "no_show": 0,
            "transferred": 0,
            "expired": 0,
            "priority": 0,
            "mean_wait_minutes": 2.0,
            "max_wait_minutes": 2.0,
            "p90_wait_minutes": 2,
            "mean_service_minutes": 3.0,
            "services": {},
        },
    ]


def test_live_report_matches_the_hand_computed_figures(
    api_client, dataset, regional, after
):
    rows = _rows(_get(api_client, regional, **MARCH))

    assert _without_live(rows) == _expected_day(dataset["services"])
    # Nothing is closed yet: every row is live. Tuesday had no activity: no row.
    assert {row["live"] for row in rows} == {True}
    assert TUESDAY.isoformat() not in {row["period"] for row in rows}


def test_closed_days_read_the_same_as_live(api_client, dataset, regional, after):
    live = _rows(_get(api_client, regional, **MARCH))

    days_close(date_from=FRIDAY, date_to=TUESDAY)
    closed = _rows(_get(api_client, regional, **MARCH))

    assert DailyTicketSummary.objects.filter(day=TUESDAY).count() == 0
    assert DayClosure.objects.filter(day=TUESDAY).exists()
    assert {row["live"] for row in closed} == {False}
    assert _without_live(closed) == _without_live(live)


def test_a_day_half_closed_merges_summaries_and_live_rows(
    api_client, dataset, regional, after
):
    """The week of 30 March: nothing closed, then Monday only, then all."""
    params = {**MARCH, "group": "week"}
    live = _rows(_get(api_client, regional, **params))
    day_close(day=FRIDAY)  # Monday stays live; Friday's week is closed
    mixed = _rows(_get(api_client, regional, **params))

    assert _without_live(mixed) == _without_live(live)
    assert [(row["period"], row["live"]) for row in mixed] == [
        ("2026-03-23", False),
        ("2026-03-30", True),
        ("2026-03-30", True),
        ("2026-03-30", True),
    ]


def test_month_merges_days_exactly(api_client, dataset, regional, after):
    days_close(date_from=FRIDAY, date_to=MONDAY)

    rows = _rows(_get(api_client, regional, group="month", **MARCH))

    centre_a = next(
        r
        for r in rows
        if _key(r) == ("2026-03-01", "roma-centro", "assicurato-pensionato")
    )
    assert centre_a["period_end"] == "2026-03-31"
    assert centre_a["issued"] == 12
    assert centre_a["served"] == 9
    # (9045 + 420) s over 11 waits; whole minutes with the 7: the 10th of 11.
    assert centre_a["mean_wait_minutes"] == 14.3
    assert centre_a["p90_wait_minutes"] == 30
    assert centre_a["max_wait_minutes"] == 60.0
    # (3420 + 240) s over 9 services.
    assert centre_a["mean_service_minutes"] == 6.8
    assert len(rows) == 3


def test_filters_by_branch_and_line(api_client, dataset, regional, after):
    rows = _rows(
        _get(api_client, regional, branch="roma-centro", line="socio-sanitari", **MARCH)
    )

    assert [_key(r) for r in rows] == [("2026-03-30", "roma-centro", "socio-sanitari")]
    assert rows[0]["served"] == 1


def test_closing_again_picks_up_a_correction(api_client, dataset, regional, after):
    days_close(date_from=FRIDAY, date_to=MONDAY)
    before = list(DailyTicketSummary.objects.order_by("pk").values())
    days_close(date_from=FRIDAY, date_to=MONDAY)
    again = list(DailyTicketSummary.objects.order_by("pk").values())
    # A late correction: the expired ticket was in fact a no-show.
    Ticket.objects.filter(issued_on=MONDAY, status=Ticket.Status.EXPIRED).update(
        status=Ticket.Status.NO_SHOW
    )
    call_command("close_day", "--from", "2026-03-30", "--to", "2026-03-30")

    drop = ("id",)
    assert [{k: v for k, v in r.items() if k not in drop} for r in before] == [
        {k: v for k, v in r.items() if k not in drop} for r in again
    ]
    centre_a = next(
        r
        for r in _rows(_get(api_client, regional, **MARCH))
        if _key(r) == ("2026-03-30", "roma-centro", "assicurato-pensionato")
    )
    assert (centre_a["no_show"], centre_a["expired"]) == (2, 0)


def test_today_cannot_be_closed(dataset, after):
    with pytest.raises(ApplicationError) as refused:
        day_close(day=TODAY)

    assert refused.value.code == "day_not_over"
    assert not DayClosure.objects.exists()


def test_the_region_sees_every_branch_a_director_only_theirs(
    api_client, dataset, regional, director, after
):
    region_rows = _rows(_get(api_client, regional, **MARCH))
    director_rows = _rows(_get(api_client, director, **MARCH))
    other = _get(api_client, director, branch="roma-centro", **MARCH)

    assert {r["branch"] for r in region_rows} == {"roma-centro", "roma-eur"}
    assert {r["branch"] for r in director_rows} == {"roma-eur"}
    assert other.status_code == 403


@pytest.mark.parametrize(
    "role", ["reception", "operator", "floor-supervisor", "consultant", "kiosk",
             "contact-centre"],
)  # fmt: skip
def test_other_roles_get_403(api_client, dataset, role, after):
    holder = StaffRoleFactory.create(role=role, branch=dataset["centre"]).user

    assert _get(api_client, holder, **MARCH).status_code == 403


def test_anonymous_gets_401(api_client, dataset):
    assert api_client.get(URL).status_code == 401


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"date_from": "2026-04-02", "date_to": "2026-04-01"}, "date_from"),
        ({"date_from": "2020-01-01", "date_to": "2026-04-01"}, "date_from"),
        ({"date_from": "1999-01-01"}, "date_from"),
        ({"group": "year"}, "group"),
        ({"branch": "nessuna"}, "branch"),
        ({"line": "nessuna"}, "line"),
    ],
)
def test_bad_filters_are_400(api_client, dataset, regional, after, params, field):
    response = _get(api_client, regional, **params)

    assert response.status_code == 400
    assert field in response.json()


def test_csv_has_the_stable_header_and_codes(api_client, dataset, regional, after):
    response = _get(api_client, regional, format="csv", **MARCH)

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="biglietti.csv"'
    table = list(csv.reader(io.StringIO(response.content.decode())))
    assert table[0] == list(TicketReportRowSerializer().fields)
    assert [row[2] for row in table[1:]] == [
        "roma-centro",
        "roma-centro",
        "roma-centro",
        "roma-eur",
    ]
    first, second = dataset["services"]
    assert table[2][table[0].index("services")] == f"{first}=2; {second}=1"


def test_xlsx_has_the_same_columns_and_numbers(api_client, dataset, regional, after):
    response = _get(api_client, regional, format="xlsx", **MARCH)

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="biglietti.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    table = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert table[0] == list(TicketReportRowSerializer().fields)
    header = table[0]
    monday_a = table[2]
    assert monday_a[header.index("issued")] == 11
    assert monday_a[header.index("mean_wait_minutes")] == 15.1
    assert monday_a[header.index("line")] == "assicurato-pensionato"


def test_pages(api_client, dataset, regional, after):
    days_close(date_from=FRIDAY, date_to=MONDAY)

    first = _get(api_client, regional, page_size=3, **MARCH).json()
    second = api_client.get(first["next"]).json()

    assert first["count"] == 4
    assert [_key(r) for r in first["results"] + second["results"]] == [
        _key(r) for r in _expected_day(dataset["services"])
    ]


def _queries(client: Any, user: Any, **params: Any) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, params)
    assert response.status_code == 200
    return len(queries)


# Session, user and role look-ups, names, the newest closure, the closed
# days' count and page, the tail's count (today's ticket keys) and, when the
# page reaches it, today's figures: set by the request's shape.
DAY_QUERIES = 15


def test_query_count_does_not_depend_on_the_data(
    api_client, dataset, regional, after, django_assert_max_num_queries
):
    """One closed day, then the same days plus many more: one bound.

    A page that ends before today's rows does not group today's tickets
    (the small set's page is filled by the closed days): fewer queries,
    never more than the bound.
    """
    days_close(date_from=FRIDAY, date_to=TUESDAY)
    api_client.force_login(regional)
    with django_assert_max_num_queries(DAY_QUERIES):
        small = _queries(
            api_client, regional, date_from="2026-03-30", date_to="2026-04-01"
        )
    line_a = dataset["line_a"]
    for day in range(2, 27):  # 25 more closed days of March
        when = MONDAY.replace(day=day)
        _ticket(
            branch=dataset["eur"],
            day=when,
            line=line_a,
            issued=at(when, 9, 0),
            called=at(when, 9, 5),
            finished=at(when, 9, 9),
            status=Ticket.Status.COMPLETED,
        )
    days_close(date_from=MONDAY.replace(day=1), date_to=TUESDAY)
    _ticket(  # and a live one today
        branch=dataset["eur"],
        day=TODAY,
        line=line_a,
        issued=at(TODAY, 9, 0),
        status=Ticket.Status.WAITING,
    )
    api_client.force_login(regional)
    with django_assert_max_num_queries(DAY_QUERIES):
        large = _queries(
            api_client, regional, date_from="2026-03-01", date_to="2026-04-01"
        )

    assert small <= large


def test_live_figures_are_cached_for_a_few_seconds(
    api_client, dataset, regional, after, settings
):
    from django.core.cache import cache

    cache.clear()
    settings.REPORTS_LIVE_CACHE_SECONDS = 30
    api_client.force_login(regional)
    first = _queries(api_client, regional, **MARCH)
    Ticket.objects.filter(issued_on=MONDAY, status=Ticket.Status.EXPIRED).update(
        status=Ticket.Status.NO_SHOW
    )
    cached = _rows(_get(api_client, regional, **MARCH))
    second = _queries(api_client, regional, **MARCH)
    after.shift(31)
    fresh = _rows(_get(api_client, regional, **MARCH))

    assert second < first  # no ticket read while cached
    monday = ("2026-03-30", "roma-centro", "assicurato-pensionato")
    assert next(r for r in cached if _key(r) == monday)["expired"] == 1
    assert next(r for r in fresh if _key(r) == monday)["expired"] == 0


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"group": "week"},
        {"line": "socio-sanitari"},
        {"line": "assicurato-pensionato", "group": "month"},
    ],
)
def test_live_rows_are_counted_from_their_keys_alone(
    api_client, dataset, regional, after, params
):
    """Nothing closed: the count (from today's ticket keys) matches the rows.

    The ticket moved from line A to line B counts on both lines' rows.
    """
    body = _get(api_client, regional, page_size=1, **MARCH, **params).json()
    whole = _rows(_get(api_client, regional, **MARCH, **params))

    assert body["count"] == len(whole) > 0


def test_a_page_before_today_reads_no_ticket_once_cached(
    api_client, dataset, regional, after, settings
):
    """Today's row keys are cached like its figures: counting reads no ticket."""
    from django.core.cache import cache

    cache.clear()
    settings.REPORTS_LIVE_CACHE_SECONDS = 30
    days_close(date_from=FRIDAY, date_to=MONDAY)  # Tuesday stays live
    api_client.force_login(regional)
    first = _queries(api_client, regional, page_size=1, **MARCH)
    with CaptureQueriesContext(connection) as queries:
        response = api_client.get(URL, {"page_size": 1, **MARCH})

    assert response.json()["count"] == 4
    assert not any('"sportelli_ticket"' in q["sql"] for q in queries)
    assert len(queries) < first
