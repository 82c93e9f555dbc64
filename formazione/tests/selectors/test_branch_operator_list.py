import pytest

from formazione.selectors import branch_operator_list
from formazione.tests.conftest import Role, staff
from sedi.services import staff_role_assign

pytestmark = pytest.mark.django_db


def test_lists_the_active_operators_of_the_branch_by_name(branch, other_branch):
    zeta = staff("zeta", Role.OPERATOR, branch=branch)
    zeta.last_name = "Zanetti"
    zeta.save()
    alfa = staff("alfa", Role.OPERATOR, branch=branch)
    alfa.last_name = "Amato"
    alfa.save()
    # Also floor supervisor here: listed once.
    staff_role_assign(user=alfa, role=Role.FLOOR_SUPERVISOR, branch=branch)
    gone = staff("cessato", Role.OPERATOR, branch=branch)
    gone.is_active = False
    gone.save()
    staff("sala", Role.FLOOR_SUPERVISOR, branch=branch)
    staff("altrove", Role.OPERATOR, branch=other_branch)

    operators = branch_operator_list(branch=branch)

    assert list(operators) == [alfa, zeta]
