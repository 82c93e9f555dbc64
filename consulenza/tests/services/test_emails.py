from unittest import mock

import pytest
import time_machine
from django.core import mail

from consulenza.models import Appointment
from consulenza.services import (
    appointment_confirmation_send,
    appointment_reminders_send,
)
from consulenza.tests.conftest import rome
from consulenza.tests.factories import AppointmentFactory

pytestmark = pytest.mark.django_db


def test_confirmation_is_sent_once(monday, point):
    appointment = AppointmentFactory.create(
        meeting_point=point, start=rome(2026, 3, 4, 14, 0), email="m@example.it"
    )

    first = appointment_confirmation_send(appointment_id=appointment.pk)
    second = appointment_confirmation_send(appointment_id=appointment.pk)

    assert (first, second) == (True, False)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["m@example.it"]
    assert message.subject == "Conferma dell'appuntamento di consulenza"
    assert "4 marzo 2026 alle 14:00" in message.body
    assert "RSSMRA85T10A562S" not in message.body
    stored = Appointment.objects.get(pk=appointment.pk)
    assert stored.confirmation_sent_at == rome(2026, 3, 2, 10, 0)


def test_confirmation_failure_releases_the_mark_for_a_retry(monday, point):
    appointment = AppointmentFactory.create(
        meeting_point=point, start=rome(2026, 3, 4, 14, 0), email="m@example.it"
    )

    with (
        mock.patch("consulenza.services.send_mail", side_effect=ConnectionError),
        pytest.raises(ConnectionError),
    ):
        appointment_confirmation_send(appointment_id=appointment.pk)

    assert Appointment.objects.get(pk=appointment.pk).confirmation_sent_at is None
    assert appointment_confirmation_send(appointment_id=appointment.pk) is True
    assert len(mail.outbox) == 1


def test_confirmation_of_a_missing_or_mail_less_appointment_sends_nothing(
    monday, point
):
    appointment = AppointmentFactory.create(meeting_point=point, email="")

    assert appointment_confirmation_send(appointment_id=appointment.pk) is False
    assert appointment_confirmation_send(appointment_id=999_999) is False
    assert mail.outbox == []


def test_reminders_go_to_tomorrows_booked_appointments_once(point):
    tomorrow = [
        AppointmentFactory.create(
            meeting_point=point, start=rome(2026, 3, 3, 13, 30), email="a@example.it"
        ),
        AppointmentFactory.create(
            meeting_point=point, start=rome(2026, 3, 3, 15, 0), email="b@example.it"
        ),
    ]
    AppointmentFactory.create(  # no e-mail
        meeting_point=point, start=rome(2026, 3, 3, 14, 0)
    )
    AppointmentFactory.create(  # cancelled
        meeting_point=point,
        start=rome(2026, 3, 3, 14, 30),
        email="c@example.it",
        status=Appointment.Status.CANCELLED,
    )
    AppointmentFactory.create(  # the day after tomorrow
        meeting_point=point, start=rome(2026, 3, 4, 13, 30), email="d@example.it"
    )
    AppointmentFactory.create(  # today
        meeting_point=point, start=rome(2026, 3, 2, 15, 0), email="e@example.it"
    )

    with time_machine.travel(rome(2026, 3, 2, 18, 0), tick=False):
        first = appointment_reminders_send()
        second = appointment_reminders_send()

    assert (first, second) == (2, 0)
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.it", "b@example.it"]
    assert all(
        m.subject == "Promemoria: appuntamento di consulenza domani"
        for m in mail.outbox
    )
    assert {
        a.pk: a.reminded_at
        for a in Appointment.objects.filter(pk__in=[a.pk for a in tomorrow])
    } == {a.pk: rome(2026, 3, 2, 18, 0) for a in tomorrow}


def test_reminders_walk_every_batch(point):
    for hour, minute in ((13, 30), (14, 0), (14, 30), (15, 0)):
        AppointmentFactory.create(
            meeting_point=point,
            start=rome(2026, 3, 3, hour, minute),
            email=f"{hour}{minute}@example.it",
        )

    with time_machine.travel(rome(2026, 3, 2, 18, 0), tick=False):
        sent = appointment_reminders_send(batch_size=3)

    assert sent == 4
    assert len(mail.outbox) == 4


def test_reminders_on_the_eve_of_the_dst_change_cover_the_whole_day(point):
    # Monday 30 March follows the spring change; the job runs on Sunday 29.
    AppointmentFactory.create(
        meeting_point=point, start=rome(2026, 3, 30, 15, 0), email="a@example.it"
    )

    with time_machine.travel(rome(2026, 3, 29, 18, 0), tick=False):
        assert appointment_reminders_send() == 1
