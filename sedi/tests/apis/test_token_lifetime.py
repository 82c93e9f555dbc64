"""API tokens expire, are renewed at the next login and die at sign-out."""

import datetime

import pytest
import time_machine
from django.utils import timezone
from rest_framework.authtoken.models import Token

from sedi.models import StaffRole
from sedi.tests.factories import StaffRoleFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "giusta-66"


@pytest.fixture
def clerk():
    user = UserFactory.create(username="sportellista", password=PASSWORD)
    StaffRoleFactory.create(user=user, role=StaffRole.Role.OPERATOR)
    return user


def _token(api_client):
    answer = api_client.post(
        "/api/v1/auth/token/", {"username": "sportellista", "password": PASSWORD}
    )
    return answer.json()["token"]


def _lines(api_client, token):
    return api_client.get("/api/v1/lines/", HTTP_AUTHORIZATION=f"Token {token}")


def test_a_token_expires_after_its_lifetime(api_client, clerk):
    token = _token(api_client)
    later = timezone.now() + datetime.timedelta(hours=12, minutes=1)

    with time_machine.travel(later):
        answer = _lines(api_client, token)

    assert answer.status_code == 401
    assert answer.json()["code"] == "authentication_failed"


def test_a_new_login_after_expiry_gives_a_new_token(api_client, clerk):
    first = _token(api_client)
    later = timezone.now() + datetime.timedelta(hours=13)

    with time_machine.travel(later):
        second = _token(api_client)
        answer = _lines(api_client, second)

    assert second != first
    assert answer.status_code == 200
    assert Token.objects.count() == 1


def test_within_its_lifetime_the_same_token_comes_back(api_client, clerk):
    assert _token(api_client) == _token(api_client)


def test_revoking_the_token_signs_out_of_the_api(api_client, clerk):
    token = _token(api_client)

    revoked = api_client.post(
        "/api/v1/auth/token/revoke/", HTTP_AUTHORIZATION=f"Token {token}"
    )

    assert revoked.status_code == 204
    assert _lines(api_client, token).status_code == 401


def test_signing_out_of_the_pages_revokes_the_token(api_client, client, clerk):
    token = _token(api_client)
    client.force_login(clerk)

    client.post("/uscita/")

    assert not Token.objects.filter(key=token).exists()
    assert _lines(api_client, token).status_code == 401
