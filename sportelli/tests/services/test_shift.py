import datetime

import pytest
from django.utils import timezone

from formazione.tests.factories import QualificationFactory, qualify
from frontoffice.common.exceptions import ApplicationError
from sedi.models import ServiceLine, StaffRole
from sedi.tests.factories import StaffRoleFactory, UserFactory
from sportelli.models import Shift
from sportelli.services import shift_close, shift_open, shift_pause, ticket_call_next
from sportelli.tests.factories import CounterFactory, TicketFactory

pytestmark = pytest.mark.django_db


def test_open_ties_the_counter_to_a_line(counter, operator, morning):
    shift = shift_open(counter=counter, operator=operator, line_code="socio-sanitari")

    assert shift.line.code == "socio-sanitari"
    assert shift.operator == operator
    assert shift.opened_at == timezone.now()
    assert shift.is_open is True


def test_opening_the_same_shift_again_returns_it(counter, operator, morning):
    first = shift_open(counter=counter, operator=operator, line_code="socio-sanitari")
    again = shift_open(counter=counter, operator=operator, line_code="socio-sanitari")

    assert again == first
    assert Shift.objects.count() == 1


def test_a_counter_held_by_another_operator_is_busy(
    counter, operator, other_operator, morning
):
    shift_open(counter=counter, operator=operator, line_code="socio-sanitari")

    with pytest.raises(ApplicationError) as excinfo:
        shift_open(counter=counter, operator=other_operator, line_code="socio-sanitari")

    assert excinfo.value.code == "counter_busy"
    assert Shift.objects.count() == 1


def test_changing_line_needs_closing_the_shift_first(counter, operator, morning):
    shift_open(counter=counter, operator=operator, line_code="socio-sanitari")

    with pytest.raises(ApplicationError) as excinfo:
        shift_open(counter=counter, operator=operator, line_code="sostegno-reddito")

    assert excinfo.value.code == "counter_busy"


def test_an_operator_serves_one_counter_at_a_time(branch, counter, operator, morning):
    shift_open(counter=counter, operator=operator, line_code="socio-sanitari")
    other = CounterFactory.create(branch=branch, number=4)

    with pytest.raises(ApplicationError) as excinfo:
        shift_open(counter=other, operator=operator, line_code="socio-sanitari")

    assert excinfo.value.code == "operator_busy"


def test_cloned_counters_serve_the_same_line(
    branch, counter, operator, other_operator, morning
):
    clone = CounterFactory.create(branch=branch, number=4)

    shift_open(counter=counter, operator=operator, line_code="socio-sanitari")
    shift_open(counter=clone, operator=other_operator, line_code="socio-sanitari")

    assert Shift.objects.filter(line__code="socio-sanitari").count() == 2


def test_a_line_closed_at_the_branch_cannot_be_served(counter, operator, morning):
    with pytest.raises(ApplicationError) as excinfo:
        shift_open(counter=counter, operator=operator, line_code="indebiti")

    assert excinfo.value.code == "line_closed"
    assert Shift.objects.count() == 0


def _untrained_operator(branch, *trained_lines):
    user = UserFactory.create(username="operatore-nuovo")
    StaffRoleFactory.create(user=user, role=StaffRole.Role.OPERATOR, branch=branch)
    if trained_lines:
        qualify(user, *trained_lines)
    return user


def test_an_operator_without_training_is_refused(branch, counter, morning):
    newcomer = _untrained_operator(branch)

    with pytest.raises(ApplicationError) as excinfo:
        shift_open(counter=counter, operator=newcomer, line_code="socio-sanitari")

    assert excinfo.value.code == "not_qualified"
    assert "Servizi Socio-Sanitari" in excinfo.value.detail
    assert "nessuna linea" in excinfo.value.detail
    assert excinfo.value.extra == {"qualified_lines": []}
    assert Shift.objects.count() == 0


def test_the_refusal_names_the_lines_the_operator_may_open(branch, counter, morning):
    newcomer = _untrained_operator(branch, "sostegno-reddito", "indebiti")

    with pytest.raises(ApplicationError) as excinfo:
        shift_open(counter=counter, operator=newcomer, line_code="socio-sanitari")

    # Indebiti is not open at this branch: only the open line is offered.
    assert excinfo.value.extra == {"qualified_lines": ["sostegno-reddito"]}
    assert "Prestazioni a Sostegno del Reddito" in excinfo.value.detail


def test_an_operator_trained_for_the_line_opens_it(branch, counter, morning):
    newcomer = _untrained_operator(branch, "socio-sanitari")

    shift = shift_open(counter=counter, operator=newcomer, line_code="socio-sanitari")

    assert shift.line.code == "socio-sanitari"


def test_a_revoked_qualification_no_longer_opens_the_line(branch, counter, morning):
    newcomer = _untrained_operator(branch)
    qualification = QualificationFactory.create(
        operator=newcomer, line=ServiceLine.objects.get(code="socio-sanitari")
    )
    qualification.revoked_at = timezone.now()
    qualification.revoke_reason = "Assegnato ad altro ufficio"
    qualification.save()

    with pytest.raises(ApplicationError) as excinfo:
        shift_open(counter=counter, operator=newcomer, line_code="socio-sanitari")

    assert excinfo.value.code == "not_qualified"


def test_a_qualification_from_tomorrow_does_not_open_today(branch, counter, morning):
    newcomer = _untrained_operator(branch)
    QualificationFactory.create(
        operator=newcomer,
        line=ServiceLine.objects.get(code="socio-sanitari"),
        since=datetime.date(2026, 12, 3),
    )

    with pytest.raises(ApplicationError) as excinfo:
        shift_open(counter=counter, operator=newcomer, line_code="socio-sanitari")

    assert excinfo.value.code == "not_qualified"


def test_close_ends_the_shift(counter, operator, morning):
    shift_open(counter=counter, operator=operator, line_code="socio-sanitari")

    shift = shift_close(counter=counter, actor=operator)

    assert shift.closed_at == timezone.now()
    assert shift.closed_by == operator
    assert Shift.objects.filter(closed_at__isnull=True).count() == 0


def test_close_waits_for_the_ticket_in_progress(branch, counter, operator, morning):
    shift_open(counter=counter, operator=operator, line_code="assicurato-pensionato")
    TicketFactory.create(branch=branch)
    ticket_call_next(counter=counter, operator=operator)

    with pytest.raises(ApplicationError) as excinfo:
        shift_close(counter=counter, actor=operator)

    assert excinfo.value.code == "ticket_in_progress"


def test_the_floor_supervisor_closes_any_counter(
    counter, operator, supervisor, other_operator, morning
):
    shift_open(counter=counter, operator=operator, line_code="socio-sanitari")

    with pytest.raises(ApplicationError) as excinfo:
        shift_close(counter=counter, actor=other_operator)
    assert excinfo.value.code == "not_your_counter"

    assert shift_close(counter=counter, actor=supervisor).closed_by == supervisor


def test_closing_a_closed_counter_is_refused(counter, operator, morning):
    with pytest.raises(ApplicationError) as excinfo:
        shift_close(counter=counter, actor=operator)

    assert excinfo.value.code == "counter_closed"


def test_pause_and_resume(counter, operator, morning):
    shift_open(counter=counter, operator=operator, line_code="socio-sanitari")

    paused = shift_pause(counter=counter, actor=operator, paused=True)
    assert paused.paused_at == timezone.now()
    assert paused.is_paused is True

    resumed = shift_pause(counter=counter, actor=operator, paused=False)
    assert resumed.paused_at is None
