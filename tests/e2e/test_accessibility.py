"""WCAG 2.1 AA and label layout of every page a person uses (axe-core).

Each page is reached as its users reach it: from the role's home page by
following the product's own links and buttons, or by an id read from the
seeded database (a ticket's public code). Each answer is asserted to be
200 (400/409 for a refused form) and to show its heading before axe runs,
so a 404 or a login page is never judged in place of the page. At each
page the labels are also checked not to cover a heading, a legend or
another field, at the desks' 1366×768.
"""

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

from tests.e2e.layout import DESK_VIEWPORT, label_overlaps, wait_settled

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# A working Wednesday morning: counters open, consultation this afternoon.
MORNING = datetime.datetime(2026, 12, 2, 9, 0, tzinfo=ZoneInfo("Europe/Rome"))
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PASSWORD = "prova-axe-66"
CLEAN: dict[str, list[str]] = {"axe": [], "labels": []}


@pytest.fixture
def demo(live_server):
    with time_machine.travel(MORNING, tick=True):
        call_command("seed_demo", "--password", PASSWORD)
        yield live_server.url


def axe_violations(page: Any) -> list[str]:
    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA}})
    return [
        f"{v['id']}: {v['help']} ({', '.join(n['target'][0] for n in v['nodes'])})"
        for v in result.response["violations"]
    ]


class Tour:
    """Walk a role's pages through the product's links; judge each one."""

    def __init__(self, page: Any, base: str) -> None:
        self.page, self.base = page, base
        self.found: dict[str, dict[str, list[str]]] = {}
        page.set_viewport_size(DESK_VIEWPORT)

    def sign_in(self, username: str, home: str = "Buongiorno") -> None:
        """Sign in; judge the role's home page, headed ``home``."""
        self.goto("/accesso/", "Accesso del personale", name="login")
        self.page.get_by_label("Nome utente").fill(username)
        self.page.get_by_label("Password").fill(PASSWORD)
        self.submit(self.page.get_by_role("button", name="Accedi"), home, name="home")

    def goto(self, href: str, heading: str, *, name: str = "") -> None:
        url = href if href.startswith("http") else f"{self.base}{href}"
        response = self.page.goto(url)
        assert response is not None
        assert response.status == 200, (href, response.status)
        self.check(name or href, heading)

    def follow(self, link: str, heading: str) -> None:
        """Open the page of the first link named ``link`` on this page."""
        href = self.page.get_by_role("link", name=link, exact=True).first
        target = href.get_attribute("href")
        assert target is not None, link
        self.goto(target, heading, name=link)

    def submit(
        self, button: Any, heading: str, *, name: str = "", status: int = 200
    ) -> None:
        """Press ``button`` (a form's submit) and judge the page it answers."""
        with self.page.expect_navigation() as navigation:
            button.click()
        response = navigation.value
        assert response is not None
        assert response.status == status, (name or heading, response.status)
        if name:
            self.check(name, heading)
        else:
            self.page.get_by_role("heading", name=heading).first.wait_for()

    def check(self, name: str, heading: str) -> None:
        assert self.page.get_by_role("heading", name=heading).first.is_visible(), (
            name,
            heading,
        )
        wait_settled(self.page)
        self.found[name] = {
            "axe": axe_violations(self.page),
            "labels": label_overlaps(self.page),
        }

    def problems(self) -> dict[str, dict[str, list[str]]]:
        return {name: seen for name, seen in self.found.items() if seen != CLEAN}


def _tickets(count: int, line: str = "assicurato-pensionato") -> list[Any]:
    from sedi.models import Branch
    from sportelli import services
    from sportelli.models import Ticket

    branch = Branch.objects.get(code="roma-centro")
    return [
        services.ticket_issue(
            branch=branch, line_code=line, channel=Ticket.Channel.RECEPTION
        )
        for _ in range(count)
    ]


def test_public_pages(page, demo):
    (ticket,) = _tickets(1)
    tour = Tour(page, demo)

    tour.goto("/accesso/", "Accesso del personale")
    tour.goto(f"/biglietto/{ticket.public_code}/", f"Biglietto {ticket.code}")
    response = page.goto(f"{demo}/pagina-che-non-esiste/")
    assert response is not None
    assert response.status == 404
    tour.check("404", "Pagina non trovata")

    assert tour.problems() == {}


