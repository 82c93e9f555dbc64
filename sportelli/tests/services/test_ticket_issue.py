import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from frontoffice.common.exceptions import ApplicationError
from sedi.models import ServiceLine
from sedi.services import branch_line_close, branch_line_open
from sportelli.models import Ticket, TicketEvent, TicketSequence
from sportelli.services import ticket_issue
from sportelli.tests.conftest import MORNING, ROME

pytestmark = pytest.mark.django_db


def issue(branch, line="soggetto-contribuente", **kwargs):
    return ticket_issue(
        branch=branch, line_code=line, channel=Ticket.Channel.KIOSK, **kwargs
    )


def test_first_ticket_of_the_day_is_number_one_with_the_line_letter(branch, morning):
    ticket = issue(branch)

    assert ticket.code == "D001"
    assert ticket.status == Ticket.Status.WAITING
    assert ticket.issued_on == datetime.date(2026, 12, 2)
    assert ticket.issued_at == MORNING
    assert len(ticket.public_code) >= 20
    assert list(ticket.events.values_list("kind", flat=True)) == ["issued"]


def test_numbers_follow_each_other_per_line(branch, morning):
    codes = [issue(branch).code for _ in range(7)]
    other = issue(branch, "assicurato-pensionato")

    assert codes == ["D001", "D002", "D003", "D004", "D005", "D006", "D007"]
    assert other.code == "A001"


def test_numbering_restarts_each_morning(branch):
    with time_machine.travel(datetime.datetime(2026, 12, 2, 9, 0, tzinfo=ROME)):
        issue(branch)
        issue(branch)
    with time_machine.travel(datetime.datetime(2026, 12, 3, 8, 30, tzinfo=ROME)):
        ticket = issue(branch)

    assert ticket.code == "D001"
    assert ticket.issued_on == datetime.date(2026, 12, 3)


@pytest.mark.parametrize(
    ("hour", "minute", "second", "allowed"),
    [
        (8, 29, 59, False),
        (8, 30, 0, True),
        (11, 59, 0, True),
        (12, 0, 0, True),
        (12, 0, 59, True),
        (12, 1, 0, False),
        (12, 30, 0, False),
        (14, 0, 0, False),
    ],
    ids=["08:29:59", "08:30", "11:59", "12:00", "12:00:59", "12:01", "12:30", "14:00"],
)
def test_tickets_are_issued_from_half_past_eight_to_twelve(
    branch, hour, minute, second, allowed
):
    at = datetime.datetime(2026, 12, 2, hour, minute, second, tzinfo=ROME)
    with time_machine.travel(at, tick=False):
        if allowed:
            assert issue(branch).code == "D001"
        else:
            with pytest.raises(ApplicationError) as excinfo:
                issue(branch)
            assert excinfo.value.code == "outside_hours"
            assert Ticket.objects.count() == 0


@pytest.mark.parametrize(
    "day",
    [
        datetime.date(2026, 12, 5),  # Saturday
        datetime.date(2026, 12, 8),  # Immacolata Concezione (Tuesday)
        datetime.date(2027, 6, 29),  # Rome's patron day (Tuesday)
    ],
    ids=["saturday", "8-december", "patron-day"],
)
def test_no_tickets_on_closed_days(branch, day):
    at = datetime.datetime.combine(day, datetime.time(9, 0), tzinfo=ROME)
    with time_machine.travel(at, tick=False), pytest.raises(ApplicationError) as exc:
        issue(branch)

    assert exc.value.code == "outside_hours"
    assert TicketSequence.objects.count() == 0


def test_unknown_line_is_bad_input(branch, morning):
    with pytest.raises(ValidationError) as excinfo:
        issue(branch, "sportello-inesistente")

    assert excinfo.value.message_dict == {
        "line": ["Linea sconosciuta: sportello-inesistente."]
    }
    assert Ticket.objects.count() == 0


def test_unknown_line_is_reported_before_the_hours(branch):
    at = datetime.datetime(2026, 12, 5, 9, 0, tzinfo=ROME)
    with time_machine.travel(at, tick=False), pytest.raises(ValidationError):
        issue(branch, "sportello-inesistente")


def test_a_line_the_branch_does_not_have_is_closed(branch, morning):
    with pytest.raises(ApplicationError) as excinfo:
        issue(branch, "poli-specialistici")

    assert excinfo.value.code == "line_closed"
    assert "Poli Specialistici" in excinfo.value.detail
    assert Ticket.objects.count() == 0
    assert TicketEvent.objects.count() == 0


def test_overpayments_line_issues_only_within_its_period(branch, morning):
    overpayments = ServiceLine.objects.get(code="indebiti")
    branch_line_open(
        branch=branch,
        line=overpayments,
        opened_on=datetime.date(2026, 11, 16),
        closes_on=datetime.date(2026, 12, 2),
    )
    assert issue(branch, "indebiti").code == "E001"

    branch_line_close(
        branch=branch, line=overpayments, closes_on=datetime.date(2026, 12, 1)
    )
    with pytest.raises(ApplicationError) as excinfo:
        issue(branch, "indebiti")
    assert excinfo.value.code == "line_closed"


def test_priority_is_a_flag_only(branch, morning):
    ticket = issue(branch, priority=True)

    assert ticket.priority is True
    assert ticket.events.get().data == {"channel": "kiosk", "priority": True}


def test_the_thousandth_ticket_of_a_line_is_refused(branch, morning):
    line = ServiceLine.objects.get(code="soggetto-contribuente")
    TicketSequence.objects.create(
        branch=branch, line=line, issued_on=datetime.date(2026, 12, 2), last_number=999
    )

    with pytest.raises(ApplicationError) as excinfo:
        issue(branch)

    assert excinfo.value.code == "tickets_exhausted"
    assert Ticket.objects.count() == 0
    assert TicketSequence.objects.get().last_number == 999
