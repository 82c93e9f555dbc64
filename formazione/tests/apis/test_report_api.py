import csv
import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from formazione.services import plan_submit
from formazione.tests.conftest import Role, staff
from formazione.tests.factories import (
    CourseFactory,
    EnrollmentFactory,
    TrainingPlanFactory,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports/training-plans/"


@pytest.fixture
def plans(now, plan, course, director, other_branch, operator):
    EnrollmentFactory.create(course=course, participant=operator, hours_attended=3)
    plan_submit(plan=plan, actor=director)
    draft = TrainingPlanFactory.create(branch=other_branch, title="=HYPERLINK()")
    CourseFactory.create(
        plan=draft, starts_on=datetime.date(2027, 2, 1), hours=Decimal("4.5")
    )
    return plan, draft


def test_the_region_reads_one_row_per_plan(as_user, regional, plans):
    plan, draft = plans

    response = as_user(regional).get(URL)

    assert response.status_code == 200
    assert response.json() == [
        {
            "branch": "roma-centro",
            "plan": plan.pk,
            "title": plan.title,
            "period_start": "2026-12-01",
            "period_end": "2027-06-30",
            "state": "submitted",
            "submitted_on": "2026-12-02",
            "first_course_on": "2026-12-03",
            "late": False,
            "courses": 1,
            "hours": "12.0",
            "participants": 1,
            "enrollments": 1,
            "completed": 0,
            "completion_rate": 0.0,
            "hours_attended": "3.0",
        },
        {
            "branch": "roma-eur",
            "plan": draft.pk,
            "title": "=HYPERLINK()",
            "period_start": "2027-01-01",
            "period_end": "2027-12-31",
            "state": "draft",
            "submitted_on": None,
            "first_course_on": "2027-02-01",
            "late": False,
            "courses": 1,
            "hours": "4.5",
            "participants": 0,
            "enrollments": 0,
            "completed": 0,
            "completion_rate": None,
            "hours_attended": "0.0",
        },
    ]


@pytest.mark.parametrize(
    ("query", "branches"),
    [
        ("?state=draft", ["roma-eur"]),
        ("?branch=roma-centro", ["roma-centro"]),
        ("?period=2026", ["roma-centro"]),
        ("?period=2027", ["roma-centro", "roma-eur"]),
        ("?period=2030", []),
    ],
)
def test_filters(as_user, regional, plans, query, branches):
    rows = as_user(regional).get(URL + query).json()

    assert [row["branch"] for row in rows] == branches


def test_csv_is_safe_for_a_spreadsheet(as_user, regional, plans):
    response = as_user(regional).get(URL + "?format=csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "piani-formativi.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["branch", "plan", "title"]
    assert rows[2][2] == "'=HYPERLINK()"
    assert len(rows) == 3


def test_an_empty_csv_still_names_its_columns(as_user, regional, plans):
    response = as_user(regional).get(URL + "?format=csv&period=2030")

    assert response.content.decode().splitlines() == [
        "branch,plan,title,period_start,period_end,state,submitted_on,"
        "first_course_on,late,courses,hours,participants,enrollments,completed,"
        "completion_rate,hours_attended"
    ]


def test_a_bad_filter_is_a_field_error(as_user, regional, plans):
    response = as_user(regional).get(URL + "?period=abc&state=nope")

    assert response.status_code == 400
    assert set(response.json()) == {"period", "state"}


@pytest.mark.parametrize("role", [Role.FLOOR_SUPERVISOR, Role.OPERATOR])
def test_branch_roles_get_403(as_user, branch, plans, role):
    assert as_user(staff("x", role, branch=branch)).get(URL).status_code == 403


def test_a_director_reads_only_their_branch(as_user, director, plans):
    plan, _draft = plans

    response = as_user(director).get(URL + "?branch=roma-eur")
    own = as_user(director).get(URL)

    assert response.json() == []
    assert [row["plan"] for row in own.json()] == [plan.pk]


def test_date_filters_keep_overlapping_plans(as_user, regional, plans):
    plan, draft = plans

    before = as_user(regional).get(URL + "?date_to=2026-11-30")
    both = as_user(regional).get(URL + "?date_from=2027-06-01&date_to=2027-06-30")
    later = as_user(regional).get(URL + "?date_from=2027-07-01")

    assert before.json() == []
    assert [row["plan"] for row in both.json()] == [plan.pk, draft.pk]
    assert [row["plan"] for row in later.json()] == [draft.pk]


def test_pages_on_request_and_xlsx(as_user, regional, plans):
    page = as_user(regional).get(URL + "?page_size=1").json()
    sheet = load_workbook(
        io.BytesIO(as_user(regional).get(URL + "?format=xlsx").content)
    ).active
    table = [list(row) for row in sheet.iter_rows(values_only=True)]

    assert page["count"] == 2
    assert len(page["results"]) == 1
    assert page["next"] is not None
    assert table[0][:3] == ["branch", "plan", "title"]
    assert table[2][2] == "'=HYPERLINK()"


def test_the_report_query_count_does_not_grow(
    as_user, regional, branch, django_assert_max_num_queries
):
    for month in range(1, 13):
        plan = TrainingPlanFactory.create(
            branch=branch,
            period_start=datetime.date(2030, month, 1),
            period_end=datetime.date(2030, 12, 31),
        )
        CourseFactory.create(plan=plan)

    with django_assert_max_num_queries(8):
        rows = as_user(regional).get(URL).json()

    assert len(rows) == 12
