"""Tokens, roles, branches and lines kept between requests, never past a change.

Each test first makes one request so that the process keeps what it read,
then changes a row the way the product does (admin, services) and checks
that the very next request sees the change.
"""

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from sedi import scope
from sedi.models import BranchLine, StaffRole
from sedi.services import auth_tokens_revoke
from sedi.tests.factories import UserFactory
from sportelli.models import Ticket
from sportelli.tests.conftest import MORNING

pytestmark = pytest.mark.django_db

URL = "/api/v1/branches/roma-centro/tickets/"
LINE = {"line": "soggetto-contribuente"}


@pytest.fixture
def token(kiosk):
    return Token.objects.create(user=kiosk)


@pytest.fixture
def kiosk_client(api_client, token):
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return api_client


def _issue(client):
    return client.post(URL, LINE, format="json")


def test_the_second_ticket_reads_no_token_role_branch_or_line(
    kiosk_client, morning, settings
):
    assert _issue(kiosk_client).status_code == 201

    with CaptureQueriesContext(connection) as kept:
        assert _issue(kiosk_client).status_code == 201
    settings.SCOPE_CACHE_SECONDS = 0
    with CaptureQueriesContext(connection) as read:
        assert _issue(kiosk_client).status_code == 201

    tables = ("authtoken_token", "sedi_staffrole", "sedi_branch", "sedi_branchline")
    assert not [q for q in kept.captured_queries if any(t in q["sql"] for t in tables)]
    # Without the copies kept, each of the four is read again.
    assert len(read.captured_queries) == len(kept.captured_queries) + 4
    assert all(any(t in q["sql"] for q in read.captured_queries) for t in tables)


def test_a_revoked_role_stops_the_next_request(kiosk_client, kiosk, morning):
    assert _issue(kiosk_client).status_code == 201

    StaffRole.objects.get(user=kiosk).delete()

    assert _issue(kiosk_client).status_code == 403
    assert Ticket.objects.count() == 1


def test_a_role_moved_to_another_branch_no_longer_reaches_this_one(
    kiosk_client, kiosk, morning
):
    from sedi.tests.factories import BranchFactory

    assert _issue(kiosk_client).status_code == 201
    role = StaffRole.objects.get(user=kiosk)
    role.branch = BranchFactory.create(code="milano-nord")
    role.save()

    assert _issue(kiosk_client).status_code == 404


def test_a_revoked_token_stops_the_next_request(kiosk_client, kiosk, morning):
    assert _issue(kiosk_client).status_code == 201

    auth_tokens_revoke(user=kiosk)

    assert _issue(kiosk_client).status_code == 401


def test_a_deactivated_user_stops_the_next_request(kiosk_client, kiosk, morning):
    assert _issue(kiosk_client).status_code == 201

    kiosk.is_active = False
    kiosk.save()

    assert _issue(kiosk_client).status_code == 401


def test_a_kept_token_still_expires(api_client, kiosk, settings):
    settings.API_TOKEN_HOURS = 1
    with time_machine.travel(MORNING, tick=False):
        token = Token.objects.create(user=kiosk)
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        assert _issue(api_client).status_code == 201
    with time_machine.travel(MORNING + datetime.timedelta(hours=1, minutes=1)):
        response = _issue(api_client)

    assert response.status_code == 401


def test_a_line_closed_at_the_branch_is_refused_at_once(kiosk_client, branch, morning):
    assert _issue(kiosk_client).status_code == 201
    presence = BranchLine.objects.get(branch=branch, line__code=LINE["line"])
    presence.closes_on = MORNING.date() - datetime.timedelta(days=1)
    presence.save()

    response = _issue(kiosk_client)

    assert response.status_code == 409
    assert response.json()["code"] == "line_closed"


def test_a_change_made_by_another_process_is_seen_through_the_generation(
    kiosk_client, kiosk, morning
):
    assert _issue(kiosk_client).status_code == 201
    # Another process revokes the role: its rows change, and its signal
    # replaces the shared generation; nothing reaches this process's copies.
    StaffRole.objects.filter(user=kiosk).update(role=StaffRole.Role.CONSULTANT)
    cache.set(scope.GENERATION_KEY, "set-by-another-process")

    assert _issue(kiosk_client).status_code == 403


def test_with_the_shared_cache_down_every_request_reads_the_rows(
    kiosk_client, kiosk, morning, monkeypatch
):
    assert _issue(kiosk_client).status_code == 201

    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "get", down)
    monkeypatch.setattr(cache, "add", down)
    # A change nobody announces (signals off) is still seen: nothing is kept.
    StaffRole.objects.filter(user=kiosk).update(role=StaffRole.Role.CONSULTANT)

    assert _issue(kiosk_client).status_code == 403


def test_what_a_request_changes_on_its_copy_is_not_kept(settings):
    settings.SCOPE_CACHE_SECONDS = 300
    user = UserFactory.create(username="copia")

    first = scope.remembered(("user", user.pk), lambda: (user, "x"))
    first[0].first_name = "Cambiato"
    second = scope.remembered(("user", user.pk), lambda: (user, "x"))

    assert second[0].first_name != "Cambiato"
    assert second[0] is not first[0]


def test_nothing_is_kept_past_its_lifetime(settings, monkeypatch):
    settings.SCOPE_CACHE_SECONDS = 300
    now = [1000.0]
    monkeypatch.setattr(scope, "_clock", lambda: now[0])
    reads: list[int] = []

    def find() -> int:
        reads.append(1)
        return len(reads)

    assert scope.remembered("k", find) == 1
    now[0] += 299
    assert scope.remembered("k", find) == 1
    now[0] += 2
    assert scope.remembered("k", find) == 2
