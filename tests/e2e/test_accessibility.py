"""WCAG 2.1 AA checks of every page (axe-core, shipped in the package)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

from formazione.models import TrainingPlan

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MORNING = datetime.datetime(2026, 12, 2, 9, 0, tzinfo=ZoneInfo("Europe/Rome"))
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PASSWORD = "prova-axe-66"


@pytest.fixture
def demo(live_server):
    with time_machine.travel(MORNING, tick=True):
        call_command("seed_demo", "--password", PASSWORD)
        yield live_server.url


def violations(page, url: str) -> list[tuple[str, str]]:
    page.goto(url)
    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA}})
    return [(v["id"], v["help"]) for v in result.response["violations"]]


def sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accesso/")
    page.get_by_label("Nome utente").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    page.wait_for_url(lambda url: "/accesso/" not in url)


@pytest.mark.parametrize(
    ("username", "paths"),
    [
        (None, ["/accesso/", "/display/roma-centro/"]),
        (
            "reception",
            [
                "/",
                "/accoglienza/roma-centro/?q=PIN",
                "/accoglienza/roma-centro/protocollo/",
                "/consulenza/prenota/?branch=roma-centro",
            ],
        ),
        ("operatore", ["/sportelli/roma-centro/", "/sportelli/roma-centro/1/"]),
        ("kiosk", ["/totem/roma-centro/"]),
        (
            "direttore",
            [
                "/formazione/roma-centro/piani/",
                "/formazione/roma-centro/piani/{plan}/",
                "/formazione/roma-centro/abilitazioni/",
            ],
        ),
        ("sala", ["/formazione/roma-centro/abilitazioni/"]),
        ("operatore-nuovo", ["/formazione/", "/sportelli/roma-centro/1/"]),
        (
            "regione",
            [
                "/formazione/regione/",
                "/formazione/regione/{plan}/",
                "/regione/report/",
            ],
        ),
    ],
    ids=[
        "public",
        "reception",
        "operator",
        "kiosk",
        "director",
        "supervisor",
        "untrained-operator",
        "region",
    ],
)
def test_pages_have_no_wcag_aa_violations(page, demo, username, paths):
    if username:
        sign_in(page, demo, username)
    # roma-centro's plan sent to the region: its editor asks a reason per edit.
    plan = TrainingPlan.objects.get(
        branch__code="roma-centro", state=TrainingPlan.State.SUBMITTED
    )
    paths = [path.format(plan=plan.pk) for path in paths]

    found = {path: violations(page, f"{demo}{path}") for path in paths}

    assert found == {path: [] for path in paths}
