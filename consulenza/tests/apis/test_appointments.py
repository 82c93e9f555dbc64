import datetime
from unittest import mock

import pytest
import time_machine

from consulenza.models import Appointment, Escalation
from consulenza.tests.conftest import FISCAL_CODE, STANDARD_LINES, citizen_body, rome
from consulenza.tests.factories import AppointmentFactory
from consulenza.tests.helpers import fill
from sedi.models import Branch
from sedi.tests.factories import BranchFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/appointments/"


def _body(**overrides) -> dict:
    body = {
        "branch": "roma-centro",
        "line": "assicurato-pensionato",
        "citizen": citizen_body(),
        "topic": "pin-cittadino",
        "channel": "sportello",
    }
    body.update(overrides)
    return body


@pytest.fixture
def reception_client(api_client, receptionist):
    api_client.force_login(receptionist)
    return api_client


def test_book_answers_201_with_the_appointment(
    monday, reception_client, point, django_capture_on_commit_callbacks
):
    with (
        mock.patch("consulenza.services.confirmation_task.apply_async") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = reception_client.post(URL, _body(), format="json")

    assert response.status_code == 201
    appointment = Appointment.objects.get()
    assert response.json() == {
        "id": appointment.pk,
        "branch": "roma-centro",
        "line": "assicurato-pensionato",
        "meeting_point": {"id": point.pk, "name": point.name},
        "start": "2026-03-02T13:30:00+01:00",
        "end": "2026-03-02T14:00:00+01:00",
        "status": "booked",
        "citizen": {
            "fiscal_code": "RSSMRA******562S",
            "first_name": "Mario",
            "last_name": "Rossi",
            "email": "mario.rossi@example.it",
            "phone": "06 1234567",
        },
        "topic": "pin-cittadino",
        "channel": "sportello",
        "checked_in_at": None,
        "cancelled_at": None,
        "no_show_at": None,
        "closed_at": None,
        "preparation_notes": "",
        "outcome": "",
    }
    assert appointment.fiscal_code == FISCAL_CODE
    delay.assert_called_once_with(
        kwargs={"appointment_id": appointment.pk}, retry=False, ignore_result=True
    )


def test_book_with_start_takes_that_slot(monday, reception_client, point):
    response = reception_client.post(
        URL, _body(start="2026-03-04T15:00:00+01:00"), format="json"
    )

    assert response.status_code == 201
    assert response.json()["start"] == "2026-03-04T15:00:00+01:00"


def test_book_in_the_dst_week_keeps_rome_wall_clock(reception_client, point):
    with time_machine.travel(rome(2026, 3, 26, 9, 0), tick=False):
        before = reception_client.post(
            URL, _body(start="2026-03-26T13:30:00+01:00"), format="json"
        )
        after = reception_client.post(
            URL,
            _body(start="2026-03-30T13:30:00"),
            format="json",  # naive: Rome
        )
        wrong = reception_client.post(
            URL, _body(start="2026-03-30T13:30:00+01:00"), format="json"
        )

    assert before.status_code == 201
    assert after.status_code == 201
    assert after.json()["start"] == "2026-03-30T13:30:00+02:00"
    # 13:30+01:00 is 14:30 in Rome after the change: that slot is booked.
    assert wrong.status_code == 201
    assert wrong.json()["start"] == "2026-03-30T14:30:00+02:00"


@pytest.mark.parametrize(
    ("start", "code"),
    [
        ("2026-03-06T14:00:00+01:00", "outside_hours"),
        ("2026-03-04T15:30:00+01:00", "outside_hours"),
        ("2026-04-02T13:30:00+02:00", "beyond_30_days"),
        ("2026-03-02T09:00:00+01:00", "slot_in_past"),
    ],
)
def test_book_with_a_start_that_is_no_slot_is_409(
    monday, reception_client, point, start, code
):
    response = reception_client.post(URL, _body(start=start), format="json")

    assert response.status_code == 409
    assert response.json()["code"] == code
    assert isinstance(response.json()["detail"], str)
    assert Appointment.objects.count() == 0


def test_book_a_taken_slot_is_409_slot_taken(monday, reception_client, point):
    AppointmentFactory.create(meeting_point=point, start=rome(2026, 3, 4, 15, 0))

    response = reception_client.post(
        URL, _body(start="2026-03-04T15:00:00+01:00"), format="json"
    )

    assert response.status_code == 409
    assert response.json() == {
        "code": "slot_taken",
        "detail": "Il posto richiesto è già stato prenotato.",
    }
    assert Appointment.objects.count() == 1


def test_book_in_an_agenzia_territoriale_is_409_no_consultation(
    monday, api_client, ccm, lazio
):
    BranchFactory.create(
        region=lazio,
        code="civitavecchia",
        kind=Branch.Kind.TERRITORIAL_AGENCY,
        line_codes=STANDARD_LINES,
    )
    api_client.force_login(ccm)

    response = api_client.post(URL, _body(branch="civitavecchia"), format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "no_consultation"


def test_book_for_indebiti_is_409_no_consultation(monday, api_client, ccm, lazio):
    BranchFactory.create(
        region=lazio, code="roma-eur", line_codes=[*STANDARD_LINES, "indebiti"]
    )
    api_client.force_login(ccm)

    response = api_client.post(
        URL, _body(branch="roma-eur", line="indebiti", topic=""), format="json"
    )

    assert response.status_code == 409
    assert response.json() == {
        "code": "no_consultation",
        "detail": "La consulenza su appuntamento non è prevista per Sportello "
        "Indebiti: la persona va servita allo sportello con un biglietto.",
    }
    assert Escalation.objects.count() == 0


def test_book_with_no_slot_within_30_days_is_202_escalated(
    monday, api_client, ccm, point
):
    fill(point, datetime.date(2026, 3, 2), datetime.date(2026, 4, 1))
    api_client.force_login(ccm)

    response = api_client.post(URL, _body(channel="ccm"), format="json")

    assert response.status_code == 202
    escalation = Escalation.objects.get()
    assert response.json() == {
        "code": "escalated_to_cric",
        "detail": "Nessun posto libero entro trenta giorni: la richiesta è stata "
        "inoltrata al CRIC regionale.",
        "escalation": {
            "id": escalation.pk,
            "branch": "roma-centro",
            "line": "assicurato-pensionato",
            "citizen": {
                "fiscal_code": "RSSMRA******562S",
                "first_name": "Mario",
                "last_name": "Rossi",
                "email": "mario.rossi@example.it",
                "phone": "06 1234567",
            },
            "topic": "pin-cittadino",
            "channel": "ccm",
            "requested_at": "2026-03-02T10:00:00+01:00",
            "status": "open",
            "outcome": "",
            "resolved_at": None,
            "resolved_by": None,
        },
    }
    assert escalation.requested_by == ccm


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        (
            {"citizen": citizen_body(fiscal_code="RSSMRA85T10A562X")},
            {"citizen": {"fiscal_code": ["Codice fiscale non valido."]}},
        ),
        ({"line": "nessuna"}, {"line": ["Linea sconosciuta."]}),
        ({"branch": "nessuna"}, {"branch": ["Sede sconosciuta."]}),
        (
            {"topic": "durc-cartaceo"},
            {"topic": ["L'argomento non è nel catalogo della linea."]},
        ),
        ({"channel": "fax"}, {"channel": ['"fax" non è una scelta valida.']}),
    ],
    ids=["fiscal-code", "line", "branch", "topic", "channel"],
)
def test_book_bad_input_is_400_with_field_errors(
    monday,
    reception_client,
    point,
    overrides,
    errors,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = reception_client.post(URL, _body(**overrides), format="json")

    assert response.status_code == 400
    assert response.json() == errors
    assert Appointment.objects.count() == 0
    assert Escalation.objects.count() == 0
    assert callbacks == []


@pytest.mark.parametrize(
    "body",
    [
        {"branch": "x" * 10_000},
        {"citizen": citizen_body(first_name="M" * 100_000)},
        {"citizen": citizen_body(fiscal_code=["RSSMRA85T10A562S"])},
        {"citizen": "RSSMRA85T10A562S"},
        {"start": "domani alle due"},
        {"start": 12},
        {"citizen": citizen_body(email="non-una-mail")},
        {"citizen": citizen_body(phone="<script>")},
        {"topic": {"code": "x"}},
    ],
)
def test_book_malformed_input_is_400_never_500(monday, reception_client, point, body):
    response = reception_client.post(URL, _body(**body), format="json")

    assert response.status_code == 400
    assert Appointment.objects.count() == 0


def test_book_for_a_branch_outside_the_callers_is_404(
    monday, reception_client, point, lazio
):
    BranchFactory.create(region=lazio, code="roma-eur", line_codes=STANDARD_LINES)

    response = reception_client.post(URL, _body(branch="roma-eur"), format="json")

    assert response.status_code == 404
    assert Appointment.objects.count() == 0


@pytest.mark.parametrize("fixture", ["operator", "regional"])
def test_book_is_refused_to_other_roles(monday, api_client, point, request, fixture):
    api_client.force_login(request.getfixturevalue(fixture))

    response = api_client.post(URL, _body(), format="json")

    assert response.status_code == 403
    assert Appointment.objects.count() == 0


def test_book_runs_a_bounded_number_of_queries(
    monday, reception_client, point, django_assert_max_num_queries
):
    fill(point, datetime.date(2026, 3, 2), datetime.date(2026, 3, 20))

    with django_assert_max_num_queries(20):  # +1: the history row
        response = reception_client.post(URL, _body(), format="json")

    assert response.status_code == 201


# --- Actions ----------------------------------------------------------------


@pytest.fixture
def appointment(point):
    return AppointmentFactory.create(meeting_point=point, start=rome(2026, 3, 4, 14, 0))


def _action(client, appointment, action, body=None):
    return client.post(f"{URL}{appointment.pk}/{action}/", body or {}, format="json")


def test_check_in_then_close_by_the_consultant(
    appointment, reception_client, api_client, consultant
):
    with time_machine.travel(rome(2026, 3, 4, 13, 50), tick=False):
        checked = _action(reception_client, appointment, "check-in")
    api_client.force_login(consultant)
    with time_machine.travel(rome(2026, 3, 4, 14, 30), tick=False):
        closed = _action(
            api_client,
            appointment,
            "close",
            {
                "preparation_notes": "Estratto verificato.",
                "outcome": "Domanda inviata.",
            },
        )

    assert checked.status_code == 200
    assert checked.json()["status"] == "checked_in"
    assert checked.json()["checked_in_at"] == "2026-03-04T13:50:00+01:00"
    assert closed.status_code == 200
    assert (
        closed.json()["status"],
        closed.json()["preparation_notes"],
        closed.json()["outcome"],
    ) == (
        "closed",
        "Estratto verificato.",
        "Domanda inviata.",
    )


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"outcome": "esito"}, ["preparation_notes"]),
        ({"preparation_notes": "  ", "outcome": "esito"}, ["preparation_notes"]),
        ({"preparation_notes": "a", "outcome": ""}, ["outcome"]),
        ({"preparation_notes": "a" * 10_001, "outcome": "b"}, ["preparation_notes"]),
    ],
)
def test_close_requires_notes_and_outcome(
    appointment, api_client, consultant, body, fields
):
    appointment.status = Appointment.Status.CHECKED_IN
    appointment.save()
    api_client.force_login(consultant)

    response = _action(api_client, appointment, "close", body)

    assert response.status_code == 400
    assert sorted(response.json()) == fields
    assert Appointment.objects.get(pk=appointment.pk).status == "checked_in"


