import datetime

import pytest
import time_machine

from sportelli.models import Ticket, TicketEvent
from sportelli.services import tickets_expire
from sportelli.tasks import tickets_expire as tickets_expire_task
from sportelli.tests.conftest import ROME
from sportelli.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 2)


def at(hour, minute, day=TODAY):
    return time_machine.travel(
        datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=ROME),
        tick=False,
    )


def test_nothing_closes_while_the_counters_serve(branch):
    TicketFactory.create(branch=branch, issued_on=TODAY)

    with at(12, 29):
        assert tickets_expire() == 0

    assert Ticket.objects.get().status == Ticket.Status.WAITING


def test_at_half_past_twelve_waiting_tickets_close_as_not_served(branch):
    waiting = TicketFactory.create(branch=branch, issued_on=TODAY)
    called = TicketFactory.create(
        branch=branch, issued_on=TODAY, status=Ticket.Status.CALLED
    )
    served = TicketFactory.create(
        branch=branch, issued_on=TODAY, status=Ticket.Status.COMPLETED
    )

    with at(12, 30):
        assert tickets_expire() == 1

    waiting.refresh_from_db()
    assert waiting.status == Ticket.Status.EXPIRED
    assert waiting.finished_at == datetime.datetime(2026, 12, 2, 12, 30, tzinfo=ROME)
    assert list(waiting.events.values_list("kind", flat=True)) == ["expired"]
    called.refresh_from_db()
    served.refresh_from_db()
    assert (called.status, served.status) == ("called", "completed")


def test_tickets_of_earlier_days_close_in_the_morning_too(branch):
    old = TicketFactory.create(branch=branch, issued_on=TODAY - datetime.timedelta(1))
    today = TicketFactory.create(branch=branch, issued_on=TODAY)

    with at(9, 0):
        assert tickets_expire() == 1

    old.refresh_from_db()
    today.refresh_from_db()
    assert (old.status, today.status) == ("expired", "waiting")


def test_running_twice_closes_nothing_more(branch):
    TicketFactory.create_batch(3, branch=branch, issued_on=TODAY)

    with at(12, 30):
        first = tickets_expire()
        second = tickets_expire()

    assert (first, second) == (3, 0)
    assert TicketEvent.objects.filter(kind="expired").count() == 3


def test_the_task_runs_the_service(branch):
    TicketFactory.create(branch=branch, issued_on=TODAY)

    with at(12, 30):
        assert tickets_expire_task.delay().get() == 1


def test_batches_cover_many_tickets(branch, monkeypatch):
    monkeypatch.setattr("sportelli.services.EXPIRE_BATCH", 2)
    TicketFactory.create_batch(5, branch=branch, issued_on=TODAY)

    with at(13, 0):
        assert tickets_expire() == 5

    assert Ticket.objects.filter(status="waiting").count() == 0
