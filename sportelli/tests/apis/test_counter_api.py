import pytest

from sedi.tests.factories import BranchFactory
from sportelli.models import Shift, Ticket
from sportelli.tests.conftest import STANDARD_LINES
from sportelli.tests.factories import CounterFactory, ShiftFactory, TicketFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_of(api_client):
    def login(user):
        api_client.force_authenticate(user)
        return api_client

    return login


def post(client, url, data=None):
    return client.post(url, data or {}, format="json")


def test_operator_opens_and_closes_a_counter(client_of, counter, operator, morning):
    client = client_of(operator)

    opened = post(
        client, f"/api/v1/counters/{counter.pk}/open/", {"line": "socio-sanitari"}
    )
    assert opened.status_code == 200
    assert opened.json() == {
        "id": counter.pk,
        "number": 3,
        "name": "Sportello 3",
        "line": "socio-sanitari",
        "is_open": True,
        "is_paused": False,
        "operator": "Mario Rossi",
    }

    paused = post(client, f"/api/v1/counters/{counter.pk}/pause/")
    assert paused.json()["is_paused"] is True
    resumed = post(client, f"/api/v1/counters/{counter.pk}/resume/")
    assert resumed.json()["is_paused"] is False

    closed = post(client, f"/api/v1/counters/{counter.pk}/close/")
    assert closed.status_code == 200
    assert (closed.json()["is_open"], closed.json()["line"]) == (False, None)


@pytest.mark.parametrize(
    ("payload", "status", "key"),
    [
        ({}, 400, "line"),
        ({"line": 12}, 400, "line"),
        ({"line": "x" * 300}, 400, "line"),
        ({"line": "poli-specialistici"}, 409, "code"),
    ],
    ids=["missing", "number", "huge", "closed-line"],
)
def test_open_with_bad_input(
    client_of, counter, operator, morning, payload, status, key
):
    response = post(
        client_of(operator), f"/api/v1/counters/{counter.pk}/open/", payload
    )

    assert response.status_code == status
    assert key in response.json()
    assert Shift.objects.count() == 0


def test_counter_of_another_branch_is_404(client_of, operator, morning):
    elsewhere = CounterFactory.create(
        branch=BranchFactory.create(code="roma-eur", line_codes=STANDARD_LINES)
    )

    for action in ("open", "close", "pause", "call-next"):
        response = post(
            client_of(operator),
            f"/api/v1/counters/{elsewhere.pk}/{action}/",
            {"line": "socio-sanitari"},
        )
        assert response.status_code == 404, action


def test_reception_cannot_run_a_counter(client_of, counter, receptionist, morning):
    response = post(
        client_of(receptionist),
        f"/api/v1/counters/{counter.pk}/open/",
        {"line": "socio-sanitari"},
    )

    assert response.status_code == 403


def test_call_next_returns_the_ticket_or_204(
    client_of, branch, counter, operator, morning, django_assert_max_num_queries
):
    ShiftFactory.create(counter=counter, operator=operator)
    ticket = TicketFactory.create(branch=branch, number=12)
    client = client_of(operator)

    # The caller's roles, the counter, then (within two savepoints) its locked
    # shift, the ticket in progress (none), the line's last calls, the next
    # ticket, its call and its event; a called ticket's answer reads nothing
    # more.
    with django_assert_max_num_queries(10):
        response = post(client, f"/api/v1/counters/{counter.pk}/call-next/")

    assert response.status_code == 200
    assert response.json()["id"] == ticket.pk
    assert response.json()["number"] == "A012"
    assert response.json()["status"] == "called"
    assert response.json()["counter"] == "Sportello 3"
    assert response.json()["call_reason"] == "order"
    assert response.json()["position"] is None

    # The caller's roles, the ticket, then (within two savepoints) the ticket
    # locked, the line's catalogue, the close, its services and its event.
    with django_assert_max_num_queries(9):
        complete = post(
            client,
            f"/api/v1/tickets/{ticket.pk}/complete/",
            {"services": ["pin-cittadino"]},
        )
    assert complete.status_code == 200
    assert (complete.json()["status"], complete.json()["position"]) == (
        "completed",
        None,
    )
    # Nobody waits: the counter's ticket in progress is read on its own.
    with django_assert_max_num_queries(8):
        empty = post(client, f"/api/v1/counters/{counter.pk}/call-next/")
    assert empty.status_code == 204
    assert empty.content == b""


def test_call_next_on_a_closed_counter_is_409(client_of, counter, operator, morning):
    response = post(client_of(operator), f"/api/v1/counters/{counter.pk}/call-next/")

    assert response.status_code == 409
    assert response.json()["code"] == "counter_closed"
    assert (
        response.json()["detail"] == "Lo sportello non è aperto: aprire prima un turno."
    )


@pytest.fixture
def called(client_of, branch, counter, operator, morning):
    ShiftFactory.create(counter=counter, operator=operator)
    TicketFactory.create(branch=branch, number=7)
    response = post(client_of(operator), f"/api/v1/counters/{counter.pk}/call-next/")
    return Ticket.objects.get(pk=response.json()["id"])


def test_ticket_actions(client_of, called, operator):
    client = client_of(operator)

    recall = post(client, f"/api/v1/tickets/{called.pk}/recall/")
    assert (recall.status_code, recall.json()["recall_count"]) == (200, 1)

    transfer = post(
        client, f"/api/v1/tickets/{called.pk}/transfer/", {"line": "socio-sanitari"}
    )
    assert transfer.status_code == 200
    assert (transfer.json()["status"], transfer.json()["line"]) == (
        "waiting",
        "socio-sanitari",
    )
    assert transfer.json()["position"] == 1


def test_complete_with_unknown_service_is_400(client_of, called, operator):
    response = post(
        client_of(operator),
        f"/api/v1/tickets/{called.pk}/complete/",
        {"services": ["pin-cittadino", "volo-per-marte"]},
    )

    assert response.status_code == 400
    assert response.json() == {
        "services": ["Servizi non previsti dalla linea: volo-per-marte."]
    }
    called.refresh_from_db()
    assert called.status == "called"


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"services": "pin-cittadino"},
        {"services": [{"a": 1}]},
        {"services": ["x" * 200]},
    ],
    ids=["missing", "not-a-list", "objects", "huge"],
)
def test_complete_with_malformed_services_is_400(client_of, called, operator, payload):
    response = post(
        client_of(operator), f"/api/v1/tickets/{called.pk}/complete/", payload
    )

    assert response.status_code == 400
    assert "services" in response.json()


def test_completing_twice_is_409(client_of, called, operator):
    client = client_of(operator)
    url = f"/api/v1/tickets/{called.pk}/complete/"
    assert post(client, url, {"services": ["pin-cittadino"]}).status_code == 200

    again = post(client, url, {"services": ["pin-cittadino"]})

    assert again.status_code == 409
    assert again.json()["code"] == "invalid_state"


def test_no_show(client_of, called, operator):
    response = post(client_of(operator), f"/api/v1/tickets/{called.pk}/no-show/")

    assert (response.status_code, response.json()["status"]) == (200, "no_show")


def test_ticket_of_another_branch_is_404(client_of, operator, morning):
    other = TicketFactory.create(branch=BranchFactory.create(code="roma-eur"))

    for action in ("recall", "complete", "no-show", "transfer"):
        response = post(client_of(operator), f"/api/v1/tickets/{other.pk}/{action}/")
        assert response.status_code == 404, action
