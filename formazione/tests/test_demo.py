"""The demo's training data, and the gate as the demo users meet it."""

import re

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from formazione.models import Qualification, TrainingPlan
from formazione.tests.conftest import NOW
from sedi.models import ServiceLine
from sedi.selectors import branch_lines_open
from sportelli.models import Counter, Shift

pytestmark = pytest.mark.django_db

PASSWORD = "prova-formazione-66"


@pytest.fixture
def demo():
    with time_machine.travel(NOW, tick=False) as traveller:
        call_command("seed_demo", "--password", PASSWORD, verbosity=0)
        yield traveller


def _token(api_client, username):
    response = api_client.post(
        "/api/v1/auth/token/", {"username": username, "password": PASSWORD}
    )
    return {"HTTP_AUTHORIZATION": f"Token {response.json()['token']}"}


def test_each_branch_has_a_plan_and_roma_centro_sent_its_own(demo):
    states = {
        (plan.branch.code, plan.state)
        for plan in TrainingPlan.objects.select_related("branch")
    }

    assert states == {
        ("roma-centro", "approved"),
        ("roma-centro", "submitted"),
        ("roma-eur", "draft"),
        ("civitavecchia", "draft"),
    }


def test_operatore_is_trained_for_every_line_and_the_newcomer_for_none(demo):
    lines = set(
        Qualification.objects.filter(operator__username="operatore").values_list(
            "line__code", flat=True
        )
    )

    assert lines == set(ServiceLine.objects.values_list("code", flat=True))
    assert not Qualification.objects.filter(
        operator__username="operatore-nuovo"
    ).exists()


def test_seeding_again_changes_nothing(demo):
    before = (TrainingPlan.objects.count(), Qualification.objects.count())

    call_command("seed_demo", "--password", PASSWORD, verbosity=0)

    assert (TrainingPlan.objects.count(), Qualification.objects.count()) == before


def test_the_newcomer_is_refused_by_the_api_and_operatore_opens(demo, api_client):
    counter = Counter.objects.filter(branch__code="roma-centro").first()
    assert counter is not None

    refused = api_client.post(
        f"/api/v1/counters/{counter.pk}/open/",
        {"line": "socio-sanitari"},
        format="json",
        **_token(api_client, "operatore-nuovo"),
    )
    opened = api_client.post(
        f"/api/v1/counters/{counter.pk}/open/",
        {"line": "socio-sanitari"},
        format="json",
        **_token(api_client, "operatore"),
    )

    assert refused.status_code == 409
    assert refused.json()["code"] == "not_qualified"
    assert refused.json()["qualified_lines"] == []
    assert "Servizi Socio-Sanitari" in refused.json()["detail"]
    assert opened.status_code == 200
    assert Shift.objects.get().operator.username == "operatore"


@pytest.mark.parametrize(
    "line",
    [
        "assicurato-pensionato",
        "socio-sanitari",
        "sostegno-reddito",
        "soggetto-contribuente",
        "poli-specialistici",
    ],
)
def test_operatore_opens_every_line_open_at_roma_centro(demo, api_client, line):
    counter = Counter.objects.filter(branch__code="roma-centro").first()
    assert counter is not None

    response = api_client.post(
        f"/api/v1/counters/{counter.pk}/open/",
        {"line": line},
        format="json",
        **_token(api_client, "operatore"),
    )

    assert response.status_code == 200
    assert response.json()["line"] == line


def test_the_newcomer_desk_offers_no_line_and_says_why(demo):
    client = Client()
    client.login(username="operatore-nuovo", password=PASSWORD)
    counter = Counter.objects.filter(branch__code="roma-centro").first()
    assert counter is not None

    page = client.get(f"/sportelli/roma-centro/{counter.pk}/")
    forged = client.post(
        f"/sportelli/roma-centro/{counter.pk}/apri/",
        {"line": "socio-sanitari"},
        follow=True,
    )

    assert 'data-testid="not-qualified"' in page.text
    assert 'name="line"' not in page.text
    assert "non ha ancora completato la formazione" in forged.text
    assert not Shift.objects.exists()


def test_operatore_desk_offers_every_open_line(demo):
    client = Client()
    client.login(username="operatore", password=PASSWORD)
    counter = Counter.objects.filter(branch__code="roma-centro").first()
    assert counter is not None

    page = client.get(f"/sportelli/roma-centro/{counter.pk}/")

    select = re.search(r'<select id="desk-line".*?</select>', page.text, re.S)
    assert select is not None
    open_today = branch_lines_open(branch=counter.branch, on=NOW.date())
    assert re.findall(r'<option value="([a-z-]+)"', select.group(0)) == [
        branch_line.line.code for branch_line in open_today
    ]
    assert 'data-testid="untrained-lines"' not in page.text
