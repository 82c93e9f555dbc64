import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from sedi.models import BranchLine, ServiceLine, StaffRole
from sedi.selectors import branch_get, branch_list, branch_list_with_lines
from sedi.services import staff_role_assign
from sedi.tests.factories import BranchFactory, RegionFactory, UserFactory

pytestmark = pytest.mark.django_db

Role = StaffRole.Role


@pytest.fixture
def branches():
    """Branches A and B in Lazio, C in another region."""
    lazio = RegionFactory.create(code="lazio", name="Lazio")
    umbria = RegionFactory.create(code="umbria", name="Umbria")
    return {
        "A": BranchFactory.create(region=lazio, code="sede-a", name="Sede A"),
        "B": BranchFactory.create(region=lazio, code="sede-b", name="Sede B"),
        "C": BranchFactory.create(region=umbria, code="sede-c", name="Sede C"),
    }


@pytest.fixture
def reception_a_operator_b(branches):
    user = UserFactory.create()
    staff_role_assign(user=user, role=Role.RECEPTION, branch=branches["A"])
    staff_role_assign(user=user, role=Role.OPERATOR, branch=branches["B"])
    return user


def _codes(branches) -> list[str]:
    return [branch.code for branch in branches]


def test_branch_list_with_no_roles_filter_counts_every_role(reception_a_operator_b):
    assert _codes(branch_list(user=reception_a_operator_b)) == ["sede-a", "sede-b"]


def test_branch_list_keeps_only_the_branches_of_the_given_roles(
    reception_a_operator_b,
):
    assert _codes(branch_list(user=reception_a_operator_b, roles=["operator"])) == [
        "sede-b"
    ]
    assert _codes(branch_list(user=reception_a_operator_b, roles=["reception"])) == [
        "sede-a"
    ]
    assert _codes(
        branch_list(user=reception_a_operator_b, roles=["reception", "operator"])
    ) == ["sede-a", "sede-b"]
    assert _codes(branch_list(user=reception_a_operator_b, roles=["kiosk"])) == []


def test_branch_list_gives_a_region_role_every_branch_of_its_region(branches):
    user = UserFactory.create()
    staff_role_assign(user=user, role=Role.REGIONAL, region=branches["A"].region)

    assert _codes(branch_list(user=user)) == ["sede-a", "sede-b"]
    assert _codes(branch_list(user=user, roles=["regional"])) == ["sede-a", "sede-b"]
    assert _codes(branch_list(user=user, roles=["contact-centre"])) == []


def test_branch_list_gives_anonymous_nothing(branches):
    assert _codes(branch_list(user=AnonymousUser())) == []


def test_branch_list_gives_a_user_without_roles_nothing(branches):
    assert _codes(branch_list(user=UserFactory.create())) == []


def test_branch_list_gives_a_superuser_every_branch(branches):
    user = UserFactory.create(is_superuser=True)

    assert _codes(branch_list(user=user)) == ["sede-a", "sede-b", "sede-c"]


def test_branch_list_ignores_the_roles_of_other_users(branches, reception_a_operator_b):
    other = UserFactory.create()
    staff_role_assign(user=other, role=Role.OPERATOR, branch=branches["C"])

    assert _codes(branch_list(user=reception_a_operator_b)) == ["sede-a", "sede-b"]


def test_branch_list_with_lines_prefetches_the_lines_in_guideline_order(
    branches, reception_a_operator_b, django_assert_num_queries
):
    for code in ["indebiti", "assicurato-pensionato", "socio-sanitari"]:
        BranchLine.objects.create(
            branch=branches["A"], line=ServiceLine.objects.get(code=code)
        )

    with django_assert_num_queries(2):
        lines = [
            [branch_line.line.code for branch_line in branch.branch_lines.all()]
            for branch in branch_list_with_lines(user=reception_a_operator_b)
        ]

    assert lines == [["assicurato-pensionato", "socio-sanitari", "indebiti"], []]


def test_branch_get_returns_a_branch_in_scope(branches, reception_a_operator_b):
    branch = branch_get(user=reception_a_operator_b, code="sede-b")

    assert branch == branches["B"]


def test_branch_get_raises_404_outside_the_callers_branches(
    branches, reception_a_operator_b
):
    with pytest.raises(Http404):
        branch_get(user=reception_a_operator_b, code="sede-c")


def test_branch_get_raises_404_for_a_branch_reached_only_by_another_role(
    branches, reception_a_operator_b
):
    with pytest.raises(Http404):
        branch_get(user=reception_a_operator_b, code="sede-a", roles=["operator"])


def test_branch_get_raises_404_for_an_unknown_branch(reception_a_operator_b):
    with pytest.raises(Http404):
        branch_get(user=reception_a_operator_b, code="nessuna-sede")


def test_branch_get_raises_404_for_anonymous(branches):
    with pytest.raises(Http404):
        branch_get(user=AnonymousUser(), code="sede-a")
