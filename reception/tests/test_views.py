import datetime

import pytest

from reception.models import Arrival, Form, ProtocolEntry
from reception.tests.conftest import FISCAL_CODE
from sedi.tests.factories import BranchFactory
from sportelli.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(client, receptionist):
    client.force_login(receptionist)
    return client


def test_intake_search_proposes_the_line(desk, morning, django_assert_max_num_queries):
    with django_assert_max_num_queries(16):
        response = desk.get("/accoglienza/roma-centro/?q=PIN")

    page = response.text
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    assert "Rilascio PIN cittadino" in page
    assert 'data-testid="issue-proposed"' in page


def test_intake_says_when_no_counter_serves_a_line(desk, morning):
    page = desk.get("/accoglienza/roma-centro/?q=PIN").text

    assert "nessuno sportello aperto ora" in page
    assert "~0" not in page


def test_intake_shows_closed_now_before_anyone_clicks(client, receptionist):
    import time_machine

    from reception.tests.conftest import ROME

    # 12:10: the counters still serve, but no ticket is issued any more.
    with time_machine.travel(
        datetime.datetime(2026, 12, 2, 12, 10, tzinfo=ROME), tick=False
    ):
        client.force_login(receptionist)
        page = client.get("/accoglienza/roma-centro/").text
    assert 'data-testid="closed-now"' in page
    assert "I biglietti di oggi sono stati emessi fino alle 12:00" in page

    # Saturday: closed all day.
    with time_machine.travel(
        datetime.datetime(2026, 12, 5, 10, 0, tzinfo=ROME), tick=False
    ):
        client.force_login(receptionist)
        page = client.get("/accoglienza/roma-centro/").text
    assert "Oggi gli sportelli non aprono: servono dal lunedì al venerdì." in page


def test_intake_during_hours_has_no_closed_banner(desk, morning):
    page = desk.get("/accoglienza/roma-centro/").text

    assert 'data-testid="closed-now"' not in page


def test_intake_search_partial_for_htmx(desk, morning):
    response = desk.get(
        "/accoglienza/roma-centro/?q=durc", headers={"hx-request": "true"}
    )

    assert "<html" not in response.text
    assert "Ristampa duplicato Durc" in response.text


def test_issue_from_the_desk_shows_the_printable_ticket(desk, morning):
    response = desk.post(
        "/accoglienza/roma-centro/biglietto/",
        {"line": "soggetto-contribuente", "reason": "PIN", "priority": "on"},
        follow=True,
    )

    ticket = Ticket.objects.get()
    assert ticket.priority is True
    assert response.status_code == 200
    assert 'data-testid="ticket-code">D001<' in response.text
    assert "<svg" in response.text  # the QR code to the virtual ticket
    assert Arrival.objects.get().outcome == "ticket"


def test_a_refused_issue_shows_the_reason(desk, morning):
    response = desk.post(
        "/accoglienza/roma-centro/biglietto/",
        {"line": "poli-specialistici", "reason": "PIN"},
        follow=True,
    )

    assert "non è aperta in questa sede oggi" in response.text
    assert Ticket.objects.count() == 0
    assert Arrival.objects.count() == 0


def test_hand_out_a_form_in_one_click(desk, morning):
    Form.objects.create(code="modello-as1", title="Modello AS1")

    response = desk.post(
        "/accoglienza/roma-centro/risolto/", {"form": "modello-as1"}, follow=True
    )

    assert "Modulo consegnato — Modello AS1" in response.text
    assert Arrival.objects.get().form == Form.objects.get(code="modello-as1")


def test_register_a_complaint_and_print_the_receipt(desk, morning):
    response = desk.post(
        "/accoglienza/roma-centro/protocollo/",
        {
            "kind": "reclamo",
            "subject": "Attesa eccessiva",
            "attachments": "1",
            "fiscal_code": FISCAL_CODE,
            "first_name": "Mario",
            "last_name": "Rossi",
        },
        follow=True,
    )

    assert response.status_code == 200
    assert 'data-testid="protocol-number">roma-centro/2026/0000001<' in response.text
    assert "1 gennaio 2027" in response.text
    assert FISCAL_CODE not in response.text
    assert ProtocolEntry.objects.get().kind == "reclamo"


