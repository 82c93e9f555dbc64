import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from formazione.models import TrainingPlan
from formazione.services import plan_approve, plan_return, plan_submit
from formazione.tests.conftest import Role, staff
from frontoffice.common.exceptions import ApplicationError
from sedi.tests.factories import RegionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(now, plan, course, director):
    return plan_submit(plan=plan, actor=director)


def test_the_region_approves_a_submitted_plan(submitted, regional):
    plan = plan_approve(plan=submitted, actor=regional)

    assert plan.state == TrainingPlan.State.APPROVED
    assert plan.reviewed_by == regional
    assert plan.reviewed_at == timezone.now()


def test_the_region_returns_a_plan_with_its_remarks(submitted, regional):
    plan = plan_return(plan=submitted, actor=regional, remarks=" Mancano le ore. ")

    assert plan.state == TrainingPlan.State.RETURNED
    assert plan.remarks == "Mancano le ore."
    assert plan.events.get(kind="returned").note == "Mancano le ore."


def test_returning_without_remarks_is_refused(submitted, regional):
    with pytest.raises(ValidationError) as excinfo:
        plan_return(plan=submitted, actor=regional, remarks="  ")

    assert "remarks" in excinfo.value.message_dict
    submitted.refresh_from_db()
    assert submitted.state == TrainingPlan.State.SUBMITTED


def test_the_director_cannot_approve_their_own_plan(submitted, director):
    with pytest.raises(PermissionDenied):
        plan_approve(plan=submitted, actor=director)

    submitted.refresh_from_db()
    assert submitted.state == TrainingPlan.State.SUBMITTED


def test_another_region_cannot_review(submitted):
    stranger = staff("regione-umbria", Role.REGIONAL, region=RegionFactory.create())

    with pytest.raises(PermissionDenied):
        plan_return(plan=submitted, actor=stranger, remarks="No")


def test_a_draft_is_not_approved(now, plan, course, regional):
    with pytest.raises(ApplicationError) as excinfo:
        plan_approve(plan=plan, actor=regional)

    assert excinfo.value.code == "invalid_state"


def test_an_approved_plan_is_not_returned(submitted, regional):
    plan_approve(plan=submitted, actor=regional)

    with pytest.raises(ApplicationError) as excinfo:
        plan_return(plan=submitted, actor=regional, remarks="Ripensamento")

    assert excinfo.value.code == "invalid_state"
