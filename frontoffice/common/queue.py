"""Sending work to the Celery workers without depending on the broker.

With the broker (Redis) down, a request must still answer: the task then
runs in this process, as it does in the embedded default, and the failure
to queue it is logged.
"""

import logging
from typing import Any

from celery import Task
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)
# Connection failures of the broker as the client library raises them.
BROKER_DOWN = (OperationalError, ConnectionError, OSError, TimeoutError)


def enqueue(task: Task, **kwargs: Any) -> None:
    """Queue ``task(**kwargs)``; run it here if the broker cannot be reached."""
    try:
        task.apply_async(kwargs=kwargs, retry=False, ignore_result=True)
    except BROKER_DOWN as exc:
        logger.warning(
            "Broker unreachable (%s): running %s in the web process.",
            exc.__class__.__name__,
            task.name,
        )
        try:
            task.apply(kwargs=kwargs, throw=True)
        except Exception:  # the request must still answer; the error is kept
            logger.exception("Task %s failed in the web process.", task.name)