def test_protocol_form_shows_field_errors(desk, morning):
    response = desk.post(
        "/accoglienza/roma-centro/protocollo/",
        {"kind": "documento", "subject": "", "attachments": "x", "fiscal_code": "ABC"},
    )

    assert response.status_code == 400
    assert 'id="attachments-error"' in response.text
    assert ProtocolEntry.objects.count() == 0

    response = desk.post(
        "/accoglienza/roma-centro/protocollo/",
        {"kind": "documento", "subject": "", "attachments": "0", "fiscal_code": ""},
    )
    assert 'id="subject-error"' in response.text
    assert 'aria-describedby="subject-error"' in response.text


def test_another_branch_is_404(desk, morning):
    BranchFactory.create(code="roma-eur")

    assert desk.get("/accoglienza/roma-eur/").status_code == 404
    assert desk.get("/accoglienza/roma-eur/protocollo/").status_code == 404


def test_complaints_page_for_the_supervisor(client, supervisor, receptionist, morning):
    from reception.services import protocol_register

    entry = protocol_register(
        branch=supervisor.staff_roles.get().branch,
        kind="reclamo",
        subject="Scortesia",
        registered_by=receptionist,
    )
    entry.reply_due_on = entry.registered_at.date()
    entry.save()
    client.force_login(supervisor)

    page = client.get("/accoglienza/roma-centro/reclami/").text
    assert "Scortesia" in page
    assert "scaduto" in page or "in scadenza" in page

    client.post(
        "/accoglienza/roma-centro/reclami/", {"entry": entry.pk, "status": "answered"}
    )
    entry.refresh_from_db()
    assert entry.complaint_status == "answered"


@pytest.fixture
def appointment_today(branch):
    import datetime

    from consulenza.services import meeting_point_create
    from consulenza.tests.factories import AppointmentFactory
    from reception.tests.conftest import ROME
    from sedi.models import ServiceLine

    point = meeting_point_create(
        branch=branch,
        line=ServiceLine.objects.get(code="assicurato-pensionato"),
        opened_on=datetime.date(2026, 11, 1),
    )
    return AppointmentFactory.create(
        meeting_point=point,
        start=datetime.datetime(2026, 12, 2, 14, 0, tzinfo=ROME),
        fiscal_code=FISCAL_CODE,
    )


def test_today_appointments_are_listed_with_masked_fiscal_codes(
    desk, appointment_today, morning
):
    page = desk.get("/accoglienza/roma-centro/").text

    assert "RSSMRA******501U" in page
    assert FISCAL_CODE not in page
    assert "14:00" in page


def test_check_in_by_typed_fiscal_code(desk, appointment_today, morning):
    response = desk.post(
        "/accoglienza/roma-centro/arrivo/",
        {"fiscal_code": FISCAL_CODE.lower()},
        follow=True,
    )

    appointment_today.refresh_from_db()
    assert appointment_today.status == "checked_in"
    assert "Arrivo registrato: appuntamento delle 14:00" in response.text
    assert Arrival.objects.get().outcome == "check_in"


def test_check_in_of_someone_without_appointment(desk, appointment_today, morning):
    response = desk.post(
        "/accoglienza/roma-centro/arrivo/",
        {"fiscal_code": "BNCNNA90A41H501T"},
        follow=True,
    )

    assert "Nessun appuntamento da registrare oggi" in response.text
    assert Arrival.objects.count() == 0


def test_check_in_from_the_list(desk, appointment_today, morning):
    desk.post("/accoglienza/roma-centro/arrivo/", {"appointment": appointment_today.pk})

    appointment_today.refresh_from_db()
    assert appointment_today.status == "checked_in"


