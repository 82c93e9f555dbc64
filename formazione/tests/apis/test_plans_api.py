import datetime

import pytest

from formazione.models import Qualification, TrainingPlan
from formazione.tests.conftest import TODAY, Role, staff
from formazione.tests.factories import CourseFactory, TrainingPlanFactory

pytestmark = pytest.mark.django_db

COURSE = {
    "title": "Affiancamento linea B",
    "topic": "ruolo-sportello",
    "level": "locale",
    "mode": "on-the-job",
    "starts_on": "2026-12-10",
    "ends_on": "2026-12-11",
    "hours": "12.0",
    "trainer": "Marco Rinaldi",
    "lines": ["socio-sanitari"],
}


def test_the_director_creates_a_plan(now, as_user, director, branch):
    response = as_user(director).post(
        "/api/v1/training-plans/",
        {
            "branch": "roma-centro",
            "title": "Primo semestre 2027",
            "period_start": "2027-01-01",
            "period_end": "2027-06-30",
        },
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["branch"], body["state"], body["courses"]) == (
        "roma-centro",
        "draft",
        [],
    )
    assert [e["kind"] for e in body["events"]] == ["created"]


def test_a_plan_for_another_branch_is_not_found(now, as_user, other_director, branch):
    response = as_user(other_director).post(
        "/api/v1/training-plans/",
        {
            "branch": "roma-centro",
            "title": "Intruso",
            "period_start": "2027-01-01",
            "period_end": "2027-06-30",
        },
        format="json",
    )

    assert response.status_code == 404
    assert not TrainingPlan.objects.exists()


def test_a_reversed_period_is_a_field_error(now, as_user, director, branch):
    response = as_user(director).post(
        "/api/v1/training-plans/",
        {
            "branch": "roma-centro",
            "title": "Storto",
            "period_start": "2027-06-30",
            "period_end": "2027-01-01",
        },
        format="json",
    )

    assert response.status_code == 400
    assert "period_end" in response.json()


def test_course_submit_and_approval_through_the_api(
    now, as_user, director, regional, plan, operator
):
    client = as_user(director)
    course = client.post(
        f"/api/v1/training-plans/{plan.pk}/courses/", COURSE, format="json"
    )
    assert course.status_code == 201
    assert course.json()["kind"] == "ruolo"
    assert course.json()["lines"] == ["socio-sanitari"]
    enrol = client.post(
        f"/api/v1/courses/{course.json()['id']}/enrollments/",
        {"participant": "operatore"},
        format="json",
    )
    assert enrol.status_code == 201

    submitted = client.post(f"/api/v1/training-plans/{plan.pk}/submit/")
    assert submitted.status_code == 200
    assert submitted.json()["state"] == "submitted"

    approved = as_user(regional).post(f"/api/v1/training-plans/{plan.pk}/approve/")
    assert approved.status_code == 200
    assert approved.json()["state"] == "approved"

    now.move_to(datetime.datetime(2026, 12, 11, 17, tzinfo=datetime.UTC))
    done = as_user(director).post(
        f"/api/v1/enrollments/{enrol.json()['id']}/attendance/",
        {"hours_attended": "12", "completed": True},
        format="json",
    )
    assert done.status_code == 200
    assert done.json()["completed_on"] == "2026-12-11"
    assert Qualification.objects.get().line.code == "socio-sanitari"


def test_a_late_plan_is_a_409_naming_the_course(now, as_user, director, plan):
    course = CourseFactory.create(plan=plan, starts_on=TODAY, title="Oggi in aula")

    response = as_user(director).post(f"/api/v1/training-plans/{plan.pk}/submit/")

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "plan_late"
    assert "«Oggi in aula» inizia il 2 dicembre 2026" in body["detail"]
    assert body["courses"] == [course.pk]