def test_close_a_booked_appointment_is_409_invalid_state(
    appointment, api_client, consultant
):
    api_client.force_login(consultant)

    response = _action(
        api_client, appointment, "close", {"preparation_notes": "a", "outcome": "b"}
    )

    assert response.status_code == 409
    assert response.json()["code"] == "invalid_state"


def test_cancel_by_the_contact_centre_frees_the_slot(
    monday, appointment, api_client, ccm
):
    appointment.booked_by = ccm
    appointment.save()
    api_client.force_login(ccm)

    response = _action(api_client, appointment, "cancel")
    again = api_client.post(
        URL, _body(start="2026-03-04T14:00:00+01:00", channel="ccm"), format="json"
    )

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert again.status_code == 201


def test_cancel_twice_is_409(monday, appointment, reception_client):
    _action(reception_client, appointment, "cancel")

    response = _action(reception_client, appointment, "cancel")

    assert response.status_code == 409
    assert response.json()["code"] == "invalid_state"


def test_no_show_after_the_start(appointment, reception_client):
    with time_machine.travel(rome(2026, 3, 4, 14, 15), tick=False):
        response = _action(reception_client, appointment, "no-show")

    assert response.status_code == 200
    assert response.json()["status"] == "no_show"


@pytest.mark.parametrize(
    ("fixture", "action"),
    [
        ("operator", "check-in"),
        ("operator", "cancel"),
        ("operator", "no-show"),
        ("operator", "close"),
        ("receptionist", "close"),
        ("ccm", "check-in"),
        ("regional", "cancel"),
    ],
)
def test_actions_are_refused_to_the_wrong_role(
    monday, appointment, api_client, request, fixture, action
):
    api_client.force_login(request.getfixturevalue(fixture))

    response = _action(
        api_client, appointment, action, {"preparation_notes": "a", "outcome": "b"}
    )

    assert response.status_code == 403
    assert Appointment.objects.get(pk=appointment.pk).status == "booked"


