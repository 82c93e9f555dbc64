"""Screenshots of the main screens for the README (``docs/screens/*.png``).

Skipped unless asked: ``make screens`` (``FRONTOFFICE_SCREENS=1``). The
demo data are seeded at a fixed Wednesday morning, so every run shows the
same tickets and calls; only the rendering of fonts may differ.
"""

import datetime
import os
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        os.environ.get("FRONTOFFICE_SCREENS") != "1",
        reason="writes docs/screens/*.png only when asked (make screens)",
    ),
]

SCREENS = Path(__file__).resolve().parents[2] / "docs" / "screens"
MORNING = datetime.datetime(2026, 12, 2, 9, 40, tzinfo=ZoneInfo("Europe/Rome"))
PASSWORD = "prova-screens-66"
DESK = {"width": 1366, "height": 768}
HALL = {"width": 1920, "height": 1080}
# A kiosk's touch screen stands upright.
KIOSK = {"width": 1080, "height": 1920}


@pytest.fixture
def demo(live_server):
    with time_machine.travel(MORNING, tick=True):
        call_command("seed_demo", "--password", PASSWORD)
        yield live_server.url


def _sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accesso/")
    page.get_by_label("Nome utente").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    page.wait_for_url(lambda url: "/accesso/" not in url)


def _new_page(browser, viewport: dict[str, int]):
    page = browser.new_page()
    page.set_viewport_size(viewport)
    # The page's clocks (the hall display's) read the seeded morning too.
    page.clock.set_fixed_time(MORNING)
    return page


def _shot(page, name: str) -> None:
    # Let the web fonts settle before the picture.
    page.evaluate("document.fonts.ready")
    page.screenshot(path=str(SCREENS / f"{name}.png"))


def test_write_the_screenshots(browser, demo):
    from sedi.models import Branch
    from sportelli import services
    from sportelli.models import Ticket

    SCREENS.mkdir(parents=True, exist_ok=True)
    branch = Branch.objects.get(code="roma-centro")
    for line in ("assicurato-pensionato", "socio-sanitari", "assicurato-pensionato"):
        services.ticket_issue(
            branch=branch, line_code=line, channel=Ticket.Channel.RECEPTION
        )

    kiosk = _new_page(browser, KIOSK)
    _sign_in(kiosk, demo, "kiosk")
    kiosk.get_by_role("heading", name="Prenda il biglietto").wait_for()
    _shot(kiosk, "kiosk")
    kiosk.get_by_test_id("kiosk-line-sostegno-reddito").click()
    kiosk.get_by_test_id("ticket-code").wait_for()
    _shot(kiosk, "printed-ticket")
    kiosk.close()
    browser.clear_cookies()

    desk = _new_page(browser, DESK)
    _sign_in(desk, demo, "operatore")
    desk.goto(f"{demo}/sportelli/roma-centro/")
    desk.get_by_role("link", name="Sportello 1", exact=True).click()
    desk.get_by_role("button", name="Apri lo sportello").click()
    desk.get_by_role("button", name="Chiama il prossimo").click()
    desk.get_by_text("Chiamato il biglietto A001.").wait_for()
    _shot(desk, "desk")
    desk.close()
    browser.clear_cookies()

    hall = _new_page(browser, HALL)
    hall.goto(f"{demo}/display/roma-centro/")
    hall.get_by_test_id("display-latest").get_by_text("A001").wait_for()
    _shot(hall, "display")
    hall.close()

    intake = _new_page(browser, DESK)
    _sign_in(intake, demo, "reception")
    intake.goto(f"{demo}/accoglienza/roma-centro/")
    intake.get_by_label("Perché è venuto?", exact=False).fill("PIN")
    intake.keyboard.press("Enter")
    intake.get_by_test_id("issue-proposed").first.wait_for()
    _shot(intake, "intake")
    intake.close()

    names = sorted(path.name for path in SCREENS.glob("*.png"))
    assert names == [
        "desk.png",
        "display.png",
        "intake.png",
        "kiosk.png",
        "printed-ticket.png",
    ]
