import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from formazione.models import Enrollment, Qualification
from formazione.selectors import operator_is_qualified
from formazione.services import (
    enrollment_attendance,
    plan_submit,
    qualification_revoke,
)
from formazione.tests.conftest import TODAY
from formazione.tests.factories import CourseFactory, EnrollmentFactory
from frontoffice.common.exceptions import ApplicationError
from sedi.models import ServiceLine

pytestmark = pytest.mark.django_db


@pytest.fixture
def running(now, plan, course, director, operator):
    """The plan is sent; the course has started; the operator attends it."""
    plan_submit(plan=plan, actor=director)
    now.move_to(datetime.datetime.combine(course.starts_on, datetime.time(17)))
    return EnrollmentFactory.create(course=course, participant=operator)


def _lines(user):
    return sorted(
        Qualification.objects.filter(
            operator=user, revoked_at__isnull=True
        ).values_list("line__code", flat=True)
    )


def test_completing_a_course_qualifies_for_its_lines(running, director, operator):
    enrollment = enrollment_attendance(
        enrollment=running, actor=director, hours_attended=Decimal("12"), completed=True
    )

    assert enrollment.completed_on == running.course.starts_on
    assert _lines(operator) == ["assicurato-pensionato", "socio-sanitari"]
    qualification = Qualification.objects.get(line__code="socio-sanitari")
    assert (qualification.course, qualification.since) == (
        running.course,
        running.course.starts_on,
    )
    assert operator_is_qualified(
        user=operator, line=ServiceLine.objects.get(code="socio-sanitari")
    )


def test_completing_again_grants_nothing_twice(running, director, operator):
    for _ in range(2):
        enrollment_attendance(
            enrollment=running,
            actor=director,
            hours_attended=Decimal("12"),
            completed=True,
        )

    assert Qualification.objects.count() == 2


def test_recording_hours_without_completion_qualifies_nobody(
    running, director, operator
):
    enrollment = enrollment_attendance(
        enrollment=running, actor=director, hours_attended=Decimal("6"), completed=False
    )

    assert enrollment.hours_attended == Decimal("6")
    assert enrollment.completed_on is None
    assert not Qualification.objects.exists()


def test_a_course_without_lines_qualifies_for_none(running, director, operator):
    technical = CourseFactory.create(
        plan=running.course.plan,
        topic="decertificazione",
        starts_on=running.course.starts_on,
    )
    enrollment = EnrollmentFactory.create(course=technical, participant=operator)

    enrollment_attendance(
        enrollment=enrollment,
        actor=director,
        hours_attended=Decimal("6"),
        completed=True,
    )

    assert not Qualification.objects.exists()


def test_a_line_already_qualified_is_not_granted_again(running, director, operator):
    Qualification.objects.create(
        operator=operator,
        line=ServiceLine.objects.get(code="socio-sanitari"),
        since=datetime.date(2026, 1, 1),
        granted_by=director,
        reason="Già formato a Latina",
    )

    enrollment_attendance(
        enrollment=running, actor=director, hours_attended=Decimal("12"), completed=True
    )

    socio = Qualification.objects.get(line__code="socio-sanitari")
    assert socio.course is None
    assert _lines(operator) == ["assicurato-pensionato", "socio-sanitari"]


def test_a_revoked_line_is_granted_anew_by_a_new_course(running, director, operator):
    old = Qualification.objects.create(
        operator=operator,
        line=ServiceLine.objects.get(code="socio-sanitari"),
        since=datetime.date(2026, 1, 1),
        granted_by=director,
        reason="Già formato",
    )
    qualification_revoke(qualification=old, actor=director, reason="Da aggiornare")

    enrollment_attendance(
        enrollment=running, actor=director, hours_attended=Decimal("12"), completed=True
    )

    assert Qualification.objects.filter(line__code="socio-sanitari").count() == 2
    assert _lines(operator) == ["assicurato-pensionato", "socio-sanitari"]


def test_completion_is_refused_for_a_plan_never_sent(now, course, director, operator):
    now.move_to(datetime.datetime.combine(course.starts_on, datetime.time(17)))
    enrollment = EnrollmentFactory.create(course=course, participant=operator)

    with pytest.raises(ApplicationError) as excinfo:
        enrollment_attendance(
            enrollment=enrollment,
            actor=director,
            hours_attended=Decimal("12"),
            completed=True,
        )

    assert excinfo.value.code == "plan_not_submitted"
    assert not Qualification.objects.exists()
    assert Enrollment.objects.get().completed_on is None


def test_completion_before_the_course_starts_is_refused(
    now, plan, course, director, operator
):
    plan_submit(plan=plan, actor=director)
    enrollment = EnrollmentFactory.create(course=course, participant=operator)

    with pytest.raises(ApplicationError) as excinfo:
        enrollment_attendance(
            enrollment=enrollment,
            actor=director,
            hours_attended=Decimal("12"),
            completed=True,
        )

    assert excinfo.value.code == "course_not_started"


@pytest.mark.parametrize("hours", ["-1", "12.5"])
def test_hours_beyond_the_course_are_a_field_error(running, director, hours):
    with pytest.raises(ValidationError) as excinfo:
        enrollment_attendance(
            enrollment=running,
            actor=director,
            hours_attended=Decimal(hours),
            completed=False,
        )

    assert "hours_attended" in excinfo.value.message_dict


def test_a_completion_is_not_undone(running, director):
    enrollment_attendance(
        enrollment=running, actor=director, hours_attended=Decimal("12"), completed=True
    )

    with pytest.raises(ApplicationError) as excinfo:
        enrollment_attendance(
            enrollment=running,
            actor=director,
            hours_attended=Decimal("12"),
            completed=False,
        )

    assert excinfo.value.code == "already_completed"


def test_another_director_cannot_record_attendance(running, other_director):
    with pytest.raises(PermissionDenied):
        enrollment_attendance(
            enrollment=running,
            actor=other_director,
            hours_attended=Decimal("12"),
            completed=True,
        )

    assert not Qualification.objects.exists()


def test_today_is_the_rome_day(now, plan, director, operator):
    # 23:30 UTC on 2 December is already 3 December in Rome.
    course = CourseFactory.create(
        plan=plan,
        starts_on=datetime.date(2026, 12, 3),
        line_codes=["assicurato-pensionato"],
    )
    plan_submit(plan=plan, actor=director)
    now.move_to(datetime.datetime(2026, 12, 2, 23, 30, tzinfo=datetime.UTC))
    enrollment = EnrollmentFactory.create(course=course, participant=operator)

    enrollment_attendance(
        enrollment=enrollment,
        actor=director,
        hours_attended=Decimal("6"),
        completed=True,
    )

    assert Enrollment.objects.get().completed_on == TODAY + datetime.timedelta(days=1)
