import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from formazione.models import PlanEvent, TrainingPlan
from formazione.services import plan_approve, plan_return, plan_submit
from formazione.tests.conftest import TODAY, Role, staff
from formazione.tests.factories import CourseFactory
from frontoffice.common.exceptions import ApplicationError

pytestmark = pytest.mark.django_db


def test_a_plan_whose_courses_start_tomorrow_is_submitted(now, plan, course, director):
    submitted = plan_submit(plan=plan, actor=director)

    assert submitted.state == TrainingPlan.State.SUBMITTED
    assert submitted.submitted_at == timezone.now()
    assert submitted.submitted_by == director
    assert list(plan.events.values_list("kind", flat=True)) == [
        PlanEvent.Kind.SUBMITTED
    ]


def test_a_course_starting_on_the_day_of_submission_makes_it_late(
    now, plan, course, director
):
    today_course = CourseFactory.create(plan=plan, starts_on=TODAY, title="Oggi")

    with pytest.raises(ApplicationError) as excinfo:
        plan_submit(plan=plan, actor=director)

    assert excinfo.value.code == "plan_late"
    assert "«Oggi»" in excinfo.value.detail
    assert excinfo.value.extra == {"courses": [today_course.pk]}
    plan.refresh_from_db()
    assert plan.state == TrainingPlan.State.DRAFT
    assert plan.submitted_at is None
    assert not plan.events.exists()


def test_a_course_already_started_makes_it_late(now, plan, director):
    CourseFactory.create(plan=plan, starts_on=TODAY - datetime.timedelta(days=1))

    with pytest.raises(ApplicationError) as excinfo:
        plan_submit(plan=plan, actor=director)

    assert excinfo.value.code == "plan_late"


def test_a_plan_without_courses_is_not_sent(now, plan, director):
    with pytest.raises(ApplicationError) as excinfo:
        plan_submit(plan=plan, actor=director)

    assert excinfo.value.code == "plan_empty"


def test_a_submitted_plan_is_not_sent_twice(now, plan, course, director):
    plan_submit(plan=plan, actor=director)

    with pytest.raises(ApplicationError) as excinfo:
        plan_submit(plan=plan, actor=director)

    assert excinfo.value.code == "invalid_state"
    assert plan.events.filter(kind=PlanEvent.Kind.SUBMITTED).count() == 1


def test_a_returned_plan_is_submitted_again(now, plan, course, director, regional):
    plan_submit(plan=plan, actor=director)
    plan_return(plan=plan, actor=regional, remarks="Manca la formazione di ruolo.")

    again = plan_submit(plan=plan, actor=director)

    assert again.state == TrainingPlan.State.SUBMITTED
    assert list(plan.events.values_list("kind", flat=True)) == [
        "submitted",
        "returned",
        "submitted",
    ]
    assert plan_approve(plan=plan, actor=regional).state == "approved"


def test_the_director_of_another_branch_cannot_submit(
    now, plan, course, other_director
):
    with pytest.raises(PermissionDenied):
        plan_submit(plan=plan, actor=other_director)

    plan.refresh_from_db()
    assert plan.state == TrainingPlan.State.DRAFT


@pytest.mark.parametrize(
    "role", [Role.OPERATOR, Role.FLOOR_SUPERVISOR, Role.RECEPTION, Role.KIOSK]
)
def test_other_roles_of_the_branch_cannot_submit(now, plan, course, branch, role):
    user = staff("altro", role, branch=branch)

    with pytest.raises(PermissionDenied):
        plan_submit(plan=plan, actor=user)


def test_the_regional_office_cannot_submit_for_the_branch(now, plan, course, regional):
    with pytest.raises(PermissionDenied):
        plan_submit(plan=plan, actor=regional)