def test_reception_pages(page, demo):
    from django.contrib.auth.models import User

    from reception.services import protocol_register
    from sedi.models import Branch

    protocol_register(
        branch=Branch.objects.get(code="roma-centro"),
        kind="documento",
        subject="Domanda di pensione",
        registered_by=User.objects.get(username="reception"),
    )
    tour = Tour(page, demo)
    tour.sign_in("reception")
    tour.follow("Accoglienza", "Accoglienza")

    # The intake line: the reason typed, the lines proposed (htmx).
    page.get_by_label("Perché è venuto?", exact=False).fill("PIN")
    page.keyboard.press("Enter")
    page.get_by_test_id("issue-proposed").first.wait_for()
    tour.check("intake with proposals", "Accoglienza")
    tour.submit(
        page.get_by_test_id("issue-proposed").first, "A001", name="printed ticket"
    )
    tour.follow("Prossima persona", "Accoglienza")

    # A booking at the desk refused: the form again, with what was typed.
    page.locator("#book-fiscal-code").fill("XYZ")
    page.locator("#book-first-name").fill("Anna")
    page.locator("#book-last-name").fill("Bianchi")
    tour.submit(
        page.locator("#booking-title ~ button[type=submit]"),
        "Accoglienza",
        name="intake booking refused",
        status=400,
    )

    # The booking calendar: a line, a day, its times; an empty form refused.
    tour.follow("Scegli giorno e ora", "Prenota una consulenza")
    page.get_by_label("Linea", exact=True).select_option("socio-sanitari")
    tour.submit(
        page.get_by_role("button", name="Mostra i posti"),
        "Prenota una consulenza",
        name="booking calendar",
    )
    day = page.locator("a[id^=day-]").nth(1)
    chosen = day.get_attribute("id")
    day.click()
    page.locator(f"#{chosen}[aria-current=date]").wait_for()
    page.get_by_role("group", name="Orario", exact=False).wait_for()
    tour.check("booking calendar, a day chosen", "Prenota una consulenza")
    tour.submit(
        page.get_by_role("button", name="Prenota", exact=True),
        "Prenota una consulenza",
        name="booking refused",
        status=400,
    )

    # The protocol: a registration, its receipt, the register.
    tour.goto("/", "Buongiorno")
    tour.follow("Protocollo", "Protocollo documenti e reclami")
    page.get_by_label("Oggetto").fill("Richiesta di estratto contributivo")
    page.get_by_label("Codice fiscale").fill("RSSMRA80A01H501U")
    tour.submit(
        page.get_by_role("button", name="Protocolla"),
        "Ricevuta di protocollo",
        name="protocol receipt",
    )
    tour.follow("Registro di protocollo", "Registro di protocollo")
    tour.follow("roma-centro/2026/0000001", "Ricevuta di protocollo")

    assert tour.problems() == {}


def test_operator_pages_and_the_desk_with_a_called_ticket(page, demo):
    _tickets(2)
    tour = Tour(page, demo)
    tour.sign_in("operatore")
    tour.follow("Sportelli", "Sportelli di Roma Centro")
    tour.follow("Sportello 1", "Sportello 1")
    tour.submit(page.get_by_role("button", name="Apri lo sportello"), "Sportello 1")
    page.get_by_role("button", name="Chiama il prossimo").click()
    page.get_by_text("Chiamato il biglietto A001.").wait_for()
    tour.check("desk with a called ticket", "Biglietto in chiamata")
    tour.goto("/", "Buongiorno")
    tour.follow("I miei corsi", "I miei corsi e le mie abilitazioni")

    assert tour.problems() == {}


def test_untrained_operator_pages(page, demo):
    tour = Tour(page, demo)
    tour.sign_in("operatore-nuovo")
    tour.follow("I miei corsi", "I miei corsi e le mie abilitazioni")
    tour.goto("/", "Buongiorno")
    tour.follow("Sportelli", "Sportelli di Roma Centro")
    tour.follow("Sportello 1", "Sportello 1")

    assert tour.problems() == {}


