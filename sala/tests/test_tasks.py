from unittest import mock

import pytest

from sala import tasks

pytestmark = pytest.mark.django_db


def test_the_expiry_task_calls_its_service():
    with mock.patch("sala.services.counter_clones_expire", return_value=2) as service:
        assert tasks.counter_clones_expire() == 2

    service.assert_called_once_with()
