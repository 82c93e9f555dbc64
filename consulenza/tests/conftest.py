"""Fixtures of the agenda's tests: a Lazio branch, its staff, a fixed clock.

The reference day is Monday 2 March 2026, 10:00 in Rome: today + 30 is
Wednesday 1 April (the last bookable day), today + 31 Thursday 2 April.
"""

import datetime
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine

from consulenza.models import MeetingPoint
from consulenza.services import meeting_point_create
from sedi.models import Branch, ServiceLine, StaffRole
from sedi.services import staff_role_assign
from sedi.tests.factories import BranchFactory, RegionFactory, UserFactory

ROME = ZoneInfo("Europe/Rome")
MONDAY = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=ROME)
STANDARD_LINES = [
    "assicurato-pensionato",
    "socio-sanitari",
    "sostegno-reddito",
    "soggetto-contribuente",
]
PENSIONER = "assicurato-pensionato"
FISCAL_CODE = "RSSMRA85T10A562S"
Role = StaffRole.Role


def rome(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0
) -> datetime.datetime:
    """Return a Rome wall-clock datetime."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=ROME)


@pytest.fixture
def monday() -> Iterator[time_machine.Coordinates]:
    """Freeze the clock at 10:00 of Monday 2 March 2026 (Rome)."""
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def lazio():
    return RegionFactory.create(code="lazio", name="Lazio")


@pytest.fixture
def branch(lazio) -> Branch:
    return BranchFactory.create(
        region=lazio, code="roma-centro", name="Roma Centro", line_codes=STANDARD_LINES
    )


@pytest.fixture
def line() -> ServiceLine:
    return ServiceLine.objects.get(code=PENSIONER)


@pytest.fixture
def point(branch, line) -> MeetingPoint:
    return meeting_point_create(
        branch=branch, line=line, opened_on=datetime.date(2026, 1, 1)
    )


def _staff(username: str, role: str, *, branch=None, region=None):
    user = UserFactory.create(username=username, email=f"{username}@example.it")
    staff_role_assign(user=user, role=role, branch=branch, region=region)
    return user


@pytest.fixture
def receptionist(branch):
    return _staff("reception", Role.RECEPTION, branch=branch)


@pytest.fixture
def operator(branch):
    return _staff("operatore", Role.OPERATOR, branch=branch)


@pytest.fixture
def supervisor(branch):
    return _staff("sala", Role.FLOOR_SUPERVISOR, branch=branch)


@pytest.fixture
def consultant(branch):
    return _staff("consulente", Role.CONSULTANT, branch=branch)


@pytest.fixture
def director(branch):
    return _staff("direttore", Role.DIRECTOR, branch=branch)


@pytest.fixture
def kiosk(branch):
    return _staff("totem", Role.KIOSK, branch=branch)


@pytest.fixture
def ccm(lazio):
    return _staff("ccm", Role.CONTACT_CENTRE, region=lazio)


@pytest.fixture
def regional(lazio):
    return _staff("regione", Role.REGIONAL, region=lazio)


def citizen_body(**overrides) -> dict:
    citizen = {
        "fiscal_code": FISCAL_CODE,
        "first_name": "Mario",
        "last_name": "Rossi",
        "email": "mario.rossi@example.it",
        "phone": "06 1234567",
    }
    citizen.update(overrides)
    return citizen
