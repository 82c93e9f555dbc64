import datetime

import pytest
from django.core import mail

from consulenza.models import MeetingPoint
from consulenza.tests.factories import MeetingPointFactory
from sala.models import BacklogForecastNotice
from sala.services import backlog_forecast_notify
from sala.tests.conftest import MORNING, Role, booked_up_agenda
from sedi.models import ServiceLine
from sedi.tests.factories import RegionFactory, StaffRoleFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def region_staff(region):
    umbria = RegionFactory.create(code="umbria")
    for name, email, where in (
        ("cric", "cric@lazio.example.it", region),
        ("regione-senza-mail", "", region),
        ("cric-umbria", "cric@umbria.example.it", umbria),
    ):
        user = UserFactory.create(username=name, email=email)
        StaffRoleFactory.create(
            user=user, role=Role.REGIONAL, branch=None, region=where
        )


def test_a_line_heading_past_30_days_is_notified_to_the_region_once(
    branch, region_staff, morning
):
    booked_up_agenda(branch)

    assert backlog_forecast_notify() == 1
    assert backlog_forecast_notify() == 0

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["cric@lazio.example.it"]
    assert message.subject == (
        f"Agenda verso i 30 giorni: {branch.name}, Linea Assicurato Pensionato"
    )
    assert "supererà i 30 giorni tra 9 giorni (11 dicembre 2026)" in message.body
    assert "Con 2 punti di incontro non accadrebbe." in message.body
    notice = BacklogForecastNotice.objects.get()
    assert (notice.passes_limit_on, notice.meeting_points_needed) == (
        datetime.date(2026, 12, 11),
        2,
    )
    assert notice.notified_at == MORNING


def test_a_warning_that_stops_is_closed_and_a_new_one_is_sent_again(
    branch, region_staff, morning
):
    booked_up_agenda(branch)
    backlog_forecast_notify()
    line = ServiceLine.objects.get(code="assicurato-pensionato")
    extra = MeetingPointFactory.create(
        branch=branch, line=line, opened_on=datetime.date(2026, 12, 1)
    )

    assert backlog_forecast_notify() == 0
    assert BacklogForecastNotice.objects.get().cleared_at == MORNING

    MeetingPoint.objects.filter(pk=extra.pk).delete()
    assert backlog_forecast_notify() == 1
    assert len(mail.outbox) == 2
    assert BacklogForecastNotice.objects.filter(cleared_at__isnull=True).count() == 1


def test_a_line_already_past_30_days_is_left_to_the_backlog_job(
    branch, region_staff, morning
):
    MeetingPointFactory.create(
        branch=branch,
        line=ServiceLine.objects.get(code="assicurato-pensionato"),
        opened_on=datetime.date(2027, 2, 1),
    )

    assert backlog_forecast_notify() == 0
    assert mail.outbox == []
    assert not BacklogForecastNotice.objects.exists()
