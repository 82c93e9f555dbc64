"""The agenda's Celery tasks run by a real worker on Redis.

The worker is a separate process: it is pointed at the test database (the
SQLite test file or the PostgreSQL test database) and writes its e-mails to
a directory, so the test sees what the task really did. The test is
transactional, so the worker sees the data it sets up.
"""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from consulenza.models import Appointment, BacklogFlag
from consulenza.services import meeting_point_create
from consulenza.tasks import appointment_reminders_send, backlog_flag
from consulenza.tests.helpers import fill
from sedi import calendar
from sedi.models import ServiceLine, StaffRole
from sedi.services import catalogue_sync, staff_role_assign
from sedi.tests.factories import BranchFactory, RegionFactory, UserFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def agenda():
    # A transactional test starts from an empty database: reload the lines.
    catalogue_sync()
    lazio = RegionFactory.create(code="lazio")
    branch = BranchFactory.create(
        region=lazio,
        code="roma-centro",
        name="Roma Centro",
        line_codes=["assicurato-pensionato", "socio-sanitari"],
    )
    regional = UserFactory.create(username="regione", email="cric@example.it")
    staff_role_assign(user=regional, role=StaffRole.Role.REGIONAL, region=lazio)
    today = calendar.today()
    return {
        line.code: meeting_point_create(
            branch=branch, line=line, opened_on=today - datetime.timedelta(days=1)
        )
        for line in ServiceLine.objects.filter(
            code__in=["assicurato-pensionato", "socio-sanitari"]
        )
    }


def test_worker_runs_the_backlog_job_idempotently(mail_worker, agenda, mail_dir):
    assert settings.CELERY_TASK_ALWAYS_EAGER is False
    today = calendar.today()
    fill(agenda["assicurato-pensionato"], today, today + datetime.timedelta(days=30))

    first = backlog_flag.apply_async(queue=mail_worker).get(timeout=60)
    after_first = list(
        BacklogFlag.objects.order_by("pk").values_list(
            "line__code", "level", "flagged_since", "notified_at"
        )
    )
    second = backlog_flag.apply_async(queue=mail_worker).get(timeout=60)

    flagged = BacklogFlag.objects.get(level="flagged")
    assert first == second == [flagged.pk]
    assert flagged.line.code == "assicurato-pensionato"
    assert flagged.backlog_days is not None
    assert flagged.backlog_days > 30
    assert flagged.notified_at is not None
    assert [row[:2] for row in after_first] == [
        ("assicurato-pensionato", "flagged"),
        ("socio-sanitari", "ok"),
    ]
    assert (
        list(
            BacklogFlag.objects.order_by("pk").values_list(
                "line__code", "level", "flagged_since", "notified_at"
            )
        )
        == after_first
    )
    messages = list(mail_dir.iterdir())
    assert len(messages) == 1
    assert "cric@example.it" in messages[0].read_text()


def test_worker_sends_tomorrows_reminders_once(mail_worker, agenda, mail_dir):
    tomorrow = calendar.today() + datetime.timedelta(days=1)
    start = datetime.datetime.combine(tomorrow, datetime.time(14, 0), calendar.ROME)
    appointment = Appointment.objects.create(
        meeting_point=agenda["socio-sanitari"],
        start=start,
        end=start + datetime.timedelta(minutes=30),
        fiscal_code="RSSMRA85T10A562S",
        first_name="Mario",
        last_name="Rossi",
        email="mario.rossi@example.it",
        channel="ccm",
    )

    first = appointment_reminders_send.apply_async(queue=mail_worker).get(timeout=60)
    second = appointment_reminders_send.apply_async(queue=mail_worker).get(timeout=60)

    assert (first, second) == (1, 0)
    appointment.refresh_from_db()
    assert appointment.reminded_at is not None
    assert appointment.reminded_at <= timezone.now()
    messages = list(mail_dir.iterdir())
    assert len(messages) == 1
    assert "mario.rossi@example.it" in messages[0].read_text()
