"""With the broker down, the work runs in the web process instead."""

from unittest import mock

from celery import shared_task
from kombu.exceptions import OperationalError

from frontoffice.common.queue import enqueue

DONE: list[int] = []


@shared_task
def remember(value: int) -> None:
    DONE.append(value)


def test_a_task_runs_here_when_the_broker_is_down(caplog):
    DONE.clear()
    with mock.patch.object(
        remember, "apply_async", side_effect=OperationalError("refused")
    ):
        enqueue(remember, value=7)

    assert DONE == [7]
    assert "Broker unreachable" in caplog.text


def test_a_task_is_queued_when_the_broker_answers():
    DONE.clear()
    with mock.patch.object(remember, "apply_async") as queued:
        enqueue(remember, value=8)

    queued.assert_called_once_with(kwargs={"value": 8}, retry=False, ignore_result=True)
    assert DONE == []
