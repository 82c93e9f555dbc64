"""The booking calendar in the browser: a day, its times, a booking."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from consulenza.models import Appointment

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROME = ZoneInfo("Europe/Rome")
# Wednesday morning: today's 13:30 is still ahead.
MORNING = datetime.datetime(2026, 12, 2, 9, 0, tzinfo=ROME)
PASSWORD = "prova-e2e-66"


@pytest.fixture
def demo(live_server):
    with time_machine.travel(MORNING, tick=True):
        call_command("seed_demo", "--password", PASSWORD)
        yield live_server.url


def test_contact_centre_books_a_chosen_day_and_time_with_the_keyboard(page, demo):
    page.goto(f"{demo}/accesso/?next=/consulenza/prenota/")
    page.get_by_label("Nome utente").fill("ccm")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    page.get_by_label("Sede", exact=True).select_option("roma-centro")
    page.get_by_label("Linea", exact=True).select_option("socio-sanitari")
    page.get_by_role("button", name="Mostra i posti").click()

    # Data typed first are kept when a day is chosen: only the picker swaps.
    page.locator("#id_fiscal_code").fill("RSSMRA80A01H501U")
    page.locator("#id_first_name").fill("Mario")
    page.locator("#id_last_name").fill("Rossi")
    thursday = page.locator("#day-2026-12-03")
    thursday.focus()
    page.keyboard.press("Enter")
    page.locator("#day-2026-12-03[aria-current=date]").wait_for()
    assert page.get_by_role("group", name="Orario — giovedì 3 dicembre 2026").count()
    assert page.url.endswith("day=2026-12-03")
    assert page.locator("#day-2026-12-03").evaluate(
        "el => el === document.activeElement"
    )
    assert page.locator("#id_first_name").input_value() == "Mario"

    page.locator("#slot-times label", has_text="14:30").click()
    assert page.get_by_label("14:30").is_checked()
    page.get_by_role("button", name="Prenota", exact=True).click()

    page.get_by_text("Appuntamento fissato: 3 dicembre 2026 alle 14:30").wait_for()
    appointment = Appointment.objects.get(start__gte=MORNING)
    assert appointment.start == datetime.datetime(2026, 12, 3, 14, 30, tzinfo=ROME)
    assert (appointment.last_name, appointment.channel) == ("Rossi", "ccm")
