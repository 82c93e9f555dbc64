import pytest

from reception.models import Arrival, Form
from sedi.models import Service
from sportelli.models import Ticket

pytestmark = pytest.mark.django_db

URL = "/api/v1/branches/roma-centro/arrivals/"


@pytest.fixture
def client(api_client, receptionist):
    api_client.force_authenticate(receptionist)
    return api_client


def test_arrival_with_ticket_for_the_service_line(client, morning):
    service = Service.objects.get(line__code="socio-sanitari", code="visita-medica")

    response = client.post(
        URL, {"outcome": "ticket", "service": service.pk}, format="json"
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["outcome"], body["line"], body["ticket"]["number"]) == (
        "ticket",
        "socio-sanitari",
        "B001",
    )
    assert body["reason"] == "Richiesta di assegnazione visita medica"


def test_arrival_with_a_form(client, morning):
    Form.objects.create(code="modello-as1", title="Modello AS1")

    response = client.post(
        URL, {"outcome": "form", "form": "modello-as1"}, format="json"
    )

    assert (response.status_code, response.json()["form"]) == (201, "modello-as1")


@pytest.mark.parametrize(
    ("payload", "status", "key"),
    [
        ({"outcome": "ticket"}, 400, "line"),
        ({"outcome": "ticket", "line": "nessuna", "reason": "x"}, 400, "line"),
        ({"outcome": "ticket", "service": 999999}, 400, "service"),
        ({"outcome": "form", "form": "nessuno"}, 400, "form"),
        ({"outcome": "teletrasporto"}, 400, "outcome"),
        ({"outcome": "information", "reason": ""}, 400, "reason"),
        (
            {"outcome": "ticket", "line": "poli-specialistici", "reason": "x"},
            409,
            "code",
        ),
    ],
)
def test_bad_input(client, morning, payload, status, key):
    response = client.post(URL, payload, format="json")

    assert response.status_code == status
    assert key in response.json()
    assert Arrival.objects.count() == 0
    assert Ticket.objects.count() == 0


def test_stats_for_the_day(client, morning):
    client.post(URL, {"outcome": "information", "reason": "Orari"}, format="json")

    response = client.get(
        "/api/v1/branches/roma-centro/reception/stats/?date=2026-12-02"
    )

    assert response.status_code == 200
    assert response.json()["arrivals"] == 1
    assert response.json()["by_reason"] == [{"reason": "Orari", "arrivals": 1}]
    assert response.json()["solved_at_reception_share"] == 1.0
    assert (
        client.get(
            "/api/v1/branches/roma-centro/reception/stats/?date=ieri"
        ).status_code
        == 400
    )
