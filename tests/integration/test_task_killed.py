"""Faults: a Celery worker killed in the middle of a task.

The retention job clears citizens' data in batches, each committed on its
own. The worker is killed (SIGKILL, no chance to clean up) once some rows
are cleared and others not; a new worker runs the job again and the
register ends exactly as one uninterrupted run leaves it: every sender
cleared once, numbers and subjects untouched, and a third run finds
nothing to do.
"""

import datetime
import os
import signal
import time

import pytest
from django.utils import timezone

from reception.models import ProtocolEntry
from reception.tasks import personal_data_anonymise
from sedi.services import catalogue_sync
from sedi.tests.factories import BranchFactory, UserFactory
from tests.worker import celery_worker_process, current_database_url

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ENTRIES = 1500
OLD = datetime.timedelta(days=800)


def _cleared() -> int:
    return ProtocolEntry.objects.filter(sender_anonymised_at__isnull=False).count()


def test_a_retention_run_killed_halfway_is_finished_by_the_next():
    catalogue_sync()
    branch = BranchFactory.create(code="roma-centro")
    clerk = UserFactory.create(username="accoglienza")
    registered_at = timezone.now() - OLD
    ProtocolEntry.objects.bulk_create(
        ProtocolEntry(
            branch=branch,
            year=registered_at.year,
            number=n,
            kind=ProtocolEntry.Kind.DOCUMENT,
            subject=f"Istanza {n}",
            registered_at=registered_at,
            registered_by=clerk,
            sender_fiscal_code="RSSMRA85T10A562S",
            sender_first_name="Mario",
            sender_last_name="Rossi",
        )
        for n in range(1, ENTRIES + 1)
    )
    # One row per transaction: the run lasts long enough to be caught.
    env = {"DATABASE_URL": current_database_url(), "PERSONAL_DATA_BATCH_SIZE": "1"}

    with celery_worker_process(env=env) as (queue, worker):
        personal_data_anonymise.apply_async(queue=queue)
        deadline = time.monotonic() + 60
        while not 0 < _cleared() < ENTRIES // 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    halfway = _cleared()

    with celery_worker_process(env=env) as (queue, _worker):
        rerun = personal_data_anonymise.apply_async(queue=queue).get(timeout=120)
        again = personal_data_anonymise.apply_async(queue=queue).get(timeout=60)

    assert 0 < halfway < ENTRIES
    assert rerun["protocol_entries"] == ENTRIES - halfway
    assert again["protocol_entries"] == 0
    rows = list(
        ProtocolEntry.objects.order_by("number").values_list(
            "number",
            "subject",
            "sender_fiscal_code",
            "sender_first_name",
            "sender_last_name",
        )
    )
    assert rows == [(n, f"Istanza {n}", "", "", "") for n in range(1, ENTRIES + 1)]
    assert _cleared() == ENTRIES
