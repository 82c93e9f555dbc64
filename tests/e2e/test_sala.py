"""The floor supervisor's dashboard in the browser: live updates and axe."""

import datetime
import re

import pytest
import time_machine
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import User
from django.core.management import call_command
from playwright.sync_api import expect
from rest_framework.authtoken.models import Token

from sedi import calendar
from tests.e2e.layout import wait_settled
from tests.e2e.test_counters import next_open_morning

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "prova-sala-66"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture
def demo(live_server):
    with time_machine.travel(next_open_morning(), tick=True):
        call_command("seed_demo", "--password", PASSWORD, verbosity=0)
        yield live_server.url


def sign_in(page, url, username):
    page.goto(url)
    page.get_by_label("Nome utente").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi").click()


def test_a_kiosk_ticket_appears_on_the_open_dashboard_without_reload(page, demo):
    sign_in(page, f"{demo}/sala/roma-centro/", "sala")
    waiting = page.get_by_test_id("waiting-assicurato-pensionato")
    assert waiting.inner_text().strip() == "0"
    page.evaluate("window.notReloaded = true")

    # The kiosk issues through its API with its own token: the browser
    # profile keeps the supervisor signed in on the dashboard.
    token, _created = Token.objects.get_or_create(
        user=User.objects.get(username="kiosk")
    )
    issued = page.request.post(
        f"{demo}/api/v1/branches/roma-centro/tickets/",
        data={"line": "assicurato-pensionato"},
        headers={"Authorization": f"Token {token.key}"},
    )
    assert issued.status == 201
    assert issued.json()["number"] == "A001"

    expect(waiting).to_have_text(re.compile(r"^\s*1\b"), timeout=30_000)
    assert page.evaluate("window.notReloaded") is True


def test_the_dashboard_has_no_wcag_aa_violations(page, demo):
    sign_in(page, f"{demo}/sala/roma-centro/", "sala")
    page.get_by_test_id("live").wait_for()
    wait_settled(page)

    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA}})

    assert [(v["id"], v["help"]) for v in result.response["violations"]] == []


def test_a_cloned_counter_shows_on_the_dashboard_and_on_the_desk(browser, page, demo):
    sign_in(page, f"{demo}/sala/roma-centro/", "sala")
    form = page.get_by_test_id("clone-form")
    form.get_by_label("Linea", exact=True).select_option("socio-sanitari")
    form.get_by_label("Sportello libero").select_option(label="Sportello 2")
    form.get_by_label("Operatore (formato per la linea)").select_option(
        str(User.objects.get(username="operatore").pk)
    )
    form.get_by_label("Fino alle").fill("12:00")
    form.get_by_label("Motivo").fill("Picco di invalidità civile")
    form.get_by_role("button", name="Clona lo sportello").click()

    page.get_by_text("Sportello 2 aperto per la linea").wait_for()
    row = page.get_by_test_id("counter-2").inner_text()
    assert "clonato fino alle 12:00" in row
    assert "Linea Servizi Socio-Sanitari" in row
    assert "Marco Rinaldi" in row

    browser.clear_cookies()
    sign_in(page, f"{demo}/sportelli/roma-centro/", "operatore")
    page.get_by_role("link", name="Sportello 2", exact=True).click()
    title = page.locator("#shift-title").inner_text()
    assert "Linea Servizi Socio-Sanitari" in title
    assert "aperto" in title


def test_opening_indebiti_makes_its_ticket_available_at_the_kiosk(browser, page, demo):
    sign_in(page, f"{demo}/totem/roma-centro/", "kiosk")
    assert page.get_by_test_id("kiosk-line-indebiti").count() == 0

    browser.clear_cookies()
    sign_in(page, f"{demo}/sala/roma-centro/", "sala")
    peak = page.get_by_test_id("peak-indebiti")
    until = calendar.today() + datetime.timedelta(days=3)
    peak.get_by_label("Al", exact=True).fill(until.isoformat())
    peak.get_by_label("Motivo dell'apertura").fill("Lavorazioni della D.G.")
    peak.get_by_role("button", name="Apri la linea per il periodo").click()
    page.get_by_text("Linea «Sportello Indebiti» aperta dal").wait_for()

    browser.clear_cookies()
    sign_in(page, f"{demo}/totem/roma-centro/", "kiosk")
    page.get_by_test_id("kiosk-line-indebiti").click()
    assert page.get_by_test_id("ticket-code").inner_text() == "E001"
