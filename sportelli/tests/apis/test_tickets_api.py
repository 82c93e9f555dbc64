import datetime

import pytest
import time_machine
from django.utils import timezone

from sedi.tests.factories import BranchFactory
from sportelli import services
from sportelli.models import Shift, Ticket, TicketEvent
from sportelli.tests.conftest import MORNING, ROME, STANDARD_LINES
from sportelli.tests.factories import CounterFactory, ShiftFactory, TicketFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/branches/roma-centro/tickets/"


@pytest.fixture
def as_user(api_client):
    def login(user):
        api_client.force_authenticate(user)
        return api_client

    return login


def test_kiosk_issues_a_ticket(as_user, kiosk, morning, django_assert_max_num_queries):
    client = as_user(kiosk)

    # The caller's roles, the branch, the line, the number, the ticket and its
    # event (within two savepoints), then its place: one read, two before the
    # line's first service of the day, and the past days' services once per
    # cache period.
    with django_assert_max_num_queries(11):
        response = client.post(URL, {"line": "soggetto-contribuente"}, format="json")

    assert response.status_code == 201
    body = response.json()
    ticket = Ticket.objects.get()
    assert body == {
        "id": ticket.pk,
        "number": "D001",
        "line": "soggetto-contribuente",
        "issued_at": "2026-12-02T09:00:00+01:00",
        "status": "waiting",
        "priority": False,
        "position": 1,
        # No counter serves the line yet: no wait can be promised.
        "estimated_wait_minutes": None,
        "estimated_wait_min_minutes": None,
        "estimated_wait_max_minutes": None,
        "public_code": ticket.public_code,
        "counter": None,
        "called_at": None,
        "call_reason": "",
        "recall_count": 0,
        "finished_at": None,
    }
    assert ticket.channel == Ticket.Channel.KIOSK
    assert ticket.issued_by == kiosk


