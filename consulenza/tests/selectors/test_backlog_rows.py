import datetime

import pytest
import time_machine

from consulenza.selectors import (
    backlog_level,
    backlog_rows,
    free_slot_list,
    meeting_point_gaps,
    recommended_meeting_points,
)
from consulenza.services import meeting_point_create
from consulenza.tests.conftest import PENSIONER, STANDARD_LINES, rome
from consulenza.tests.factories import AppointmentFactory
from consulenza.tests.helpers import fill
from sedi.models import Branch, ServiceLine
from sedi.tests.factories import BranchFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("days", "level"),
    [
        (0, "ok"),
        (21, "ok"),
        (22, "warning"),
        (30, "warning"),
        (31, "flagged"),
        (None, "flagged"),
    ],
)
def test_backlog_level_edges(days, level):
    assert backlog_level(backlog_days=days) == level


@pytest.mark.parametrize(
    ("demand", "capacity", "current", "flagged", "expected"),
    [
        (60.0, 72, 1, False, 1),
        (73.0, 72, 1, False, 2),
        (150.0, 72, 1, True, 3),
        (10.0, 72, 2, True, 3),  # flagged: at least one more than now
        (0.0, 72, 0, False, 1),
        (5.0, 0, 1, False, 2),
    ],
)
def test_recommended_meeting_points(demand, capacity, current, flagged, expected):
    assert (
        recommended_meeting_points(
            demand_per_30_days=demand,
            slots_per_point_in_30_days=capacity,
            current=current,
            flagged=flagged,
        )
        == expected
    )


@pytest.fixture
def agenda(branch):
    lines = {
        line.code: line for line in ServiceLine.objects.filter(code__in=STANDARD_LINES)
    }
    return {
        code: meeting_point_create(
            branch=branch, line=line, opened_on=datetime.date(2026, 1, 1)
        )
        for code, line in lines.items()
    }


@pytest.mark.parametrize(
    ("filled_until", "first_free", "days", "level"),
    [
        (datetime.date(2026, 3, 19), rome(2026, 3, 23, 13, 30), 21, "ok"),
        (datetime.date(2026, 3, 23), rome(2026, 3, 24, 13, 30), 22, "warning"),
        (datetime.date(2026, 3, 31), rome(2026, 4, 1, 13, 30), 30, "warning"),
        (datetime.date(2026, 4, 1), rome(2026, 4, 2, 13, 30), 31, "flagged"),
    ],
    ids=["21-days", "22-days", "30-days", "31-days"],
)
def test_backlog_rows_measure_the_first_free_slot(
    monday, branch, agenda, filled_until, first_free, days, level
):
    fill(agenda[PENSIONER], datetime.date(2026, 3, 2), filled_until)

    rows = backlog_rows(branches=Branch.objects.all())

    by_line = {row.line.code: row for row in rows}
    assert sorted(by_line) == sorted(STANDARD_LINES)
    row = by_line[PENSIONER]
    assert (row.first_free_slot, row.backlog_days, row.level) == (
        first_free,
        days,
        level,
    )
    assert row.meeting_points == 1
    others = [r for r in rows if r.line.code != PENSIONER]
    assert {(r.backlog_days, r.level) for r in others} == {(0, "ok")}


def test_backlog_rows_skip_agenzie_territoriali_and_flag_lines_without_points(
    monday, lazio, branch, agenda
):
    BranchFactory.create(
        region=lazio,
        code="civitavecchia",
        kind=Branch.Kind.TERRITORIAL_AGENCY,
        line_codes=STANDARD_LINES,
    )
    BranchFactory.create(
        region=lazio, code="roma-eur", line_codes=[PENSIONER, "indebiti"]
    )

    rows = backlog_rows(branches=Branch.objects.all())

    assert [(r.branch.code, r.line.code, r.meeting_points, r.level) for r in rows] == [
        ("roma-centro", "assicurato-pensionato", 1, "ok"),
        ("roma-centro", "socio-sanitari", 1, "ok"),
        ("roma-centro", "sostegno-reddito", 1, "ok"),
        ("roma-centro", "soggetto-contribuente", 1, "ok"),
        # No meeting point: no slot at all, so flagged; Indebiti needs none.
        ("roma-eur", "assicurato-pensionato", 0, "flagged"),
    ]
    assert rows[-1].first_free_slot is None
    assert rows[-1].backlog_days is None
    assert [
        (b.code, line.code)
        for b, line in meeting_point_gaps(on=datetime.date(2026, 3, 2))
    ] == [("roma-eur", "assicurato-pensionato")]


