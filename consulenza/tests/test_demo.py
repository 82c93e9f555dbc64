import datetime

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.management import call_command

from consulenza.demo import SUPERVISOR_PERMISSIONS, demo_consultation_seed
from consulenza.models import Appointment, MeetingPoint
from consulenza.tests.conftest import ROME
from sedi.demo import SUPERVISOR_GROUP, demo_organisation_seed
from sedi.services import catalogue_sync

pytestmark = pytest.mark.django_db

FIRST_RUN = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=ROME)
SECOND_RUN = datetime.datetime(2026, 3, 10, 9, 0, tzinfo=ROME)


def _snapshot() -> dict:
    return {
        "points": sorted(
            MeetingPoint.objects.values_list(
                "pk",
                "branch__code",
                "line__code",
                "opened_on",
                "closed_on",
                "updated_at",
            )
        ),
        "appointments": sorted(
            Appointment.objects.values_list("pk", "start", "status", "updated_at")
        ),
        "permissions": sorted(
            Group.objects.values_list("name", "permissions__codename")
        ),
    }


def test_seed_opens_a_point_per_line_and_only_past_appointments():
    catalogue_sync()
    with time_machine.travel(FIRST_RUN, tick=False):
        demo_organisation_seed()
        demo_consultation_seed()

    current = MeetingPoint.objects.filter(closed_on__isnull=True)
    assert sorted(current.values_list("branch__code", "line__code")) == [
        ("roma-centro", "assicurato-pensionato"),
        ("roma-centro", "poli-specialistici"),
        ("roma-centro", "socio-sanitari"),
        ("roma-centro", "soggetto-contribuente"),
        ("roma-centro", "sostegno-reddito"),
        ("roma-eur", "assicurato-pensionato"),
        ("roma-eur", "socio-sanitari"),
        ("roma-eur", "soggetto-contribuente"),
        ("roma-eur", "sostegno-reddito"),
    ]
    assert set(current.values_list("opened_on", "slot_minutes")) == {
        (datetime.date(2026, 3, 2), 30)
    }
    assert not MeetingPoint.objects.filter(branch__code="civitavecchia").exists()
    starts = list(Appointment.objects.values_list("start", flat=True))
    assert len(starts) == 4
    assert max(starts) < datetime.datetime(2026, 3, 2, 0, 0, tzinfo=ROME)
    assert sorted(Appointment.objects.values_list("status", flat=True)) == [
        "cancelled",
        "closed",
        "closed",
        "no_show",
    ]
    assert sorted(
        Group.objects.get(name=SUPERVISOR_GROUP)
        .permissions.filter(content_type__app_label="consulenza")
        .values_list("codename", flat=True)
    ) == sorted(SUPERVISOR_PERMISSIONS)


def test_seed_demo_twice_changes_nothing():
    with time_machine.travel(FIRST_RUN, tick=False):
        call_command("seed_demo", verbosity=0)
    before = _snapshot()

    with time_machine.travel(SECOND_RUN, tick=False):
        call_command("seed_demo", verbosity=0)
        assert demo_consultation_seed() == []

    assert _snapshot() == before
    assert len(before["points"]) == 10
