"""Races on the agenda, with threads released together.

They run on the embedded SQLite (immediate transactions queue the writers)
and, in CI, on PostgreSQL, where the partial unique constraint and the row
locks do the work; the backlog race is PostgreSQL-only.
"""

import datetime

import pytest
import time_machine
from django.core import mail
from django.db import connection
from rest_framework.test import APIClient

from consulenza.models import Appointment, BacklogFlag
from consulenza.services import backlog_flag, meeting_point_create
from consulenza.tests.conftest import (
    FISCAL_CODE,
    MONDAY,
    PENSIONER,
    STANDARD_LINES,
    Role,
    rome,
)
from consulenza.tests.helpers import fill
from sedi.models import ServiceLine
from sedi.services import catalogue_sync, staff_role_assign
from sedi.tests.factories import BranchFactory, RegionFactory, UserFactory

# Races only mean something where rows lock (PostgreSQL, required in CI);
# on the embedded SQLite they check that immediate transactions queue.
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.embedded,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def setup():
    # A transactional test starts from an empty database: reload the lines.
    catalogue_sync()
    lazio = RegionFactory.create(code="lazio")
    branch = BranchFactory.create(
        region=lazio, code="roma-centro", line_codes=STANDARD_LINES
    )
    points = {
        line.code: meeting_point_create(
            branch=branch, line=line, opened_on=datetime.date(2026, 1, 1)
        )
        for line in ServiceLine.objects.filter(code__in=STANDARD_LINES)
    }
    users = []
    for index in range(24):
        user = UserFactory.create(username=f"ccm-{index}")
        staff_role_assign(user=user, role=Role.CONTACT_CENTRE, region=lazio)
        users.append(user)
    regional = UserFactory.create(username="regione", email="cric@example.it")
    staff_role_assign(user=regional, role=Role.REGIONAL, region=lazio)
    return {"branch": branch, "points": points, "users": users}


def _body(start: str | None = None) -> dict:
    body = {
        "branch": "roma-centro",
        "line": PENSIONER,
        "channel": "ccm",
        "citizen": {
            "fiscal_code": FISCAL_CODE,
            "first_name": "Mario",
            "last_name": "Rossi",
        },
    }
    if start:
        body["start"] = start
    return body


def test_many_bookings_of_one_slot_at_once_give_exactly_one_201(setup, concurrently):
    threads = 24 if connection.vendor == "postgresql" else 12

    def book(index: int) -> tuple[int, str | None]:
        client = APIClient()
        client.force_authenticate(setup["users"][index])
        response = client.post(
            "/api/v1/appointments/",
            _body("2026-03-04T14:00:00+01:00"),
            format="json",
        )
        return response.status_code, response.json().get("code")

    with time_machine.travel(MONDAY, tick=False):
        results = concurrently(book, threads=threads)

    assert sorted(results) == [(201, None)] + [(409, "slot_taken")] * (threads - 1)
    assert Appointment.objects.count() == 1
    assert Appointment.objects.get().start == rome(2026, 3, 4, 14, 0)


def test_many_automatic_bookings_at_once_get_distinct_slots(setup, concurrently):
    threads = 24 if connection.vendor == "postgresql" else 12

    def book(index: int) -> int:
        client = APIClient()
        client.force_authenticate(setup["users"][index])
        return client.post("/api/v1/appointments/", _body(), format="json").status_code

    with time_machine.travel(MONDAY, tick=False):
        results = concurrently(book, threads=threads)

    assert results == [201] * threads
    slots = list(Appointment.objects.values_list("meeting_point_id", "start"))
    assert len(set(slots)) == threads


@pytest.mark.postgres
def test_concurrent_backlog_jobs_give_the_same_flags_and_one_notification(
    setup, concurrently
):
    fill(
        setup["points"][PENSIONER], datetime.date(2026, 3, 2), datetime.date(2026, 4, 1)
    )
    mail.outbox = []

    def run(_index: int) -> list[tuple[str, str]]:
        return sorted((f.line.code, f.level) for f in backlog_flag())

    with time_machine.travel(MONDAY, tick=False):
        results = concurrently(run, threads=6)

    errors = [r for r in results if isinstance(r, Exception)]
    assert errors == []
    assert all(r == results[0] for r in results)
    assert BacklogFlag.objects.count() == 4
    flagged = BacklogFlag.objects.get(level="flagged")
    assert flagged.line.code == PENSIONER
    assert flagged.flagged_since == MONDAY
    assert len(mail.outbox) == 1


@pytest.mark.postgres
def test_concurrent_backlog_jobs_flag_existing_lines_once(setup, concurrently):
    with time_machine.travel(MONDAY, tick=False):
        backlog_flag()  # every line in time: four flags at "ok"
    fill(
        setup["points"][PENSIONER], datetime.date(2026, 3, 2), datetime.date(2026, 4, 1)
    )
    mail.outbox = []
    later = MONDAY + datetime.timedelta(hours=1)

    def run(_index: int) -> list[tuple[str, str]]:
        return sorted((f.line.code, f.level) for f in backlog_flag())

    with time_machine.travel(later, tick=False):
        results = concurrently(run, threads=6)

    errors = [r for r in results if isinstance(r, Exception)]
    assert errors == []
    assert all(r == results[0] for r in results)
    flagged = BacklogFlag.objects.get(level="flagged")
    assert (flagged.line.code, flagged.flagged_since) == (PENSIONER, later)
    assert flagged.notified_at is not None
    assert BacklogFlag.objects.count() == 4
    assert len(mail.outbox) == 1
