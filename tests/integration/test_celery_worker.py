"""A real Celery worker on Redis runs the project's tasks."""

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.cache import cache

from frontoffice.common.services import health_report, worker_heartbeat_get
from frontoffice.common.tasks import worker_heartbeat

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def worker_queue() -> Iterator[str]:
    """Start a worker on a queue of its own; stop it afterwards."""
    queue = f"test-{uuid.uuid4().hex}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "frontoffice.settings"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "frontoffice",
            "worker",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=WARNING",
            "-Q",
            queue,
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        yield queue
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def test_worker_runs_the_heartbeat_through_redis(worker_queue, settings):
    assert settings.CELERY_TASK_ALWAYS_EAGER is False
    cache.clear()

    first = worker_heartbeat.apply_async(queue=worker_queue).get(timeout=60)
    second = worker_heartbeat.apply_async(queue=worker_queue).get(timeout=60)

    seen = worker_heartbeat_get()
    assert seen is not None
    assert seen.isoformat() == second
    assert first <= second
    assert health_report()["worker"] == "ok"
