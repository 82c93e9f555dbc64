"""Races at the counters, with threads released together.

They run on the embedded SQLite (immediate transactions queue the writers)
and, in CI, on PostgreSQL (row locks, SKIP LOCKED).
"""

import datetime

import pytest
import time_machine
from django.db import connection

from sedi.models import StaffRole
from sedi.services import catalogue_sync
from sedi.tests.factories import BranchFactory, StaffRoleFactory, UserFactory
from sportelli.models import Ticket, TicketEvent
from sportelli.services import ticket_call_next, ticket_complete, ticket_issue
from sportelli.tests.conftest import MORNING, STANDARD_LINES
from sportelli.tests.factories import CounterFactory, ShiftFactory, TicketFactory

# Races only mean something where rows lock (PostgreSQL, required in CI);
# on the embedded SQLite they check that immediate transactions queue.
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.embedded,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def branch():
    # A transactional test starts from an empty database: reload the lines.
    catalogue_sync()
    return BranchFactory.create(code="roma-centro", line_codes=STANDARD_LINES)


def test_concurrent_issues_get_distinct_gapless_numbers(branch, concurrently):
    threads = 64 if connection.vendor == "postgresql" else 32

    def issue(_index: int) -> str:
        return ticket_issue(
            branch=branch, line_code="soggetto-contribuente", channel="kiosk"
        ).code

    with time_machine.travel(MORNING, tick=False):
        results = concurrently(issue, threads=threads)

    errors = [r for r in results if isinstance(r, Exception)]
    assert errors == []
    assert sorted(results) == [f"D{n:03d}" for n in range(1, threads + 1)]
    assert Ticket.objects.count() == threads


def test_concurrent_call_next_hands_each_ticket_to_one_counter(branch, concurrently):
    operators = 8
    waiting = 24
    with time_machine.travel(MORNING, tick=False):
        staff = []
        for index in range(operators):
            user = UserFactory.create(username=f"operatore-{index}")
            StaffRoleFactory.create(
                user=user, role=StaffRole.Role.OPERATOR, branch=branch
            )
            counter = CounterFactory.create(branch=branch, number=index + 1)
            ShiftFactory.create(counter=counter, operator=user)
            staff.append((counter, user))
        for number in range(1, waiting + 1):
            TicketFactory.create(
                branch=branch,
                number=number,
                issued_at=MORNING - datetime.timedelta(minutes=60 - number),
            )

        def serve_until_empty(index: int) -> list[int]:
            counter, user = staff[index]
            called = []
            while (
                ticket := ticket_call_next(counter=counter, operator=user)
            ) is not None:
                called.append(ticket.pk)
                ticket_complete(
                    ticket=ticket, actor=user, service_codes=["pin-cittadino"]
                )
            return called

        results = concurrently(serve_until_empty, threads=operators)

    errors = [r for r in results if isinstance(r, Exception)]
    assert errors == []
    called = [pk for per_counter in results for pk in per_counter]
    assert len(called) == waiting
    assert len(set(called)) == waiting
    assert TicketEvent.objects.filter(kind="called").count() == waiting
    assert Ticket.objects.filter(status="completed").count() == waiting