def test_booking_at_the_desk(desk, appointment_today, morning):
    response = desk.post(
        "/accoglienza/roma-centro/prenota/",
        {
            "line": "assicurato-pensionato",
            "fiscal_code": "BNCNNA90A41H501T",
            "first_name": "Anna",
            "last_name": "Bianchi",
        },
        follow=True,
    )

    assert "Consulenza prenotata: 2 dicembre 2026 alle 13:30" in response.text
    assert Arrival.objects.get().outcome == "booking"


def test_booking_with_an_invalid_fiscal_code(desk, appointment_today, morning):
    response = desk.post(
        "/accoglienza/roma-centro/prenota/",
        {
            "line": "assicurato-pensionato",
            "fiscal_code": "XYZ",
            "first_name": "Anna",
            "last_name": "Bianchi",
        },
        follow=True,
    )

    assert "Codice fiscale non valido." in response.text
    assert Arrival.objects.count() == 0
    # What was typed stays: nobody types the names twice.
    assert response.status_code == 400
    assert 'id="book-first-name" name="first_name"' in response.text
    assert 'value="Anna"' in response.text
    assert 'value="Bianchi"' in response.text
    assert 'value="XYZ"' in response.text
    assert '<option value="assicurato-pensionato" selected>' in response.text
    assert 'data-testid="booking-error"' in response.text


def test_booking_at_the_desk_never_offers_indebiti(desk, branch, morning):
    from sedi.models import BranchLine, ServiceLine

    BranchLine.objects.create(
        branch=branch, line=ServiceLine.objects.get(code="indebiti")
    )

    page = desk.get("/accoglienza/roma-centro/").text
    refused = desk.post(
        "/accoglienza/roma-centro/prenota/",
        {
            "line": "indebiti",
            "fiscal_code": FISCAL_CODE,
            "first_name": "Anna",
            "last_name": "Bianchi",
        },
    )

    booking = page.split('id="book-line"')[1].split("</select>")[0]
    assert '<option value="assicurato-pensionato"' in booking
    assert '<option value="indebiti"' not in booking
    # Posted anyway (an old page): refused by the agenda, what was typed stays.
    assert refused.status_code == 409
    assert "non è prevista per Sportello Indebiti" in refused.text
    assert 'value="Anna"' in refused.text
    assert Arrival.objects.count() == 0


def test_a_ticket_refused_outside_hours_keeps_the_search(client, receptionist):
    import time_machine

    from reception.tests.conftest import ROME

    with time_machine.travel(
        datetime.datetime(2026, 12, 2, 12, 20, tzinfo=ROME), tick=False
    ):
        client.force_login(receptionist)
        response = client.post(
            "/accoglienza/roma-centro/biglietto/",
            {"line": "soggetto-contribuente", "q": "PIN"},
            follow=True,
        )

    assert response.redirect_chain == [("/accoglienza/roma-centro/?q=PIN", 302)]
    assert 'value="PIN"' in response.text


def test_the_intake_screen_is_available_in_english(desk, morning):
    page = desk.get(
        "/accoglienza/roma-centro/?q=PIN", headers={"accept-language": "en"}
    ).text

    assert '<html lang="en">' in page
    assert "Reason for the visit" in page
    # Catalogue activities are the guideline's own words: they stay Italian.
    assert "Rilascio PIN cittadino" in page


def test_malformed_posts_are_refused_without_error_pages(client, supervisor, morning):
    client.force_login(supervisor)

    complaint = client.post(
        "/accoglienza/roma-centro/reclami/", {"entry": "abc", "status": "answered"}
    )
    ticket = client.post(
        "/accoglienza/roma-centro/biglietto/",
        {"line": "socio-sanitari", "service": "abc", "reason": "PIN"},
        follow=True,
    )
    solved = client.post(
        "/accoglienza/roma-centro/risolto/", {"form": "nessuno"}, follow=True
    )

    assert complaint.status_code == 404
    assert "Attività sconosciuta." in ticket.text
    assert "Modulo sconosciuto." in solved.text
    assert Arrival.objects.count() == 0
