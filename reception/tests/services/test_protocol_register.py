import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from frontoffice.common.exceptions import ApplicationError
from reception.models import Arrival, ProtocolEntry, ProtocolSequence
from reception.services import complaint_status_set, protocol_annul, protocol_register
from reception.tests.conftest import FISCAL_CODE, ROME
from sedi.tests.factories import BranchFactory

pytestmark = pytest.mark.django_db


def register(branch, user, kind="documento", subject="Domanda di ricostituzione", **kw):
    return protocol_register(
        branch=branch, kind=kind, subject=subject, registered_by=user, **kw
    )


def test_numbers_are_progressive_with_seven_digits(branch, receptionist, morning):
    first = register(branch, receptionist)
    second = register(branch, receptionist, kind="reclamo", subject="Attesa eccessiva")

    assert (first.number, second.number) == (1, 2)
    assert first.protocol_number == "roma-centro/2026/0000001"
    assert second.protocol_number == "roma-centro/2026/0000002"


def test_each_branch_has_its_own_register(branch, receptionist, morning):
    other = BranchFactory.create(code="roma-eur")
    register(branch, receptionist)

    assert register(other, receptionist).protocol_number == "roma-eur/2026/0000001"


def test_numbering_restarts_with_the_calendar_year_in_rome(branch, receptionist):
    # 31 December 23:30 in Rome is still 2026; 00:30 on 1 January is 2027,
    # although at that moment it is still 31 December in UTC.
    with time_machine.travel(datetime.datetime(2026, 12, 31, 23, 30, tzinfo=ROME)):
        register(branch, receptionist)
        last_of_year = register(branch, receptionist)
    with time_machine.travel(datetime.datetime(2027, 1, 1, 0, 30, tzinfo=ROME)):
        first_of_year = register(branch, receptionist)

    assert last_of_year.protocol_number == "roma-centro/2026/0000002"
    assert first_of_year.protocol_number == "roma-centro/2027/0000001"


def test_a_complaint_gets_a_reply_deadline(branch, receptionist, morning, settings):
    complaint = register(branch, receptionist, kind="reclamo", subject="Attesa")
    settings.COMPLAINT_REPLY_DAYS = 15
    shorter = register(branch, receptionist, kind="reclamo", subject="Cortesia")
    document = register(branch, receptionist)

    assert complaint.reply_due_on == datetime.date(2027, 1, 1)
    assert complaint.complaint_status == "received"
    assert shorter.reply_due_on == datetime.date(2026, 12, 17)
    assert (document.reply_due_on, document.complaint_status) == (None, "")


def test_the_sender_is_kept_with_a_valid_fiscal_code(branch, receptionist, morning):
    entry = register(
        branch,
        receptionist,
        fiscal_code=FISCAL_CODE.lower(),
        first_name=" Mario ",
        last_name="Rossi",
    )

    assert (entry.sender_fiscal_code, entry.sender_first_name) == (FISCAL_CODE, "Mario")


@pytest.mark.parametrize(
    ("kwargs", "errors"),
    [
        ({"subject": "   "}, {"subject": ["Indicare l'oggetto."]}),
        ({"kind": "lettera"}, {"kind": ["Tipo non valido: documento o reclamo."]}),
        (
            {"fiscal_code": "RSSMRA80A01H501X"},
            {"fiscal_code": ["Codice fiscale non valido."]},
        ),
        (
            {"subject": "x" * 501},
            {
                "subject": [
                    "Assicurati che questo valore non contenga più di 500 "
                    "caratteri (ne ha 501)."
                ]
            },
        ),
    ],
    ids=["empty-subject", "unknown-kind", "invalid-fiscal-code", "long-subject"],
)
def test_bad_input_writes_nothing_and_takes_no_number(
    branch, receptionist, morning, kwargs, errors
):
    with pytest.raises(ValidationError) as excinfo:
        register(branch, receptionist, **kwargs)

    assert excinfo.value.message_dict == errors
    assert ProtocolEntry.objects.count() == 0
    assert ProtocolSequence.objects.count() == 0
    assert register(branch, receptionist).number == 1


def test_annulment_keeps_the_entry_and_its_number(
    branch, receptionist, supervisor, morning
):
    entry = register(branch, receptionist)

    annulled = protocol_annul(
        entry=entry, reason="Registrato due volte", annulled_by=supervisor
    )

    assert annulled.number == 1
    assert annulled.is_annulled is True
    assert (annulled.annulled_by, annulled.annulment_reason) == (
        supervisor,
        "Registrato due volte",
    )
    assert annulled.subject == "Domanda di ricostituzione"
    assert ProtocolEntry.objects.count() == 1
    # The number is never given again.
    assert register(branch, receptionist).number == 2


def test_annulment_needs_a_reason_and_happens_once(branch, receptionist, morning):
    entry = register(branch, receptionist)

    with pytest.raises(ValidationError):
        protocol_annul(entry=entry, reason=" ", annulled_by=receptionist)
    protocol_annul(entry=entry, reason="Errore", annulled_by=receptionist)
    with pytest.raises(ApplicationError) as excinfo:
        protocol_annul(entry=entry, reason="Ancora", annulled_by=receptionist)

    assert excinfo.value.code == "already_annulled"
    entry.refresh_from_db()
    assert entry.annulment_reason == "Errore"


def test_the_database_refuses_a_reused_number(branch, receptionist, morning):
    from django.db import IntegrityError, transaction

    entry = register(branch, receptionist)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProtocolEntry.objects.create(
            branch=branch,
            year=entry.year,
            number=entry.number,
            kind="documento",
            subject="Copia",
            registered_at=entry.registered_at,
            registered_by=receptionist,
        )


def test_complaint_moves_forward_only(branch, receptionist, morning):
    complaint = register(branch, receptionist, kind="reclamo", subject="Attesa")

    assert (
        complaint_status_set(entry=complaint, status="in_progress").complaint_status
        == "in_progress"
    )
    answered = complaint_status_set(entry=complaint, status="answered")
    assert answered.answered_at is not None
    with pytest.raises(ApplicationError) as excinfo:
        complaint_status_set(entry=complaint, status="in_progress")
    assert excinfo.value.code == "invalid_state"


def test_a_document_has_no_complaint_status(branch, receptionist, morning):
    document = register(branch, receptionist)

    with pytest.raises(ApplicationError) as excinfo:
        complaint_status_set(entry=document, status="answered")

    assert excinfo.value.code == "not_a_complaint"


def test_registration_from_the_desk_logs_the_arrival(branch, receptionist, morning):
    entry = register(branch, receptionist, log_arrival=True)

    arrival = Arrival.objects.get()
    assert (arrival.outcome, arrival.protocol_entry, arrival.reason) == (
        "protocol",
        entry,
        "Documento",
    )
