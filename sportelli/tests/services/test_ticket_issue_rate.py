import pytest
from django.core.cache import cache

from frontoffice.common.exceptions import ApplicationError
from sportelli.models import Ticket
from sportelli.services import ticket_issue
from sportelli.tests.conftest import MORNING

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def limit(settings):
    cache.clear()
    settings.TICKET_ISSUE_RATE = 3


def _issue(branch, user):
    return ticket_issue(
        branch=branch, line_code="socio-sanitari", channel="kiosk", issued_by=user
    )


def test_a_caller_past_the_rate_is_refused_with_429(branch, receptionist, morning):
    for _ in range(3):
        _issue(branch, receptionist)

    with pytest.raises(ApplicationError) as excinfo:
        _issue(branch, receptionist)

    assert excinfo.value.code == "too_many_tickets"
    assert excinfo.value.status_code == 429
    assert Ticket.objects.count() == 3


def test_the_next_minute_issues_again(branch, receptionist, morning):
    for _ in range(3):
        _issue(branch, receptionist)

    morning.move_to(MORNING.replace(minute=1))

    assert _issue(branch, receptionist).number == 4


def test_each_caller_has_its_own_count(branch, receptionist, supervisor, morning):
    for _ in range(3):
        _issue(branch, receptionist)

    assert _issue(branch, supervisor).number == 4


def test_the_api_answers_429(branch, receptionist, morning, api_client):
    api_client.force_authenticate(receptionist)
    answers = [
        api_client.post(
            "/api/v1/branches/roma-centro/tickets/",
            {"line": "socio-sanitari"},
            format="json",
        )
        for _ in range(4)
    ]

    assert [a.status_code for a in answers] == [201, 201, 201, 429]
    assert answers[-1].json()["code"] == "too_many_tickets"
