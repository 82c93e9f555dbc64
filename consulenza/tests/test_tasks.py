from unittest import mock

import pytest

from consulenza import tasks

pytestmark = pytest.mark.django_db


def test_confirmation_task_calls_its_service():
    with mock.patch(
        "consulenza.services.appointment_confirmation_send", return_value=True
    ) as service:
        assert tasks.appointment_confirmation_send(appointment_id=7) is True

    service.assert_called_once_with(appointment_id=7)


def test_reminders_task_calls_its_service():
    with mock.patch(
        "consulenza.services.appointment_reminders_send", return_value=3
    ) as service:
        assert tasks.appointment_reminders_send() == 3

    service.assert_called_once_with()


def test_backlog_task_calls_its_service_and_returns_the_flagged_ids():
    flagged = mock.Mock(pk=4, level="flagged")
    ok = mock.Mock(pk=5, level="ok")
    with mock.patch(
        "consulenza.services.backlog_flag", return_value=[flagged, ok]
    ) as service:
        assert tasks.backlog_flag() == [4]

    service.assert_called_once_with()
