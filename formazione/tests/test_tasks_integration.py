"""The training reminder run by a real Celery worker on Redis.

The worker is a separate process on the test database, writing e-mails to
a directory; it runs on the real clock, so the plan is set up from today.
"""

import datetime

import pytest
from django.conf import settings

from formazione.models import TrainingPlan
from formazione.tasks import plan_reminders_send
from formazione.tests.factories import CourseFactory, TrainingPlanFactory
from sedi import calendar
from sedi.models import StaffRole
from sedi.services import catalogue_sync, staff_role_assign
from sedi.tests.factories import BranchFactory, UserFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_worker_reminds_an_unsent_plan_once(mail_worker, mail_dir):
    assert settings.CELERY_TASK_ALWAYS_EAGER is False
    catalogue_sync()
    branch = BranchFactory.create(code="roma-centro", name="Roma Centro")
    director = UserFactory.create(username="direttore", email="direttore@example.it")
    staff_role_assign(user=director, role=StaffRole.Role.DIRECTOR, branch=branch)
    today = calendar.today()
    plan = TrainingPlanFactory.create(
        branch=branch,
        period_start=today,
        period_end=today + datetime.timedelta(days=90),
    )
    CourseFactory.create(plan=plan, starts_on=today + datetime.timedelta(days=10))

    first = plan_reminders_send.apply_async(queue=mail_worker).get(timeout=60)
    second = plan_reminders_send.apply_async(queue=mail_worker).get(timeout=60)

    assert (first, second) == (1, 0)
    assert TrainingPlan.objects.get().reminder_sent_at is not None
    messages = list(mail_dir.iterdir())
    assert len(messages) == 1
    assert "direttore@example.it" in messages[0].read_text()
