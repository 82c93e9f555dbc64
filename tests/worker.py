"""A real Celery worker for the integration tests, in a process of its own."""

import contextlib
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def current_database_url() -> str:
    """Return a DATABASE_URL pointing at the database the tests use now."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = quote(db["USER"] or "")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"])
    host = db["HOST"] or "127.0.0.1"
    port = db["PORT"] or 5432
    return f"postgres://{auth}@{host}:{port}/{db['NAME']}"


@contextlib.contextmanager
def celery_worker(*, env: dict[str, str] | None = None) -> Iterator[str]:
    """Start a worker on a queue of its own; yield the queue; stop it after.

    ``env`` adds to this process's environment (REDIS_URL comes from it);
    send tasks with ``apply_async(queue=...)``.
    """
    with celery_worker_process(env=env) as (queue, _process):
        yield queue


@contextlib.contextmanager
def celery_worker_process(
    *, env: dict[str, str] | None = None, queue: str | None = None
) -> Iterator[tuple[str, subprocess.Popen]]:
    """Start a worker as :func:`celery_worker`; yield its queue and process.

    The process is there to be killed: a test of a worker dying mid-task.
    """
    queue = queue or f"test-{uuid.uuid4().hex}"
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
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "frontoffice.settings",
            **(env or {}),
        },
    )
    try:
        yield queue, process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
