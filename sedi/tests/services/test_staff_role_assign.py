import pytest
from django.core.exceptions import ValidationError

from sedi.models import StaffRole
from sedi.services import staff_role_assign
from sedi.tests.factories import BranchFactory, RegionFactory, UserFactory

pytestmark = pytest.mark.django_db

Role = StaffRole.Role


def test_staff_role_assign_gives_a_branch_role():
    user = UserFactory.create()
    branch = BranchFactory.create()

    staff_role = staff_role_assign(user=user, role=Role.RECEPTION, branch=branch)

    assert StaffRole.objects.get() == staff_role
    assert staff_role.user == user
    assert staff_role.role == "reception"
    assert staff_role.branch == branch
    assert staff_role.region is None


def test_staff_role_assign_twice_returns_the_same_row():
    user = UserFactory.create()
    branch = BranchFactory.create()

    first = staff_role_assign(user=user, role=Role.OPERATOR, branch=branch)
    second = staff_role_assign(user=user, role=Role.OPERATOR, branch=branch)

    assert second.pk == first.pk
    assert StaffRole.objects.count() == 1


def test_staff_role_assign_twice_over_a_region_returns_the_same_row():
    user = UserFactory.create()
    region = RegionFactory.create()

    first = staff_role_assign(user=user, role=Role.REGIONAL, region=region)
    second = staff_role_assign(user=user, role=Role.REGIONAL, region=region)

    assert second.pk == first.pk
    assert StaffRole.objects.count() == 1


def test_staff_role_assign_keeps_different_roles_apart():
    user = UserFactory.create()
    branch = BranchFactory.create()

    reception = staff_role_assign(user=user, role=Role.RECEPTION, branch=branch)
    operator = staff_role_assign(user=user, role=Role.OPERATOR, branch=branch)

    assert reception.pk != operator.pk
    assert StaffRole.objects.count() == 2


@pytest.mark.parametrize("role", [Role.CONTACT_CENTRE, Role.REGIONAL])
def test_staff_role_assign_refuses_a_regional_role_on_a_branch(role):
    with pytest.raises(ValidationError) as excinfo:
        staff_role_assign(
            user=UserFactory.create(), role=role, branch=BranchFactory.create()
        )

    assert excinfo.value.message_dict == {
        "region": ["Questo ruolo vale per la regione."]
    }
    assert StaffRole.objects.count() == 0


@pytest.mark.parametrize(
    "role",
    [
        Role.RECEPTION,
        Role.OPERATOR,
        Role.FLOOR_SUPERVISOR,
        Role.DIRECTOR,
        Role.KIOSK,
    ],
)
def test_staff_role_assign_refuses_a_branch_role_over_a_region(role):
    with pytest.raises(ValidationError) as excinfo:
        staff_role_assign(
            user=UserFactory.create(), role=role, region=RegionFactory.create()
        )

    assert excinfo.value.message_dict == {"branch": ["Questo ruolo vale per una sede."]}
    assert StaffRole.objects.count() == 0


def test_staff_role_assign_refuses_both_scopes():
    branch = BranchFactory.create()

    with pytest.raises(ValidationError) as excinfo:
        staff_role_assign(
            user=UserFactory.create(),
            role=Role.RECEPTION,
            branch=branch,
            region=branch.region,
        )

    assert excinfo.value.messages == ["Indicare una sede oppure una regione."]
    assert StaffRole.objects.count() == 0


def test_staff_role_assign_refuses_no_scope():
    with pytest.raises(ValidationError) as excinfo:
        staff_role_assign(user=UserFactory.create(), role=Role.RECEPTION)

    assert excinfo.value.messages == ["Indicare una sede oppure una regione."]
    assert StaffRole.objects.count() == 0


def test_staff_role_assign_refuses_an_unknown_role():
    with pytest.raises(ValidationError) as excinfo:
        staff_role_assign(
            user=UserFactory.create(), role="usciere", branch=BranchFactory.create()
        )

    assert list(excinfo.value.message_dict) == ["role"]
    assert StaffRole.objects.count() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_staff_role_assign_concurrently_creates_one_row(concurrently):
    user = UserFactory.create()
    branch = BranchFactory.create()

    def worker(_index: int) -> int:
        return staff_role_assign(user=user, role=Role.OPERATOR, branch=branch).pk

    results = concurrently(worker, threads=8)

    assert [r for r in results if isinstance(r, BaseException)] == []
    row = StaffRole.objects.get()
    assert results == [row.pk] * 8
    assert (row.user, row.role, row.branch) == (user, "operator", branch)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_staff_role_assign_concurrently_creates_one_regional_row(concurrently):
    user = UserFactory.create()
    region = RegionFactory.create()

    def worker(_index: int) -> int:
        return staff_role_assign(user=user, role=Role.REGIONAL, region=region).pk

    results = concurrently(worker, threads=8)

    assert [r for r in results if isinstance(r, BaseException)] == []
    row = StaffRole.objects.get()
    assert results == [row.pk] * 8