def test_backlog_rows_query_count_does_not_grow_with_appointments(
    monday, branch, agenda, django_assert_num_queries
):
    fill(agenda[PENSIONER], datetime.date(2026, 3, 2), datetime.date(2026, 3, 12))
    # Lines present, meeting points, full days, the open days' bookings,
    # two for the demand, and the branches themselves.
    with django_assert_num_queries(7):
        backlog_rows(branches=Branch.objects.all())

    added = fill(
        agenda[PENSIONER], datetime.date(2026, 3, 16), datetime.date(2026, 6, 30)
    )
    for point in agenda.values():
        for day in (3, 4, 5):
            AppointmentFactory.create(
                meeting_point=point, start=rome(2026, 2, day, 14, 0)
            )
    with django_assert_num_queries(7):
        rows = backlog_rows(branches=Branch.objects.all())

    assert added > 200
    assert {r.line.code: r.level for r in rows}[PENSIONER] == "flagged"


def test_backlog_rows_look_as_far_as_the_horizon(monday, branch, agenda):
    fill(agenda[PENSIONER], datetime.date(2026, 3, 2), datetime.date(2026, 7, 31))

    with time_machine.travel(rome(2026, 3, 2, 10, 0), tick=False):
        row = next(
            r
            for r in backlog_rows(branches=Branch.objects.all())
            if r.line.code == PENSIONER
        )

    # 120 days from 2 March is 30 June: nothing free up to it.
    assert (row.first_free_slot, row.backlog_days, row.level) == (None, None, "flagged")


def test_backlog_rows_find_the_same_first_free_slot_as_booking(branch, agenda):
    """The job counts full days in the database; booking walks every slot.

    Both must agree where counting could mislead: past slots today, a
    cancelled appointment, appointments off the slot grid, two meeting
    points of one line with different slot lengths, a point that closes.
    """
    now = rome(2026, 3, 2, 14, 10)
    lines = {line.code: line for line in ServiceLine.objects.all()}
    # Assicurato Pensionato: a second point of 45 minutes from 9 March.
    fill(agenda[PENSIONER], datetime.date(2026, 3, 2), datetime.date(2026, 3, 12))
    second = meeting_point_create(
        branch=branch,
        line=lines[PENSIONER],
        opened_on=datetime.date(2026, 3, 9),
        slot_minutes=45,
    )
    AppointmentFactory.create(meeting_point=second, start=rome(2026, 3, 9, 13, 30))
    # Socio-sanitari: today's future slots booked (the past ones free),
    # tomorrow full, a cancelled appointment on Wednesday at 13:30.
    social = agenda["socio-sanitari"]
    for minute in (30, 0):
        AppointmentFactory.create(
            meeting_point=social, start=rome(2026, 3, 2, 14 + (minute == 0), minute)
        )
    fill(social, datetime.date(2026, 3, 3), datetime.date(2026, 3, 3))
    AppointmentFactory.create(
        meeting_point=social, start=rome(2026, 3, 4, 13, 30), status="cancelled"
    )
    # Sostegno al reddito: full until its point closes on 20 March; another
    # point opens on 26 March.
    income = agenda["sostegno-reddito"]
    income.closed_on = datetime.date(2026, 3, 20)
    income.save()
    fill(income, datetime.date(2026, 3, 2), datetime.date(2026, 3, 20))
    meeting_point_create(
        branch=branch,
        line=lines["sostegno-reddito"],
        opened_on=datetime.date(2026, 3, 26),
    )
    # Soggetto contribuente: full to 5 March, then four appointments on
    # 9 March that hold no slot (off the 30-minute grid).
    payer = agenda["soggetto-contribuente"]
    fill(payer, datetime.date(2026, 3, 2), datetime.date(2026, 3, 5))
    for hour, minute in ((13, 40), (14, 10), (14, 40), (15, 10)):
        AppointmentFactory.create(
            meeting_point=payer, start=rome(2026, 3, 9, hour, minute)
        )

    rows = backlog_rows(branches=Branch.objects.all(), now=now)

    found = {row.line.code: row.first_free_slot for row in rows}
    booking = {
        code: free_slot_list(
            branch=branch,
            line=lines[code],
            first_day=datetime.date(2026, 3, 2),
            last_day=datetime.date(2026, 3, 2) + datetime.timedelta(days=120),
            now=now,
            limit=1,
        )[0].start
        for code in STANDARD_LINES
    }
    assert (
        found
        == booking
        == {
            PENSIONER: rome(2026, 3, 9, 14, 15),  # the 45-minute point's second slot
            "socio-sanitari": rome(2026, 3, 4, 13, 30),
            "sostegno-reddito": rome(2026, 3, 26, 13, 30),
            "soggetto-contribuente": rome(2026, 3, 9, 13, 30),
        }
    )
