import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from reception.models import ProtocolEntry
from sportelli.models import Ticket

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# A working Wednesday morning; the clock runs on from here.
MORNING = datetime.datetime(2026, 12, 2, 9, 0, tzinfo=ZoneInfo("Europe/Rome"))


@pytest.fixture
def demo(live_server):
    with time_machine.travel(MORNING, tick=True):
        call_command("seed_demo", "--password", "prova-e2e-66")
        yield live_server.url


def test_receptionist_sends_a_pin_request_to_a_counter_and_registers_a_complaint(
    page, demo
):
    page.goto(f"{demo}/accesso/?next=/accoglienza/roma-centro/")
    page.get_by_label("Nome utente").fill("reception")
    page.get_by_label("Password").fill("prova-e2e-66")
    page.get_by_role("button", name="Accedi").click()
    page.wait_for_url(f"{demo}/accoglienza/roma-centro/")

    # Keyboard first: the search box has the focus.
    page.keyboard.type("PIN")
    page.keyboard.press("Enter")
    proposed = page.get_by_test_id("issue-proposed").first
    proposed.wait_for()
    assert "Linea Assicurato Pensionato" in proposed.inner_text()
    proposed.click()

    page.get_by_test_id("reception-ticket").wait_for()
    assert page.get_by_test_id("ticket-code").inner_text() == "A001"
    ticket = Ticket.objects.get()
    assert (ticket.line.code, ticket.channel) == ("assicurato-pensionato", "reception")

    page.get_by_role("link", name="Prossima persona").click()
    page.get_by_role("link", name="Reclamo", exact=True).click()
    assert page.get_by_label("Reclamo").is_checked()
    page.get_by_label("Oggetto").fill("Attesa eccessiva allo sportello")
    page.get_by_role("button", name="Protocolla").click()

    number = page.get_by_test_id("protocol-number")
    number.wait_for()
    assert number.inner_text() == "roma-centro/2026/0000001"
    assert ProtocolEntry.objects.get().kind == "reclamo"
