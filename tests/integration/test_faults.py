"""Faults: with Redis (cache and broker) down the hall keeps working.

No Redis is needed: the test points the cache and the broker at a port
where nothing listens, as after a crash of the Redis server.
"""

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from frontoffice.celery import app as celery_app
from tests.e2e.test_counters import next_open_morning

pytestmark = pytest.mark.django_db

DEAD = "redis://127.0.0.1:1/0"


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": DEAD,
        }
    }
    settings.TICKET_ISSUE_RATE = 30  # the limit is on, its counter unreachable
    saved = {
        key: celery_app.conf[key]
        for key in ("broker_url", "result_backend", "task_always_eager")
    }
    _drop_connections()
    celery_app.conf.update(
        broker_url=DEAD, result_backend=DEAD, task_always_eager=False
    )
    yield
    _drop_connections()
    celery_app.conf.update(saved)


def _drop_connections() -> None:
    """Forget the app's broker connections, made with the previous settings."""
    celery_app.pool.force_close_all()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    vars(celery_app).pop("backend", None)


@pytest.fixture
def demo():
    morning = next_open_morning()
    with time_machine.travel(morning, tick=True):
        call_command("seed_demo", "--password", "prova-guasti-66", verbosity=0)
        yield morning


def test_tickets_pages_and_bookings_work_with_redis_down(
    demo, redis_down, api_client, client, django_capture_on_commit_callbacks
):
    client.login(username="kiosk", password="prova-guasti-66")
    kiosk = client.post("/totem/roma-centro/", {"line": "socio-sanitari"}, follow=True)
    api_client.login(username="ccm", password="prova-guasti-66")
    with django_capture_on_commit_callbacks(execute=True):
        booked = api_client.post(
            "/api/v1/appointments/",
            {
                "branch": "roma-centro",
                "line": "socio-sanitari",
                "citizen": {
                    "fiscal_code": "RSSMRA85T10A562S",
                    "first_name": "Mario",
                    "last_name": "Rossi",
                    "email": "mario.rossi@example.it",
                },
                "channel": "ccm",
            },
            format="json",
        )
    display = client.get("/display/roma-centro/")

    assert kiosk.status_code == 200
    assert "B001" in kiosk.text
    assert booked.status_code == 201, booked.json()
    assert display.status_code == 200
    # The broker is down: the confirmation was sent from the web process.
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["mario.rossi@example.it"]
