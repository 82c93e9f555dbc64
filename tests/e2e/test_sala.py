"""The floor supervisor's dashboard in the browser: live updates and axe."""

import pytest
import time_machine
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import User
from django.core.management import call_command
from rest_framework.authtoken.models import Token

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

    page.wait_for_function(
        "document.querySelector('[data-testid=waiting-assicurato-pensionato]')"
        ".innerText.trim().startsWith('1')",
        timeout=30_000,
    )
    assert page.evaluate("window.notReloaded") is True


def test_the_dashboard_has_no_wcag_aa_violations(page, demo):
    sign_in(page, f"{demo}/sala/roma-centro/", "sala")
    page.get_by_test_id("live").wait_for()

    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA}})

    assert [(v["id"], v["help"]) for v in result.response["violations"]] == []
