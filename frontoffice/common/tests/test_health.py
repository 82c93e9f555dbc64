import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from frontoffice.common.services import (
    HEARTBEAT_MAX_AGE_SECONDS,
    worker_heartbeat_get,
    worker_heartbeat_record,
)
from frontoffice.common.tasks import worker_heartbeat

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def test_health_reports_database_cache_and_eager_worker(client):
    response = client.get("/health/")

    assert response.status_code == 200
    assert response.json() == {
        "database": "ok",
        "cache": "ok",
        "worker": "eager",
        "ok": True,
    }


def test_health_is_503_when_the_worker_was_never_seen(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False

    response = client.get("/health/")

    assert response.status_code == 503
    assert response.json()["worker"] == "late"
    assert response.json()["worker_last_seen"] is None


def test_health_is_503_when_the_heartbeat_is_too_old(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    old = timezone.now() - datetime.timedelta(seconds=HEARTBEAT_MAX_AGE_SECONDS + 1)
    worker_heartbeat_record(at=old)

    response = client.get("/health/")

    assert response.status_code == 503
    assert response.json()["worker_last_seen"] == old.isoformat()


def test_health_is_ok_with_a_fresh_heartbeat(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    worker_heartbeat_record()

    response = client.get("/health/")

    assert response.status_code == 200
    assert response.json()["worker"] == "ok"


def test_heartbeat_task_records_the_time_it_ran():
    before = timezone.now()

    recorded = worker_heartbeat.delay().get()

    seen = worker_heartbeat_get()
    assert seen is not None
    assert seen.isoformat() == recorded
    assert before <= seen <= timezone.now()


def test_healthz_answers_while_the_process_runs(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")

    assert (response.status_code, response.json()) == (200, {"ok": True})


def test_readyz_checks_the_database_and_the_cache(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok", "ok": True}


def test_readyz_is_503_when_the_cache_is_down(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            # Nothing listens on port 1: the connection is refused at once.
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["cache"].startswith("error")
