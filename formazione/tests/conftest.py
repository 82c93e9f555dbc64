import datetime
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine

from formazione.tests.factories import CourseFactory, TrainingPlanFactory
from sedi.models import StaffRole
from sedi.services import staff_role_assign
from sedi.tests.factories import BranchFactory, RegionFactory, UserFactory

Role = StaffRole.Role
ROME = ZoneInfo("Europe/Rome")
# Wednesday 2 December 2026, 10:00 in Rome.
NOW = datetime.datetime(2026, 12, 2, 10, 0, tzinfo=ROME)
TODAY = NOW.date()


@pytest.fixture
def now() -> Iterator[time_machine.Coordinates]:
    """Freeze the clock on 2 December 2026, 10:00 Rome."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def lazio():
    return RegionFactory.create(code="lazio", name="Lazio")


@pytest.fixture
def branch(lazio):
    return BranchFactory.create(
        region=lazio, code="roma-centro", line_codes=["assicurato-pensionato"]
    )


@pytest.fixture
def other_branch(lazio):
    return BranchFactory.create(region=lazio, code="roma-eur")


def staff(username: str, role: str, *, branch=None, region=None):
    user = UserFactory.create(username=username, email=f"{username}@example.it")
    staff_role_assign(user=user, role=role, branch=branch, region=region)
    return user


@pytest.fixture
def director(branch):
    return staff("direttore", Role.DIRECTOR, branch=branch)


@pytest.fixture
def other_director(other_branch):
    return staff("direttore-eur", Role.DIRECTOR, branch=other_branch)


@pytest.fixture
def regional(lazio):
    return staff("regione", Role.REGIONAL, region=lazio)


@pytest.fixture
def operator(branch):
    return staff("operatore", Role.OPERATOR, branch=branch)


@pytest.fixture
def plan(branch):
    return TrainingPlanFactory.create(
        branch=branch,
        period_start=datetime.date(2026, 12, 1),
        period_end=datetime.date(2027, 6, 30),
    )


@pytest.fixture
def course(plan):
    """A counter course starting the day after today, qualifying for two lines."""
    return CourseFactory.create(
        plan=plan,
        starts_on=TODAY + datetime.timedelta(days=1),
        ends_on=TODAY + datetime.timedelta(days=2),
        hours=12,
        line_codes=["assicurato-pensionato", "socio-sanitari"],
    )
