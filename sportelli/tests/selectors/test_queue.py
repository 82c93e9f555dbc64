import datetime

import pytest
from django.utils import timezone

from sedi.models import ServiceLine
from sportelli.models import Ticket
from sportelli.selectors import (
    DEFAULT_SERVICE_MINUTES,
    estimate_wait_minutes,
    queue_summary,
    service_minutes_by_line,
    ticket_position,
    ticket_state,
)
from sportelli.tests.factories import CounterFactory, ShiftFactory, TicketFactory

pytestmark = pytest.mark.django_db

PENSIONER = "assicurato-pensionato"


def served(branch, *, minutes, on, line=PENSIONER):
    called = timezone.now() - datetime.timedelta(hours=1)
    return TicketFactory.create(
        branch=branch,
        line=ServiceLine.objects.get(code=line),
        issued_on=on,
        status=Ticket.Status.COMPLETED,
        called_at=called,
        finished_at=called + datetime.timedelta(minutes=minutes),
    )


@pytest.mark.parametrize(
    ("position", "minutes", "counters", "expected"),
    [(1, 10, 1, 0), (2, 10, 1, 10), (5, 10, 2, 20), (4, 7.5, 0, 23), (3, 5, 4, 3)],
)
def test_estimate_is_people_ahead_times_service_time_over_counters(
    position, minutes, counters, expected
):
    assert (
        estimate_wait_minutes(
            position=position, service_minutes=minutes, open_counters=counters
        )
        == expected
    )


def test_service_time_uses_today_then_history_then_the_default(branch, morning):
    today = datetime.date(2026, 12, 2)
    served(branch, minutes=6, on=today)
    served(branch, minutes=10, on=today)
    served(
        branch, minutes=20, on=today - datetime.timedelta(days=3), line="socio-sanitari"
    )
    served(
        branch,
        minutes=40,
        on=today - datetime.timedelta(days=31),
        line="sostegno-reddito",
    )

    minutes = service_minutes_by_line(branch=branch, on=today)

    pensioner = ServiceLine.objects.get(code=PENSIONER).pk
    social = ServiceLine.objects.get(code="socio-sanitari").pk
    assert minutes == {pensioner: 8.0, social: 20.0}


def test_today_mean_uses_the_most_recent_services_only(branch, morning, monkeypatch):
    monkeypatch.setattr("sportelli.selectors.RECENT_SERVICES", 2)
    today = datetime.date(2026, 12, 2)
    base = timezone.now() - datetime.timedelta(hours=2)
    for offset, minutes in ((0, 30), (40, 4), (50, 6)):
        called = base + datetime.timedelta(minutes=offset)
        TicketFactory.create(
            branch=branch,
            issued_on=today,
            status=Ticket.Status.COMPLETED,
            called_at=called,
            finished_at=called + datetime.timedelta(minutes=minutes),
        )

    pensioner = ServiceLine.objects.get(code=PENSIONER).pk
    assert service_minutes_by_line(branch=branch, on=today)[pensioner] == 5.0


def test_position_puts_priority_first_then_issue_order(branch, morning):
    now = timezone.now()
    first = TicketFactory.create(
        branch=branch, issued_at=now - datetime.timedelta(minutes=9)
    )
    second = TicketFactory.create(
        branch=branch, issued_at=now - datetime.timedelta(minutes=5)
    )
    priority = TicketFactory.create(branch=branch, issued_at=now, priority=True)
    done = TicketFactory.create(branch=branch, status=Ticket.Status.COMPLETED)

    assert [ticket_position(ticket=t) for t in (priority, first, second, done)] == [
        1,
        2,
        3,
        None,
    ]


def test_ticket_state_estimates_with_the_open_counters(branch, counter, morning):
    ShiftFactory.create(counter=counter)
    ShiftFactory.create(counter=CounterFactory.create(branch=branch, number=9))
    tickets = [
        TicketFactory.create(
            branch=branch, issued_at=timezone.now() - datetime.timedelta(minutes=10 - i)
        )
        for i in range(5)
    ]

    state = ticket_state(ticket=tickets[4])

    assert state.position == 5
    assert state.estimated_wait_minutes == 16  # 4 ahead × 8 min ÷ 2 counters


def test_queue_summary_per_line(branch, counter, morning, django_assert_num_queries):
    ShiftFactory.create(counter=counter)
    now = timezone.now()
    TicketFactory.create(branch=branch, issued_at=now - datetime.timedelta(minutes=25))
    TicketFactory.create(branch=branch, issued_at=now, priority=True)
    TicketFactory.create(branch=branch, status=Ticket.Status.COMPLETED)

    with django_assert_num_queries(5):
        rows = queue_summary(branch=branch)

    assert [row.line.code for row in rows] == [
        "assicurato-pensionato",
        "socio-sanitari",
        "sostegno-reddito",
        "soggetto-contribuente",
    ]
    pensioner = rows[0]
    assert (
        pensioner.waiting,
        pensioner.priority_waiting,
        pensioner.longest_wait_minutes,
        pensioner.open_counters,
        pensioner.service_minutes,
        pensioner.estimated_wait_minutes,
    ) == (2, 1, 25, 1, DEFAULT_SERVICE_MINUTES, 16)
    assert (rows[1].waiting, rows[1].open_counters, rows[1].estimated_wait_minutes) == (
        0,
        0,
        0,
    )


def test_queue_summary_queries_do_not_grow_with_tickets(
    branch, morning, django_assert_num_queries
):
    TicketFactory.create_batch(40, branch=branch)
    with django_assert_num_queries(5):
        queue_summary(branch=branch)


def test_tickets_issued_at_the_same_instant_keep_distinct_places(branch, morning):
    first, second = TicketFactory.create_batch(
        2, branch=branch, issued_at=timezone.now()
    )

    assert (ticket_position(ticket=first), ticket_position(ticket=second)) == (1, 2)
