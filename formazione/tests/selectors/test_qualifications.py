import datetime

import pytest
from django.utils import timezone

from formazione.selectors import (
    operator_is_qualified,
    qualification_list,
    qualified_operator_list,
)
from formazione.tests.conftest import TODAY, Role, staff
from formazione.tests.factories import QualificationFactory
from sedi.models import ServiceLine

pytestmark = pytest.mark.django_db


@pytest.fixture
def line():
    return ServiceLine.objects.get(code="socio-sanitari")


def test_a_qualification_counts_from_its_day(now, operator, line):
    QualificationFactory.create(operator=operator, line=line, since=TODAY)

    assert operator_is_qualified(user=operator, line=line)
    assert not operator_is_qualified(
        user=operator, line=line, on=TODAY - datetime.timedelta(days=1)
    )


def test_another_line_does_not_count(now, operator, line):
    QualificationFactory.create(operator=operator, line=line)

    assert not operator_is_qualified(
        user=operator, line=ServiceLine.objects.get(code="indebiti")
    )


def test_the_rota_lists_live_qualifications_of_the_branch_operators(
    now, branch, other_branch, operator, line
):
    revoked_user = staff("revocato", Role.OPERATOR, branch=branch)
    elsewhere = staff("altrove", Role.OPERATOR, branch=other_branch)
    live = QualificationFactory.create(operator=operator, line=line)
    QualificationFactory.create(
        operator=revoked_user,
        line=line,
        revoked_at=timezone.now(),
        revoke_reason="Trasferito",
    )
    QualificationFactory.create(operator=elsewhere, line=line)
    QualificationFactory.create(
        operator=operator,
        line=ServiceLine.objects.get(code="indebiti"),
        since=TODAY + datetime.timedelta(days=1),
    )

    assert list(qualification_list(branch=branch)) == [live]
    assert list(qualified_operator_list(branch=branch, line=line)) == [operator]
