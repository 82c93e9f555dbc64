import pytest
import time_machine

from reception.models import ProtocolEntry
from reception.services import protocol_register
from reception.tests.conftest import MORNING
from sedi.services import catalogue_sync
from sedi.tests.factories import BranchFactory, UserFactory

# Races only mean something where rows lock (PostgreSQL, required in CI);
# on the embedded SQLite they check that immediate transactions queue.
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.embedded,
    pytest.mark.django_db(transaction=True),
]


def test_concurrent_registrations_get_gapless_unique_numbers(concurrently):
    catalogue_sync()
    branch = BranchFactory.create(code="roma-centro")
    user = UserFactory.create()
    threads = 32

    def register(index: int) -> int:
        return protocol_register(
            branch=branch,
            kind="documento",
            subject=f"Documento {index}",
            registered_by=user,
        ).number

    with time_machine.travel(MORNING, tick=False):
        results = concurrently(register, threads=threads)

    assert [r for r in results if isinstance(r, Exception)] == []
    assert sorted(results) == list(range(1, threads + 1))
    assert ProtocolEntry.objects.count() == threads
