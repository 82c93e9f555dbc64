import datetime
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine

from consulenza.tests.factories import (
    AppointmentFactory,
    EscalationFactory,
    MeetingPointFactory,
)
from formazione.tests.factories import qualify
from sedi.models import ServiceLine, StaffRole
from sedi.tests.factories import (
    BranchFactory,
    RegionFactory,
    StaffRoleFactory,
    UserFactory,
)
from sportelli.tests.factories import CounterFactory

ROME = ZoneInfo("Europe/Rome")
# Wednesday 2 December 2026, 10:00: the counters have been open 90 minutes.
MORNING = datetime.datetime(2026, 12, 2, 10, 0, tzinfo=ROME)
STANDARD_LINES = [
    "assicurato-pensionato",
    "socio-sanitari",
    "sostegno-reddito",
    "soggetto-contribuente",
]
Role = StaffRole.Role


@pytest.fixture
def morning() -> Iterator[time_machine.Coordinates]:
    """Freeze the clock at 10:00 of a working Wednesday (Rome)."""
    with time_machine.travel(MORNING, tick=False) as traveller:
        yield traveller


@pytest.fixture
def region():
    return RegionFactory.create(code="lazio")


@pytest.fixture
def branch(region):
    return BranchFactory.create(
        code="roma-centro", region=region, line_codes=STANDARD_LINES
    )


@pytest.fixture
def other_branch(region):
    return BranchFactory.create(
        code="roma-eur", region=region, line_codes=STANDARD_LINES
    )


@pytest.fixture
def line():
    return ServiceLine.objects.get(code="assicurato-pensionato")


@pytest.fixture
def indebiti():
    return ServiceLine.objects.get(code="indebiti")


def staff(branch, role, username):
    user = UserFactory.create(username=username, first_name=username.title())
    StaffRoleFactory.create(user=user, role=role, branch=branch)
    return user


@pytest.fixture
def supervisor(branch):
    return staff(branch, Role.FLOOR_SUPERVISOR, "sala")


@pytest.fixture
def director(branch):
    return staff(branch, Role.DIRECTOR, "direttore")


@pytest.fixture
def operator(branch):
    """An operator trained for every line."""
    user = staff(branch, Role.OPERATOR, "operatore")
    qualify(user)
    return user


@pytest.fixture
def new_operator(branch):
    """An operator not trained for any line yet."""
    return staff(branch, Role.OPERATOR, "operatore-nuovo")


@pytest.fixture
def receptionist(branch):
    return staff(branch, Role.RECEPTION, "reception")


@pytest.fixture
def regional(region):
    user = UserFactory.create(username="regione")
    StaffRoleFactory.create(user=user, role=Role.REGIONAL, branch=None, region=region)
    return user


@pytest.fixture
def counters(branch):
    return [
        CounterFactory.create(branch=branch, number=n, name=f"Sportello {n}")
        for n in range(1, 5)
    ]


def booked_up_agenda(branch):
    """Book the pensioners' agenda 20 days ahead, with 32 requests a week."""
    line = ServiceLine.objects.get(code="assicurato-pensionato")
    point = MeetingPointFactory.create(
        branch=branch, line=line, opened_on=datetime.date(2026, 1, 1)
    )
    # Every slot up to Monday 21 December is booked (8 December is a
    # holiday): the first free slot is Tuesday 22, 20 days ahead.
    days = [datetime.date(2026, 12, d) for d in (2, 3, 7, 9, 10, 14, 15, 16, 17, 21)]
    starts = [
        datetime.datetime.combine(day, datetime.time(13, 30), ROME)
        + datetime.timedelta(minutes=30 * k)
        for day in days
        for k in range(4)
    ]
    # 32 requests in each of the last four weeks: 10 booked, 22 sent to
    # the CRIC.
    for n, start in enumerate(starts):
        AppointmentFactory.create(
            meeting_point=point,
            start=start,
            created_at=MORNING - datetime.timedelta(days=7 * (n % 4) + 1),
        )
    for n in range(88):
        EscalationFactory.create(
            branch=branch,
            line=line,
            requested_at=MORNING - datetime.timedelta(days=7 * (n % 4) + 2),
        )
