import datetime

import pytest
from django.utils import timezone

from frontoffice.common.exceptions import ApplicationError
from sedi.models import ServiceLine
from sportelli.models import Ticket
from sportelli.services import ticket_call_next, ticket_complete
from sportelli.tests.factories import ShiftFactory, TicketFactory

pytestmark = pytest.mark.django_db

PENSIONER = "assicurato-pensionato"


@pytest.fixture
def shift(counter, operator):
    return ShiftFactory.create(counter=counter, operator=operator)


def waiting(branch, minutes_ago, *, priority=False, line=PENSIONER, **kwargs):
    return TicketFactory.create(
        branch=branch,
        line=ServiceLine.objects.get(code=line),
        issued_at=timezone.now() - datetime.timedelta(minutes=minutes_ago),
        priority=priority,
        **kwargs,
    )


def serve(counter, operator, clock):
    """Let a minute pass, call the next ticket and complete it; return it."""
    clock.shift(datetime.timedelta(minutes=1))
    ticket = ticket_call_next(counter=counter, operator=operator)
    assert ticket is not None
    ticket_complete(ticket=ticket, actor=operator, service_codes=["pin-cittadino"])
    return ticket


def test_calls_the_oldest_waiting_ticket_of_the_counter_line(
    branch, counter, operator, shift, morning
):
    newer = waiting(branch, 5)
    oldest = waiting(branch, 20)
    waiting(branch, 30, line="socio-sanitari")

    ticket = ticket_call_next(counter=counter, operator=operator)

    assert ticket == oldest
    assert ticket.status == Ticket.Status.CALLED
    assert ticket.counter == counter
    assert ticket.shift == shift
    assert ticket.called_at == timezone.now()
    assert ticket.call_reason == Ticket.CallReason.ORDER
    event = ticket.events.get(kind="called")
    assert (event.actor, event.counter, event.data) == (
        operator,
        counter,
        {"reason": "order"},
    )
    newer.refresh_from_db()
    assert newer.status == Ticket.Status.WAITING


def test_returns_none_when_nobody_waits(branch, counter, operator, shift, morning):
    waiting(branch, 5, status=Ticket.Status.COMPLETED)
    waiting(branch, 5, issued_on=datetime.date(2026, 12, 1))  # yesterday's

    assert ticket_call_next(counter=counter, operator=operator) is None


def test_priority_tickets_go_first_with_the_reason_recorded(
    branch, counter, operator, shift, morning
):
    waiting(branch, 30)
    priority = waiting(branch, 1, priority=True)

    ticket = serve(counter, operator, morning)

    assert ticket == priority
    assert ticket.call_reason == Ticket.CallReason.PRIORITY


def test_after_three_priority_calls_the_oldest_ordinary_ticket_goes_next(
    branch, counter, operator, shift, morning
):
    ordinary = waiting(branch, 60)
    later_ordinary = waiting(branch, 50)
    for minutes in (40, 30, 20, 10):
        waiting(branch, minutes, priority=True)

    served = [serve(counter, operator, morning) for _ in range(6)]

    assert [t.priority for t in served] == [True, True, True, False, True, False]
    assert served[3] == ordinary
    assert served[3].call_reason == Ticket.CallReason.ANTI_STARVATION
    assert served[5] == later_ordinary
    assert served[5].call_reason == Ticket.CallReason.ORDER


def test_the_streak_limit_is_configurable(
    branch, counter, operator, shift, morning, settings
):
    settings.TICKET_PRIORITY_STREAK = 1
    ordinary = waiting(branch, 60)
    waiting(branch, 40, priority=True)
    waiting(branch, 30, priority=True)

    served = [serve(counter, operator, morning) for _ in range(3)]

    assert [t.priority for t in served] == [True, False, True]
    assert served[1] == ordinary


