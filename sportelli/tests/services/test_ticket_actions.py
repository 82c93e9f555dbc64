import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from frontoffice.common.exceptions import ApplicationError
from sedi.models import ServiceLine
from sedi.services import branch_line_open
from sportelli.models import Ticket, TicketEvent
from sportelli.selectors import ticket_state
from sportelli.services import (
    ticket_call_next,
    ticket_complete,
    ticket_no_show,
    ticket_recall,
    ticket_transfer,
)
from sportelli.tests.factories import ShiftFactory, TicketFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def called(branch, counter, operator, morning):
    ShiftFactory.create(counter=counter, operator=operator)
    TicketFactory.create(
        branch=branch,
        issued_at=timezone.now() - datetime.timedelta(minutes=25),
        number=7,
    )
    ticket = ticket_call_next(counter=counter, operator=operator)
    assert ticket is not None
    return ticket


def test_recall_announces_again_without_a_new_call(called, operator, morning):
    called_at = called.called_at
    morning.shift(datetime.timedelta(seconds=40))

    ticket = ticket_recall(ticket=called, actor=operator)

    assert ticket.status == Ticket.Status.CALLED
    assert ticket.called_at == called_at
    assert ticket.recall_count == 1
    assert ticket.recalled_at == timezone.now()
    assert ticket.events.filter(kind="called").count() == 1
    assert ticket.events.filter(kind="recalled", actor=operator).count() == 1


def test_complete_records_the_catalogue_services(called, operator):
    ticket = ticket_complete(
        ticket=called,
        actor=operator,
        service_codes=["pin-cittadino", "carta-acquisti", "pin-cittadino"],
    )

    assert ticket.status == Ticket.Status.COMPLETED
    assert ticket.finished_at == timezone.now()
    assert sorted(ticket.services.values_list("code", flat=True)) == [
        "carta-acquisti",
        "pin-cittadino",
    ]
    event = ticket.events.get(kind="completed")
    assert event.actor == operator
    assert event.data == {"services": ["carta-acquisti", "pin-cittadino"]}


def test_complete_refuses_a_service_of_another_line(called, operator):
    with pytest.raises(ValidationError) as excinfo:
        ticket_complete(
            ticket=called,
            actor=operator,
            service_codes=["pin-cittadino", "durc-cartaceo"],
        )

    assert excinfo.value.message_dict == {
        "services": ["Servizi non previsti dalla linea: durc-cartaceo."]
    }
    called.refresh_from_db()
    assert called.status == Ticket.Status.CALLED
    assert called.services.count() == 0
    assert not TicketEvent.objects.filter(kind="completed").exists()


def test_complete_needs_at_least_one_service(called, operator):
    with pytest.raises(ValidationError) as excinfo:
        ticket_complete(ticket=called, actor=operator, service_codes=[])

    assert excinfo.value.message_dict == {
        "services": ["Indicare almeno un servizio reso."]
    }


def test_overpayments_line_has_no_catalogue_so_none_is_needed(
    branch, counter, operator, morning
):
    line = ServiceLine.objects.get(code="indebiti")
    branch_line_open(branch=branch, line=line)
    ShiftFactory.create(counter=counter, operator=operator, line=line)
    TicketFactory.create(branch=branch, line=line)
    ticket = ticket_call_next(counter=counter, operator=operator)
    assert ticket is not None

    ticket = ticket_complete(ticket=ticket, actor=operator, service_codes=[])

    assert ticket.status == Ticket.Status.COMPLETED


def test_completing_twice_is_refused(called, operator):
    ticket_complete(ticket=called, actor=operator, service_codes=["pin-cittadino"])

    with pytest.raises(ApplicationError) as excinfo:
        ticket_complete(ticket=called, actor=operator, service_codes=["carta-acquisti"])

    assert excinfo.value.code == "invalid_state"
    assert list(called.services.values_list("code", flat=True)) == ["pin-cittadino"]


def test_no_show_closes_the_ticket(called, operator):
    ticket = ticket_no_show(ticket=called, actor=operator)

    assert ticket.status == Ticket.Status.NO_SHOW
    assert ticket.finished_at == timezone.now()
    assert ticket.events.filter(kind="no_show", actor=operator).count() == 1


def test_transfer_queues_on_the_new_line_by_the_original_issue_time(
    branch, called, operator
):
    issued_at = called.issued_at
    later = TicketFactory.create(
        branch=branch, line=ServiceLine.objects.get(code="socio-sanitari")
    )

    ticket = ticket_transfer(ticket=called, actor=operator, line_code="socio-sanitari")

    assert ticket.status == Ticket.Status.WAITING
    assert ticket.line.code == "socio-sanitari"
    assert ticket.code == "A007"  # the citizen keeps the ticket
    assert ticket.issued_at == issued_at
    assert (ticket.counter, ticket.called_at, ticket.call_reason) == (None, None, "")
    assert ticket.events.get(kind="transferred").data == {
        "from_line": "assicurato-pensionato",
        "to_line": "socio-sanitari",
    }
    assert ticket_state(ticket=ticket).position == 1
    assert ticket_state(ticket=later).position == 2


def test_transfer_to_a_closed_or_unknown_line_is_refused(called, operator):
    with pytest.raises(ApplicationError) as excinfo:
        ticket_transfer(ticket=called, actor=operator, line_code="poli-specialistici")
    assert excinfo.value.code == "line_closed"

    with pytest.raises(ValidationError):
        ticket_transfer(ticket=called, actor=operator, line_code="nessuna")
    with pytest.raises(ValidationError):
        ticket_transfer(
            ticket=called, actor=operator, line_code="assicurato-pensionato"
        )

    called.refresh_from_db()
    assert called.status == Ticket.Status.CALLED


def test_another_operator_cannot_act_on_the_ticket(called, other_operator):
    for action in (ticket_recall, ticket_no_show):
        with pytest.raises(ApplicationError) as excinfo:
            action(ticket=called, actor=other_operator)
        assert excinfo.value.code == "not_your_ticket"


def test_the_floor_supervisor_can_close_a_ticket(called, supervisor):
    ticket = ticket_no_show(ticket=called, actor=supervisor)

    assert ticket.status == Ticket.Status.NO_SHOW
    assert ticket.events.get(kind="no_show").actor == supervisor


def test_a_waiting_ticket_cannot_be_completed(branch, operator, morning):
    ticket = TicketFactory.create(branch=branch)

    with pytest.raises(ApplicationError) as excinfo:
        ticket_complete(ticket=ticket, actor=operator, service_codes=["pin-cittadino"])

    assert excinfo.value.code == "invalid_state"
