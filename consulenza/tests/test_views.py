import datetime

import pytest

from consulenza.models import Appointment, Escalation
from consulenza.tests.conftest import FISCAL_CODE
from consulenza.tests.helpers import fill
from sedi.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/consulenza/prenota/"


def _form(**overrides) -> dict:
    data = {
        "branch": "roma-centro",
        "line": "assicurato-pensionato",
        "start": "",
        "topic": "pin-cittadino",
        "fiscal_code": FISCAL_CODE.lower(),
        "first_name": "Mario",
        "last_name": "Rossi",
        "email": "",
        "phone": "",
        "channel": "sportello",
    }
    data.update(overrides)
    return data


def test_page_lists_free_slots_once_branch_and_line_are_chosen(
    monday, client, receptionist, point
):
    client.force_login(receptionist)

    empty = client.get(URL)
    chosen = client.get(URL, {"branch": "roma-centro", "line": "assicurato-pensionato"})

    assert empty.status_code == 200
    assert 'name="fiscal_code"' not in empty.content.decode()
    page = chosen.content.decode()
    assert chosen.status_code == 200
    assert "no-store" in chosen["Cache-Control"]
    assert (
        '<option value="2026-03-02T13:30:00+01:00">lunedì 2 marzo 2026, 13:30' in page
    )
    assert 'value="sportello" checked' in page


def test_page_books_the_first_free_slot_and_redirects(
    monday, client, receptionist, point
):
    client.force_login(receptionist)

    response = client.post(URL, _form(), follow=True)

    appointment = Appointment.objects.get()
    assert appointment.start.isoformat() == "2026-03-02T12:30:00+00:00"
    assert appointment.fiscal_code == FISCAL_CODE
    assert appointment.booked_by == receptionist
    assert response.redirect_chain == [
        (f"{URL}?branch=roma-centro&line=assicurato-pensionato", 302)
    ]
    assert "Appuntamento fissato: 2 marzo 2026 alle 13:30" in response.content.decode()


def test_page_shows_field_errors_with_aria(monday, client, receptionist, point):
    client.force_login(receptionist)

    response = client.post(URL, _form(fiscal_code="RSSMRA85T10A562X", first_name=""))

    page = response.content.decode()
    assert response.status_code == 200
    assert 'aria-invalid="true" aria-describedby="id_fiscal_code-error"' in page
    assert 'id="id_fiscal_code-error">Codice fiscale non valido.</div>' in page
    assert 'aria-describedby="id_first_name-error"' in page
    assert Appointment.objects.count() == 0


def test_page_shows_a_refused_slot_as_an_alert(monday, client, receptionist, point):
    client.force_login(receptionist)

    response = client.post(URL, _form(start="2026-03-06T14:00:00+01:00"))

    assert response.status_code == 200
    assert (
        'data-testid="booking-error">La consulenza si svolge'
        in response.content.decode()
    )
    assert Appointment.objects.count() == 0


def test_page_escalates_when_the_month_is_full(monday, client, ccm, point):
    fill(point, datetime.date(2026, 3, 2), datetime.date(2026, 4, 1))
    client.force_login(ccm)

    response = client.post(URL, _form(channel="ccm"), follow=True)

    escalation = Escalation.objects.get()
    assert escalation.channel == "ccm"
    assert (
        f"la richiesta è stata inoltrata al CRIC regionale (n. {escalation.pk})"
        in response.content.decode()
    )


def test_page_is_refused_to_other_roles(monday, client, kiosk, point):
    # Counter operators book from the desk; the kiosk and the staff without
    # a role do not.
    client.force_login(kiosk)

    assert client.get(URL).status_code == 403
    client.force_login(UserFactory.create())
    assert client.get(URL).status_code == 403


def test_page_needs_a_login(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/accesso/")