def test_actions_on_another_branchs_appointment_are_404(monday, api_client, lazio):
    other = BranchFactory.create(
        region=lazio, code="roma-eur", line_codes=STANDARD_LINES
    )
    from consulenza.tests.factories import MeetingPointFactory

    foreign = AppointmentFactory.create(
        meeting_point=MeetingPointFactory.create(branch=other),
        start=rome(2026, 3, 4, 14, 0),
    )
    branch = BranchFactory.create(region=lazio, code="roma-centro-2")
    from sedi.services import staff_role_assign

    user = UserFactory.create(username="reception-2")
    staff_role_assign(user=user, role="reception", branch=branch)
    api_client.force_login(user)

    assert _action(api_client, foreign, "cancel").status_code == 404
    assert api_client.get(f"{URL}{foreign.pk}/").status_code == 404
    assert _action(api_client, foreign, "check-in").status_code == 404
    assert Appointment.objects.get(pk=foreign.pk).status == "booked"


def test_appointment_list_of_the_day_masks_the_fiscal_code(
    monday, appointment, reception_client
):
    AppointmentFactory.create(
        meeting_point=appointment.meeting_point, start=rome(2026, 3, 5, 14, 0)
    )

    response = reception_client.get(
        "/api/v1/branches/roma-centro/appointments/", {"date": "2026-03-04"}
    )

    assert response.status_code == 200
    assert [(a["id"], a["citizen"]["fiscal_code"]) for a in response.json()] == [
        (appointment.pk, "RSSMRA******562S")
    ]


