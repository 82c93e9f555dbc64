import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from formazione.models import Qualification
from formazione.selectors import operator_is_qualified
from formazione.services import qualification_grant, qualification_revoke
from formazione.tests.conftest import TODAY
from frontoffice.common.exceptions import ApplicationError
from sedi.models import ServiceLine

pytestmark = pytest.mark.django_db


@pytest.fixture
def line():
    return ServiceLine.objects.get(code="sostegno-reddito")


def test_the_director_grants_with_a_reason(now, director, operator, line):
    qualification = qualification_grant(
        operator=operator, line=line, actor=director, reason="Formato a Latina"
    )

    assert (qualification.since, qualification.granted_by) == (TODAY, director)
    assert operator_is_qualified(user=operator, line=line)


def test_a_grant_needs_a_reason(now, director, operator, line):
    with pytest.raises(ValidationError) as excinfo:
        qualification_grant(operator=operator, line=line, actor=director, reason=" ")

    assert "reason" in excinfo.value.message_dict
    assert not Qualification.objects.exists()


def test_a_second_live_grant_is_refused(now, director, operator, line):
    qualification_grant(operator=operator, line=line, actor=director, reason="Uno")

    with pytest.raises(ApplicationError) as excinfo:
        qualification_grant(operator=operator, line=line, actor=director, reason="Due")

    assert excinfo.value.code == "already_qualified"
    assert Qualification.objects.count() == 1


def test_another_branch_director_cannot_grant(now, other_director, operator, line):
    with pytest.raises(PermissionDenied):
        qualification_grant(
            operator=operator, line=line, actor=other_director, reason="Prova"
        )


def test_revocation_keeps_the_row_and_closes_the_gate(now, director, operator, line):
    granted = qualification_grant(
        operator=operator, line=line, actor=director, reason="Formato"
    )

    revoked = qualification_revoke(
        qualification=granted, actor=director, reason="Trasferito"
    )

    assert revoked.revoked_at == timezone.now()
    assert (revoked.revoked_by, revoked.revoke_reason) == (director, "Trasferito")
    assert not operator_is_qualified(user=operator, line=line)
    assert Qualification.objects.count() == 1


def test_revoking_twice_is_refused(now, director, operator, line):
    granted = qualification_grant(
        operator=operator, line=line, actor=director, reason="Formato"
    )
    qualification_revoke(qualification=granted, actor=director, reason="Uno")

    with pytest.raises(ApplicationError) as excinfo:
        qualification_revoke(qualification=granted, actor=director, reason="Due")

    assert excinfo.value.code == "already_revoked"


def test_a_revocation_needs_a_reason(now, director, operator, line):
    granted = qualification_grant(
        operator=operator, line=line, actor=director, reason="Formato"
    )

    with pytest.raises(ValidationError):
        qualification_revoke(qualification=granted, actor=director, reason="")

    assert operator_is_qualified(user=operator, line=line)
