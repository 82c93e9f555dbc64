import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from sportelli.models import Counter, Ticket
from sportelli.tests.conftest import ROME
from sportelli.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


def test_close_morning_closes_waiting_tickets_once(branch):
    TicketFactory.create_batch(2, branch=branch, issued_on=datetime.date(2026, 12, 2))
    out = StringIO()

    with time_machine.travel(datetime.datetime(2026, 12, 2, 12, 30, tzinfo=ROME)):
        call_command("close_morning", stdout=out)
        call_command("close_morning", stdout=out)

    assert out.getvalue().splitlines() == [
        "Tickets closed as not served: 2",
        "Tickets closed as not served: 0",
    ]
    assert Ticket.objects.filter(status="expired").count() == 2


def test_seed_demo_adds_counters_once():
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())

    counts = {
        code: Counter.objects.filter(branch__code=code).count()
        for code in ("roma-centro", "roma-eur", "civitavecchia")
    }
    assert counts == {"roma-centro": 8, "roma-eur": 5, "civitavecchia": 3}
    assert (
        Counter.objects.get(branch__code="roma-centro", number=3).name == "Sportello 3"
    )
