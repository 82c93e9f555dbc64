"""Fixtures shared by every app's tests, and the service gates of the markers.

Tests marked ``postgres``, ``integration`` or ``e2e`` need PostgreSQL, Redis
or Chromium. Where the service is missing they skip with the reason; when
``FRONTOFFICE_REQUIRE_SERVICES`` names it (as ``.ci/run`` does) they fail.

A ``postgres`` test also marked ``embedded`` runs on SQLite too: the
concurrency tests prove the row locks on PostgreSQL and, on the embedded
default, that immediate transactions queue the writers.
"""

import os
import shutil
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection, connections
from rest_framework.test import APIClient

from frontoffice.common import public_cache
from sedi import scope

SERVICES = {"postgres": "postgres", "integration": "redis", "e2e": "chromium"}


def _required() -> set[str]:
    value = os.environ.get("FRONTOFFICE_REQUIRE_SERVICES", "")
    return {part.strip() for part in value.split(",") if part.strip()}


def _missing(service: str) -> str | None:
    if service == "postgres":
        if connection.vendor != "postgresql":
            return "needs PostgreSQL: set DATABASE_URL (make test-pg)"
    elif service == "redis":
        url = os.environ.get("REDIS_URL")
        if not url:
            return "needs Redis: set REDIS_URL (make test-integration)"
        import redis

        try:
            redis.Redis.from_url(url, socket_connect_timeout=2).ping()
        except redis.RedisError as exc:
            return f"Redis at REDIS_URL does not answer: {exc}"
    elif service == "chromium" and not shutil.which("chromium"):
        return "needs Chromium on PATH (apt-get install -y chromium)"
    return None


def pytest_runtest_setup(item: pytest.Item) -> None:
    embedded = item.get_closest_marker("embedded") is not None
    for marker, service in SERVICES.items():
        if item.get_closest_marker(marker) is None:
            continue
        reason = _missing(service)
        if (
            reason is not None
            and marker == "postgres"
            and embedded
            and connection.vendor == "sqlite"
            and "postgres" not in _required()
        ):
            continue
        if reason is None:
            continue
        if service in _required():
            pytest.fail(f"{reason} — required by FRONTOFFICE_REQUIRE_SERVICES")
        pytest.skip(reason)


@pytest.fixture(autouse=True)
def _test_settings(settings: Any) -> None:
    """Serve static files without the collectstatic manifest; hash fast.

    The login limits are off, so that ``client.login`` works, and so is the
    ticket issue rate; their own tests turn them on.
    """
    cache.clear()  # rate counters and public answers start empty in each test
    public_cache.forget_local()
    # Every test runs in one process, where the local cache is shared: the
    # scope is kept between requests as in production with Redis.
    scope.forget_local()
    settings.SCOPE_CACHE_SECONDS = 300
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.AXES_ENABLED = False
    settings.TICKET_ISSUE_RATE = 0
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


def run_concurrently(worker: Callable[[int], Any], *, threads: int) -> list[Any]:
    """Run ``worker(i)`` in ``threads`` threads released together.

    Return each thread's result, or the exception it raised. Every thread
    closes its own database connection.
    """
    barrier = threading.Barrier(threads)
    results: list[Any] = [None] * threads

    def target(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = worker(index)
        except Exception as exc:  # handed back to the test to assert on
            results[index] = exc
        finally:
            connections.close_all()

    pool = [threading.Thread(target=target, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=120)
    return results


@pytest.fixture
def api_client() -> APIClient:
    """Return a DRF test client (not authenticated)."""
    return APIClient()


@pytest.fixture
def concurrently() -> Callable[..., list[Any]]:
    """Give tests :func:`run_concurrently`."""
    return run_concurrently


@pytest.fixture
def mail_dir(tmp_path: Any) -> Any:
    """Return an empty directory where a worker writes its e-mails."""
    path = tmp_path / "mail"
    path.mkdir()
    return path


@pytest.fixture
def mail_worker(mail_dir: Any) -> Any:
    """Start a real Celery worker on the test database; yield its queue.

    Its e-mails land in ``mail_dir``; integration tests only (Redis).
    """
    from tests.worker import celery_worker, current_database_url

    env = {
        "DATABASE_URL": current_database_url(),
        # Four slashes: django-environ drops the first of an absolute path.
        "EMAIL_URL": f"filemail:///{mail_dir}",
    }
    with celery_worker(env=env) as queue:
        yield queue
