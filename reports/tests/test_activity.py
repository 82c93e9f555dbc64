"""The consultation and reception reports against hand-computed figures."""

import csv
import datetime
import io
from typing import Any

import pytest
from openpyxl import load_workbook

from consulenza.models import Appointment, Escalation
from consulenza.tests.factories import (
    AppointmentFactory,
    EscalationFactory,
    MeetingPointFactory,
)
from reception.models import Arrival, ProtocolEntry
from reports.apis import ConsultationReportRowSerializer, ReceptionReportRowSerializer
from reports.tests.conftest import MONDAY, TUESDAY, at
from sedi.tests.factories import StaffRoleFactory

pytestmark = pytest.mark.django_db
SUNDAY = datetime.date(2026, 3, 29)  # the spring DST change
HYPERLINK = '=HYPERLINK("http://example.invalid","clic")'


@pytest.fixture
def consultation(dataset: dict[str, Any]) -> None:
    point = MeetingPointFactory.create(branch=dataset["centre"])
    status = Appointment.Status

    def book(start: Any, booked: Any, state: str, **extra: Any) -> None:
        AppointmentFactory.create(
            meeting_point=point,
            start=start,
            created_at=booked,
            status=state,
            **extra,
        )

    # Lead times (booking → slot): 10 days, 5 days, 1.5 days, 2 days (the
    # last booked on the Sunday of the DST change: still 48 hours).
    book(
        at(MONDAY, 13, 30),
        at(MONDAY - datetime.timedelta(days=10), 13, 30),
        status.CLOSED,
        preparation_notes="Istruttoria",
        outcome="Pratica definita",
    )
    book(
        at(MONDAY, 14, 0), at(MONDAY - datetime.timedelta(days=5), 14, 0), "checked_in"
    )
    book(at(TUESDAY, 13, 30), at(MONDAY, 1, 30), status.NO_SHOW)
    book(at(TUESDAY, 14, 0), at(SUNDAY, 14, 0), status.CANCELLED)
    EscalationFactory.create(
        branch=dataset["centre"],
        requested_at=at(TUESDAY, 10, 0),
        status=Escalation.Status.RESOLVED,
        outcome="Appuntamento straordinario",
        resolved_at=at(TUESDAY, 12, 0),
    )
    # 23:30 in Rome is still Tuesday (21:30 UTC); 00:30 is Wednesday.
    EscalationFactory.create(branch=dataset["centre"], requested_at=at(TUESDAY, 23, 30))
    EscalationFactory.create(
        branch=dataset["centre"],
        requested_at=at(TUESDAY + datetime.timedelta(days=1), 0, 30),
    )


@pytest.fixture
def reception(dataset: dict[str, Any], regional: Any) -> None:
    centre = dataset["centre"]
    outcome = Arrival.Outcome
    for reason, state in [
        (HYPERLINK, outcome.TICKET),
        (HYPERLINK, outcome.TICKET),
        ("Estratto conto", outcome.INFORMATION),
        ("Estratto conto", outcome.FORM),
        ("Pensione", outcome.PROTOCOL),
    ]:
        Arrival.objects.create(
            branch=centre,
            arrived_at=at(MONDAY, 9, 0),
            reason=reason,
            outcome=state,
            handled_by=regional,
        )
    number = iter(range(1, 100))

    def register(kind: str, **extra: Any) -> None:
        ProtocolEntry.objects.create(
            branch=centre,
            year=2026,
            number=next(number),
            kind=kind,
            subject=HYPERLINK,
            registered_at=at(MONDAY, 10, 0),
            registered_by=regional,
            **extra,
        )

    register("documento")
    complaint = ProtocolEntry.ComplaintStatus
    # Due on Tuesday, unanswered on Wednesday: overdue.
    register("reclamo", complaint_status=complaint.RECEIVED, reply_due_on=TUESDAY)
    register("reclamo", complaint_status=complaint.ANSWERED, reply_due_on=TUESDAY)
    register(
        "reclamo",
        complaint_status=complaint.RECEIVED,
        reply_due_on=TUESDAY,
        annulled_at=at(MONDAY, 11, 0),
        annulment_reason="Registrato per errore",
    )


