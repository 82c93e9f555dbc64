import datetime
from unittest import mock

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from consulenza.models import Appointment, Escalation
from consulenza.services import (
    Citizen,
    appointment_book,
    appointment_cancel,
    meeting_point_create,
)
from consulenza.tests.conftest import FISCAL_CODE, PENSIONER, STANDARD_LINES, rome
from consulenza.tests.factories import AppointmentFactory
from consulenza.tests.helpers import fill
from frontoffice.common.exceptions import ApplicationError
from sedi.models import Branch
from sedi.tests.factories import BranchFactory

pytestmark = pytest.mark.django_db

CITIZEN = Citizen(
    fiscal_code=FISCAL_CODE.lower(),
    first_name="Mario",
    last_name="Rossi",
    email="mario.rossi@example.it",
)


def _book(branch, **kwargs):
    values = {
        "branch": branch,
        "line_code": PENSIONER,
        "citizen": CITIZEN,
        "channel": "ccm",
    }
    values.update(kwargs)
    return appointment_book(**values)


def test_book_without_start_takes_the_first_free_slot(
    monday, branch, point, django_capture_on_commit_callbacks
):
    AppointmentFactory.create(meeting_point=point, start=rome(2026, 3, 2, 13, 30))

    with (
        mock.patch("consulenza.services.confirmation_task.apply_async") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        appointment = _book(branch, topic_code="pin-cittadino")

    assert isinstance(appointment, Appointment)
    assert appointment.meeting_point == point
    assert appointment.start == rome(2026, 3, 2, 14, 0)
    assert appointment.end == rome(2026, 3, 2, 14, 30)
    assert appointment.status == Appointment.Status.BOOKED
    assert appointment.fiscal_code == FISCAL_CODE
    assert appointment.topic is not None
    assert appointment.topic.code == "pin-cittadino"
    delay.assert_called_once_with(
        kwargs={"appointment_id": appointment.pk}, retry=False, ignore_result=True
    )


def test_book_without_email_enqueues_no_confirmation(
    monday, branch, point, django_capture_on_commit_callbacks
):
    with (
        mock.patch("consulenza.services.confirmation_task.apply_async") as delay,
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        _book(branch, citizen=Citizen(FISCAL_CODE, "Mario", "Rossi"))

    assert callbacks == []
    delay.assert_not_called()


def test_book_with_start_takes_that_slot(monday, branch, point):
    appointment = _book(branch, start=rome(2026, 3, 4, 15, 0))

    assert appointment.start == rome(2026, 3, 4, 15, 0)
    assert appointment.meeting_point == point


def test_book_with_start_uses_a_second_meeting_point_when_the_first_is_taken(
    monday, branch, line, point
):
    second = meeting_point_create(
        branch=branch, line=line, opened_on=datetime.date(2026, 1, 1)
    )
    first = _book(branch, start=rome(2026, 3, 4, 15, 0))
    other = _book(branch, start=rome(2026, 3, 4, 15, 0))

    assert (first.meeting_point, other.meeting_point) == (point, second)
    with pytest.raises(ApplicationError) as exc:
        _book(branch, start=rome(2026, 3, 4, 15, 0))
    assert exc.value.code == "slot_taken"
    assert Appointment.objects.count() == 2


def test_book_a_taken_slot_is_refused_with_slot_taken(monday, branch, point):
    _book(branch, start=rome(2026, 3, 4, 15, 0))

    with pytest.raises(ApplicationError) as exc:
        _book(branch, start=rome(2026, 3, 4, 15, 0))

    assert exc.value.code == "slot_taken"
    assert Appointment.objects.count() == 1


def test_cancelled_slot_can_be_booked_again(monday, branch, point):
    first = _book(branch, start=rome(2026, 3, 4, 15, 0))
    appointment_cancel(appointment=first)

    again = _book(branch, start=rome(2026, 3, 4, 15, 0))

    assert again.pk != first.pk
    assert again.start == first.start
    assert list(
        Appointment.objects.order_by("pk").values_list("status", flat=True)
    ) == ["cancelled", "booked"]


def test_database_refuses_two_live_appointments_in_one_slot(monday, point):
    AppointmentFactory.create(meeting_point=point, start=rome(2026, 3, 4, 15, 0))

    with pytest.raises(IntegrityError), transaction.atomic():
        AppointmentFactory.create(meeting_point=point, start=rome(2026, 3, 4, 15, 0))

    assert Appointment.objects.count() == 1


@pytest.mark.parametrize(
    ("start", "code"),
    [
        (rome(2026, 3, 6, 14, 0), "outside_hours"),  # Friday
        (rome(2026, 3, 7, 14, 0), "outside_hours"),  # Saturday
        (rome(2026, 3, 4, 15, 30), "outside_hours"),  # ends the afternoon
        (rome(2026, 3, 4, 13, 0), "outside_hours"),  # before 13:30
        (rome(2026, 3, 4, 13, 40), "outside_hours"),  # not a slot start
        (rome(2026, 3, 2, 9, 30), "slot_in_past"),
        (rome(2026, 4, 2, 13, 30), "beyond_30_days"),  # today + 31
    ],
    ids=["friday", "saturday", "1530", "1300", "1340", "past", "day-31"],
)
def test_book_with_start_refuses_what_is_not_a_slot(
    monday, branch, point, start, code, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(ApplicationError) as exc,
    ):
        _book(branch, start=start)

    assert exc.value.code == code
    assert Appointment.objects.count() == 0
    assert Escalation.objects.count() == 0
    assert callbacks == []


def test_book_with_start_on_a_holiday_is_outside_hours(branch, point):
    with (
        time_machine.travel(rome(2026, 5, 28, 9, 0), tick=False),
        pytest.raises(ApplicationError) as exc,
    ):
        _book(branch, start=rome(2026, 6, 2, 14, 0))  # Festa della Repubblica

    assert exc.value.code == "outside_hours"


def test_book_with_start_on_the_patron_day_is_outside_hours(branch, point):
    with (
        time_machine.travel(rome(2026, 6, 25, 9, 0), tick=False),
        pytest.raises(ApplicationError) as exc,
    ):
        _book(branch, start=rome(2026, 6, 29, 14, 0))  # San Pietro e Paolo

    assert exc.value.code == "outside_hours"


def test_book_with_start_on_the_last_day_of_the_window_is_accepted(
    monday, branch, point
):
    appointment = _book(branch, start=rome(2026, 4, 1, 15, 0))  # today + 30

    assert appointment.start == rome(2026, 4, 1, 15, 0)


def test_book_in_an_agenzia_territoriale_is_refused(monday, lazio):
    branch = BranchFactory.create(
        region=lazio, kind=Branch.Kind.TERRITORIAL_AGENCY, line_codes=STANDARD_LINES
    )

    with pytest.raises(ApplicationError) as exc:
        _book(branch)

    assert exc.value.code == "no_consultation"
    assert Appointment.objects.count() == 0
    assert Escalation.objects.count() == 0


def test_book_a_line_absent_from_the_branch_is_refused(monday, branch, point):
    with pytest.raises(ApplicationError) as exc:
        _book(branch, line_code="poli-specialistici")

    assert exc.value.code == "no_consultation"


def test_book_for_indebiti_is_refused_and_never_sent_to_the_cric(monday, lazio):
    # Indebiti (§2.5) is a counter opened at peaks: no meeting point, so
    # its request would otherwise find no slot and escalate.
    branch = BranchFactory.create(
        region=lazio, line_codes=[*STANDARD_LINES, "indebiti"]
    )

    with pytest.raises(ApplicationError) as exc:
        _book(branch, line_code="indebiti")

    assert exc.value.code == "no_consultation"
    assert exc.value.detail == (
        "La consulenza su appuntamento non è prevista per Sportello Indebiti: "
        "la persona va servita allo sportello con un biglietto."
    )
    assert Appointment.objects.count() == 0
    assert Escalation.objects.count() == 0


def test_a_meeting_point_for_indebiti_is_refused(monday, lazio):
    from consulenza.models import MeetingPoint
    from sedi.models import ServiceLine

    branch = BranchFactory.create(
        region=lazio, line_codes=[*STANDARD_LINES, "indebiti"]
    )

    with pytest.raises(ValidationError) as exc:
        meeting_point_create(
            branch=branch,
            line=ServiceLine.objects.get(code="indebiti"),
            opened_on=datetime.date(2026, 3, 2),
        )

    assert exc.value.message_dict == {
        "line": [
            "La linea non svolge consulenza su appuntamento: nessun punto di incontro."
        ]
    }
    assert MeetingPoint.objects.count() == 0


def test_book_with_start_when_no_meeting_point_that_day(monday, branch, line):
    meeting_point_create(branch=branch, line=line, opened_on=datetime.date(2026, 3, 10))

    with pytest.raises(ApplicationError) as exc:
        _book(branch, start=rome(2026, 3, 4, 14, 0))

    assert exc.value.code == "no_consultation"


def test_book_with_start_after_the_line_closes_at_the_branch(monday, branch, point):
    from sedi.models import BranchLine

    BranchLine.objects.filter(branch=branch, line=point.line).update(
        closes_on=datetime.date(2026, 3, 3)
    )

    with pytest.raises(ApplicationError) as exc:
        _book(branch, start=rome(2026, 3, 4, 14, 0))

    assert exc.value.code == "no_consultation"
    assert exc.value.detail == "La linea non è presente nella sede in quel giorno."
    assert Appointment.objects.count() == 0


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"citizen": Citizen("RSSMRA85T10A562X", "Mario", "Rossi")}, "fiscal_code"),
        ({"citizen": Citizen("RSSMRA", "Mario", "Rossi")}, "fiscal_code"),
        ({"line_code": "nessuna"}, "line"),
        ({"topic_code": "durc-cartaceo"}, "topic"),  # another line's service
        ({"channel": "fax"}, "channel"),
    ],
    ids=["checksum", "short", "line", "topic", "channel"],
)
def test_book_refuses_bad_input_with_field_errors(monday, branch, point, kwargs, field):
    with pytest.raises(ValidationError) as exc:
        _book(branch, **kwargs)

    assert list(exc.value.message_dict) == [field]
    assert Appointment.objects.count() == 0


