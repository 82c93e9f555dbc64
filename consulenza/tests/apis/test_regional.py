import csv
import datetime
import io

import pytest
import time_machine
from openpyxl import load_workbook

from consulenza.models import Escalation
from consulenza.services import backlog_flag, meeting_point_create
from consulenza.tests.conftest import MONDAY, PENSIONER, STANDARD_LINES, Role, rome
from consulenza.tests.factories import EscalationFactory
from consulenza.tests.helpers import fill
from frontoffice.common.exports import csv_cell
from sedi.models import ServiceLine
from sedi.services import staff_role_assign
from sedi.tests.factories import BranchFactory, RegionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def agenda(branch):
    return {
        line.code: meeting_point_create(
            branch=branch, line=line, opened_on=datetime.date(2026, 1, 1)
        )
        for line in ServiceLine.objects.filter(code__in=STANDARD_LINES)
    }


@pytest.fixture
def regional_client(api_client, regional):
    api_client.force_login(regional)
    return api_client


def test_backlog_report_rows(monday, regional_client, agenda):
    fill(agenda[PENSIONER], datetime.date(2026, 3, 2), datetime.date(2026, 4, 1))
    backlog_flag()

    response = regional_client.get("/api/v1/reports/backlog/")

    assert response.status_code == 200
    rows = response.json()
    assert [r["line"] for r in rows] == STANDARD_LINES
    assert rows[0] == {
        "branch": "roma-centro",
        "line": PENSIONER,
        "first_free_slot": "2026-04-02T13:30:00+02:00",
        "backlog_days": 31,
        "level": "flagged",
        "flagged": True,
        "flagged_since": "2026-03-02T10:00:00+01:00",
        "meeting_points": 1,
        "recommended_meeting_points": 2,
    }
    assert rows[1] == {
        "branch": "roma-centro",
        "line": "socio-sanitari",
        "first_free_slot": "2026-03-02T13:30:00+01:00",
        "backlog_days": 0,
        "level": "ok",
        "flagged": False,
        "flagged_since": None,
        "meeting_points": 1,
        "recommended_meeting_points": 1,
    }


def test_backlog_report_filters_and_csv(monday, regional_client, agenda):
    response = regional_client.get(
        "/api/v1/reports/backlog/", {"line": "socio-sanitari", "format": "csv"}
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="backlog.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        [
            "branch",
            "line",
            "first_free_slot",
            "backlog_days",
            "level",
            "flagged",
            "flagged_since",
            "meeting_points",
            "recommended_meeting_points",
        ],
        [
            "roma-centro",
            "socio-sanitari",
            "2026-03-02T13:30:00+01:00",
            "0",
            "ok",
            "false",
            "",
            "1",
            "1",
        ],
    ]
    other = regional_client.get("/api/v1/reports/backlog/", {"branch": "nessuna"})
    assert other.json() == []


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("x")', '\'=HYPERLINK("x")'),
        ("+39 06", "'+39 06"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("roma-centro", "roma-centro"),
        (None, ""),
        (True, "true"),
        (3, "3"),
    ],
)
def test_csv_cells_neutralise_formulas(value, cell):
    assert csv_cell(value) == cell


def test_backlog_report_covers_only_the_callers_region(monday, api_client, agenda):
    umbria = RegionFactory.create(code="umbria")
    BranchFactory.create(region=umbria, code="perugia", line_codes=STANDARD_LINES)
    user = UserFactory.create(username="cric-umbria")
    staff_role_assign(user=user, role=Role.REGIONAL, region=umbria)
    api_client.force_login(user)

    response = api_client.get("/api/v1/reports/backlog/")

    assert {r["branch"] for r in response.json()} == {"perugia"}


@pytest.mark.parametrize("fixture", ["receptionist", "ccm", "operator"])
def test_regional_endpoints_are_refused_to_branch_staff(
    monday, api_client, agenda, request, fixture
):
    api_client.force_login(request.getfixturevalue(fixture))

    assert api_client.get("/api/v1/reports/backlog/").status_code == 403
    if fixture != "ccm":  # the contact centre reads the escalations it sent
        assert api_client.get("/api/v1/escalations/").status_code == 403


def test_the_contact_centre_reads_only_the_escalations_it_sent(
    api_client, ccm, branch, line
):
    mine = EscalationFactory.create(branch=branch, line=line, requested_by=ccm)
    EscalationFactory.create(branch=branch, line=line)  # sent by reception
    api_client.force_login(ccm)

    response = api_client.get("/api/v1/escalations/")

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [mine.pk]
    # Resolving stays the CRIC's.
    resolve = api_client.post(
        f"/api/v1/escalations/{mine.pk}/resolve/", {"outcome": "x"}, format="json"
    )
    assert resolve.status_code == 403


def test_backlog_report_runs_a_fixed_number_of_queries(
    monday, regional_client, agenda, django_assert_max_num_queries
):
    fill(agenda[PENSIONER], datetime.date(2026, 3, 2), datetime.date(2026, 5, 1))

    # +1: the first free slots take two queries (full days, then the
    # bookings of the first open day) instead of every booked slot.
    with django_assert_max_num_queries(11):
        response = regional_client.get("/api/v1/reports/backlog/")

    assert len(response.json()) == 4


