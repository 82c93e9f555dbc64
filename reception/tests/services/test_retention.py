import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from consulenza.models import Appointment, Escalation
from consulenza.tests.factories import AppointmentFactory, EscalationFactory
from reception.models import ProtocolEntry, UnmatchedSearch
from reception.services import (
    personal_data_anonymise,
    protocol_register,
    unmatched_search_log,
)
from reception.tests.conftest import FISCAL_CODE

pytestmark = pytest.mark.django_db

OLD = datetime.timedelta(days=731)
RECENT = datetime.timedelta(days=700)


@pytest.fixture
def people(branch, receptionist, morning):
    now = timezone.now()
    old_closed = AppointmentFactory.create(
        start=now - OLD,
        end=now - OLD + datetime.timedelta(minutes=30),
        status="closed",
        preparation_notes="Estratto contributivo del signor Rossi",
        outcome="Domanda presentata",
        email="mario.rossi@example.it",
    )
    recent = AppointmentFactory.create(
        start=now - RECENT, end=now - RECENT + datetime.timedelta(minutes=30)
    )
    old_escalation = EscalationFactory.create(requested_at=now - OLD)
    entries = {}
    for name, kind in (("document", "documento"), ("open_complaint", "reclamo")):
        entries[name] = protocol_register(
            branch=branch,
            kind=kind,
            subject=f"Oggetto {name}",
            registered_by=receptionist,
            fiscal_code=FISCAL_CODE,
            first_name="Mario",
            last_name="Rossi",
        )
    ProtocolEntry.objects.filter(pk__in=[e.pk for e in entries.values()]).update(
        registered_at=now - OLD
    )
    return old_closed, recent, old_escalation, entries


def test_data_past_retention_are_cleared_and_the_records_stay(people, morning):
    old_closed, recent, old_escalation, entries = people

    counts = personal_data_anonymise()

    assert counts == {
        "appointments": 1,
        "escalations": 1,
        "protocol_entries": 1,
        "unmatched_searches": 0,
    }
    old_closed.refresh_from_db()
    assert (old_closed.fiscal_code, old_closed.first_name, old_closed.email) == (
        "",
        "",
        "",
    )
    assert old_closed.preparation_notes == old_closed.outcome == "[anonimizzato]"
    assert old_closed.status == "closed"
    assert old_closed.anonymised_at == timezone.now()
    recent.refresh_from_db()
    assert recent.fiscal_code == "RSSMRA85T10A562S"
    old_escalation.refresh_from_db()
    assert (old_escalation.fiscal_code, old_escalation.phone) == ("", "")
    document = ProtocolEntry.objects.get(pk=entries["document"].pk)
    assert (document.sender_fiscal_code, document.sender_last_name) == ("", "")
    assert (document.number, document.subject) == (
        entries["document"].number,
        "Oggetto document",
    )
    # A complaint still open keeps its sender until it is answered.
    complaint = ProtocolEntry.objects.get(pk=entries["open_complaint"].pk)
    assert complaint.sender_fiscal_code == FISCAL_CODE


def test_a_second_run_clears_nothing_more(people, morning):
    personal_data_anonymise()

    assert personal_data_anonymise() == {
        "appointments": 0,
        "escalations": 0,
        "protocol_entries": 0,
        "unmatched_searches": 0,
    }


def test_a_dry_run_counts_and_writes_nothing(people, morning):
    counts = personal_data_anonymise(dry_run=True)

    assert counts == {
        "appointments": 1,
        "escalations": 1,
        "protocol_entries": 1,
        "unmatched_searches": 0,
    }
    assert Appointment.objects.filter(anonymised_at__isnull=False).count() == 0
    assert Escalation.objects.get().fiscal_code == "RSSMRA85T10A562S"


def test_the_retention_is_configurable(people, morning, settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 3650

    assert personal_data_anonymise() == {
        "appointments": 0,
        "escalations": 0,
        "protocol_entries": 0,
        "unmatched_searches": 0,
    }


def test_the_command_and_the_task_run_the_job(people, morning):
    from reception.tasks import personal_data_anonymise as task

    call_command("anonymise_personal_data", "--dry-run", verbosity=0)
    assert Appointment.objects.filter(anonymised_at__isnull=False).count() == 0

    assert task.delay().get()["appointments"] == 1


def test_unmatched_searches_are_forgotten_after_a_while(branch, morning, settings):
    settings.UNMATCHED_SEARCH_DAYS = 90
    old = unmatched_search_log(branch=branch, query="bonus asilo nido")
    recent = unmatched_search_log(branch=branch, query="carta acquisti")
    assert old is not None
    assert recent is not None
    UnmatchedSearch.objects.filter(pk=old.pk).update(
        last_at=timezone.now() - datetime.timedelta(days=91)
    )

    assert personal_data_anonymise(dry_run=True)["unmatched_searches"] == 1
    assert personal_data_anonymise()["unmatched_searches"] == 1
    assert list(UnmatchedSearch.objects.values_list("pk", flat=True)) == [recent.pk]


@pytest.mark.parametrize(
    "typed",
    ["RSSMRA85T10A562S", "mario.rossi@example.it", "347 1234567", "12/03/1960"],
)
def test_what_looks_like_a_citizens_data_is_never_recorded(branch, morning, typed):
    assert unmatched_search_log(branch=branch, query=typed) is None
    assert not UnmatchedSearch.objects.exists()
