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


def test_page_shows_a_calendar_of_days_once_branch_and_line_are_chosen(
    monday, client, receptionist, point, django_assert_max_num_queries
):
    # Tuesday 3 March is full: shown, but not a link.
    fill(point, datetime.date(2026, 3, 3), datetime.date(2026, 3, 3))
    client.force_login(receptionist)

    empty = client.get(URL)
    with django_assert_max_num_queries(14):
        chosen = client.get(
            URL, {"branch": "roma-centro", "line": "assicurato-pensionato"}
        )

    assert empty.status_code == 200
    assert 'name="fiscal_code"' not in empty.content.decode()
    page = chosen.content.decode()
    assert chosen.status_code == 200
    assert "no-store" in chosen["Cache-Control"]
    calendar = page.split("<tbody>")[1].split("</tbody>")[0]
    # Monday to Thursday, 2 March to 1 April: five weeks.
    assert calendar.count("<tr>") == 5
    assert (
        '<a id="day-2026-03-02" class="btn btn-sm w-100 btn-primary" '
        'href="?branch=roma-centro&amp;line=assicurato-pensionato&amp;'
        'day=2026-03-02#slot-times"' in calendar
    )
    assert 'aria-current="date">2 marzo <span class="d-block small">4 posti liberi' in (
        calendar
    )
    assert 'id="day-2026-03-03"' not in calendar
    assert "3 marzo <span" in calendar
    assert 'id="day-2026-04-01"' in calendar
    assert 'id="day-2026-04-02"' not in calendar
    # The first free day's times are shown; the first free slot is the default.
    assert "Orario — lunedì 2 marzo 2026" in page
    assert 'id="start-first" value="" checked' in page
    assert (
        '<input type="radio" name="start" id="start-1" '
        'value="2026-03-02T13:30:00+01:00">' in page
    )
    assert page.count('name="start"') == 5
    assert 'value="sportello" checked' in page


def test_page_shows_the_times_of_the_chosen_day(monday, client, receptionist, point):
    client.force_login(receptionist)

    page = client.get(
        URL,
        {"branch": "roma-centro", "line": "assicurato-pensionato", "day": "2026-03-05"},
    ).content.decode()
    friday = client.get(
        URL,
        {"branch": "roma-centro", "line": "assicurato-pensionato", "day": "2026-03-06"},
    ).content.decode()

    assert "Orario — giovedì 5 marzo 2026" in page
    assert 'value="2026-03-05T15:00:00+01:00"' in page
    assert 'value="2026-03-02T13:30:00+01:00"' not in page
    assert 'id="day-2026-03-05" class="btn btn-sm w-100 btn-primary"' in page
    # A day without consultation falls back to the first free day.
    assert "Orario — lunedì 2 marzo 2026" in friday


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


def test_page_shows_field_errors_with_aria_keeping_what_was_typed(
    monday, client, receptionist, point
):
    client.force_login(receptionist)

    response = client.post(
        URL,
        _form(
            fiscal_code="RSSMRA85T10A562X",
            first_name="",
            last_name="Verdi",
            email="m.verdi@example.it",
            phone="06 1234567",
            start="2026-03-04T14:30:00+01:00",
            channel="ccm",
        ),
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert 'aria-invalid="true" aria-describedby="id_fiscal_code-error"' in page
    assert 'id="id_fiscal_code-error">Codice fiscale non valido.</div>' in page
    assert 'aria-describedby="id_first_name-error"' in page
    # Nothing typed is lost: the day and time, the topic, the citizen.
    assert "Orario — mercoledì 4 marzo 2026" in page
    assert 'value="2026-03-04T14:30:00+01:00" checked' in page
    assert '<option value="pin-cittadino" selected>' in page
    assert 'value="RSSMRA85T10A562X"' in page
    assert 'value="Verdi"' in page
    assert 'value="m.verdi@example.it"' in page
    assert 'value="06 1234567"' in page
    assert 'value="ccm" checked' in page
    assert Appointment.objects.count() == 0


def test_page_shows_a_refused_slot_as_an_alert_keeping_what_was_typed(
    monday, client, receptionist, point
):
    client.force_login(receptionist)

    response = client.post(URL, _form(start="2026-03-06T14:00:00+01:00"))

    page = response.content.decode()
    assert response.status_code == 409
    assert 'data-testid="booking-error">La consulenza si svolge' in page
    assert 'value="Mario"' in page
    assert 'value="Rossi"' in page
    assert Appointment.objects.count() == 0


def test_page_keeps_the_form_when_the_slot_was_taken_meanwhile(
    monday, client, receptionist, point
):
    from consulenza.tests.conftest import rome
    from consulenza.tests.factories import AppointmentFactory

    AppointmentFactory.create(
        meeting_point=point,
        start=rome(2026, 3, 4, 14, 30),
        end=rome(2026, 3, 4, 15, 0),
    )
    client.force_login(receptionist)

    response = client.post(URL, _form(start="2026-03-04T14:30:00+01:00"))

    page = response.content.decode()
    assert response.status_code == 409
    assert "Il posto richiesto è già stato prenotato." in page
    # The day stays chosen; the slot is gone, the first free one is proposed.
    assert "Orario — mercoledì 4 marzo 2026" in page
    assert 'value="2026-03-04T14:30:00+01:00"' not in page
    assert 'id="start-first" value="" checked' in page
    assert 'value="Mario"' in page
    assert Appointment.objects.count() == 1


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


def test_page_never_offers_indebiti_and_refuses_it_keeping_the_form(
    monday, client, receptionist, point
):
    from sedi.models import BranchLine, ServiceLine

    BranchLine.objects.create(
        branch=point.branch, line=ServiceLine.objects.get(code="indebiti")
    )
    client.force_login(receptionist)

    page = client.get(URL, {"branch": "roma-centro"}).content.decode()
    refused = client.post(URL, _form(line="indebiti", topic=""))

    assert '<option value="assicurato-pensionato"' in page
    assert '<option value="indebiti"' not in page
    assert refused.status_code == 409
    assert (
        'data-testid="booking-error">La consulenza su appuntamento non è prevista '
        "per Sportello Indebiti" in refused.content.decode()
    )
    assert 'value="Mario"' in refused.content.decode()
    assert Escalation.objects.count() == 0


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
