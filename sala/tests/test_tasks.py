from unittest import mock

import pytest

from sala import tasks

pytestmark = pytest.mark.django_db


def test_the_expiry_task_calls_its_service():
    with mock.patch("sala.services.counter_clones_expire", return_value=2) as service:
        assert tasks.counter_clones_expire() == 2

    service.assert_called_once_with()


def test_the_forecast_task_calls_its_service():
    with mock.patch("sala.services.backlog_forecast_notify", return_value=1) as service:
        assert tasks.backlog_forecast_notify() == 1

    service.assert_called_once_with()