def _get(client: Any, user: Any, path: str, **params: Any) -> Any:
    client.force_login(user)
    return client.get(f"/api/v1/reports/{path}/", params)


MARCH = {"date_from": "2026-03-27", "date_to": "2026-03-31"}


def test_consultation_by_day(api_client, consultation, regional, after):
    response = _get(api_client, regional, "consultation", **MARCH)

    assert response.status_code == 200
    line = "assicurato-pensionato"
    assert response.json()["results"] == [
        {
            "period": "2026-03-30",
            "period_end": "2026-03-30",
            "branch": "roma-centro",
            "line": line,
            "requests": 2,
            "booked": 2,
            "held": 2,
            "no_show": 0,
            "cancelled": 0,
            "production": 1,
            "mean_lead_days": 7.5,
            "escalated": 0,
            "escalations_resolved": 0,
            "escalations_open": 0,
        },
        {
            "period": "2026-03-31",
            "period_end": "2026-03-31",
            "branch": "roma-centro",
            "line": line,
            "requests": 4,
            "booked": 2,
            "held": 0,
            "no_show": 1,
            "cancelled": 1,
            "production": 0,
            # (36 h + 48 h) / 2 = 1.75 days.
            "mean_lead_days": 1.8,
            "escalated": 2,
            "escalations_resolved": 1,
            "escalations_open": 1,
        },
    ]


def test_consultation_by_week(api_client, consultation, regional, after):
    rows = _get(api_client, regional, "consultation", group="week", **MARCH).json()[
        "results"
    ]

    assert len(rows) == 1
    week = rows[0]
    assert (week["period"], week["period_end"]) == ("2026-03-30", "2026-04-05")
    assert (week["requests"], week["booked"], week["production"]) == (6, 4, 1)
    # (10 + 5 + 1.5 + 2) / 4 = 4.625 days.
    assert week["mean_lead_days"] == 4.6


def test_consultation_director_sees_only_their_branch(
    api_client, consultation, director, after
):
    response = _get(api_client, director, "consultation", **MARCH)

    assert response.status_code == 200
    assert response.json()["results"] == []


def test_reception_week(api_client, reception, regional, after):
    rows = _get(api_client, regional, "reception", group="week", **MARCH).json()[
        "results"
    ]

    assert rows == [
        {
            "period": "2026-03-30",
            "period_end": "2026-04-05",
            "branch": "roma-centro",
            "arrivals": 5,
            "outcome_ticket": 2,
            "outcome_information": 1,
            "outcome_form": 1,
            "outcome_protocol": 1,
            "outcome_check_in": 0,
            "outcome_booking": 0,
            "solved_at_reception": 3,
            "solved_at_reception_share": 0.6,
            "documents": 1,
            "complaints": 2,
            "complaints_received": 1,
            "complaints_in_progress": 0,
            "complaints_answered": 1,
            "complaints_overdue": 1,
            "annulled": 1,
            "top_reasons": {HYPERLINK: 2, "Estratto conto": 2, "Pensione": 1},
        }
    ]


def test_reception_csv_neutralises_a_formula(api_client, reception, regional, after):
    response = _get(api_client, regional, "reception", format="csv", **MARCH)

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="accoglienza.csv"'
    table = list(csv.reader(io.StringIO(response.content.decode())))
    assert table[0] == list(ReceptionReportRowSerializer().fields)
    assert table[1][table[0].index("branch")] == "roma-centro"
    assert (
        table[1][table[0].index("top_reasons")]
        == f"'{HYPERLINK}=2; Estratto conto=2; Pensione=1"
    )


def test_reception_xlsx_neutralises_a_formula(api_client, reception, regional, after):
    response = _get(api_client, regional, "reception", format="xlsx", **MARCH)

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    table = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert table[0] == list(ReceptionReportRowSerializer().fields)
    cell = sheet.cell(row=2, column=table[0].index("top_reasons") + 1)
    assert cell.data_type == "s"
    assert cell.value == f"'{HYPERLINK}=2; Estratto conto=2; Pensione=1"
    assert table[1][table[0].index("arrivals")] == 5


