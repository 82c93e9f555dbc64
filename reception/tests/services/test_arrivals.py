import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from consulenza.models import Appointment
from frontoffice.common.exceptions import ApplicationError
from reception.models import Arrival, Form
from reception.services import (
    arrival_booking,
    arrival_check_in,
    arrival_solved,
    arrival_ticket,
)
from reception.tests.conftest import MORNING, ROME
from sedi.models import Service, ServiceLine
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


def _appointment(branch, start):
    from consulenza.services import meeting_point_create
    from consulenza.tests.factories import AppointmentFactory

    point = meeting_point_create(
        branch=branch,
        line=ServiceLine.objects.get(code="assicurato-pensionato"),
        opened_on=datetime.date(2026, 11, 1),
    )
    return AppointmentFactory.create(meeting_point=point, start=start)


def test_check_in_of_today_appointment_is_logged(branch, receptionist):
    at = datetime.datetime(2026, 12, 2, 13, 20, tzinfo=ROME)
    appointment = _appointment(branch, at + datetime.timedelta(minutes=40))

    with time_machine.travel(at, tick=False):
        arrival = arrival_check_in(
            branch=branch, appointment=appointment, handled_by=receptionist
        )

    appointment.refresh_from_db()
    assert appointment.status == "checked_in"
    assert (arrival.outcome, arrival.arrived_at, arrival.line) == (
        "check_in",
        at,
        appointment.meeting_point.line,
    )


def test_check_in_on_another_day_is_refused_and_not_logged(branch, receptionist):
    appointment = _appointment(
        branch, datetime.datetime(2026, 12, 3, 14, 0, tzinfo=ROME)
    )

    with (
        time_machine.travel(datetime.datetime(2026, 12, 2, 14, 0, tzinfo=ROME)),
        pytest.raises(ApplicationError) as excinfo,
    ):
        arrival_check_in(
            branch=branch, appointment=appointment, handled_by=receptionist
        )

    assert excinfo.value.code == "not_today"
    assert Arrival.objects.count() == 0


def test_booking_at_the_desk_takes_the_first_free_slot_and_is_logged(
    branch, receptionist
):
    from consulenza.services import Citizen

    _appointment(branch, datetime.datetime(2026, 12, 3, 13, 30, tzinfo=ROME))
    with time_machine.travel(datetime.datetime(2026, 12, 3, 9, 0, tzinfo=ROME)):
        arrival, appointment = arrival_booking(
            branch=branch,
            line_code="assicurato-pensionato",
            citizen=Citizen("RSSMRA80A01H501U", "Mario", "Rossi"),
            handled_by=receptionist,
        )

    assert isinstance(appointment, Appointment)
    assert appointment.start == datetime.datetime(2026, 12, 3, 14, 0, tzinfo=ROME)
    assert appointment.channel == "sportello"
    assert appointment.booked_by == receptionist
    assert (arrival.outcome, arrival.reason) == ("booking", "Consulenza prenotata")