def test_book_on_day_30_is_booked(monday, branch, point):
    # Every slot from today to 1 April (today + 30) but the last is taken.
    taken = fill(point, datetime.date(2026, 3, 2), datetime.date(2026, 4, 1))
    Appointment.objects.filter(start=rome(2026, 4, 1, 15, 0)).delete()

    appointment = _book(branch)

    assert taken == 76
    assert isinstance(appointment, Appointment)
    assert appointment.start == rome(2026, 4, 1, 15, 0)


def test_book_when_only_day_31_is_free_is_escalated_to_the_cric(
    monday, branch, point, receptionist, django_capture_on_commit_callbacks
):
    fill(point, datetime.date(2026, 3, 2), datetime.date(2026, 4, 1))

    with (
        mock.patch("consulenza.services.confirmation_task.apply_async") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        escalation = _book(branch, topic_code="pin-cittadino", booked_by=receptionist)

    assert isinstance(escalation, Escalation)
    assert escalation.branch == branch
    assert escalation.line.code == PENSIONER
    assert escalation.status == Escalation.Status.OPEN
    assert escalation.requested_at == rome(2026, 3, 2, 10, 0)
    assert escalation.requested_by == receptionist
    assert (escalation.fiscal_code, escalation.email) == (
        FISCAL_CODE,
        "mario.rossi@example.it",
    )
    assert escalation.topic is not None
    assert escalation.topic.code == "pin-cittadino"
    assert Appointment.objects.filter(start__gte=rome(2026, 4, 2)).count() == 0
    delay.assert_not_called()


def test_book_without_any_meeting_point_is_escalated(monday, branch):
    result = _book(branch)

    assert isinstance(result, Escalation)
    assert Appointment.objects.count() == 0


def test_book_retries_the_next_slot_when_it_loses_a_race(monday, branch, point):
    # Another booking takes 13:30 after this one read the free slots.
    from consulenza import services

    real_insert = services._insert
    calls: list[datetime.datetime] = []

    def racing_insert(appointment):
        if not calls:
            AppointmentFactory.create(
                meeting_point=point, start=rome(2026, 3, 2, 13, 30)
            )
        calls.append(appointment.start)
        return real_insert(appointment)

    with mock.patch("consulenza.services._insert", side_effect=racing_insert):
        appointment = _book(branch)

    assert calls == [rome(2026, 3, 2, 13, 30), rome(2026, 3, 2, 14, 0)]
    assert appointment.start == rome(2026, 3, 2, 14, 0)
    assert Appointment.objects.count() == 2


def test_book_runs_a_bounded_number_of_queries(
    monday, branch, point, django_assert_max_num_queries
):
    fill(point, datetime.date(2026, 3, 2), datetime.date(2026, 3, 25))

    with django_assert_max_num_queries(14):  # +1: the history row
        appointment = _book(branch, topic_code="pin-cittadino")

    assert appointment.start == rome(2026, 3, 26, 13, 30)


def test_book_queries_do_not_grow_with_the_bookings(monday, branch, point):
    with CaptureQueriesContext(connection) as empty:
        first = _book(branch)
    assert first.start == rome(2026, 3, 2, 13, 30)
    Appointment.objects.all().delete()
    added = fill(point, datetime.date(2026, 3, 2), datetime.date(2026, 3, 25))

    with CaptureQueriesContext(connection) as full:
        appointment = _book(branch)

    assert added == 60
    assert appointment.start == rome(2026, 3, 26, 13, 30)
    assert len(full.captured_queries) == len(empty.captured_queries)
