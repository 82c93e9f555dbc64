import datetime

import pytest
import time_machine
from django.core.management import call_command

from sala.models import SupervisorAction
from sala.tests.conftest import MORNING
from sedi.models import BranchLine

pytestmark = pytest.mark.django_db


def test_the_demo_indebiti_line_is_a_dated_peak_period_seeded_once():
    with time_machine.travel(MORNING, tick=False):
        call_command("seed_demo", "--password", "prova-demo-66", verbosity=0)
        call_command("seed_demo", "--password", "prova-demo-66", verbosity=0)

    peak = BranchLine.objects.get(branch__code="roma-centro", line__code="indebiti")
    assert (peak.opened_on, peak.closes_on) == (
        datetime.date(2026, 12, 16),
        datetime.date(2026, 12, 29),
    )
    assert not peak.is_open_on(MORNING.date())
    action = SupervisorAction.objects.get()
    assert (action.kind, action.actor.username) == ("line_open", "sala")
    # The other branches have no Indebiti line at all.
    assert not BranchLine.objects.filter(
        line__code="indebiti", branch__code__in=["roma-eur", "civitavecchia"]
    ).exists()
