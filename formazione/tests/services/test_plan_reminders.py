import datetime

import pytest
from django.core import mail
from django.core.management import call_command

from formazione.services import plan_reminders_send, plan_submit
from formazione.tests.conftest import TODAY
from formazione.tests.factories import CourseFactory

pytestmark = pytest.mark.django_db


def _course_in(plan, days):
    return CourseFactory.create(
        plan=plan, starts_on=TODAY + datetime.timedelta(days=days)
    )


def test_a_draft_15_days_before_its_first_course_is_reminded_once(now, plan, director):
    _course_in(plan, 15)
    _course_in(plan, 40)

    first = plan_reminders_send()
    second = plan_reminders_send()

    assert (first, second) == (1, 0)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["direttore@example.it"]
    assert "17 dicembre 2026" in mail.outbox[0].body
    plan.refresh_from_db()
    assert plan.reminder_sent_at is not None


def test_sixteen_days_ahead_is_not_due_yet(now, plan, director):
    _course_in(plan, 16)

    assert plan_reminders_send() == 0
    assert mail.outbox == []


def test_a_submitted_plan_is_not_reminded(now, plan, director):
    _course_in(plan, 10)
    plan_submit(plan=plan, actor=director)

    assert plan_reminders_send() == 0


def test_a_plan_whose_course_started_is_not_reminded(now, plan, director):
    _course_in(plan, 0)

    assert plan_reminders_send() == 0


def test_a_failed_send_is_retried_by_the_next_run(now, plan, director, settings):
    _course_in(plan, 5)
    settings.EMAIL_BACKEND = "formazione.tests.services.test_plan_reminders.Broken"

    with pytest.raises(ConnectionError):
        plan_reminders_send()
    plan.refresh_from_db()
    assert plan.reminder_sent_at is None

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert plan_reminders_send() == 1


def test_the_command_runs_the_job(now, plan, director):
    _course_in(plan, 3)

    call_command("remind_training_plans", verbosity=0)

    assert len(mail.outbox) == 1


class Broken:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionError("SMTP down")
