"""Closed-cycle counters in the browser: kiosk → operator desk → hall display."""

import datetime
import re
import time

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from sedi import calendar
from sedi.models import Branch
from sportelli.models import Ticket

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "prova-e2e-66"


def next_open_morning() -> datetime.datetime:
    """Return 09:00 Rome of the next working day of a Rome branch.

    The live server runs in this process, so time-machine moves its clock
    too; ticking keeps the polling and the waits realistic. A day in the
    future keeps the session cookies' expiry valid for the real browser.
    """
    rome = Branch(province="RM", patron_day_month=6, patron_day_day=29)
    day = calendar.to_rome(timezone.now()).date()
    while True:
        day += datetime.timedelta(days=1)
        if calendar.is_open_day(branch=rome, day=day):
            return datetime.datetime.combine(
                day, datetime.time(9, 0), tzinfo=calendar.ROME
            )


@pytest.fixture
def demo(live_server):
    with time_machine.travel(next_open_morning(), tick=True):
        call_command("seed_demo", "--password", PASSWORD, verbosity=0)
        yield live_server.url


def wait_until(page, expression: str, timeout: float = 15.0) -> None:
    """Poll ``expression`` in the page until it is true.

    ``wait_for_function`` compiles its predicate with ``eval``, which the
    site's Content Security Policy forbids; ``evaluate`` does not.
    """
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s: {expression}")
        page.wait_for_timeout(100)


def sign_in(page, url, username):
    page.goto(url)
    page.get_by_label("Nome utente").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi").click()


def test_kiosk_ticket_is_called_at_the_desk_and_shown_on_the_hall_display(
    browser, page, demo
):
    display = page
    display.goto(f"{demo}/display/roma-centro/")
    assert display.get_by_text("Nessuna chiamata ancora oggi.").is_visible()

    # The kiosk issues a priority ticket and shows it ready to print.
    kiosk = browser.new_page()
    sign_in(kiosk, f"{demo}/totem/roma-centro/", "kiosk")
    kiosk.get_by_label("Ho diritto a precedenza").check()
    kiosk.get_by_test_id("kiosk-line-assicurato-pensionato").click()
    assert kiosk.get_by_test_id("ticket-code").inner_text() == "A001"
    assert kiosk.get_by_test_id("ticket-position").inner_text() == "1"
    assert kiosk.locator("svg.kiosk-qr").is_visible()
    ticket = Ticket.objects.get()
    assert ticket.channel == Ticket.Channel.KIOSK
    assert ticket.priority is True
    kiosk.close()

    # The operator opens a counter and calls, with the keyboard alone.
    browser.clear_cookies()
    desk = browser.new_page()
    sign_in(desk, f"{demo}/sportelli/roma-centro/", "operatore")
    desk.get_by_role("link", name="Sportello 1", exact=True).click()
    assert desk.locator("#desk-line").evaluate("el => el === document.activeElement")
    desk.keyboard.press("Tab")
    desk.keyboard.press("Enter")  # "Apri lo sportello"
    desk.get_by_text("Sportello aperto per la linea").wait_for()
    desk.keyboard.press("n")  # "Chiama il prossimo"
    desk.get_by_text("Chiamato il biglietto A001.").wait_for()
    assert desk.get_by_test_id("current-ticket").locator(".desk-code").inner_text() == (
        "A001"
    )

    # The hall display shows the call by code and counter, blinks, announces.
    latest = display.get_by_test_id("display-latest")
    latest.get_by_text("A001").wait_for(timeout=10_000)
    assert latest.locator(".display-counter").inner_text() == "Sportello 1"
    assert "is-new" in (latest.get_attribute("class") or "")
    wait_until(display, "window.hallDisplay.announced.length === 1")
    assert display.evaluate("window.hallDisplay.announced") == [
        "Numero A 0 0 1, sportello 1"
    ]
    counters = display.get_by_test_id("display-counters").inner_text()
    assert "Sportello 1" in counters
    assert "Linea Assicurato Pensionato" in counters
    assert "Rinaldi" not in display.content()

    # The holder's phone sees the call too.
    phone = browser.new_page()
    phone.goto(f"{demo}/biglietto/{ticket.public_code}/")
    assert (
        "Tocca a lei: si rechi allo Sportello 1"
        in phone.get_by_test_id("ticket-state").inner_text()
    )
    phone.close()

    # A recall is announced once more, without a new call.
    desk.keyboard.press("r")
    desk.get_by_text("Biglietto A001 richiamato sul monitor.").wait_for()
    wait_until(display, "window.hallDisplay.announced.length === 2")

    # Served with a catalogue service; the desk is ready for the next call.
    # The first service has the focus: Tab to the second, Space ticks it.
    desk.keyboard.press("Tab")
    desk.keyboard.press("Space")
    assert desk.locator("#service-stato-pratiche").is_checked()
    desk.get_by_role("button", name="Servito").click()
    desk.get_by_text("Biglietto A001 servito.").wait_for()
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.COMPLETED
    assert list(ticket.services.values_list("code", flat=True)) == ["stato-pratiche"]
    assert display.evaluate("window.hallDisplay.announced.length") == 2
    desk.close()


def test_hall_display_says_when_its_data_is_stale(page, demo):
    page.clock.install()
    page.goto(f"{demo}/display/roma-centro/")
    stale = page.get_by_test_id("display-stale")
    assert stale.is_hidden()

    page.route(re.compile(r".*/chiamate/.*"), lambda route: route.abort())
    page.clock.run_for(20_000)

    stale.wait_for(state="visible")
    assert "Dati non aggiornati" in stale.inner_text()


def test_the_desk_fits_a_laptop_with_the_called_ticket_and_a_running_timer(page, demo):
    branch = Branch.objects.get(code="roma-centro")
    from sportelli import services

    for _ in range(3):
        services.ticket_issue(
            branch=branch,
            line_code="assicurato-pensionato",
            channel=Ticket.Channel.RECEPTION,
        )
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, f"{demo}/sportelli/roma-centro/", "operatore")
    page.get_by_role("link", name="Sportello 1", exact=True).click()
    page.get_by_role("button", name="Apri lo sportello").click()
    page.get_by_text("Sportello aperto per la linea").wait_for()
    # The line's waiting tickets, by code only.
    assert page.get_by_test_id("desk-waiting").inner_text().split() == [
        "A001",
        "A002",
        "A003",
    ]
    page.get_by_role("button", name="Chiama il prossimo").click()
    page.get_by_text("Chiamato il biglietto A001.").wait_for()

    # Above the fold of a 1366×768 screen, without scrolling: the code, the
    # timer and "Servito".
    assert page.evaluate("window.scrollY") == 0
    for locator in (
        page.get_by_test_id("current-ticket").locator(".desk-code"),
        page.get_by_test_id("service-timer"),
        page.get_by_role("button", name="Servito"),
    ):
        box = locator.bounding_box()
        assert box is not None
        assert box["y"] >= 0
        assert box["y"] + box["height"] <= 768, locator
    # The timer counts in the page, from a static script.
    first = int(page.get_by_test_id("service-timer").get_attribute("data-seconds"))
    wait_until(
        page,
        "Number(document.querySelector('[data-service-timer]')"
        f".dataset.seconds) > {first}",
    )
    assert re.fullmatch(r"\d\d:\d\d", page.get_by_test_id("service-timer").inner_text())