def test_consultation_xlsx_header(api_client, consultation, regional, after):
    response = _get(api_client, regional, "consultation", format="xlsx", **MARCH)

    sheet = load_workbook(io.BytesIO(response.content)).active
    table = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert table[0] == list(ConsultationReportRowSerializer().fields)
    assert [row[2] for row in table[1:]] == ["roma-centro", "roma-centro"]


@pytest.mark.parametrize("path", ["consultation", "reception", "escalations"])
@pytest.mark.parametrize("role", ["reception", "operator", "consultant", "kiosk"])
def test_other_roles_get_403(api_client, dataset, path, role, after):
    holder = StaffRoleFactory.create(role=role, branch=dataset["centre"]).user

    assert _get(api_client, holder, path, **MARCH).status_code == 403


@pytest.mark.parametrize("path", ["consultation", "reception", "escalations"])
def test_query_count_is_bounded(
    api_client, consultation, reception, regional, after, path,
    django_assert_max_num_queries,
):  # fmt: skip
    api_client.force_login(regional)

    with django_assert_max_num_queries(10):
        response = api_client.get(
            f"/api/v1/reports/{path}/", {**MARCH, "group": "month"}
        )

    assert response.status_code == 200


def test_escalation_report(api_client, consultation, regional, after):
    response = _get(api_client, regional, "escalations", group="month", **MARCH)

    assert response.status_code == 200
    # Two asked on Tuesday 31 March (one resolved at 12:00, two hours after
    # its 10:00 request); the one of 00:30 on 1 April is outside the range.
    assert response.json()["results"] == [
        {
            "period": "2026-03-01",
            "period_end": "2026-03-31",
            "branch": "roma-centro",
            "line": "assicurato-pensionato",
            "escalated": 2,
            "resolved": 1,
            "still_open": 1,
            "mean_resolution_days": 0.1,
        }
    ]
    table = list(
        csv.reader(
            io.StringIO(
                _get(
                    api_client, regional, "escalations", format="csv", **MARCH
                ).content.decode()
            )
        )
    )
    assert table[0] == [
        "period",
        "period_end",
        "branch",
        "line",
        "escalated",
        "resolved",
        "still_open",
        "mean_resolution_days",
    ]


def _year_queries(client: Any, path: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sedi import scope

    # Each compared request reads the caller's scope, none finds it kept.
    scope.forget_local()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(
            f"/api/v1/reports/{path}/",
            {"date_from": "2025-04-01", "date_to": "2026-04-01", "group": "week"},
        )
    assert response.status_code == 200
    return len(queries)


def test_a_year_asks_the_same_queries_whatever_the_data(
    api_client,
    dataset,
    consultation,
    reception,
    regional,
    after,
    django_assert_max_num_queries,
):
    """The fixture's few records, then a year of weekly ones in both branches."""
    api_client.force_login(regional)
    paths = ("consultation", "reception", "escalations")
    small = {}
    for path in paths:
        with django_assert_max_num_queries(10):
            small[path] = _year_queries(api_client, path)
    points = [
        MeetingPointFactory.create(branch=b)
        for b in (dataset["centre"], dataset["eur"])
    ]
    monday = datetime.date(2025, 4, 7)
    number = iter(range(1000, 2000))
    while monday < MONDAY:
        for point in points:
            AppointmentFactory.create(
                meeting_point=point,
                start=at(monday, 14, 0),
                created_at=at(monday - datetime.timedelta(days=3), 9, 0),
                status=Appointment.Status.CLOSED,
                preparation_notes="Istruttoria",
                outcome="Pratica definita",
            )
            EscalationFactory.create(
                branch=point.branch, requested_at=at(monday, 11, 0)
            )
            Arrival.objects.create(
                branch=point.branch,
                arrived_at=at(monday, 9, 0),
                reason=f"Motivo {monday.month}",
                outcome=Arrival.Outcome.INFORMATION,
                handled_by=regional,
            )
            ProtocolEntry.objects.create(
                branch=point.branch,
                year=monday.year,
                number=next(number),
                kind="documento",
                subject="Documento",
                registered_at=at(monday, 10, 0),
                registered_by=regional,
            )
        monday += datetime.timedelta(days=7)
    large = {}
    for path in paths:
        with django_assert_max_num_queries(10):
            large[path] = _year_queries(api_client, path)

    assert large == small
    assert Arrival.objects.count() > 100
