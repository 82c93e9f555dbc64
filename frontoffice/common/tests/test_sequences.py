import datetime

import pytest
from django.db import transaction

from frontoffice.common.sequences import sequence_next
from sedi.models import ServiceLine
from sedi.tests.factories import BranchFactory
from sportelli.models import TicketSequence

pytestmark = pytest.mark.django_db


def test_sequence_starts_at_one_and_counts_per_key():
    branch = BranchFactory.create()
    line = ServiceLine.objects.get(code="socio-sanitari")
    day = datetime.date(2026, 12, 2)
    key = {"branch": branch, "line": line, "issued_on": day}

    with transaction.atomic():
        numbers = [sequence_next(TicketSequence, key=key) for _ in range(3)]
        other_day = sequence_next(
            TicketSequence, key={**key, "issued_on": day + datetime.timedelta(1)}
        )

    assert numbers == [1, 2, 3]
    assert other_day == 1


def test_a_rolled_back_number_is_given_again():
    branch = BranchFactory.create()
    key = {
        "branch": branch,
        "line": ServiceLine.objects.get(code="socio-sanitari"),
        "issued_on": datetime.date(2026, 12, 2),
    }
    with transaction.atomic():
        sequence_next(TicketSequence, key=key)

    def refused_issue() -> None:
        with transaction.atomic():
            sequence_next(TicketSequence, key=key)
            raise RuntimeError("issue refused")

    with pytest.raises(RuntimeError):
        refused_issue()
    with transaction.atomic():
        assert sequence_next(TicketSequence, key=key) == 2


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_it_refuses():
    with pytest.raises(RuntimeError, match="inside a transaction"):
        sequence_next(TicketSequence, key={})
