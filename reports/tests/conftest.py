"""A small fixed data set with hand-computed figures (see ``test_tickets``).

Two branches of one region. At ``roma-centro``, line A
(``assicurato-pensionato``):

- Friday 27 March 2026 (winter time, UTC+1): one ticket, wait 7 min,
  served in 4 min.
- Monday 30 March 2026, the day after the spring DST change (UTC+2):
  eleven tickets issued for line A, one of them moved to line B after its
  first call. Waits (issue → first call), in seconds: 600, 945, 1800, 300,
  1200, 60, 120, 180, 240, 3600 (ten called tickets) and one never called
  (expired at 12:30).
- Tuesday 31 March 2026: no activity.

At ``roma-eur``: one ticket on Monday 30 March, wait 2 min, served 3 min.
"""

import datetime
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from sedi.models import Service, ServiceLine, StaffRole
from sedi.tests.factories import BranchFactory, RegionFactory, StaffRoleFactory
from sportelli.models import Ticket, TicketEvent
from sportelli.tests.factories import TicketFactory

ROME = ZoneInfo("Europe/Rome")
FRIDAY = datetime.date(2026, 3, 27)
MONDAY = datetime.date(2026, 3, 30)
TUESDAY = datetime.date(2026, 3, 31)
TODAY = datetime.date(2026, 4, 1)
# Wednesday 1 April 2026, 10:00: every day of the data set is over.
AFTER = datetime.datetime(2026, 4, 1, 10, 0, tzinfo=ROME)


def at(day: datetime.date, hour: int, minute: int, second: int = 0) -> Any:
    return datetime.datetime.combine(
        day, datetime.time(hour, minute, second), tzinfo=ROME
    )


def _ticket(
    *,
    branch: Any,
    day: datetime.date,
    issued: datetime.datetime,
    status: str,
    line: ServiceLine,
    called: datetime.datetime | None = None,
    finished: datetime.datetime | None = None,
    priority: bool = False,
    services: list[Service] | None = None,
    letter: str | None = None,
) -> Ticket:
    ticket = TicketFactory.create(
        branch=branch,
        line=line,
        letter=letter or line.letter,
        issued_on=day,
        issued_at=issued,
        status=status,
        called_at=called,
        finished_at=finished,
        priority=priority,
    )
    if services:
        ticket.services.set(services)
    return ticket


def dataset_create() -> dict[str, Any]:
    """Create the fixed data set described in the module docstring."""
    region = RegionFactory.create(code="lazio")
    centre = BranchFactory.create(region=region, code="roma-centro")
    eur = BranchFactory.create(region=region, code="roma-eur")
    line_a = ServiceLine.objects.get(code="assicurato-pensionato")
    line_b = ServiceLine.objects.get(code="socio-sanitari")
    first, second = list(Service.objects.filter(line=line_a).order_by("position"))[:2]
    done, absent, expired, waiting = (
        Ticket.Status.COMPLETED,
        Ticket.Status.NO_SHOW,
        Ticket.Status.EXPIRED,
        Ticket.Status.WAITING,
    )
    _ticket(
        branch=centre,
        day=FRIDAY,
        line=line_a,
        issued=at(FRIDAY, 9, 0),
        called=at(FRIDAY, 9, 7),
        finished=at(FRIDAY, 9, 11),
        status=done,
    )
    m = MONDAY
    plan: list[dict[str, Any]] = [
        # issued, called, finished, status (+ extras); waits in the docstring.
        {"issued": at(m, 8, 30), "called": at(m, 8, 40), "finished": at(m, 8, 52),
         "status": done, "services": [first]},
        {"issued": at(m, 8, 35), "called": at(m, 8, 50, 45),
         "finished": at(m, 9, 0, 45), "status": done, "services": [first, second]},
        {"issued": at(m, 8, 40), "called": at(m, 9, 10), "finished": at(m, 9, 12),
         "status": absent},
        {"issued": at(m, 8, 45), "finished": at(m, 12, 30), "status": expired},
        {"issued": at(m, 8, 50), "called": at(m, 8, 55), "finished": at(m, 9, 5),
         "status": done, "priority": True},
        {"issued": at(m, 9, 1), "called": at(m, 9, 2), "finished": at(m, 9, 7),
         "status": done},
        {"issued": at(m, 9, 3), "called": at(m, 9, 5), "finished": at(m, 9, 10),
         "status": done},
        {"issued": at(m, 9, 4), "called": at(m, 9, 7), "finished": at(m, 9, 12),
         "status": done},
        {"issued": at(m, 9, 5), "called": at(m, 9, 9), "finished": at(m, 9, 14),
         "status": done},
        {"issued": at(m, 9, 10), "called": at(m, 10, 10), "finished": at(m, 10, 15),
         "status": done},
    ]  # fmt: skip
    for item in plan:
        _ticket(branch=centre, day=m, line=line_a, **item)
    # Issued for line A, first called at 09:20 (20 min), moved to line B,
    # called there at 09:40 and served by 09:50: its service is 10 min on B.
    moved = _ticket(
        branch=centre,
        day=m,
        line=line_b,
        letter=line_a.letter,
        issued=at(m, 9, 0),
        called=at(m, 9, 40),
        finished=at(m, 9, 50),
        status=done,
    )
    TicketEvent.objects.create(ticket=moved, kind="called", at=at(m, 9, 20))
    TicketEvent.objects.create(ticket=moved, kind="transferred", at=at(m, 9, 25))
    TicketEvent.objects.create(ticket=moved, kind="called", at=at(m, 9, 40))
    _ticket(
        branch=eur,
        day=m,
        line=line_a,
        issued=at(m, 10, 0),
        called=at(m, 10, 2),
        finished=at(m, 10, 5),
        status=done,
    )
    assert waiting  # no ticket is left waiting in the closed days
    return {
        "region": region,
        "centre": centre,
        "eur": eur,
        "line_a": line_a,
        "line_b": line_b,
        "services": (first.code, second.code),
    }


@pytest.fixture(autouse=True)
def _live_uncached(settings: Any) -> None:
    """Compute the live figures at every request (one test turns caching on)."""
    settings.REPORTS_LIVE_CACHE_SECONDS = 0


@pytest.fixture
def dataset(db: Any) -> dict[str, Any]:
    return dataset_create()


@pytest.fixture
def after() -> Iterator[Any]:
    """Freeze the clock on Wednesday 1 April 2026, 10:00 (Rome)."""
    with time_machine.travel(AFTER, tick=False) as traveller:
        yield traveller


@pytest.fixture
def regional(dataset: dict[str, Any]) -> Any:
    role = StaffRoleFactory.create(
        user__username="regione",
        role=StaffRole.Role.REGIONAL,
        branch=None,
        region=dataset["region"],
    )
    return role.user


@pytest.fixture
def director(dataset: dict[str, Any]) -> Any:
    role = StaffRoleFactory.create(
        user__username="direttore",
        role=StaffRole.Role.DIRECTOR,
        branch=dataset["eur"],
    )
    return role.user
