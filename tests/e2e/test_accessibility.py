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


def follow(page, base: str, name: str) -> None:
    """Open the page of the link named ``name``; assert it answers 200."""
    href = page.get_by_role("link", name=name, exact=True).first.get_attribute("href")
    assert href is not None
    response = page.goto(href if href.startswith("http") else f"{base}{href}")
    assert response is not None
    assert response.status == 200, href


def axe_violations(page) -> list[tuple[str, str]]:
    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA}})
    return [(v["id"], v["help"]) for v in result.response["violations"]]


def test_the_desk_with_a_called_ticket_has_no_violations(page, demo):
    from sedi.models import Branch
    from sportelli import services
    from sportelli.models import Ticket

    branch = Branch.objects.get(code="roma-centro")
    for _ in range(2):
        services.ticket_issue(
            branch=branch,
            line_code="assicurato-pensionato",
            channel=Ticket.Channel.RECEPTION,
        )
    sign_in(page, demo, "operatore")
    follow(page, demo, "Sportelli")
    follow(page, demo, "Sportello 1")
    page.get_by_role("button", name="Apri lo sportello").click()
    page.get_by_role("button", name="Chiama il prossimo").click()
    page.get_by_text("Chiamato il biglietto A001.").wait_for()
    assert page.get_by_role("heading", name="Biglietto in chiamata").is_visible()

    assert axe_violations(page) == []


def test_the_consultant_agenda_has_no_violations(page, demo):
    from consulenza.models import Appointment, MeetingPoint
    from sedi import calendar

    point = MeetingPoint.objects.filter(
        branch__code="roma-centro", line__code="assicurato-pensionato"
    ).first()
    assert point is not None
    today = calendar.today()
    start = datetime.datetime.combine(today, datetime.time(13, 30), calendar.ROME)
    Appointment.objects.create(
        meeting_point=point,
        start=start,
        end=start + datetime.timedelta(minutes=30),
        fiscal_code="RSSMRA80A01H501U",
        first_name="Mario",
        last_name="Rossi",
        channel="sportello",
        status=Appointment.Status.CHECKED_IN,
        checked_in_at=start - datetime.timedelta(minutes=5),
    )
    sign_in(page, demo, "consulente")
    follow(page, demo, "Agenda di oggi")
    assert page.get_by_role("heading", name="Agenda di oggi").is_visible()
    assert axe_violations(page) == []

    follow(page, demo, "Istruttoria e definizione (appuntamento delle 13:30)")
    assert page.get_by_role("heading", name="Chiudi la consulenza").is_visible()
    assert axe_violations(page) == []


def test_the_cric_escalations_page_has_no_violations(page, demo):
    from consulenza.tests.factories import EscalationFactory
    from sedi.models import Branch, ServiceLine

    EscalationFactory.create(
        branch=Branch.objects.get(code="roma-centro"),
        line=ServiceLine.objects.get(code="assicurato-pensionato"),
    )
    sign_in(page, demo, "regione")
    follow(page, demo, "Richieste al CRIC")
    assert page.get_by_role("heading", name="Richieste inoltrate al CRIC").is_visible()
    assert page.get_by_role("button", name="Risolvi").count() >= 1

    assert axe_violations(page) == []


def test_the_protocol_register_and_annulment_have_no_violations(page, demo):
    from django.contrib.auth.models import User

    from reception.services import protocol_register
    from sedi.models import Branch

    protocol_register(
        branch=Branch.objects.get(code="roma-centro"),
        kind="documento",
        subject="Domanda di pensione",
        registered_by=User.objects.get(username="reception"),
    )
    sign_in(page, demo, "reception")
    follow(page, demo, "Protocollo")
    follow(page, demo, "Cerca nel registro")
    assert page.get_by_role("heading", name="Registro di protocollo").is_visible()
    assert axe_violations(page) == []

    page.get_by_role("link", name="roma-centro/", exact=False).first.click()
    page.get_by_role("heading", name="Annulla la registrazione").wait_for()
    assert axe_violations(page) == []


def test_the_404_page_has_no_violations(page, demo):
    response = page.goto(f"{demo}/pagina-che-non-esiste/")

    assert response is not None
    assert response.status == 404
    assert page.get_by_role("heading", name="Pagina non trovata").is_visible()
    assert axe_violations(page) == []
