import datetime
from decimal import Decimal

import pytest
import time_machine

from formazione.models import PlanEvent, Qualification, TrainingPlan
from formazione.services import enrollment_attendance, plan_submit
from formazione.tests.conftest import NOW, TODAY
from formazione.tests.factories import (
    CourseFactory,
    EnrollmentFactory,
    TrainingPlanFactory,
)
from frontoffice.common.exceptions import ApplicationError
from sedi.models import StaffRole
from sedi.services import catalogue_sync, staff_role_assign
from sedi.tests.factories import BranchFactory, UserFactory

# Races only mean something where rows lock (PostgreSQL, required in CI);
# on the embedded SQLite they check that immediate transactions queue.
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.embedded,
    pytest.mark.django_db(transaction=True),
]
Role = StaffRole.Role


@pytest.fixture
def setting():
    catalogue_sync()
    branch = BranchFactory.create(code="roma-centro")
    director = UserFactory.create(username="direttore")
    staff_role_assign(user=director, role=Role.DIRECTOR, branch=branch)
    plan = TrainingPlanFactory.create(
        branch=branch,
        period_start=datetime.date(2026, 12, 1),
        period_end=datetime.date(2027, 6, 30),
    )
    return plan, director


def test_concurrent_submissions_send_the_plan_once(setting, concurrently):
    plan, director = setting
    CourseFactory.create(plan=plan, starts_on=TODAY + datetime.timedelta(days=5))
    threads = 8

    def submit(index: int) -> str:
        return plan_submit(plan=plan, actor=director).state

    with time_machine.travel(NOW, tick=False):
        results = concurrently(submit, threads=threads)

    states = [r for r in results if isinstance(r, str)]
    refused = [r.code for r in results if isinstance(r, ApplicationError)]
    assert states == [TrainingPlan.State.SUBMITTED]
    assert refused == ["invalid_state"] * (threads - 1)
    assert PlanEvent.objects.filter(kind=PlanEvent.Kind.SUBMITTED).count() == 1


def test_concurrent_completions_leave_one_live_qualification(setting, concurrently):
    plan, director = setting
    operator = UserFactory.create(username="operatore")
    staff_role_assign(user=operator, role=Role.OPERATOR, branch=plan.branch)
    threads = 8
    enrollments = [
        EnrollmentFactory.create(
            course=CourseFactory.create(
                plan=plan,
                starts_on=TODAY + datetime.timedelta(days=1),
                line_codes=["socio-sanitari"],
            ),
            participant=operator,
        )
        for _ in range(threads)
    ]
    with time_machine.travel(NOW, tick=False):
        plan_submit(plan=plan, actor=director)

    def complete(index: int) -> bool:
        return enrollment_attendance(
            enrollment=enrollments[index],
            actor=director,
            hours_attended=Decimal("6"),
            completed=True,
        ).is_completed

    with time_machine.travel(NOW + datetime.timedelta(days=1), tick=False):
        results = concurrently(complete, threads=threads)

    assert results == [True] * threads
    assert (
        Qualification.objects.filter(
            operator=operator, line__code="socio-sanitari", revoked_at__isnull=True
        ).count()
        == 1
    )
