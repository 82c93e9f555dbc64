"""Login limits: a username from an address is locked after five failures."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from sedi.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "giusta-66"


@pytest.fixture(autouse=True)
def limits_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5


@pytest.fixture
def clerk():
    return UserFactory.create(username="sportellista", password=PASSWORD)


def _page_login(client, password, username="sportellista"):
    return client.post("/accesso/", {"username": username, "password": password})


def _token(api_client, password, username="sportellista"):
    return api_client.post(
        "/api/v1/auth/token/", {"username": username, "password": password}
    )


def test_the_login_page_locks_after_five_failures(client, clerk):
    answers = [_page_login(client, "sbagliata").status_code for _ in range(5)]
    locked = _page_login(client, PASSWORD)

    assert answers == [200, 200, 200, 200, 429]
    assert locked.status_code == 429
    assert "Troppi tentativi di accesso" in locked.text
    assert "_auth_user_id" not in client.session


def test_the_token_endpoint_locks_after_five_failures(api_client, clerk):
    answers = [_token(api_client, "sbagliata").status_code for _ in range(5)]
    locked = _token(api_client, PASSWORD)

    assert answers == [400, 400, 400, 400, 429]
    assert locked.status_code == 429
    assert locked.json()["code"] == "too_many_attempts"
    assert "token" not in locked.json()


def test_an_unknown_username_is_answered_alike(api_client, clerk):
    known = [_token(api_client, "x").status_code for _ in range(6)]
    unknown = [_token(api_client, "x", "nessuno").status_code for _ in range(6)]

    assert known == unknown == [400, 400, 400, 400, 429, 429]


def test_the_lock_lifts_after_the_cool_off(api_client, clerk):
    for _ in range(5):
        _token(api_client, "sbagliata")

    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=16)):
        answer = _token(api_client, PASSWORD)

    assert answer.status_code == 200


def test_another_address_is_not_locked_out(api_client, clerk):
    for _ in range(5):
        _token(api_client, "sbagliata")

    answer = api_client.post(
        "/api/v1/auth/token/",
        {"username": "sportellista", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
    )

    assert answer.status_code == 200


def test_a_success_resets_the_count(api_client, clerk):
    for _ in range(4):
        _token(api_client, "sbagliata")
    assert _token(api_client, PASSWORD).status_code == 200

    answers = [_token(api_client, "sbagliata").status_code for _ in range(4)]

    assert answers == [400, 400, 400, 400]
