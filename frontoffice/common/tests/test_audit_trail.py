"""Who changed what, when: the history of every write that matters."""

import pytest
import time_machine
from django.core.management import call_command

from consulenza.models import Appointment
from reception.models import ProtocolEntry
from sedi.models import Branch
from sportelli.models import Counter, Shift
from tests.e2e.test_counters import next_open_morning

pytestmark = pytest.mark.django_db
PASSWORD = "prova-storia-66"


@pytest.fixture
def demo():
    with time_machine.travel(next_open_morning(), tick=True):
        call_command("seed_demo", "--password", PASSWORD, verbosity=0)
        yield


def _token(api_client, username):
    answer = api_client.post(
        "/api/v1/auth/token/", {"username": username, "password": PASSWORD}
    )
    return {"HTTP_AUTHORIZATION": f"Token {answer.json()['token']}"}


def test_a_shift_pause_records_who_paused_it(demo, api_client):
    counter = Counter.objects.filter(branch__code="roma-centro").first()
    assert counter is not None
    operator = _token(api_client, "operatore")
    supervisor = _token(api_client, "sala")
    api_client.post(
        f"/api/v1/counters/{counter.pk}/open/", {"line": "socio-sanitari"}, **operator
    )

    paused = api_client.post(f"/api/v1/counters/{counter.pk}/pause/", **supervisor)

    assert paused.status_code == 200
    shift = Shift.objects.get()
    authors = [
        (h.history_user.username, h.paused_at is not None)
        for h in shift.history.order_by("history_id")
    ]
    assert authors == [("operatore", False), ("sala", True)]


def test_a_complaint_status_change_records_its_author(demo, api_client):
    reception = _token(api_client, "reception")
    registered = api_client.post(
        "/api/v1/branches/roma-centro/protocol/",
        {"kind": "reclamo", "subject": "Attesa lunga"},
        format="json",
        **reception,
    )

    api_client.post(
        f"/api/v1/protocol/{registered.json()['id']}/complaint-status/",
        {"status": "in_progress"},
        format="json",
        **reception,
    )

    entry = ProtocolEntry.objects.get(pk=registered.json()["id"])
    statuses = [
        (h.complaint_status, h.history_user.username)
        for h in entry.history.order_by("history_id")
    ]
    assert statuses == [("received", "reception"), ("in_progress", "reception")]


def test_the_history_keeps_no_citizen_data():
    fields = {f.name for f in Appointment.history.model._meta.get_fields()}

    assert not fields & {"fiscal_code", "first_name", "last_name", "email", "phone"}
    assert "status" in fields


def test_the_supervisor_reads_the_history_of_their_branch_only(demo, client):
    client.login(username="sala", password=PASSWORD)
    mine = Branch.objects.get(code="roma-centro")
    theirs = Branch.objects.get(code="roma-eur")

    own = client.get(f"/admin/sedi/branch/{mine.pk}/history/")
    other = client.get(f"/admin/sedi/branch/{theirs.pk}/history/")

    assert own.status_code == 200
    assert other.status_code == 404


def test_a_row_without_history_still_opens_its_history_page(demo, client):
    from sportelli.tests.factories import TicketFactory

    ticket = TicketFactory.create(branch=Branch.objects.get(code="roma-centro"))
    client.login(username="sala", password=PASSWORD)

    page = client.get(f"/admin/sportelli/ticket/{ticket.pk}/history/")

    assert page.status_code == 200
