"""SKIP LOCKED at call-next: only PostgreSQL has row locks to skip."""

import datetime
import threading

import pytest
import time_machine
from django.db import connection, connections, transaction

from sedi.models import StaffRole
from sedi.services import catalogue_sync
from sedi.tests.factories import BranchFactory, StaffRoleFactory, UserFactory
from sportelli.models import Ticket
from sportelli.services import ticket_call_next
from sportelli.tests.conftest import MORNING, STANDARD_LINES
from sportelli.tests.factories import CounterFactory, ShiftFactory, TicketFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def branch():
    # A transactional test starts from an empty database: reload the lines.
    catalogue_sync()
    return BranchFactory.create(code="roma-centro", line_codes=STANDARD_LINES)


def test_a_ticket_locked_by_one_counter_is_skipped_by_the_next(branch):
    """SKIP LOCKED, not FOR UPDATE: the second counter does not wait.

    One thread holds the row lock of the first waiting ticket, as a counter
    in the middle of its call would; the other counter's call-next must
    take the second ticket at once. With a plain FOR UPDATE it would wait
    for the lock, and ``lock_timeout`` turns that wait into a failure.
    """
    with time_machine.travel(MORNING, tick=False):
        staff = []
        for index in range(2):
            user = UserFactory.create(username=f"operatore-{index}")
            StaffRoleFactory.create(
                user=user, role=StaffRole.Role.OPERATOR, branch=branch
            )
            counter = CounterFactory.create(branch=branch, number=index + 1)
            ShiftFactory.create(counter=counter, operator=user)
            staff.append((counter, user))
        first, second = (
            TicketFactory.create(
                branch=branch,
                number=n,
                issued_at=MORNING - datetime.timedelta(minutes=10 - n),
            )
            for n in (1, 2)
        )
        locked = threading.Event()
        release = threading.Event()

        def hold_first() -> None:
            try:
                with transaction.atomic():
                    Ticket.objects.select_for_update().get(pk=first.pk)
                    locked.set()
                    release.wait(timeout=30)
            finally:
                connections.close_all()

        holder = threading.Thread(target=hold_first)
        holder.start()
        try:
            assert locked.wait(timeout=10)
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '2s'")
            counter, user = staff[1]
            called = ticket_call_next(counter=counter, operator=user)
        finally:
            release.set()
            holder.join(timeout=30)
            with connection.cursor() as cursor:
                cursor.execute("RESET lock_timeout")

    assert called is not None
    assert called.pk == second.pk
    first.refresh_from_db()
    assert first.status == Ticket.Status.WAITING
