import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

pytestmark = pytest.mark.django_db

ROME = ZoneInfo("Europe/Rome")


@pytest.fixture
def demo():
    call_command("seed_demo", "--password", "prova-pagine-66", verbosity=0)


def test_home_sends_anonymous_visitors_to_the_login_page(client):
    response = client.get("/")

    assert response.status_code == 302
    assert response.url == "/accesso/?next=/"


def test_login_page_is_italian_with_english_available(client):
    italian = client.get("/accesso/")
    english = client.get("/accesso/", headers={"accept-language": "en"})

    assert '<html lang="it">' in italian.text
    assert "Accesso del personale" in italian.text
    assert '<html lang="en">' in english.text
    assert "Staff sign-in" in english.text


@time_machine.travel(datetime.datetime(2026, 12, 7, 9, 0, tzinfo=ROME), tick=False)
def test_home_shows_today_hours_and_the_next_closures(client, demo):
    client.login(username="reception", password="prova-pagine-66")

    response = client.get("/")

    page = response.text
    assert response.status_code == 200
    assert "Addetto reception" in page
    assert 'data-testid="branch-roma-centro"' in page
    assert 'data-testid="branch-roma-eur"' not in page
    assert "08:30–12:30" in page
    assert "aperti ora" in page
    assert "13:30–15:30" in page
    # Monday 7 December: the Immacolata (8 December) is the next closure.
    assert "8 dicembre 2026: Immacolata Concezione" in page


@time_machine.travel(datetime.datetime(2026, 6, 29, 9, 0, tzinfo=ROME), tick=False)
def test_home_says_why_a_branch_is_closed_today(client, demo):
    client.login(username="regione", password="prova-pagine-66")

    page = client.get("/").text

    assert page.count("Chiuso: Festa del santo patrono") == 2  # the Rome branches
    assert "non prevista in questa sede" in page  # Civitavecchia


def test_home_query_count_does_not_grow_with_branches(
    client, demo, django_assert_max_num_queries
):
    client.login(username="regione", password="prova-pagine-66")

    with django_assert_max_num_queries(6):
        response = client.get("/")

    assert response.status_code == 200


def test_home_links_each_role_to_its_work(client, demo):
    links = {
        "reception": "/accoglienza/roma-centro/",
        "operatore": "/sportelli/roma-centro/",
        "sala": "/accoglienza/roma-centro/reclami/",
        "ccm": "/consulenza/prenota/",
        "regione": "/api/v1/reports/backlog/",
    }
    for username, link in links.items():
        client.login(username=username, password="prova-pagine-66")
        assert f'href="{link}"' in client.get("/").text, username


def test_the_kiosk_account_goes_straight_to_its_kiosk(client, demo):
    client.login(username="kiosk", password="prova-pagine-66")

    response = client.get("/")

    assert response.status_code == 302
    assert response.url == "/totem/roma-centro/"