def test_editing_a_submitted_plan_asks_why(now, as_user, director, plan, course):
    client = as_user(director)
    client.post(f"/api/v1/training-plans/{plan.pk}/submit/")

    refused = client.patch(
        f"/api/v1/courses/{course.pk}/", {"hours": "20"}, format="json"
    )
    accepted = client.patch(
        f"/api/v1/courses/{course.pk}/",
        {"hours": "20", "reason": "Il docente chiede due giornate"},
        format="json",
    )

    assert refused.status_code == 400
    assert "reason" in refused.json()
    assert accepted.status_code == 200
    assert accepted.json()["hours"] == "20.0"
    detail = client.get(f"/api/v1/training-plans/{plan.pk}/").json()
    assert detail["state"] == "draft"
    assert detail["events"][-1]["note"] == "Il docente chiede due giornate"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**COURSE, "topic": "karate"}, "topic"),
        ({**COURSE, "lines": ["sportello-x"]}, "lines"),
        ({**COURSE, "hours": "abc"}, "hours"),
        ({**COURSE, "starts_on": "2026-13-40"}, "starts_on"),
        ({**COURSE, "starts_on": "2028-01-01", "ends_on": "2028-01-01"}, "starts_on"),
    ],
)
def test_bad_course_input_is_a_field_error(now, as_user, director, plan, body, field):
    response = as_user(director).post(
        f"/api/v1/training-plans/{plan.pk}/courses/", body, format="json"
    )

    assert response.status_code == 400
    assert field in response.json()
    assert not plan.courses.exists()


def test_returning_needs_remarks(now, as_user, director, regional, plan, course):
    as_user(director).post(f"/api/v1/training-plans/{plan.pk}/submit/")

    response = as_user(regional).post(
        f"/api/v1/training-plans/{plan.pk}/return/", {}, format="json"
    )

    assert response.status_code == 400
    assert "remarks" in response.json()


def test_the_director_cannot_approve(now, as_user, director, plan, course):
    as_user(director).post(f"/api/v1/training-plans/{plan.pk}/submit/")

    response = as_user(director).post(f"/api/v1/training-plans/{plan.pk}/approve/")

    assert response.status_code == 403


def test_each_reader_sees_only_their_plans(
    now, as_user, director, other_director, regional, plan, other_branch
):
    theirs = TrainingPlanFactory.create(branch=other_branch)

    mine = as_user(director).get("/api/v1/training-plans/").json()
    region = as_user(regional).get("/api/v1/training-plans/?state=draft").json()
    other = as_user(other_director).get(f"/api/v1/training-plans/{plan.pk}/")

    assert [p["id"] for p in mine["results"]] == [plan.pk]
    assert sorted(p["id"] for p in region["results"]) == sorted([plan.pk, theirs.pk])
    assert other.status_code == 404


@pytest.mark.parametrize(
    "role", [Role.RECEPTION, Role.OPERATOR, Role.KIOSK, Role.FLOOR_SUPERVISOR]
)
def test_other_roles_are_refused(now, as_user, branch, plan, role):
    user = staff("altro", role, branch=branch)

    assert as_user(user).get("/api/v1/training-plans/").status_code == 403
    assert (
        as_user(user).post(f"/api/v1/training-plans/{plan.pk}/submit/").status_code
        == 403
    )


def test_anonymous_callers_are_unauthenticated(api_client, plan):
    response = api_client.get("/api/v1/training-plans/")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_an_unknown_participant_is_a_field_error(now, as_user, director, course):
    response = as_user(director).post(
        f"/api/v1/courses/{course.pk}/enrollments/",
        {"participant": "nessuno"},
        format="json",
    )

    assert response.status_code == 400
    assert "participant" in response.json()


def test_the_plan_detail_has_bounded_queries(
    now, as_user, director, plan, django_assert_max_num_queries
):
    for index in range(8):
        course = CourseFactory.create(plan=plan, line_codes=["socio-sanitari"])
        for person in range(5):
            user = staff(f"p-{index}-{person}", Role.OPERATOR, branch=plan.branch)
            course.enrollments.create(participant=user)

    with django_assert_max_num_queries(12):
        response = as_user(director).get(f"/api/v1/training-plans/{plan.pk}/")

    assert len(response.json()["courses"]) == 8