def test_a_streak_limit_of_zero_turns_the_rule_off(
    branch, counter, operator, shift, morning, settings
):
    settings.TICKET_PRIORITY_STREAK = 0
    waiting(branch, 60)
    for minutes in (40, 30, 20, 10):
        waiting(branch, minutes, priority=True)

    served = [serve(counter, operator, morning) for _ in range(5)]

    assert [t.priority for t in served] == [True, True, True, True, False]


def test_the_streak_counts_calls_of_every_counter_on_the_line(
    branch, counter, operator, other_operator, shift, morning
):
    from sportelli.tests.factories import CounterFactory

    clone = CounterFactory.create(branch=branch, number=4)
    ShiftFactory.create(counter=clone, operator=other_operator)
    ordinary = waiting(branch, 60)
    for minutes in (40, 30, 20, 10):
        waiting(branch, minutes, priority=True)
    serve(counter, operator, morning)
    serve(clone, other_operator, morning)
    serve(counter, operator, morning)

    assert serve(clone, other_operator, morning) == ordinary


def test_a_closed_counter_cannot_call(branch, counter, operator, morning):
    waiting(branch, 5)

    with pytest.raises(ApplicationError) as excinfo:
        ticket_call_next(counter=counter, operator=operator)

    assert excinfo.value.code == "counter_closed"
    assert Ticket.objects.get().status == Ticket.Status.WAITING


def test_only_the_counter_operator_calls(
    branch, counter, other_operator, shift, morning
):
    waiting(branch, 5)

    with pytest.raises(ApplicationError) as excinfo:
        ticket_call_next(counter=counter, operator=other_operator)

    assert excinfo.value.code == "not_your_counter"


def test_a_paused_counter_cannot_call(branch, counter, operator, shift, morning):
    shift.paused_at = timezone.now()
    shift.save()
    waiting(branch, 5)

    with pytest.raises(ApplicationError) as excinfo:
        ticket_call_next(counter=counter, operator=operator)

    assert excinfo.value.code == "counter_paused"


def test_the_ticket_in_progress_must_be_closed_first(
    branch, counter, operator, shift, morning
):
    waiting(branch, 10)
    second = waiting(branch, 5)
    ticket_call_next(counter=counter, operator=operator)

    with pytest.raises(ApplicationError) as excinfo:
        ticket_call_next(counter=counter, operator=operator)

    assert excinfo.value.code == "ticket_in_progress"
    second.refresh_from_db()
    assert second.status == Ticket.Status.WAITING


def test_after_a_streak_with_only_priority_tickets_waiting_they_go_on(
    branch, counter, operator, shift, morning
):
    for minutes in (40, 30, 20, 10):
        waiting(branch, minutes, priority=True)
    served = [serve(counter, operator, morning) for _ in range(4)]
    ordinary = waiting(branch, 1)

    assert [t.call_reason for t in served] == [Ticket.CallReason.PRIORITY] * 4
    # The streak is still on: the ordinary ticket is called for it.
    called = serve(counter, operator, morning)
    assert called == ordinary
    assert called.call_reason == Ticket.CallReason.ANTI_STARVATION


def test_the_streak_counts_only_the_line_own_calls_of_the_day(
    branch, counter, operator, shift, morning
):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    for minutes in (40, 30, 20):
        called = {
            "priority": True,
            "status": Ticket.Status.COMPLETED,
            "called_at": timezone.now() - datetime.timedelta(minutes=minutes - 5),
        }
        waiting(branch, minutes, line="socio-sanitari", **called)
        waiting(branch, minutes, issued_on=yesterday, **called)
    waiting(branch, 30)
    first = waiting(branch, 10, priority=True)

    assert serve(counter, operator, morning) == first


def test_a_ticket_in_progress_is_refused_with_nobody_waiting(
    branch, counter, operator, shift, morning
):
    waiting(branch, 10)
    ticket_call_next(counter=counter, operator=operator)

    with pytest.raises(ApplicationError) as excinfo:
        ticket_call_next(counter=counter, operator=operator)

    assert excinfo.value.code == "ticket_in_progress"
