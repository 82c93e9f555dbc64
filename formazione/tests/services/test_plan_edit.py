import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from formazione.models import Course, Enrollment, TrainingPlan
from formazione.services import (
    course_add,
    course_remove,
    course_update,
    enrollment_add,
    plan_approve,
    plan_create,
    plan_return,
    plan_submit,
    plan_update,
)
from formazione.tests.conftest import TODAY

pytestmark = pytest.mark.django_db

NEW_COURSE: dict[str, Any] = {
    "title": "Il voucher",
    "topic": "voucher",
    "level": "locale",
    "mode": "on-the-job",
    "starts_on": TODAY + datetime.timedelta(days=20),
    "ends_on": TODAY + datetime.timedelta(days=21),
    "hours": 8,
    "trainer": "Ufficio contribuenti",
}


def test_the_director_creates_a_draft(now, branch, director):
    plan = plan_create(
        branch=branch,
        actor=director,
        title="Primo semestre 2027",
        period_start=datetime.date(2027, 1, 1),
        period_end=datetime.date(2027, 6, 30),
    )

    assert plan.state == TrainingPlan.State.DRAFT
    assert list(plan.events.values_list("kind", "actor")) == [("created", director.pk)]


def test_a_second_plan_from_the_same_day_is_a_field_error(now, plan, director):
    with pytest.raises(ValidationError) as excinfo:
        plan_create(
            branch=plan.branch,
            actor=director,
            title="Doppio",
            period_start=plan.period_start,
            period_end=plan.period_end,
        )

    assert "period_start" in excinfo.value.message_dict


def test_a_course_gets_the_kind_of_its_topic(now, plan, director):
    course = course_add(
        plan=plan, actor=director, line_codes=["soggetto-contribuente"], **NEW_COURSE
    )

    assert course.kind == Course.Kind.TECHNICAL
    assert [line.code for line in course.lines.all()] == ["soggetto-contribuente"]


def test_a_course_outside_the_plan_period_is_refused(now, plan, director):
    with pytest.raises(ValidationError) as excinfo:
        course_add(
            plan=plan,
            actor=director,
            line_codes=[],
            **{
                **NEW_COURSE,
                "starts_on": datetime.date(2027, 7, 1),
                "ends_on": datetime.date(2027, 7, 2),
            },
        )

    assert "starts_on" in excinfo.value.message_dict
    assert not Course.objects.exists()


def test_an_unknown_line_is_a_field_error(now, plan, director):
    with pytest.raises(ValidationError) as excinfo:
        course_add(plan=plan, actor=director, line_codes=["sportello-x"], **NEW_COURSE)

    assert excinfo.value.message_dict == {"lines": ["Linee sconosciute: sportello-x."]}
    assert not Course.objects.exists()


def test_editing_a_submitted_plan_returns_it_to_draft_with_the_reason(
    now, plan, course, director
):
    plan_submit(plan=plan, actor=director)

    course_add(
        plan=plan,
        actor=director,
        line_codes=[],
        reason="Aggiunto il corso sul voucher richiesto dagli operatori",
        **NEW_COURSE,
    )

    plan.refresh_from_db()
    assert plan.state == TrainingPlan.State.DRAFT
    reopened = plan.events.get(kind="reopened")
    assert reopened.note == "Aggiunto il corso sul voucher richiesto dagli operatori"
    assert reopened.actor == director


def test_editing_a_submitted_plan_needs_a_reason(now, plan, course, director):
    plan_submit(plan=plan, actor=director)

    with pytest.raises(ValidationError) as excinfo:
        course_update(course=course, actor=director, hours=20)

    assert "reason" in excinfo.value.message_dict
    plan.refresh_from_db()
    course.refresh_from_db()
    assert plan.state == TrainingPlan.State.SUBMITTED
    assert course.hours == 12


def test_editing_an_approved_plan_reopens_it(now, plan, course, director, regional):
    plan_submit(plan=plan, actor=director)
    plan_approve(plan=plan, actor=regional)

    plan_update(plan=plan, actor=director, reason="Periodo esteso", title="Nuovo")

    plan.refresh_from_db()
    assert (plan.state, plan.title) == (TrainingPlan.State.DRAFT, "Nuovo")


def test_a_returned_plan_is_mended_without_reopening(
    now, plan, course, director, regional
):
    plan_submit(plan=plan, actor=director)
    plan_return(plan=plan, actor=regional, remarks="Più ore")

    course_update(course=course, actor=director, hours=18)

    plan.refresh_from_db()
    assert plan.state == TrainingPlan.State.RETURNED
    assert not plan.events.filter(kind="reopened").exists()


def test_participants_are_staff_of_the_branch(now, course, director, other_director):
    with pytest.raises(ValidationError) as excinfo:
        enrollment_add(course=course, participant=other_director, actor=director)

    assert "participant" in excinfo.value.message_dict
    assert not Enrollment.objects.exists()


def test_enrolling_twice_keeps_one_enrollment(now, course, director, operator):
    first = enrollment_add(course=course, participant=operator, actor=director)
    again = enrollment_add(course=course, participant=operator, actor=director)

    assert first == again
    assert Enrollment.objects.count() == 1


def test_the_director_of_another_branch_cannot_edit(now, course, other_director):
    with pytest.raises(PermissionDenied):
        course_remove(course=course, actor=other_director)

    assert Course.objects.filter(pk=course.pk).exists()
