import datetime

import pytest
import time_machine

from consulenza.models import Appointment
from consulenza.selectors import day_slot_starts, free_slot_list
from consulenza.services import meeting_point_create
from consulenza.tests.conftest import ROME, STANDARD_LINES, rome
from consulenza.tests.factories import AppointmentFactory
from sedi.models import Branch
from sedi.tests.factories import BranchFactory

pytestmark = pytest.mark.django_db


def _starts(slots) -> list[str]:
    return [s.start.astimezone(ROME).strftime("%a %d/%m %H:%M") for s in slots]


def _days(first: datetime.date, last: datetime.date, **kwargs):
    return kwargs | {"first_day": first, "last_day": last}


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [
        (30, ["13:30", "14:00", "14:30", "15:00"]),
        (45, ["13:30", "14:15"]),
        (40, ["13:30", "14:10", "14:50"]),
        (120, ["13:30"]),
    ],
)
def test_day_slots_fit_between_1330_and_1530(minutes, expected):
    slots = day_slot_starts(slot_minutes=minutes, day=datetime.date(2026, 3, 2))

    assert [start.strftime("%H:%M") for start, _end in slots] == expected
    assert all(end <= rome(2026, 3, 2, 15, 30) for _start, end in slots)


def test_slots_are_monday_to_thursday_afternoons(monday, branch, line, point):
    slots = free_slot_list(
        branch=branch,
        line=line,
        first_day=datetime.date(2026, 3, 2),
        last_day=datetime.date(2026, 3, 8),
    )

    assert _starts(slots) == [
        f"{day} {time}"
        for day in ("Mon 02/03", "Tue 03/03", "Wed 04/03", "Thu 05/03")
        for time in ("13:30", "14:00", "14:30", "15:00")
    ]
    assert slots[0].end == rome(2026, 3, 2, 14, 0)
    assert {s.meeting_point for s in slots} == {point}


@pytest.mark.parametrize(
    ("now", "first_offered"),
    [
        (rome(2026, 3, 5, 14, 59), "Thu 05/03 15:00"),
        # A slot starting exactly now is gone; Friday has no consultation.
        (rome(2026, 3, 5, 15, 0), "Mon 09/03 13:30"),
        (rome(2026, 3, 5, 15, 30), "Mon 09/03 13:30"),
    ],
    ids=["thursday-1459", "thursday-1500", "thursday-1530"],
)
def test_slots_never_start_in_the_past(branch, line, point, now, first_offered):
    with time_machine.travel(now, tick=False):
        slots = free_slot_list(
            branch=branch,
            line=line,
            first_day=datetime.date(2026, 3, 5),
            last_day=datetime.date(2026, 3, 9),
        )

    assert _starts(slots)[0] == first_offered


def test_no_slots_on_friday(monday, branch, line, point):
    slots = free_slot_list(
        branch=branch,
        line=line,
        first_day=datetime.date(2026, 3, 6),
        last_day=datetime.date(2026, 3, 8),
    )

    assert slots == []


def test_no_slots_on_a_national_holiday(branch, line, point):
    # Tuesday 2 June 2026, Festa della Repubblica.
    with time_machine.travel(rome(2026, 6, 1, 9, 0), tick=False):
        slots = free_slot_list(
            branch=branch,
            line=line,
            first_day=datetime.date(2026, 6, 1),
            last_day=datetime.date(2026, 6, 3),
        )

    assert _starts(slots) == [
        f"{day} {time}"
        for day in ("Mon 01/06", "Wed 03/06")
        for time in ("13:30", "14:00", "14:30", "15:00")
    ]


def test_no_slots_on_the_branch_patron_day(lazio, line):
    # Monday 29 June 2026 is Rome's patron day; a branch with another
    # patron (28 April) consults on 29 June and not on 28 April.
    rome_branch = BranchFactory.create(region=lazio, line_codes=STANDARD_LINES)
    other = BranchFactory.create(
        region=lazio,
        line_codes=STANDARD_LINES,
        patron_day_month=4,
        patron_day_day=28,
    )
    for b in (rome_branch, other):
        meeting_point_create(branch=b, line=line, opened_on=datetime.date(2026, 1, 1))

    with time_machine.travel(rome(2026, 4, 1, 9, 0), tick=False):
        rome_june = free_slot_list(
            branch=rome_branch,
            line=line,
            first_day=datetime.date(2026, 6, 29),
            last_day=datetime.date(2026, 6, 29),
        )
        other_june = free_slot_list(
            branch=other,
            line=line,
            first_day=datetime.date(2026, 6, 29),
            last_day=datetime.date(2026, 6, 29),
        )
        other_april = free_slot_list(
            branch=other,
            line=line,
            first_day=datetime.date(2026, 4, 28),
            last_day=datetime.date(2026, 4, 28),
        )

    assert rome_june == []
    assert len(other_june) == 4
    assert other_april == []


