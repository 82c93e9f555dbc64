"""The consultant's agenda page: today's appointments, check-in state,
closing with istruttoria and definizione."""

import datetime

import pytest

from consulenza.models import Appointment
from consulenza.services import meeting_point_create
from consulenza.tests.conftest import FISCAL_CODE, ROME, rome
from consulenza.tests.factories import AppointmentFactory
from sedi.models import ServiceLine
from sedi.tests.factories import BranchFactory

pytestmark = pytest.mark.django_db

AGENDA = "/consulenza/roma-centro/agenda/"


def booked(point, *, hour, minute=30, status=Appointment.Status.BOOKED, **extra):
    start = rome(2026, 3, 2, hour, minute)
    return AppointmentFactory.create(
        meeting_point=point,
        start=start,
        end=start + datetime.timedelta(minutes=30),
        status=status,
        **extra,
    )


@pytest.fixture
def day(point, branch):
    social = meeting_point_create(
        branch=branch,
        line=ServiceLine.objects.get(code="socio-sanitari"),
        opened_on=datetime.date(2026, 1, 1),
    )
    return {
        "arrived": booked(
            point,
            hour=13,
            status=Appointment.Status.CHECKED_IN,
            checked_in_at=rome(2026, 3, 2, 13, 20),
        ),
        "waiting": booked(point, hour=14, minute=0),
        "social": booked(social, hour=14, minute=30, first_name="Anna"),
        # Tomorrow's: not on today's agenda.
        "tomorrow": AppointmentFactory.create(
            meeting_point=point, start=rome(2026, 3, 3, 13, 30)
        ),
        "social_point": social,
    }


def test_the_consultant_sees_todays_agenda_with_masked_fiscal_codes(
    monday, client, consultant, day, django_assert_max_num_queries
):
    client.force_login(consultant)

    with django_assert_max_num_queries(12):
        response = client.get(AGENDA)

    page = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert page.count('data-testid="agenda-row"') == 3
    assert FISCAL_CODE not in page
    assert page.count('data-testid="fiscal-code">RSSMRA******562S</td>') == 3
    assert "Arrivato alle 13:20" in page
    assert "Non ancora arrivato" in page
    assert f'href="/consulenza/roma-centro/agenda/{day["arrived"].pk}/"' in page
    assert f"/agenda/{day['tomorrow'].pk}/" not in page


def test_the_agenda_shows_one_meeting_point(monday, client, consultant, day):
    client.force_login(consultant)

    page = client.get(AGENDA, {"punto": day["social_point"].pk}).content.decode()

    assert page.count('data-testid="agenda-row"') == 1
    assert "Anna Rossi" in page
    assert f'<option value="{day["social_point"].pk}" selected>' in page


def test_closing_a_checked_in_appointment_records_notes_and_outcome(
    monday, client, consultant, day
):
    client.force_login(consultant)
    url = f"{AGENDA}{day['arrived'].pk}/"

    form = client.get(url).content.decode()
    assert 'name="preparation_notes"' in form
    response = client.post(
        url,
        {"preparation_notes": "Verificata la posizione", "outcome": "Domanda accolta"},
        follow=True,
    )

    appointment = Appointment.objects.get(pk=day["arrived"].pk)
    assert appointment.status == Appointment.Status.CLOSED
    assert appointment.preparation_notes == "Verificata la posizione"
    assert appointment.outcome == "Domanda accolta"
    assert appointment.closed_by == consultant
    assert response.redirect_chain == [
        (f"{AGENDA}?punto={appointment.meeting_point_id}", 302)
    ]
    assert "Appuntamento delle 13:30 definito." in response.content.decode()


def test_a_refused_close_keeps_what_was_typed(monday, client, consultant, day):
    client.force_login(consultant)
    url = f"{AGENDA}{day['arrived'].pk}/"

    response = client.post(url, {"preparation_notes": "Note scritte", "outcome": " "})

    page = response.content.decode()
    assert response.status_code == 400
    assert ">Note scritte</textarea>" in page
    assert "Indicare la definizione." in page
    assert 'aria-describedby="outcome-error"' in page
    assert Appointment.objects.get(pk=day["arrived"].pk).status == (
        Appointment.Status.CHECKED_IN
    )


def test_an_appointment_not_yet_arrived_cannot_be_closed(
    monday, client, consultant, day
):
    client.force_login(consultant)
    url = f"{AGENDA}{day['waiting'].pk}/"

    assert 'data-testid="not-arrived"' in client.get(url).content.decode()
    response = client.post(url, {"preparation_notes": "x", "outcome": "y"})

    assert response.status_code == 409
    assert 'data-testid="close-error"' in response.content.decode()
    assert Appointment.objects.get(pk=day["waiting"].pk).status == (
        Appointment.Status.BOOKED
    )


def test_other_roles_and_branches_are_refused(
    monday, client, receptionist, consultant, day, lazio
):
    client.force_login(receptionist)
    assert client.get(AGENDA).status_code in (403, 404)

    eur = BranchFactory.create(
        region=lazio, code="roma-eur", line_codes=["socio-sanitari"]
    )
    client.force_login(consultant)
    assert client.get("/consulenza/roma-eur/agenda/").status_code == 404
    # An appointment id of another branch's URL is not found either.
    assert (
        client.get(f"/consulenza/roma-eur/agenda/{day['arrived'].pk}/").status_code
        == 404
    )
    assert eur.code == "roma-eur"


def test_the_home_page_links_the_consultant_to_the_agenda(client, consultant):
    client.force_login(consultant)

    page = client.get("/").content.decode()

    assert f'href="{AGENDA}"' in page


def test_an_operator_books_from_the_desk_through_the_booking_page(
    monday, client, operator, point
):
    client.force_login(operator)

    page = client.get(
        "/consulenza/prenota/",
        {"branch": "roma-centro", "line": "assicurato-pensionato"},
    )
    assert page.status_code == 200
    response = client.post(
        "/consulenza/prenota/",
        {
            "branch": "roma-centro",
            "line": "assicurato-pensionato",
            "start": "",
            "topic": "",
            "fiscal_code": FISCAL_CODE,
            "first_name": "Mario",
            "last_name": "Rossi",
            "email": "",
            "phone": "",
            "channel": "sportello",
        },
    )

    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert appointment.booked_by == operator
    assert appointment.channel == "sportello"
    assert appointment.start == datetime.datetime(2026, 3, 2, 13, 30, tzinfo=ROME)
