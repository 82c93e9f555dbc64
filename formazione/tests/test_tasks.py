import datetime

import pytest
from django.core import mail

from formazione import tasks
from formazione.tests.conftest import TODAY
from formazione.tests.factories import CourseFactory

pytestmark = pytest.mark.django_db


def test_the_beat_task_runs_the_reminder_service(now, plan, director):
    CourseFactory.create(plan=plan, starts_on=TODAY + datetime.timedelta(days=7))

    assert tasks.plan_reminders_send.delay().get() == 1
    assert len(mail.outbox) == 1


def test_the_task_is_scheduled_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["training-plan-reminders"]

    assert entry["task"] == "formazione.tasks.plan_reminders_send"