def test_slots_keep_rome_wall_clock_across_spring_dst(branch, line, point):
    # Sunday 29 March 2026 Rome moves from +01:00 to +02:00.
    with time_machine.travel(rome(2026, 3, 26, 9, 0), tick=False):
        slots = free_slot_list(
            branch=branch,
            line=line,
            first_day=datetime.date(2026, 3, 26),
            last_day=datetime.date(2026, 3, 30),
        )

    assert _starts(slots) == [
        f"{day} {time}"
        for day in ("Thu 26/03", "Mon 30/03")
        for time in ("13:30", "14:00", "14:30", "15:00")
    ]
    utc = [s.start.astimezone(datetime.UTC).strftime("%d %H:%M") for s in slots]
    assert utc[0] == "26 12:30"
    assert utc[4] == "30 11:30"
    assert slots[7].end.astimezone(datetime.UTC) == datetime.datetime(
        2026, 3, 30, 13, 30, tzinfo=datetime.UTC
    )


def test_slots_keep_rome_wall_clock_across_autumn_dst(branch, line, point):
    # Sunday 25 October 2026 Rome moves back from +02:00 to +01:00.
    with time_machine.travel(rome(2026, 10, 22, 9, 0), tick=False):
        slots = free_slot_list(
            branch=branch,
            line=line,
            first_day=datetime.date(2026, 10, 22),
            last_day=datetime.date(2026, 10, 26),
        )

    utc = [s.start.astimezone(datetime.UTC).strftime("%d %H:%M") for s in slots]
    assert utc == [
        "22 11:30",
        "22 12:00",
        "22 12:30",
        "22 13:00",
        "26 12:30",
        "26 13:00",
        "26 13:30",
        "26 14:00",
    ]


def test_no_slots_in_an_agenzia_territoriale(monday, lazio, line):
    branch = BranchFactory.create(
        region=lazio,
        kind=Branch.Kind.TERRITORIAL_AGENCY,
        line_codes=STANDARD_LINES,
    )

    slots = free_slot_list(
        branch=branch,
        line=line,
        first_day=datetime.date(2026, 3, 2),
        last_day=datetime.date(2026, 3, 31),
    )

    assert slots == []


def test_booked_slots_are_not_offered_but_cancelled_ones_are(
    monday, branch, line, point
):
    AppointmentFactory.create(meeting_point=point, start=rome(2026, 3, 2, 13, 30))
    AppointmentFactory.create(
        meeting_point=point,
        start=rome(2026, 3, 2, 14, 0),
        status=Appointment.Status.CANCELLED,
    )

    slots = free_slot_list(
        branch=branch,
        line=line,
        first_day=datetime.date(2026, 3, 2),
        last_day=datetime.date(2026, 3, 2),
    )

    assert _starts(slots) == ["Mon 02/03 14:00", "Mon 02/03 14:30", "Mon 02/03 15:00"]


def test_meeting_point_validity_period_is_inclusive(monday, branch, line):
    point = meeting_point_create(
        branch=branch,
        line=line,
        opened_on=datetime.date(2026, 3, 3),
        closed_on=datetime.date(2026, 3, 4),
    )

    slots = free_slot_list(
        branch=branch,
        line=line,
        first_day=datetime.date(2026, 3, 2),
        last_day=datetime.date(2026, 3, 5),
    )

    assert sorted({s.start.date() for s in slots}) == [
        datetime.date(2026, 3, 3),
        datetime.date(2026, 3, 4),
    ]
    assert {s.meeting_point for s in slots} == {point}


def test_two_meeting_points_offer_both_their_slots_in_time_order(
    monday, branch, line, point
):
    second = meeting_point_create(
        branch=branch, line=line, opened_on=datetime.date(2026, 3, 1), slot_minutes=45
    )

    slots = free_slot_list(
        branch=branch,
        line=line,
        first_day=datetime.date(2026, 3, 2),
        last_day=datetime.date(2026, 3, 2),
    )

    assert [
        (s.start.astimezone(ROME).strftime("%H:%M"), s.meeting_point) for s in slots
    ] == [
        ("13:30", point),
        ("13:30", second),
        ("14:00", point),
        ("14:15", second),
        ("14:30", point),
        ("15:00", point),
    ]


def test_free_slot_list_runs_three_queries_whatever_the_bookings(
    monday, branch, line, point, django_assert_num_queries
):
    for day in (2, 3, 4, 5, 9, 10, 11, 12):
        for hour, minute in ((13, 30), (14, 0), (14, 30)):
            AppointmentFactory.create(
                meeting_point=point, start=rome(2026, 3, day, hour, minute)
            )

    with django_assert_num_queries(3):
        slots = free_slot_list(
            branch=branch,
            line=line,
            first_day=datetime.date(2026, 3, 2),
            last_day=datetime.date(2026, 3, 31),
        )

    assert len(slots) == 8 + 4 * 10