# --- Who reads citizens' data -------------------------------------------------


@pytest.mark.parametrize("fixture", ["operator", "kiosk", "director", "regional"])
def test_appointments_are_not_read_by_other_roles(
    monday, appointment, api_client, request, fixture
):
    api_client.force_login(request.getfixturevalue(fixture))

    listed = api_client.get(
        "/api/v1/branches/roma-centro/appointments/?date=2026-03-04"
    )
    detail = api_client.get(f"{URL}{appointment.pk}/")

    assert (listed.status_code, detail.status_code) == (403, 403)


@pytest.mark.parametrize("fixture", ["receptionist", "consultant", "supervisor"])
def test_the_branch_reads_its_appointments(
    monday, appointment, api_client, request, fixture
):
    api_client.force_login(request.getfixturevalue(fixture))

    listed = api_client.get(
        "/api/v1/branches/roma-centro/appointments/?date=2026-03-04"
    )
    detail = api_client.get(f"{URL}{appointment.pk}/")

    assert [a["id"] for a in listed.json()] == [appointment.pk]
    assert detail.json()["citizen"]["last_name"] == "Rossi"


def test_the_contact_centre_reads_and_cancels_only_what_it_booked(
    monday, appointment, point, api_client, ccm
):
    own = AppointmentFactory.create(
        meeting_point=point, start=rome(2026, 3, 4, 14, 30), booked_by=ccm
    )
    api_client.force_login(ccm)

    listed = api_client.get(
        "/api/v1/branches/roma-centro/appointments/?date=2026-03-04"
    )
    others = api_client.get(f"{URL}{appointment.pk}/")
    cancel_others = _action(api_client, appointment, "cancel")

    assert [a["id"] for a in listed.json()] == [own.pk]
    assert others.status_code == 404
    assert cancel_others.status_code == 404
    assert Appointment.objects.get(pk=appointment.pk).status == "booked"
