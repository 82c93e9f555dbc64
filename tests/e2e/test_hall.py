"""The hall in the browser: the kiosk's cycle, its printed ticket, the display."""

import re

import pytest
import time_machine
from django.core.management import call_command

from sedi.models import Branch
from sportelli import services
from sportelli.models import Ticket
from tests.e2e.test_counters import next_open_morning, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "prova-e2e-66"


@pytest.fixture
def demo(live_server):
    with time_machine.travel(next_open_morning(), tick=True):
        call_command("seed_demo", "--password", PASSWORD, verbosity=0)
        yield live_server.url


def kiosk_sign_in(page, demo):
    page.goto(f"{demo}/accesso/?next=/totem/roma-centro/")
    page.get_by_label("Nome utente").fill("kiosk")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    page.get_by_test_id("kiosk-line-assicurato-pensionato").wait_for()


def test_kiosk_goes_back_to_the_start_about_15_seconds_after_a_ticket(page, demo):
    page.set_viewport_size({"width": 1366, "height": 768})
    kiosk_sign_in(page, demo)
    # English, chosen with the keyboard alone.
    page.get_by_role("button", name="English").focus()
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Take a ticket").wait_for()

    page.get_by_test_id("kiosk-line-socio-sanitari").click()
    page.get_by_test_id("ticket-code").wait_for()
    assert page.get_by_test_id("ticket-code").inner_text() == "B001"
    # The whole ticket and its buttons fit a laptop screen: no scrolling.
    assert page.evaluate(
        "document.documentElement.scrollHeight <= window.innerHeight"
    ), page.evaluate("[document.documentElement.scrollHeight, window.innerHeight]")
    assert (
        "Back to the service choice in"
        in page.get_by_test_id("kiosk-reset").inner_text()
    )

    # Not yet after ten seconds; back at the start screen by about fifteen,
    # in Italian for the next person.
    page.wait_for_timeout(10_000)
    assert "/biglietto/" in page.url
    page.get_by_role("heading", name="Prenda il biglietto").wait_for(timeout=8_000)
    assert re.fullmatch(r".*/totem/roma-centro/", page.url)
    assert page.locator("html").get_attribute("lang") == "it"
    assert page.get_by_test_id("kiosk-line-assicurato-pensionato").is_visible()
    assert not page.get_by_label("Ho diritto a precedenza").is_checked()


def test_kiosk_ticket_prints_on_a_receipt_roll(page, demo):
    branch = Branch.objects.get(code="roma-centro")
    ticket = services.ticket_issue(
        branch=branch, line_code="socio-sanitari", channel=Ticket.Channel.KIOSK
    )
    kiosk_sign_in(page, demo)
    page.goto(f"{demo}/totem/roma-centro/biglietto/{ticket.pk}/")

    pdf = page.pdf(prefer_css_page_size=True, print_background=False)

    # One page, 80 mm wide (226.77 pt): the receipt, without the buttons.
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert len(boxes) == 1, boxes
    assert abs(float(boxes[0][0]) - 226.77) < 1
    page.emulate_media(media="print")
    assert page.locator(".kiosk-actions").is_hidden()
    assert page.locator(".kiosk-language").count() == 0
    assert page.locator("svg.kiosk-qr").is_visible()
    assert page.get_by_test_id("ticket-code").is_visible()


def test_hall_display_keeps_the_audio_choice_across_a_reload(page, demo):
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{demo}/display/roma-centro/")
    button = page.get_by_test_id("display-audio")
    # A browser without a kiosk autoplay policy starts silent and says so.
    button.wait_for(state="visible")
    assert page.evaluate("window.hallDisplay.audio") == "off"

    button.click()
    wait_until(page, "window.hallDisplay.audio === 'on'")
    assert button.is_hidden()
    assert page.evaluate("localStorage.getItem('hallDisplay.audio')") == "on"

    page.reload()
    # Remembered: the display tries to re-arm the sound by itself; where
    # the browser still wants a gesture the button stays, and any touch
    # or key on the screen turns the sound back on.
    assert page.evaluate("window.hallDisplay.audioWanted") is True
    wait_until(page, "['on', 'blocked'].includes(window.hallDisplay.audio)")
    if page.evaluate("window.hallDisplay.audio") == "blocked":
        assert button.is_visible()
        page.get_by_test_id("display-calls").click()
        wait_until(page, "window.hallDisplay.audio === 'on'")
    assert button.is_hidden()
    page.screenshot(path="/tmp/hall-display.png")