def test_escalations_are_listed_paginated_and_filtered(regional_client, branch, line):
    resolved = EscalationFactory.create(
        branch=branch,
        line=line,
        status=Escalation.Status.RESOLVED,
        outcome="Appuntamento fissato a Roma EUR.",
        resolved_at=rome(2026, 3, 3, 9, 0),
        requested_at=rome(2026, 3, 2, 9, 0),
    )
    open_one = EscalationFactory.create(
        branch=branch, line=line, requested_at=rome(2026, 3, 2, 11, 0)
    )

    everything = regional_client.get("/api/v1/escalations/")
    only_open = regional_client.get("/api/v1/escalations/", {"status": "open"})
    bad = regional_client.get("/api/v1/escalations/", {"status": "chiusa"})

    assert everything.status_code == 200
    body = everything.json()
    assert (body["count"], body["next"], body["previous"]) == (2, None, None)
    assert [e["id"] for e in body["results"]] == [open_one.pk, resolved.pk]
    assert body["results"][0]["citizen"] == {
        "fiscal_code": "RSSMRA******562S",
        "first_name": "Mario",
        "last_name": "Rossi",
        "email": "",
        "phone": "06 1234567",
    }
    assert [e["id"] for e in only_open.json()["results"]] == [open_one.pk]
    assert bad.status_code == 400


def test_resolve_an_escalation(regional_client, regional, branch, line):
    escalation = EscalationFactory.create(branch=branch, line=line)

    with time_machine.travel(MONDAY, tick=False):
        response = regional_client.post(
            f"/api/v1/escalations/{escalation.pk}/resolve/",
            {"outcome": "Appuntamento fissato presso Roma EUR il 10 marzo."},
            format="json",
        )
        again = regional_client.post(
            f"/api/v1/escalations/{escalation.pk}/resolve/",
            {"outcome": "Di nuovo."},
            format="json",
        )

    assert response.status_code == 200
    assert response.json()["status"] == "resolved"
    assert (
        response.json()["outcome"]
        == "Appuntamento fissato presso Roma EUR il 10 marzo."
    )
    assert response.json()["resolved_at"] == "2026-03-02T10:00:00+01:00"
    assert response.json()["resolved_by"] == "regione"
    assert again.status_code == 409
    assert again.json()["code"] == "invalid_state"
    stored = Escalation.objects.get(pk=escalation.pk)
    assert stored.outcome == "Appuntamento fissato presso Roma EUR il 10 marzo."


@pytest.mark.parametrize("body", [{}, {"outcome": "   "}, {"outcome": "x" * 10_001}])
def test_resolve_needs_an_outcome(regional_client, branch, line, body):
    escalation = EscalationFactory.create(branch=branch, line=line)

    response = regional_client.post(
        f"/api/v1/escalations/{escalation.pk}/resolve/", body, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["outcome"]
    assert Escalation.objects.get(pk=escalation.pk).status == "open"


def test_escalations_of_another_region_are_404(regional_client):
    umbria = RegionFactory.create(code="umbria")
    foreign = EscalationFactory.create(
        branch=BranchFactory.create(region=umbria, line_codes=[PENSIONER])
    )

    response = regional_client.post(
        f"/api/v1/escalations/{foreign.pk}/resolve/", {"outcome": "x"}, format="json"
    )
    listed = regional_client.get("/api/v1/escalations/")

    assert response.status_code == 404
    assert listed.json()["count"] == 0
    assert Escalation.objects.get(pk=foreign.pk).status == "open"


def test_backlog_report_a_director_reads_their_branch(monday, api_client, agenda):
    other = BranchFactory.create(
        region=agenda[PENSIONER].branch.region,
        code="roma-eur",
        line_codes=STANDARD_LINES,
    )
    director = UserFactory.create(username="direttore-centro")
    staff_role_assign(
        user=director, role=Role.DIRECTOR, branch=agenda[PENSIONER].branch
    )
    api_client.force_login(director)

    own = api_client.get("/api/v1/reports/backlog/")
    asked_other = api_client.get("/api/v1/reports/backlog/", {"branch": other.code})

    assert {r["branch"] for r in own.json()} == {"roma-centro"}
    assert asked_other.json() == []


def test_backlog_report_pages_on_request_and_xlsx(monday, regional_client, agenda):
    page = regional_client.get("/api/v1/reports/backlog/", {"page_size": 2}).json()
    download = regional_client.get("/api/v1/reports/backlog/", {"format": "xlsx"})

    assert page["count"] == len(STANDARD_LINES)
    assert [r["line"] for r in page["results"]] == STANDARD_LINES[:2]
    assert download["Content-Disposition"] == 'attachment; filename="backlog.xlsx"'
    sheet = load_workbook(io.BytesIO(download.content)).active
    table = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert table[0][:3] == ["branch", "line", "first_free_slot"]
    assert [row[1] for row in table[1:]] == STANDARD_LINES
