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

URL = "/api/v1/branches/"
ROME = ZoneInfo("Europe/Rome")
MONDAY_9 = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=ROME)


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


def _codes(response) -> list[str]:
    return [branch["code"] for branch in response.json()]


@pytest.mark.parametrize("role", OFFICE_ROLES)
def test_branch_list_shows_a_branch_scoped_role_only_its_branch(
    api_client, branches, role
):
    staff = StaffRoleFactory.create(role=role, branch=branches["A"])
    api_client.force_login(staff.user)

    response = api_client.get(URL)

    assert response.status_code == 200
    assert _codes(response) == ["sede-a"]


@pytest.mark.parametrize("role", sorted(REGION_ROLES))
def test_branch_list_shows_a_region_scoped_role_every_branch_of_its_region(
    api_client, lazio, branches, role
):
    user = UserFactory.create()
    staff_role_assign(user=user, role=role, region=lazio)
    api_client.force_login(user)

    response = api_client.get(URL)

    assert response.status_code == 200
    assert _codes(response) == ["sede-a", "sede-b"]


def test_branch_list_shows_a_superuser_every_branch(api_client, branches):
    api_client.force_login(UserFactory.create(is_superuser=True))

    response = api_client.get(URL)

    assert response.status_code == 200
    assert _codes(response) == ["sede-a", "sede-b", "sede-c"]


def test_branch_list_joins_the_scopes_of_several_roles(api_client, lazio, branches):
    user = UserFactory.create()
    staff_role_assign(user=user, role=StaffRole.Role.RECEPTION, branch=branches["A"])
    staff_role_assign(user=user, role=StaffRole.Role.OPERATOR, branch=branches["C"])
    staff_role_assign(user=user, role=StaffRole.Role.OPERATOR, branch=branches["A"])
    api_client.force_login(user)

    response = api_client.get(URL)

    assert response.status_code == 200
    assert _codes(response) == ["sede-a", "sede-c"]


def test_branch_list_refuses_anonymous_with_401(api_client, branches):
    response = api_client.get(URL)

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_branch_list_refuses_user_without_staff_role_with_403(api_client, branches):
    api_client.force_login(UserFactory.create())

    response = api_client.get(URL)

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


@time_machine.travel(MONDAY_9, tick=False)
def test_branch_list_describes_each_branch_with_its_lines_and_state_now(
    api_client, lazio
):
    branch = BranchFactory.create(
        region=lazio,
        code="civitavecchia",
        name="Civitavecchia",
        kind=Branch.Kind.TERRITORIAL_AGENCY,
        province="RM",
        patron_day_month=6,
        patron_day_day=29,
        line_codes=["assicurato-pensionato"],
    )
    BranchLine.objects.create(
        branch=branch,
        line=ServiceLine.objects.get(code="indebiti"),
        opened_on=datetime.date(2026, 2, 1),
        closes_on=datetime.date(2026, 3, 1),  # yesterday
    )
    staff_role_assign(
        user=(user := UserFactory.create()), role=StaffRole.Role.REGIONAL, region=lazio
    )
    api_client.force_login(user)

    response = api_client.get(URL)

    assert response.status_code == 200
    assert response.json() == [
        {
            "code": "civitavecchia",
            "name": "Civitavecchia",
            "kind": "agenzia-territoriale",
            "region": "lazio",
            "province": "RM",
            "patron_day": "--06-29",
            "has_specialist_hubs": False,
            "has_consultation": False,
            "lines": [
                {
                    "code": "assicurato-pensionato",
                    "name": "Linea Assicurato Pensionato",
                    "letter": "A",
                    "opened_on": None,
                    "closes_on": None,
                    "is_open_today": True,
                },
                {
                    "code": "indebiti",
                    "name": "Sportello Indebiti",
                    "letter": "E",
                    "opened_on": "2026-02-01",
                    "closes_on": "2026-03-01",
                    "is_open_today": False,
                },
            ],
            "now": {
                "counters_open": True,
                "tickets_open": True,
                "consultation_open": False,
                "closed_for": None,
            },
        }
    ]


def _regional_client(api_client, lazio, count: int):
    lines = ["assicurato-pensionato", "socio-sanitari", "indebiti"]
    BranchFactory.create_batch(count, region=lazio, line_codes=lines)
    user = UserFactory.create()
    staff_role_assign(user=user, role=StaffRole.Role.REGIONAL, region=lazio)
    api_client.force_login(user)
    return api_client


@pytest.mark.parametrize("count", [2, 10])
def test_branch_list_query_count_does_not_grow_with_the_branches(
    api_client, lazio, count, django_assert_max_num_queries
):
    client = _regional_client(api_client, lazio, count)

    # session, user, role check, branches with regions, branch lines with lines
    with django_assert_max_num_queries(5):
        response = client.get(URL)

    assert response.status_code == 200
    assert len(response.json()) == count
    assert all(len(branch["lines"]) == 3 for branch in response.json())


def test_the_kiosk_is_not_an_office_role(api_client, branches):
    staff = StaffRoleFactory.create(role=StaffRole.Role.KIOSK, branch=branches["A"])
    api_client.force_login(staff.user)

    assert api_client.get(URL).status_code == 403
