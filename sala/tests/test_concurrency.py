"""Races in the hall, with threads released together (SQLite and PostgreSQL)."""

import datetime

import pytest
import time_machine

from formazione.tests.factories import qualify
from frontoffice.common.exceptions import ApplicationError
from sala import services
from sala.models import CounterClone, SupervisorAction
from sala.tests.conftest import MORNING, ROME, STANDARD_LINES, Role, staff
from sedi.services import catalogue_sync
from sedi.tests.factories import BranchFactory
from sportelli.models import Shift
from sportelli.tests.factories import CounterFactory

# Races only mean something where rows lock (PostgreSQL, required in CI);
# on the embedded SQLite they check that immediate transactions queue.
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.embedded,
    pytest.mark.django_db(transaction=True),
]

ELEVEN = datetime.datetime(2026, 12, 2, 11, 0, tzinfo=ROME)


@pytest.fixture
def hall():
    # A transactional test starts from an empty database: reload the lines.
    catalogue_sync()
    branch = BranchFactory.create(code="roma-centro", line_codes=STANDARD_LINES)
    supervisor = staff(branch, Role.FLOOR_SUPERVISOR, "sala")
    operators = []
    for n in range(6):
        operator = staff(branch, Role.OPERATOR, f"operatore-{n}")
        qualify(operator)
        operators.append(operator)
    counter = CounterFactory.create(branch=branch, number=1)
    return branch, supervisor, operators, counter


def test_one_counter_cloned_at_once_by_many_goes_to_one_operator(hall, concurrently):
    branch, supervisor, operators, counter = hall

    def clone(index: int) -> int:
        return services.counter_clone(
            actor=supervisor,
            branch=branch,
            counter=counter,
            line_code="assicurato-pensionato",
            operator=operators[index],
            ends_at=ELEVEN,
            reason="Picco",
        ).pk

    with time_machine.travel(MORNING, tick=False):
        results = concurrently(clone, threads=len(operators))

    done = [r for r in results if isinstance(r, int)]
    refused = [r for r in results if isinstance(r, ApplicationError)]
    assert len(done) == 1
    assert {e.code for e in refused} == {"counter_busy"}
    assert len(refused) == len(operators) - 1
    assert CounterClone.objects.count() == 1
    assert Shift.objects.filter(closed_at__isnull=True).count() == 1
    assert SupervisorAction.objects.count() == 1


def test_a_clone_ended_at_once_by_many_ends_once(hall, concurrently):
    branch, supervisor, operators, counter = hall
    with time_machine.travel(MORNING, tick=False):
        made = services.counter_clone(
            actor=supervisor,
            branch=branch,
            counter=counter,
            line_code="assicurato-pensionato",
            operator=operators[0],
            ends_at=ELEVEN,
            reason="Picco",
        )

        def end(_index: int) -> int:
            return services.counter_clone_end(
                actor=supervisor, clone=made, reason="Fine"
            ).pk

        results = concurrently(end, threads=4)

    assert len([r for r in results if isinstance(r, int)]) == 1
    assert {r.code for r in results if isinstance(r, ApplicationError)} == {
        "clone_ended"
    }
    assert SupervisorAction.objects.filter(kind="clone_end").count() == 1
