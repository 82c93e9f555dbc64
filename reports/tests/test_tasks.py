"""The nightly job closes what is pending and is idempotent."""

import datetime

import pytest

from reports.models import DailyTicketSummary, DayClosure
from reports.tasks import days_close_pending
from reports.tests.conftest import FRIDAY, TUESDAY

pytestmark = pytest.mark.django_db


def test_the_job_closes_yesterday_and_the_week_before(dataset, after):
    first = days_close_pending()
    rows = list(DailyTicketSummary.objects.order_by("day", "branch", "line").values())
    again = days_close_pending()

    # Yesterday (Tuesday 31 March) and the seven days before it.
    assert first == again == 8
    assert list(DayClosure.objects.values_list("day", flat=True)) == [
        TUESDAY - datetime.timedelta(days=n) for n in range(7, -1, -1)
    ]
    assert {r["day"] for r in rows} == {FRIDAY, FRIDAY + datetime.timedelta(days=3)}
    assert [
        {k: v for k, v in r.items() if k != "id"}
        for r in DailyTicketSummary.objects.order_by("day", "branch", "line").values()
    ] == [{k: v for k, v in r.items() if k != "id"} for r in rows]
