import pytest
import time_machine
from django.core.exceptions import ValidationError

from consulenza.models import Appointment
from consulenza.services import (
    appointment_cancel,
    appointment_check_in,
    appointment_close,
    appointment_no_show,
)
from consulenza.tests.conftest import rome
from consulenza.tests.factories import AppointmentFactory
from frontoffice.common.exceptions import ApplicationError

pytestmark = pytest.mark.django_db

START = rome(2026, 3, 4, 14, 0)


@pytest.fixture
def appointment(point):
    return AppointmentFactory.create(meeting_point=point, start=START)


def _state(appointment) -> str:
    return Appointment.objects.get(pk=appointment.pk).status


def test_check_in_on_the_day_records_the_arrival(appointment):
    with time_machine.travel(rome(2026, 3, 4, 13, 50), tick=False):
        done = appointment_check_in(appointment=appointment)

    assert done.status == Appointment.Status.CHECKED_IN
    assert done.checked_in_at == rome(2026, 3, 4, 13, 50)
    assert _state(appointment) == "checked_in"


@pytest.mark.parametrize(
    "now", [rome(2026, 3, 3, 14, 0), rome(2026, 3, 5, 9, 0)], ids=["before", "after"]
)
def test_check_in_on_another_day_is_refused(appointment, now):
    with time_machine.travel(now, tick=False), pytest.raises(ApplicationError) as exc:
        appointment_check_in(appointment=appointment)

    assert exc.value.code == "not_today"
    assert _state(appointment) == "booked"


def test_check_in_twice_is_an_invalid_state(appointment):
    with time_machine.travel(rome(2026, 3, 4, 13, 50), tick=False):
        appointment_check_in(appointment=appointment)
        with pytest.raises(ApplicationError) as exc:
            appointment_check_in(appointment=appointment)

    assert exc.value.code == "invalid_state"


def test_cancel_frees_the_slot(appointment, monday):
    done = appointment_cancel(appointment=appointment)

    assert done.status == Appointment.Status.CANCELLED
    assert done.cancelled_at == rome(2026, 3, 2, 10, 0)


@pytest.mark.parametrize("status", ["checked_in", "closed", "cancelled", "no_show"])
def test_cancel_is_only_for_booked_appointments(point, monday, status):
    appointment = AppointmentFactory.create(
        meeting_point=point,
        start=START,
        status=status,
        preparation_notes="x",
        outcome="y",
    )

    with pytest.raises(ApplicationError) as exc:
        appointment_cancel(appointment=appointment)

    assert exc.value.code == "invalid_state"
    assert _state(appointment) == status


def test_no_show_after_the_start(appointment):
    with time_machine.travel(rome(2026, 3, 4, 14, 20), tick=False):
        done = appointment_no_show(appointment=appointment)

    assert done.status == Appointment.Status.NO_SHOW
    assert done.no_show_at == rome(2026, 3, 4, 14, 20)


def test_no_show_before_the_start_is_too_early(appointment):
    with (
        time_machine.travel(rome(2026, 3, 4, 13, 59), tick=False),
        pytest.raises(ApplicationError) as exc,
    ):
        appointment_no_show(appointment=appointment)

    assert exc.value.code == "too_early"
    assert _state(appointment) == "booked"


def test_close_records_preparation_and_outcome(appointment, operator):
    with time_machine.travel(rome(2026, 3, 4, 13, 55), tick=False):
        appointment_check_in(appointment=appointment)
    with time_machine.travel(rome(2026, 3, 4, 14, 25), tick=False):
        done = appointment_close(
            appointment=appointment,
            preparation_notes="  Verificato l'estratto contributivo. ",
            outcome="Domanda di pensione da presentare online.",
            closed_by=operator,
        )

    stored = Appointment.objects.get(pk=appointment.pk)
    assert stored.status == Appointment.Status.CLOSED
    assert stored.preparation_notes == "Verificato l'estratto contributivo."
    assert stored.outcome == "Domanda di pensione da presentare online."
    assert stored.closed_at == rome(2026, 3, 4, 14, 25)
    assert stored.closed_by == operator
    assert done == stored


@pytest.mark.parametrize(
    ("notes", "outcome", "fields"),
    [
        ("", "esito", ["preparation_notes"]),
        ("istruttoria", "   ", ["outcome"]),
        ("", "", ["preparation_notes", "outcome"]),
    ],
)
def test_close_requires_both_notes_and_outcome(appointment, notes, outcome, fields):
    with time_machine.travel(rome(2026, 3, 4, 13, 55), tick=False):
        appointment_check_in(appointment=appointment)
        with pytest.raises(ValidationError) as exc:
            appointment_close(
                appointment=appointment, preparation_notes=notes, outcome=outcome
            )

    assert sorted(exc.value.message_dict) == sorted(fields)
    assert _state(appointment) == "checked_in"


def test_close_without_check_in_is_an_invalid_state(appointment, monday):
    with pytest.raises(ApplicationError) as exc:
        appointment_close(appointment=appointment, preparation_notes="a", outcome="b")

    assert exc.value.code == "invalid_state"
    assert _state(appointment) == "booked"