def test_reception_issues_with_priority(as_user, branch, receptionist, morning):
    TicketFactory.create_batch(2, branch=branch)
    response = as_user(receptionist).post(
        URL, {"line": "assicurato-pensionato", "priority": True}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["priority"] is True
    assert response.json()["position"] == 1
    assert Ticket.objects.get(pk=response.json()["id"]).channel == "reception"


@pytest.mark.parametrize(
    ("payload", "errors"),
    [
        ({}, {"line": ["Campo obbligatorio."]}),
        ({"line": ""}, {"line": ["Questo campo non può essere omesso."]}),
        ({"line": ["a"]}, {"line": ["Not a valid string."]}),
        (
            {"line": "x" * 5000},
            {"line": ["Assicurati che questo campo non abbia più di 50 caratteri."]},
        ),
        ({"line": "nessuna"}, {"line": ["Linea sconosciuta: nessuna."]}),
        (
            {"line": "socio-sanitari", "priority": "forse"},
            {"priority": ["Must be a valid boolean."]},
        ),
    ],
    ids=["missing", "blank", "list", "huge", "unknown", "priority-not-bool"],
)
def test_bad_input_is_400_and_writes_nothing(as_user, kiosk, morning, payload, errors):
    response = as_user(kiosk).post(URL, payload, format="json")

    assert response.status_code == 400
    assert response.json() == errors
    assert Ticket.objects.count() == 0


def test_malformed_json_is_400(as_user, kiosk, morning):
    response = as_user(kiosk).post(URL, "{not json", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_after_twelve_it_is_409_outside_hours(as_user, kiosk):
    client = as_user(kiosk)
    with time_machine.travel(datetime.datetime(2026, 12, 2, 12, 1, tzinfo=ROME)):
        response = client.post(URL, {"line": "socio-sanitari"}, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "outside_hours"
    assert "12:00" in response.json()["detail"]
    assert Ticket.objects.count() == 0


def test_a_line_not_at_the_branch_is_409_line_closed(as_user, kiosk, morning):
    response = as_user(kiosk).post(URL, {"line": "poli-specialistici"}, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "line_closed"


def test_another_branch_is_404(as_user, kiosk, morning):
    BranchFactory.create(code="roma-eur", line_codes=STANDARD_LINES)

    response = as_user(kiosk).post(
        "/api/v1/branches/roma-eur/tickets/", {"line": "socio-sanitari"}, format="json"
    )

    assert response.status_code == 404
    assert Ticket.objects.count() == 0


def test_an_operator_does_not_issue_tickets(as_user, operator, morning):
    response = as_user(operator).post(URL, {"line": "socio-sanitari"}, format="json")

    assert response.status_code == 403


def test_anonymous_is_401(api_client, branch, morning):
    response = api_client.post(URL, {"line": "socio-sanitari"}, format="json")

    assert response.status_code == 401


def test_queue_reports_each_line(
    as_user, receptionist, counter, morning, django_assert_max_num_queries
):
    ShiftFactory.create(counter=counter)
    TicketFactory.create(
        branch=counter.branch, issued_at=timezone.now() - datetime.timedelta(minutes=12)
    )

    with django_assert_max_num_queries(9):
        response = as_user(receptionist).get("/api/v1/branches/roma-centro/queue/")

    assert response.status_code == 200
    assert response.json()[0] == {
        "line": "assicurato-pensionato",
        "name": "Linea Assicurato Pensionato",
        "letter": "A",
        "waiting": 1,
        "priority_waiting": 0,
        "longest_wait_minutes": 12,
        "open_counters": 1,
        "service_minutes": 8.0,
        "estimated_wait_minutes": 8,
        "estimated_wait_min_minutes": 4,
        "estimated_wait_max_minutes": 12,
    }
    assert len(response.json()) == 4
    # Nobody waits at an unstaffed line and none serves it: null, not 0.
    unstaffed = response.json()[1]
    assert (unstaffed["waiting"], unstaffed["open_counters"]) == (0, 0)
    assert [
        unstaffed[key]
        for key in (
            "estimated_wait_minutes",
            "estimated_wait_min_minutes",
            "estimated_wait_max_minutes",
        )
    ] == [None, None, None]


def test_queue_of_another_branch_is_404(as_user, receptionist, morning):
    BranchFactory.create(code="roma-eur")

    response = as_user(receptionist).get("/api/v1/branches/roma-eur/queue/")

    assert response.status_code == 404


def test_public_ticket_status_by_code(api_client, branch, morning):
    ticket = TicketFactory.create(branch=branch, number=7)

    response = api_client.get(f"/api/v1/tickets/status/{ticket.public_code}/")

    assert response.status_code == 200
    assert response.json() == {
        "number": "A007",
        "line": "assicurato-pensionato",
        "line_name": "Linea Assicurato Pensionato",
        "branch": "roma-centro",
        "issued_at": "2026-12-02T09:00:00+01:00",
        "status": "waiting",
        "position": 1,
        "estimated_wait_minutes": None,
        "estimated_wait_min_minutes": None,
        "estimated_wait_max_minutes": None,
        "counter": None,
    }


def test_public_ticket_status_with_a_counter_open_gives_a_range(
    api_client, branch, counter, morning
):
    ShiftFactory.create(counter=counter)
    TicketFactory.create_batch(3, branch=branch)
    ticket = TicketFactory.create(branch=branch)

    body = api_client.get(f"/api/v1/tickets/status/{ticket.public_code}/").json()

    # 3 ahead × 8 min = 24, spread 4 × √3 ≈ 6.9: 17 to 31.
    assert (
        body["position"],
        body["estimated_wait_minutes"],
        body["estimated_wait_min_minutes"],
        body["estimated_wait_max_minutes"],
    ) == (4, 24, 17, 31)


def test_unknown_public_code_is_404(api_client, branch):
    response = api_client.get("/api/v1/tickets/status/non-esiste/")

    assert response.status_code == 404


def test_display_shows_calls_and_counters_without_names(
    api_client, branch, counter, operator, morning, django_assert_max_num_queries
):
    ShiftFactory.create(counter=counter, operator=operator)
    TicketFactory.create(
        branch=branch,
        number=7,
        status=Ticket.Status.CALLED,
        counter=counter,
        called_at=MORNING,
    )

    # The branch, the calls, the counters and their catalogues (4), and the
    # queue of each line (5): whatever the number of tickets.
    with django_assert_max_num_queries(9):
        response = api_client.get("/api/v1/branches/roma-centro/display/")

    assert response.status_code == 200
    body = response.json()
    assert body["calls"] == [
        {
            "id": Ticket.objects.get().pk,
            "ticket": "A007",
            "counter": "Sportello 3",
            "counter_number": 3,
            "line": "assicurato-pensionato",
            "called_at": "2026-12-02T09:00:00+01:00",
            "recalled_at": None,
            "recall_count": 0,
            "is_recall": False,
        }
    ]
    shown = body["counters"][0]
    assert shown["counter"] == "Sportello 3"
    assert shown["line_name"] == "Linea Assicurato Pensionato"
    assert shown["services"][:2] == [
        "Presentazione dichiarazioni/autocertificazioni a vario titolo",
        "Informazioni stato di lavorazione delle pratiche",
    ]
    assert operator.last_name not in response.text
    assert operator.username not in response.text


def test_display_gives_each_line_its_waiting_count_and_honest_wait(
    api_client, branch, counter, operator, morning
):
    shift = ShiftFactory.create(counter=counter, operator=operator)
    for number in (1, 2, 3):
        TicketFactory.create(branch=branch, number=number, line=shift.line)
    TicketFactory.create(
        branch=branch,
        number=1,
        line=branch.lines.get(code="socio-sanitari"),
    )

    body = api_client.get("/api/v1/branches/roma-centro/display/").json()

    lines = {row["line"]: row for row in body["lines"]}
    assert list(lines) == STANDARD_LINES
    # 3 ahead of a ticket taken now × 8 min (none measured) ÷ 1 counter =
    # 24, spread 4 × √3 ≈ 6.9: 17–31.
    assert lines["assicurato-pensionato"] == {
        "line": "assicurato-pensionato",
        "line_name": "Linea Assicurato Pensionato",
        "letter": "A",
        "waiting": 3,
        "open_counters": 1,
        "estimated_wait_minutes": 24,
        "estimated_wait_min_minutes": 17,
        "estimated_wait_max_minutes": 31,
    }
    # One waits, no counter serves the line: no wait is promised, never 0.
    assert lines["socio-sanitari"]["waiting"] == 1
    assert lines["socio-sanitari"]["open_counters"] == 0
    assert lines["socio-sanitari"]["estimated_wait_minutes"] is None
    assert lines["socio-sanitari"]["estimated_wait_min_minutes"] is None
    assert lines["socio-sanitari"]["estimated_wait_max_minutes"] is None


def test_display_marks_a_recall_and_counts_a_new_ticket_at_once(
    api_client, branch, counter, operator, morning
):
    shift = ShiftFactory.create(counter=counter, operator=operator)
    services.ticket_issue(
        branch=branch, line_code=shift.line.code, channel=Ticket.Channel.KIOSK
    )
    called = services.ticket_call_next(counter=counter, operator=operator)
    assert called is not None
    before = api_client.get("/api/v1/branches/roma-centro/display/").json()

    services.ticket_recall(ticket=called, actor=operator)
    services.ticket_issue(
        branch=branch, line_code=shift.line.code, channel=Ticket.Channel.KIOSK
    )
    after = api_client.get("/api/v1/branches/roma-centro/display/").json()

    assert [(c["ticket"], c["is_recall"]) for c in before["calls"]] == [("A001", False)]
    assert [
        (c["ticket"], c["recall_count"], c["is_recall"]) for c in after["calls"]
    ] == [("A001", 1, True)]
    # The cached answer was dropped by the ticket events: the new ticket
    # waits on the display at once.
    waiting = {row["line"]: row["waiting"] for row in after["lines"]}
    assert waiting["assicurato-pensionato"] == 1


def test_a_thousand_displays_cost_what_one_does(
    api_client, branch, counter, operator, morning, django_assert_num_queries
):
    shift = ShiftFactory.create(counter=counter, operator=operator)
    waiting = TicketFactory.create(branch=branch, number=8, line=shift.line)
    first = api_client.get("/api/v1/branches/roma-centro/display/")

    # Answered from the shared cache: no query, and 304 for a screen that
    # already holds this answer.
    with django_assert_num_queries(0):
        again = api_client.get("/api/v1/branches/roma-centro/display/")
        unchanged = api_client.get(
            "/api/v1/branches/roma-centro/display/",
            HTTP_IF_NONE_MATCH=first["ETag"],
        )
    # A call changes the display: the next read shows it at once.
    called = services.ticket_call_next(counter=counter, operator=operator)
    after = api_client.get(
        "/api/v1/branches/roma-centro/display/", HTTP_IF_NONE_MATCH=first["ETag"]
    )

    assert again.content == first.content
    assert unchanged.status_code == 304
    assert called is not None
    assert called.pk == waiting.pk
    assert after.status_code == 200
    assert [call["id"] for call in after.json()["calls"]] == [waiting.pk]


def test_a_virtual_ticket_is_fresh_after_its_own_call(
    api_client, branch, counter, operator, morning, django_assert_num_queries
):
    shift = ShiftFactory.create(counter=counter, operator=operator)
    ticket = TicketFactory.create(branch=branch, number=9, line=shift.line)
    url = f"/api/v1/tickets/status/{ticket.public_code}/"
    before = api_client.get(url).json()

    with django_assert_num_queries(0):
        api_client.get(url)
    services.ticket_call_next(counter=counter, operator=operator)
    after = api_client.get(url).json()

    assert (before["status"], after["status"]) == ("waiting", "called")


def test_counter_list(as_user, receptionist, branch, counter, operator, morning):
    CounterFactory.create(branch=branch, number=1, name="Sportello 1")
    ShiftFactory.create(counter=counter, operator=operator)

    response = as_user(receptionist).get("/api/v1/branches/roma-centro/counters/")

    assert response.status_code == 200
    assert [(c["name"], c["line"], c["is_open"]) for c in response.json()] == [
        ("Sportello 1", None, False),
        ("Sportello 3", "assicurato-pensionato", True),
    ]
    assert set(response.json()[0]) == {
        "id",
        "number",
        "name",
        "line",
        "is_open",
        "is_paused",
        "operator",
    }


def test_events_record_who_issued(as_user, kiosk, morning):
    as_user(kiosk).post(URL, {"line": "socio-sanitari"}, format="json")

    event = TicketEvent.objects.get()
    assert (event.kind, event.actor, event.at) == ("issued", kiosk, timezone.now())
    assert Shift.objects.count() == 0
