import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from frontoffice.common.exceptions import ApplicationError
from reception.models import Arrival, Form
from reception.services import arrival_log, arrival_solved, arrival_ticket
from reception.tests.conftest import MORNING, ROME
from sedi.models import Service
from sportelli.models import Ticket

pytestmark = pytest.mark.django_db


def pin(line="soggetto-contribuente"):
    return Service.objects.get(line__code=line, code="pin-cittadino")


def test_ticket_outcome_issues_the_ticket_and_logs_the_arrival(
    branch, receptionist, morning
):
    arrival = arrival_ticket(
        branch=branch,
        line_code="soggetto-contribuente",
        service=pin(),
        handled_by=receptionist,
    )

    ticket = Ticket.objects.get()
    assert (ticket.code, ticket.channel, ticket.issued_by) == (
        "D001",
        "reception",
        receptionist,
    )
    assert arrival.ticket == ticket
    assert arrival.outcome == Arrival.Outcome.TICKET
    assert arrival.reason == "Rilascio PIN cittadino"
    assert arrival.line == ticket.line
    assert arrival.arrived_at == MORNING


def test_a_refused_ticket_logs_nothing(branch, receptionist):
    with (
        time_machine.travel(datetime.datetime(2026, 12, 2, 12, 5, tzinfo=ROME)),
        pytest.raises(ApplicationError) as excinfo,
    ):
        arrival_ticket(
            branch=branch,
            line_code="soggetto-contribuente",
            reason="PIN",
            handled_by=receptionist,
        )

    assert excinfo.value.code == "outside_hours"
    assert Arrival.objects.count() == 0
    assert Ticket.objects.count() == 0


def test_information_given_at_reception(branch, receptionist, morning):
    arrival = arrival_solved(
        branch=branch, reason="Orari della sede", handled_by=receptionist
    )

    assert (arrival.outcome, arrival.reason, arrival.ticket) == (
        "information",
        "Orari della sede",
        None,
    )


def test_a_form_handed_out_is_counted(branch, receptionist, morning):
    form = Form.objects.create(code="modello-as1", title="Modello AS1")

    arrival_solved(branch=branch, form=form, handled_by=receptionist)
    arrival_solved(branch=branch, form=form, handled_by=receptionist)

    assert form.handouts.count() == 2
    assert Arrival.objects.filter(outcome="form", reason="Modello AS1").count() == 2


def test_a_withdrawn_form_is_refused(branch, receptionist, morning):
    form = Form.objects.create(code="vecchio", title="Vecchio modulo", is_active=False)

    with pytest.raises(ApplicationError) as excinfo:
        arrival_solved(branch=branch, form=form, handled_by=receptionist)

    assert excinfo.value.code == "form_withdrawn"
    assert Arrival.objects.count() == 0


def test_a_reason_is_required(branch, receptionist, morning):
    with pytest.raises(ValidationError) as excinfo:
        arrival_solved(branch=branch, reason="  ", handled_by=receptionist)

    assert excinfo.value.message_dict == {
        "reason": ["Indicare il motivo dell'accesso."]
    }


def test_check_in_and_booking_outcomes_are_logged(branch, receptionist, morning):
    arrival_log(
        branch=branch,
        outcome="check_in",
        reason="Appuntamento",
        handled_by=receptionist,
    )

    with pytest.raises(ValidationError):
        arrival_log(
            branch=branch, outcome="ticket", reason="x", handled_by=receptionist
        )
    assert list(Arrival.objects.values_list("outcome", flat=True)) == ["check_in"]