def test_kiosk_screen(page, demo):
    tour = Tour(page, demo)
    # A kiosk account lands on its kiosk screen.
    tour.sign_in("kiosk", home="Prenda il biglietto")

    assert tour.problems() == {}


def test_kiosk_printed_ticket(page, demo):
    tour = Tour(page, demo)
    tour.sign_in("kiosk", home="Prenda il biglietto")
    tour.submit(
        page.get_by_test_id("kiosk-line-assicurato-pensionato"),
        "A001",
        name="kiosk printed ticket",
    )

    assert tour.problems() == {}


def test_floor_supervisor_pages(page, demo):
    tour = Tour(page, demo)
    tour.sign_in("sala")
    tour.follow("Sala", "Sala di Roma Centro")
    tour.goto("/", "Buongiorno")
    tour.follow("Reclami in scadenza", "Reclami in scadenza")
    tour.goto("/", "Buongiorno")
    tour.follow("Abilitazioni", "Abilitazioni alle linee")
    tour.goto("/", "Buongiorno")
    tour.follow("Monitor di sala", "Roma Centro")

    assert tour.problems() == {}


def test_director_pages(page, demo):
    from formazione.models import TrainingPlan

    plan = TrainingPlan.objects.get(
        branch__code="roma-centro", state=TrainingPlan.State.SUBMITTED
    )
    tour = Tour(page, demo)
    tour.sign_in("direttore")
    tour.follow("Piano formativo", "Piani formativi")
    tour.follow(plan.title, plan.title)
    tour.goto("/", "Buongiorno")
    tour.follow("Abilitazioni", "Abilitazioni alle linee")

    assert tour.problems() == {}


def test_consultant_agenda_pages(page, demo):
    from consulenza.models import Appointment, MeetingPoint
    from sedi import calendar

    point = MeetingPoint.objects.filter(
        branch__code="roma-centro", line__code="assicurato-pensionato"
    ).first()
    assert point is not None
    start = datetime.datetime.combine(
        calendar.today(), datetime.time(13, 30), calendar.ROME
    )
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
    tour = Tour(page, demo)
    tour.sign_in("consulente")
    tour.follow("Agenda di oggi", "Agenda di oggi")
    tour.follow(
        "Istruttoria e definizione (appuntamento delle 13:30)", "Chiudi la consulenza"
    )

    assert tour.problems() == {}


def test_contact_centre_pages(page, demo):
    tour = Tour(page, demo)
    tour.sign_in("ccm")
    tour.follow("Prenota consulenza", "Prenota una consulenza")
    page.get_by_label("Sede", exact=True).select_option("roma-eur")
    page.get_by_label("Linea", exact=True).select_option("sostegno-reddito")
    tour.submit(
        page.get_by_role("button", name="Mostra i posti"),
        "Prenota una consulenza",
        name="booking calendar",
    )
    tour.goto("/", "Buongiorno")
    tour.follow("Richieste al CRIC", "Richieste inoltrate al CRIC")

    assert tour.problems() == {}


def test_regional_pages(page, demo):
    from consulenza.tests.factories import EscalationFactory
    from formazione.models import TrainingPlan
    from sedi.models import Branch, ServiceLine

    EscalationFactory.create(
        branch=Branch.objects.get(code="roma-centro"),
        line=ServiceLine.objects.get(code="assicurato-pensionato"),
    )
    plan = TrainingPlan.objects.get(
        branch__code="roma-centro", state=TrainingPlan.State.SUBMITTED
    )
    tour = Tour(page, demo)
    tour.sign_in("regione")
    tour.follow("Richieste al CRIC", "Richieste inoltrate al CRIC")
    assert page.get_by_role("button", name="Risolvi").count() >= 1
    tour.goto("/", "Buongiorno")
    tour.follow("Piani formativi delle sedi", "Piani formativi delle sedi")
    tour.follow(plan.title, plan.title)
    tour.goto("/", "Buongiorno")
    tour.follow("Report regionali", "Report regionali")

    assert tour.problems() == {}
