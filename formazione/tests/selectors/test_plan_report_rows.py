import datetime
from decimal import Decimal

import pytest

from formazione.models import TrainingPlan
from formazione.selectors import plan_report_rows
from formazione.tests.factories import (
    CourseFactory,
    EnrollmentFactory,
    TrainingPlanFactory,
)
from sedi.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_each_figure_counts_the_plans_rows(now, plan, django_assert_num_queries):
    anna, bruno = UserFactory.create(), UserFactory.create()
    first = CourseFactory.create(
        plan=plan, starts_on=datetime.date(2027, 1, 10), hours=Decimal("6")
    )
    second = CourseFactory.create(
        plan=plan, starts_on=datetime.date(2027, 2, 10), hours=Decimal("4.5")
    )
    EnrollmentFactory.create(
        course=first,
        participant=anna,
        hours_attended=Decimal("6"),
        completed_on=datetime.date(2027, 1, 10),
    )
    EnrollmentFactory.create(course=first, participant=bruno)
    EnrollmentFactory.create(course=second, participant=anna, hours_attended=2)
    empty = TrainingPlanFactory.create(branch=plan.branch)

    with django_assert_num_queries(3):
        rows = plan_report_rows(plans=TrainingPlan.objects.order_by("pk"))

    row = rows[0]
    assert (row.courses, row.hours, row.participants) == (2, Decimal("10.5"), 2)
    assert (row.enrollments, row.completed) == (3, 1)
    assert row.completion_rate == 0.3333
    assert row.hours_attended == Decimal("8")
    assert row.first_course_on == datetime.date(2027, 1, 10)
    assert rows[1].plan == empty
    assert (rows[1].courses, rows[1].enrollments, rows[1].completion_rate) == (
        0,
        0,
        None,
    )
