import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from sedi.models import Branch, BranchLine, ServiceLine, StaffRole
from sedi.permissions import OFFICE_ROLES
from sedi.services import REGION_ROLES, staff_role_assign
from sedi.tests.factories import (
    BranchFactory,
    RegionFactory,
    StaffRoleFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ROME = ZoneInfo("Europe/Rome")
NOT_FOUND = {"detail": "Non trovato.", "code": "not_found"}


def _url(code: str) -> str:
    return f"/api/v1/branches/{code}/"


@pytest.fixture
def lazio():
    return RegionFactory.create(code="lazio", name="Lazio")


@pytest.fixture
def branches(lazio):
    """Branches A and B in Lazio, C in another region."""
    umbria = RegionFactory.create(code="umbria", name="Umbria")
    return {
        "A": BranchFactory.create(region=lazio, code="sede-a", name="Sede A"),
        "B": BranchFactory.create(region=lazio, code="sede-b", name="Sede B"),
        "C": BranchFactory.create(region=umbria, code="sede-c", name="Sede C"),
    }


@pytest.mark.parametrize("role", OFFICE_ROLES)
def test_branch_detail_answers_a_branch_scoped_role_404_outside_its_branch(
    api_client, branches, role
):
    staff = StaffRoleFactory.create(role=role, branch=branches["A"])
    api_client.force_login(staff.user)

    own = api_client.get(_url("sede-a"))
    same_region = api_client.get(_url("sede-b"))
    other_region = api_client.get(_url("sede-c"))

    assert own.status_code == 200
    assert own.json()["code"] == "sede-a"
    assert same_region.status_code == 404
    assert same_region.json() == NOT_FOUND
    assert other_region.status_code == 404
    assert other_region.json() == NOT_FOUND


@pytest.mark.parametrize("role", sorted(REGION_ROLES))
def test_branch_detail_answers_a_region_scoped_role_404_outside_its_region(
    api_client, lazio, branches, role
):
    user = UserFactory.create()
    staff_role_assign(user=user, role=role, region=lazio)
    api_client.force_login(user)

    first = api_client.get(_url("sede-a"))
    second = api_client.get(_url("sede-b"))
    other_region = api_client.get(_url("sede-c"))

    assert first.status_code == 200
    assert first.json()["code"] == "sede-a"
    assert second.status_code == 200
    assert second.json()["code"] == "sede-b"
    assert other_region.status_code == 404
    assert other_region.json() == NOT_FOUND


def test_branch_detail_shows_a_superuser_any_branch(api_client, branches):
    api_client.force_login(UserFactory.create(is_superuser=True))

    response = api_client.get(_url("sede-c"))

    assert response.status_code == 200
    assert response.json()["code"] == "sede-c"


def test_branch_detail_answers_unknown_branch_404_like_a_hidden_one(
    api_client, branches
):
    api_client.force_login(UserFactory.create(is_superuser=True))

    response = api_client.get(_url("nessuna-sede"))

    assert response.status_code == 404
    assert response.json() == NOT_FOUND


def test_branch_detail_refuses_anonymous_with_401(api_client, branches):
    response = api_client.get(_url("sede-a"))

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_branch_detail_refuses_user_without_staff_role_with_403(api_client, branches):
    api_client.force_login(UserFactory.create())

    response = api_client.get(_url("sede-a"))

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


@pytest.fixture
def director_client(api_client, lazio):
    branch = BranchFactory.create(
        region=lazio,
        code="roma-eur",
        name="Roma EUR",
        kind=Branch.Kind.COMPLEX_AGENCY,
        province="RM",
        patron_day_month=6,
        patron_day_day=29,
        line_codes=["assicurato-pensionato", "socio-sanitari"],
    )
    staff = StaffRoleFactory.create(role=StaffRole.Role.DIRECTOR, branch=branch)
    api_client.force_login(staff.user)
    return api_client


@time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=ROME), tick=False)
def test_branch_detail_on_monday_morning_has_counters_and_tickets_open(
    director_client,
):
    response = director_client.get(_url("roma-eur"))

    assert response.status_code == 200
    body = response.json()
    assert body["has_consultation"] is True
    assert body["patron_day"] == "--06-29"
    assert [(line["code"], line["is_open_today"]) for line in body["lines"]] == [
        ("assicurato-pensionato", True),
        ("socio-sanitari", True),
    ]
    assert body["now"] == {
        "counters_open": True,
        "tickets_open": True,
        "consultation_open": False,
        "closed_for": None,
    }


@time_machine.travel(datetime.datetime(2026, 3, 2, 14, 0, tzinfo=ROME), tick=False)
def test_branch_detail_on_monday_afternoon_has_consultation_open(director_client):
    response = director_client.get(_url("roma-eur"))

    assert response.status_code == 200
    assert response.json()["now"] == {
        "counters_open": False,
        "tickets_open": False,
        "consultation_open": True,
        "closed_for": None,
    }


@time_machine.travel(datetime.datetime(2026, 6, 29, 9, 0, tzinfo=ROME), tick=False)
def test_branch_detail_on_the_patron_day_is_closed(director_client):
    response = director_client.get(_url("roma-eur"))

    assert response.status_code == 200
    assert response.json()["now"] == {
        "counters_open": False,
        "tickets_open": False,
        "consultation_open": False,
        "closed_for": "Festa del santo patrono",
    }


def test_branch_detail_takes_today_in_rome_time(api_client, lazio):
    branch = BranchFactory.create(region=lazio, code="roma-eur")
    BranchLine.objects.create(
        branch=branch,
        line=ServiceLine.objects.get(code="indebiti"),
        opened_on=datetime.date(2026, 2, 1),
        closes_on=datetime.date(2026, 3, 1),
    )
    api_client.force_login(
        StaffRoleFactory.create(role=StaffRole.Role.DIRECTOR, branch=branch).user
    )

    # 23:30 UTC on 1 March is already 00:30 on Monday 2 March in Rome.
    with time_machine.travel(
        datetime.datetime(2026, 3, 1, 23, 30, tzinfo=datetime.UTC), tick=False
    ):
        response = api_client.get(_url("roma-eur"))

    assert response.status_code == 200
    assert [
        (line["code"], line["is_open_today"]) for line in response.json()["lines"]
    ] == [("indebiti", False)]
    assert response.json()["now"]["counters_open"] is False


def test_branch_detail_query_count_is_bounded(
    director_client, django_assert_max_num_queries
):
    # session, user, role check, branch with region, branch lines with lines
    with django_assert_max_num_queries(5):
        response = director_client.get(_url("roma-eur"))

    assert response.status_code == 200
