"""A real Celery worker on Redis runs the project's tasks."""

import datetime
from collections.abc import Iterator

import pytest
from django.core.cache import cache

from frontoffice.common.services import health_report, worker_heartbeat_get
from frontoffice.common.tasks import worker_heartbeat
from tests.worker import celery_worker

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def worker_queue() -> Iterator[str]:
    with celery_worker() as queue:
        yield queue


def test_worker_runs_the_heartbeat_through_redis(worker_queue, settings):
    assert settings.CELERY_TASK_ALWAYS_EAGER is False
    cache.clear()

    first = worker_heartbeat.apply_async(queue=worker_queue).get(timeout=60)
    second = worker_heartbeat.apply_async(queue=worker_queue).get(timeout=60)

    seen = worker_heartbeat_get()
    assert seen is not None
    assert seen.isoformat() == second
    assert first <= second
    assert health_report()["worker"] == "ok"


@pytest.mark.django_db(transaction=True)
def test_worker_closes_the_tickets_left_from_the_morning():
    from django.utils import timezone

    from sedi.services import catalogue_sync
    from sedi.tests.factories import BranchFactory
    from sportelli.models import Ticket
    from sportelli.tasks import tickets_expire
    from sportelli.tests.factories import TicketFactory
    from tests.worker import current_database_url

    catalogue_sync()
    branch = BranchFactory.create(line_codes=["socio-sanitari"])
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    left = TicketFactory.create_batch(3, branch=branch, issued_on=yesterday)

    with celery_worker(env={"DATABASE_URL": current_database_url()}) as queue:
        first = tickets_expire.apply_async(queue=queue).get(timeout=60)
        second = tickets_expire.apply_async(queue=queue).get(timeout=60)

    assert (first, second) == (3, 0)
    assert set(
        Ticket.objects.filter(pk__in=[t.pk for t in left]).values_list(
            "status", flat=True
        )
    ) == {"expired"}


@pytest.mark.django_db(transaction=True)
def test_worker_closes_yesterday_into_report_summaries_twice_alike():
    from reports.models import DailyTicketSummary
    from reports.tasks import days_close_pending
    from sedi import calendar
    from sedi.services import catalogue_sync
    from sedi.tests.factories import BranchFactory
    from sportelli.tests.factories import TicketFactory
    from tests.worker import current_database_url

    catalogue_sync()
    branch = BranchFactory.create(line_codes=["socio-sanitari"])
    yesterday = calendar.today() - datetime.timedelta(days=1)
    TicketFactory.create_batch(3, branch=branch, issued_on=yesterday, status="expired")

    with celery_worker(env={"DATABASE_URL": current_database_url()}) as queue:
        first = days_close_pending.apply_async(queue=queue).get(timeout=60)
        rows = list(DailyTicketSummary.objects.values("day", "issued", "expired"))
        second = days_close_pending.apply_async(queue=queue).get(timeout=60)

    assert (first, second) == (8, 8)
    assert rows == [{"day": yesterday, "issued": 3, "expired": 3}]
    assert list(DailyTicketSummary.objects.values("day", "issued", "expired")) == rows
