import pytest

from reception.models import ProtocolEntry
from reception.tests.conftest import FISCAL_CODE
from sedi.tests.factories import BranchFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/branches/roma-centro/protocol/"


@pytest.fixture
def client_of(api_client):
    def login(user):
        api_client.force_authenticate(user)
        return api_client

    return login


def test_register_a_complaint(
    client_of, receptionist, morning, django_assert_max_num_queries
):
    client = client_of(receptionist)

    with django_assert_max_num_queries(10):
        response = client.post(
            URL,
            {
                "kind": "reclamo",
                "subject": "Attesa di due ore allo sportello",
                "citizen": {
                    "fiscal_code": FISCAL_CODE,
                    "first_name": "Mario",
                    "last_name": "Rossi",
                },
            },
            format="json",
        )

    assert response.status_code == 201
    body = response.json()
    entry = ProtocolEntry.objects.get()
    assert body == {
        "id": entry.pk,
        "protocol_number": "roma-centro/2026/0000001",
        "year": 2026,
        "number": 1,
        "kind": "reclamo",
        "subject": "Attesa di due ore allo sportello",
        "attachments": 0,
        "registered_at": "2026-12-02T09:00:00+01:00",
        "sender": {
            "fiscal_code": "RSSMRA******501U",
            "first_name": "Mario",
            "last_name": "Rossi",
        },
        "annulled_at": None,
        "annulment_reason": "",
        "complaint_status": "received",
        "reply_due_on": "2027-01-01",
        "answered_at": None,
    }
    assert FISCAL_CODE not in response.content.decode()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"kind": "reclamo", "subject": ""}, "subject"),
        ({"kind": "lettera", "subject": "Oggetto"}, "kind"),
        ({"kind": "documento", "subject": "x" * 10000}, "subject"),
        ({"kind": "documento", "subject": "Oggetto", "attachments": -1}, "attachments"),
        (
            {"kind": "documento", "subject": "Oggetto", "attachments": "tre"},
            "attachments",
        ),
        (
            {
                "kind": "documento",
                "subject": "Oggetto",
                "citizen": {
                    "fiscal_code": "RSSMRA80A01H501X",
                    "first_name": "M",
                    "last_name": "R",
                },
            },
            "fiscal_code",
        ),
        ({"kind": "documento", "subject": "Oggetto", "citizen": "Mario"}, "citizen"),
        ([1, 2, 3], "non_field_errors"),
    ],
    ids=[
        "empty-subject",
        "unknown-kind",
        "huge-subject",
        "negative",
        "not-a-number",
        "bad-cf",
        "citizen-string",
        "list",
    ],
)
def test_bad_input_is_400_with_field_errors_and_nothing_written(
    client_of, receptionist, morning, payload, field
):
    response = client_of(receptionist).post(URL, payload, format="json")

    assert response.status_code == 400
    assert field in response.json() or field in response.json().get("citizen", {})
    assert ProtocolEntry.objects.count() == 0


def test_another_branch_is_404(client_of, receptionist, morning):
    BranchFactory.create(code="roma-eur")

    response = client_of(receptionist).post(
        "/api/v1/branches/roma-eur/protocol/",
        {"kind": "documento", "subject": "Oggetto"},
        format="json",
    )

    assert response.status_code == 404
    assert ProtocolEntry.objects.count() == 0


def test_list_register_paginated_with_masked_fiscal_codes(
    client_of, receptionist, morning
):
    client = client_of(receptionist)
    for subject in ("Primo", "Secondo"):
        client.post(
            URL,
            {
                "kind": "documento",
                "subject": subject,
                "citizen": {
                    "fiscal_code": FISCAL_CODE,
                    "first_name": "M",
                    "last_name": "R",
                },
            },
            format="json",
        )

    response = client.get(URL)

    assert response.status_code == 200
    assert response.json()["count"] == 2
    assert [r["subject"] for r in response.json()["results"]] == ["Secondo", "Primo"]
    assert FISCAL_CODE not in response.content.decode()


def test_annul_then_annul_again(client_of, receptionist, supervisor, morning):
    created = client_of(receptionist).post(
        URL, {"kind": "documento", "subject": "Oggetto"}, format="json"
    )
    url = f"/api/v1/protocol/{created.json()['id']}/annul/"
    client = client_of(supervisor)

    assert client.post(url, {}, format="json").status_code == 400
    first = client.post(url, {"reason": "Doppia registrazione"}, format="json")
    again = client.post(url, {"reason": "Ancora"}, format="json")

    assert first.status_code == 200
    assert first.json()["protocol_number"] == "roma-centro/2026/0000001"
    assert first.json()["annulment_reason"] == "Doppia registrazione"
    assert (again.status_code, again.json()["code"]) == (409, "already_annulled")


def test_complaint_status_and_due_list(client_of, receptionist, supervisor, morning):
    created = client_of(receptionist).post(
        URL, {"kind": "reclamo", "subject": "Attesa"}, format="json"
    )
    client = client_of(supervisor)

    due = client.get("/api/v1/branches/roma-centro/complaints/due/")
    assert due.status_code == 200
    assert due.json() == []

    moved = client.post(
        f"/api/v1/protocol/{created.json()['id']}/complaint-status/",
        {"status": "answered"},
        format="json",
    )
    assert (moved.status_code, moved.json()["complaint_status"]) == (200, "answered")
    bad = client.post(
        f"/api/v1/protocol/{created.json()['id']}/complaint-status/",
        {"status": "chiuso"},
        format="json",
    )
    assert bad.status_code == 400


def test_entry_of_another_branch_is_404(client_of, receptionist, morning):
    from reception.services import protocol_register

    other = BranchFactory.create(code="roma-eur")
    entry = protocol_register(
        branch=other, kind="documento", subject="Altrove", registered_by=receptionist
    )

    response = client_of(receptionist).post(
        f"/api/v1/protocol/{entry.pk}/annul/", {"reason": "x"}, format="json"
    )

    assert response.status_code == 404
    entry.refresh_from_db()
    assert entry.annulled_at is None
