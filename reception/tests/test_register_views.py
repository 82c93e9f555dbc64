"""The protocol register's page: search by number, date, kind and subject;
annulment with a reason from the entry's page."""

import datetime
import re

import pytest
import time_machine

from reception.models import ProtocolEntry
from reception.services import protocol_register
from reception.tests.conftest import ROME

pytestmark = pytest.mark.django_db

REGISTER = "/accoglienza/roma-centro/protocollo/registro/"


@pytest.fixture
def entries(branch, receptionist):
    made = {}
    for day, kind, subject in (
        (1, "documento", "Domanda di pensione"),
        (2, "reclamo", "Attesa allo sportello"),
        (3, "documento", "Certificato medico"),
    ):
        with time_machine.travel(
            datetime.datetime(2026, 12, day, 10, 0, tzinfo=ROME), tick=False
        ):
            made[subject] = protocol_register(
                branch=branch, kind=kind, subject=subject, registered_by=receptionist
            )
    return made


def numbers(page: str) -> list[str]:
    return re.findall(r">(roma-centro/2026/\d{7})</a>", page)


@pytest.fixture
def desk(client, receptionist, morning):
    client.force_login(receptionist)
    return client


def test_the_register_lists_the_entries_newest_first(
    desk, entries, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        response = desk.get(REGISTER)

    assert response.status_code == 200
    assert numbers(response.text) == [
        "roma-centro/2026/0000003",
        "roma-centro/2026/0000002",
        "roma-centro/2026/0000001",
    ]


@pytest.mark.parametrize(
    ("form", "expected"),
    [
        ({"numero": "2"}, ["0000002"]),
        ({"numero": "roma-centro/2026/0000003"}, ["0000003"]),
        ({"numero": "roma-centro/2025/0000003"}, []),
        ({"dal": "2026-12-02", "al": "2026-12-02"}, ["0000002"]),
        ({"dal": "2026-12-02"}, ["0000003", "0000002"]),
        ({"tipo": "reclamo"}, ["0000002"]),
        ({"oggetto": "PENSIONE domanda"}, ["0000001"]),
        ({"tipo": "documento", "oggetto": "certificato"}, ["0000003"]),
    ],
)
def test_the_register_is_searched_by_post(desk, entries, form, expected):
    response = desk.post(REGISTER, form)

    assert response.status_code == 200
    assert [n.rsplit("/", 1)[1] for n in numbers(response.text)] == expected


def test_a_malformed_search_answers_field_errors_not_a_500(desk, entries):
    response = desk.post(REGISTER, {"numero": "abc", "dal": "2026-13-45"})

    assert response.status_code == 400
    assert 'aria-describedby="search-number-error"' in response.text
    assert 'aria-describedby="search-from-error"' in response.text
    assert 'value="abc"' in response.text


def test_an_entry_is_annulled_from_its_page_with_a_reason(desk, entries):
    entry = entries["Certificato medico"]
    url = f"/accoglienza/roma-centro/protocollo/{entry.pk}/"
    assert 'name="reason"' in desk.get(url).text

    response = desk.post(
        f"{url}annulla/", {"reason": "Registrato due volte"}, follow=True
    )

    entry.refresh_from_db()
    assert entry.is_annulled
    assert entry.annulment_reason == "Registrato due volte"
    assert entry.number == 3
    assert response.redirect_chain == [(url, 302)]
    assert "Registrazione roma-centro/2026/0000003 annullata" in response.text
    assert 'name="reason"' not in response.text
    # Still in the register, marked.
    listed = desk.post(REGISTER, {"numero": "3"}).text
    assert "<strong>annullata</strong>" in listed


def test_an_annulment_without_reason_keeps_the_entry_valid(desk, entries):
    entry = entries["Certificato medico"]

    response = desk.post(
        f"/accoglienza/roma-centro/protocollo/{entry.pk}/annulla/", {"reason": " "}
    )

    assert response.status_code == 400
    assert 'aria-describedby="annul-reason-error"' in response.text
    assert ProtocolEntry.objects.get(pk=entry.pk).annulled_at is None


def test_the_register_of_another_branch_is_not_found(desk, entries):
    from sedi.tests.factories import BranchFactory

    BranchFactory.create(code="roma-eur")

    assert desk.get("/accoglienza/roma-eur/protocollo/registro/").status_code == 404
