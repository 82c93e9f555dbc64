import datetime
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine

from formazione.tests.factories import qualify
from sedi.models import StaffRole
from sedi.tests.factories import BranchFactory, StaffRoleFactory, UserFactory
from sportelli.tests.factories import CounterFactory

ROME = ZoneInfo("Europe/Rome")
# Wednesday 2 December 2026, an ordinary working day.
MORNING = datetime.datetime(2026, 12, 2, 9, 0, tzinfo=ROME)
STANDARD_LINES = [
    "assicurato-pensionato",
    "socio-sanitari",
    "sostegno-reddito",
    "soggetto-contribuente",
]


@pytest.fixture
def morning() -> Iterator[time_machine.Coordinates]:
    """Freeze the clock at 09:00 of a working Wednesday (Rome)."""
    with time_machine.travel(MORNING, tick=False) as traveller:
        yield traveller


@pytest.fixture
def branch():
    return BranchFactory.create(code="roma-centro", line_codes=STANDARD_LINES)


@pytest.fixture
def operator(branch):
    user = UserFactory.create(username="operatore")
    StaffRoleFactory.create(user=user, role=StaffRole.Role.OPERATOR, branch=branch)
    qualify(user)
    return user


@pytest.fixture
def other_operator(branch):
    user = UserFactory.create(username="operatrice")
    StaffRoleFactory.create(user=user, role=StaffRole.Role.OPERATOR, branch=branch)
    qualify(user)
    return user


@pytest.fixture
def supervisor(branch):
    user = UserFactory.create(username="sala")
    StaffRoleFactory.create(
        user=user, role=StaffRole.Role.FLOOR_SUPERVISOR, branch=branch
    )
    return user


@pytest.fixture
def kiosk(branch):
    user = UserFactory.create(username="kiosk")
    StaffRoleFactory.create(user=user, role=StaffRole.Role.KIOSK, branch=branch)
    return user


@pytest.fixture
def receptionist(branch):
    user = UserFactory.create(username="reception")
    StaffRoleFactory.create(user=user, role=StaffRole.Role.RECEPTION, branch=branch)
    return user


@pytest.fixture
def counter(branch):
    return CounterFactory.create(branch=branch, number=3, name="Sportello 3")
