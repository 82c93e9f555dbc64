"""Opening hours of the guideline ("Orario di apertura"), read on Rome's clock.

Counters 08:30–12:30 Monday–Friday, last ticket at 12:00; consultation
13:30–15:30 Monday–Thursday except in an agenzia territoriale; closed on
Italian public holidays and on the branch's patron-saint day.

No database: branches are built, not saved.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest

from sedi.calendar import (
    DaySchedule,
    closed_for,
    closures_between,
    consultation_open_at,
    counters_open_at,
    day_schedule,
    patron_day,
    tickets_open_at,
    to_rome,
)
from sedi.models import Branch
from sedi.tests.factories import BranchFactory

ROME = ZoneInfo("Europe/Rome")
UTC = datetime.UTC
PATRON = "Festa del santo patrono"

# A plain winter week, no holiday: Monday 12 to Sunday 18 January 2026.
MONDAY = datetime.date(2026, 1, 12)
TUESDAY = datetime.date(2026, 1, 13)
WEDNESDAY = datetime.date(2026, 1, 14)
THURSDAY = datetime.date(2026, 1, 15)
FRIDAY = datetime.date(2026, 1, 16)
SATURDAY = datetime.date(2026, 1, 17)
SUNDAY = datetime.date(2026, 1, 18)

MONDAY_TO_FRIDAY = [
    pytest.param(MONDAY, id="monday"),
    pytest.param(TUESDAY, id="tuesday"),
    pytest.param(WEDNESDAY, id="wednesday"),
    pytest.param(THURSDAY, id="thursday"),
    pytest.param(FRIDAY, id="friday"),
]
MONDAY_TO_THURSDAY = MONDAY_TO_FRIDAY[:4]

RULES = [
    pytest.param(counters_open_at, id="counters"),
    pytest.param(tickets_open_at, id="tickets"),
    pytest.param(consultation_open_at, id="consultation"),
]


def rome(day: datetime.date, at: datetime.time) -> datetime.datetime:
    """Return ``day`` at ``at`` on Rome's clock."""
    return datetime.datetime.combine(day, at, tzinfo=ROME)


def utc(year: int, month: int, day: int, hour: int, minute: int) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=UTC)


def rome_branch(**kwargs) -> Branch:
    """A branch in Rome, patron saints Peter and Paul (29 June)."""
    return BranchFactory.build(
        province="RM", patron_day_month=6, patron_day_day=29, **kwargs
    )


def civitavecchia_branch() -> Branch:
    """A branch in the province of Rome with its own patron, Santa Fermina."""
    return BranchFactory.build(province="RM", patron_day_month=4, patron_day_day=28)


# --- counters: 08:30–12:30, Monday–Friday -----------------------------------


@pytest.mark.parametrize("day", MONDAY_TO_FRIDAY)
@pytest.mark.parametrize(
    ("at", "expected"),
    [
        pytest.param(datetime.time(8, 29), False, id="08:29-closed"),
        pytest.param(datetime.time(8, 29, 59), False, id="08:29:59-closed"),
        pytest.param(datetime.time(8, 30), True, id="08:30-open"),
        pytest.param(datetime.time(12, 29), True, id="12:29-open"),
        pytest.param(datetime.time(12, 29, 59), True, id="12:29:59-open"),
        pytest.param(datetime.time(12, 30), False, id="12:30-closed"),
    ],
)
def test_counters_serve_from_half_past_eight_until_half_past_twelve(
    day: datetime.date, at: datetime.time, expected: bool
) -> None:
    assert counters_open_at(branch=rome_branch(), at=rome(day, at)) is expected


# --- tickets: 08:30 to the minute of 12:00 included ---------------------------


@pytest.mark.parametrize("day", MONDAY_TO_FRIDAY)
@pytest.mark.parametrize(
    ("at", "expected"),
    [
        pytest.param(datetime.time(8, 29), False, id="08:29-refused"),
        pytest.param(datetime.time(8, 29, 59), False, id="08:29:59-refused"),
        pytest.param(datetime.time(8, 30), True, id="08:30-issued"),
        pytest.param(datetime.time(11, 59), True, id="11:59-issued"),
        pytest.param(datetime.time(12, 0), True, id="12:00-issued"),
        pytest.param(datetime.time(12, 0, 59), True, id="12:00:59-issued"),
        pytest.param(datetime.time(12, 1), False, id="12:01-refused"),
        pytest.param(datetime.time(12, 30), False, id="12:30-refused"),
    ],
)
def test_tickets_stop_after_the_minute_of_twelve(
    day: datetime.date, at: datetime.time, expected: bool
) -> None:
    assert tickets_open_at(branch=rome_branch(), at=rome(day, at)) is expected


# --- consultation: 13:30–15:30, Monday–Thursday, not in agenzie territoriali --


@pytest.mark.parametrize("day", MONDAY_TO_THURSDAY)
@pytest.mark.parametrize(
    ("at", "expected"),
    [
        pytest.param(datetime.time(13, 29), False, id="13:29-closed"),
        pytest.param(datetime.time(13, 30), True, id="13:30-open"),
        pytest.param(datetime.time(15, 29), True, id="15:29-open"),
        pytest.param(datetime.time(15, 30), False, id="15:30-closed"),
    ],
)
def test_consultation_runs_from_half_past_one_until_half_past_three(
    day: datetime.date, at: datetime.time, expected: bool
) -> None:
    assert consultation_open_at(branch=rome_branch(), at=rome(day, at)) is expected


@pytest.mark.parametrize(
    "at",
    [
        pytest.param(datetime.time(13, 30), id="13:30"),
        pytest.param(datetime.time(14, 30), id="14:30"),
        pytest.param(datetime.time(15, 29), id="15:29"),
    ],
)
def test_consultation_is_closed_on_friday_afternoon(at: datetime.time) -> None:
    assert consultation_open_at(branch=rome_branch(), at=rome(FRIDAY, at)) is False


@pytest.mark.parametrize(
    "kind",
    [
        pytest.param(Branch.Kind.PROVINCIAL_DIRECTORATE, id="direzione-provinciale"),
        pytest.param(Branch.Kind.COMPLEX_AGENCY, id="agenzia-complessa"),
        pytest.param(Branch.Kind.INTERNAL_AGENCY, id="agenzia-interna"),
    ],
)
def test_every_branch_but_a_territorial_agency_holds_consultation(
    kind: Branch.Kind,
) -> None:
    branch = rome_branch(kind=kind)

    assert (
        consultation_open_at(branch=branch, at=rome(MONDAY, datetime.time(14, 0)))
        is True
    )


@pytest.mark.parametrize("day", MONDAY_TO_FRIDAY)
@pytest.mark.parametrize(
    "at",
    [
        pytest.param(datetime.time(13, 30), id="13:30"),
        pytest.param(datetime.time(14, 30), id="14:30"),
        pytest.param(datetime.time(15, 29), id="15:29"),
    ],
)
def test_territorial_agency_never_holds_consultation(
    day: datetime.date, at: datetime.time
) -> None:
    branch = rome_branch(kind=Branch.Kind.TERRITORIAL_AGENCY)

    assert consultation_open_at(branch=branch, at=rome(day, at)) is False


def test_territorial_agency_still_opens_its_counters() -> None:
    branch = rome_branch(kind=Branch.Kind.TERRITORIAL_AGENCY)

    assert counters_open_at(branch=branch, at=rome(MONDAY, datetime.time(10))) is True
    assert tickets_open_at(branch=branch, at=rome(MONDAY, datetime.time(10))) is True


# --- weekends ----------------------------------------------------------------


@pytest.mark.parametrize(
    "day", [pytest.param(SATURDAY, id="saturday"), pytest.param(SUNDAY, id="sunday")]
)
@pytest.mark.parametrize(
    ("rule", "at"),
    [
        pytest.param(counters_open_at, datetime.time(8, 30), id="counters-08:30"),
        pytest.param(counters_open_at, datetime.time(10, 0), id="counters-10:00"),
        pytest.param(tickets_open_at, datetime.time(10, 0), id="tickets-10:00"),
        pytest.param(tickets_open_at, datetime.time(12, 0), id="tickets-12:00"),
        pytest.param(consultation_open_at, datetime.time(13, 30), id="consult-13:30"),
        pytest.param(consultation_open_at, datetime.time(14, 30), id="consult-14:30"),
    ],
)
def test_everything_is_closed_at_the_weekend(rule, day: datetime.date, at) -> None:
    assert rule(branch=rome_branch(), at=rome(day, at)) is False


# --- public holidays ---------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "name"),
    [
        pytest.param(
            datetime.date(2026, 12, 8),  # Tuesday
            "Immacolata Concezione",
            id="immacolata-tue-8-dec-2026",
        ),
        pytest.param(
            datetime.date(2026, 4, 6),  # Monday
            "Lunedì dell'Angelo",
            id="easter-monday-6-apr-2026",
        ),
        pytest.param(
            datetime.date(2027, 10, 4),  # Monday
            "Festa nazionale di San Francesco d'Assisi, patrono d'Italia",
            id="san-francesco-mon-4-oct-2027",
        ),
    ],
)
def test_national_holiday_on_a_weekday_closes_everything(
    day: datetime.date, name: str
) -> None:
    branch = rome_branch()

    assert closed_for(branch=branch, day=day) == name
    assert counters_open_at(branch=branch, at=rome(day, datetime.time(10))) is False
    assert tickets_open_at(branch=branch, at=rome(day, datetime.time(10))) is False
    assert consultation_open_at(branch=branch, at=rome(day, datetime.time(14))) is False


@pytest.mark.parametrize(
    "day",
    [
        pytest.param(datetime.date(2026, 12, 9), id="wed-9-dec-2026"),
        pytest.param(datetime.date(2026, 4, 7), id="tue-7-apr-2026"),
        pytest.param(datetime.date(2027, 10, 5), id="tue-5-oct-2027"),
    ],
)
def test_the_day_after_a_holiday_is_open(day: datetime.date) -> None:
    branch = rome_branch()

    assert closed_for(branch=branch, day=day) is None
    assert counters_open_at(branch=branch, at=rome(day, datetime.time(10))) is True
    assert consultation_open_at(branch=branch, at=rome(day, datetime.time(14))) is True


def test_saint_francis_is_a_national_holiday_from_2026() -> None:
    branch = rome_branch()

    # 4 October 2026 is a Sunday: the list of holidays shows it all the same.
    assert closed_for(branch=branch, day=datetime.date(2026, 10, 4)) == (
        "Festa nazionale di San Francesco d'Assisi, patrono d'Italia"
    )
    assert closed_for(branch=branch, day=datetime.date(2025, 10, 4)) is None


def test_saint_francis_was_a_working_day_before_2026() -> None:
    friday = datetime.date(2024, 10, 4)

    assert closed_for(branch=rome_branch(), day=friday) is None
    assert (
        counters_open_at(branch=rome_branch(), at=rome(friday, datetime.time(10)))
        is True
    )


# --- patron-saint day --------------------------------------------------------


@pytest.mark.parametrize(
    "day",
    [
        pytest.param(datetime.date(2026, 6, 29), id="mon-29-jun-2026"),
        pytest.param(datetime.date(2027, 6, 29), id="tue-29-jun-2027"),
    ],
)
def test_rome_branch_closes_on_saints_peter_and_paul(day: datetime.date) -> None:
    branch = rome_branch()

    assert closed_for(branch=branch, day=day) == PATRON
    assert counters_open_at(branch=branch, at=rome(day, datetime.time(10))) is False
    assert tickets_open_at(branch=branch, at=rome(day, datetime.time(10))) is False
    assert consultation_open_at(branch=branch, at=rome(day, datetime.time(14))) is False


@pytest.mark.parametrize(
    ("rome_patron", "own_patron"),
    [
        pytest.param(
            datetime.date(2026, 6, 29),  # Monday
            datetime.date(2026, 4, 28),  # Tuesday
            id="2026",
        ),
        pytest.param(
            datetime.date(2027, 6, 29),  # Tuesday
            datetime.date(2027, 4, 28),  # Wednesday
            id="2027",
        ),
    ],
)
def test_branch_with_its_own_patron_keeps_its_day_not_the_capitals(
    rome_patron: datetime.date, own_patron: datetime.date
) -> None:
    branch = civitavecchia_branch()

    assert closed_for(branch=branch, day=rome_patron) is None
    assert (
        counters_open_at(branch=branch, at=rome(rome_patron, datetime.time(10))) is True
    )
    assert closed_for(branch=branch, day=own_patron) == PATRON
    assert (
        counters_open_at(branch=branch, at=rome(own_patron, datetime.time(10))) is False
    )


def test_branch_without_patron_day_falls_back_to_the_provincial_capitals() -> None:
    branch = BranchFactory.build(
        province="RM", patron_day_month=None, patron_day_day=None
    )
    peter_and_paul = datetime.date(2026, 6, 29)  # Monday
    santa_fermina = datetime.date(2026, 4, 28)  # Tuesday

    assert patron_day(branch=branch, year=2026) == peter_and_paul
    assert closed_for(branch=branch, day=peter_and_paul) == PATRON
    assert (
        counters_open_at(branch=branch, at=rome(peter_and_paul, datetime.time(10)))
        is False
    )
    assert (
        counters_open_at(branch=branch, at=rome(santa_fermina, datetime.time(10)))
        is True
    )


# --- Rome's clock, whatever the zone of the instant ---------------------------


@pytest.mark.parametrize(
    ("rule", "at", "expected"),
    [
        # 14 January 2026, CET: Rome = UTC + 1.
        pytest.param(
            counters_open_at, utc(2026, 1, 14, 7, 29), False, id="counters-07:29Z"
        ),
        pytest.param(
            counters_open_at, utc(2026, 1, 14, 7, 30), True, id="counters-07:30Z"
        ),
        pytest.param(
            counters_open_at, utc(2026, 1, 14, 11, 29), True, id="counters-11:29Z"
        ),
        pytest.param(
            counters_open_at, utc(2026, 1, 14, 11, 30), False, id="counters-11:30Z"
        ),
        pytest.param(
            tickets_open_at, utc(2026, 1, 14, 11, 0), True, id="tickets-11:00Z"
        ),
        pytest.param(
            tickets_open_at, utc(2026, 1, 14, 11, 1), False, id="tickets-11:01Z"
        ),
        pytest.param(
            consultation_open_at, utc(2026, 1, 14, 12, 29), False, id="consult-12:29Z"
        ),
        pytest.param(
            consultation_open_at, utc(2026, 1, 14, 12, 30), True, id="consult-12:30Z"
        ),
        pytest.param(
            consultation_open_at, utc(2026, 1, 14, 14, 29), True, id="consult-14:29Z"
        ),
        pytest.param(
            consultation_open_at, utc(2026, 1, 14, 14, 30), False, id="consult-14:30Z"
        ),
    ],
)
def test_rules_read_the_clock_in_rome_for_utc_instants(
    rule, at: datetime.datetime, expected: bool
) -> None:
    assert rule(branch=rome_branch(), at=at) is expected


@pytest.mark.parametrize(
    ("at", "rome_time", "expected"),
    [
        # Summer time starts on Sunday 29 March 2026: Friday 27 is UTC + 1,
        # Monday 30 is UTC + 2.
        pytest.param(
            utc(2026, 3, 27, 7, 29), datetime.time(8, 29), False, id="27-mar-07:29Z"
        ),
        pytest.param(
            utc(2026, 3, 27, 7, 30), datetime.time(8, 30), True, id="27-mar-07:30Z"
        ),
        pytest.param(
            utc(2026, 3, 30, 6, 29), datetime.time(8, 29), False, id="30-mar-06:29Z"
        ),
        pytest.param(
            utc(2026, 3, 30, 6, 30), datetime.time(8, 30), True, id="30-mar-06:30Z"
        ),
        # Summer time ends on Sunday 25 October 2026: Friday 23 is UTC + 2,
        # Monday 26 is UTC + 1.
        pytest.param(
            utc(2026, 10, 23, 6, 30), datetime.time(8, 30), True, id="23-oct-06:30Z"
        ),
        pytest.param(
            utc(2026, 10, 26, 6, 30), datetime.time(7, 30), False, id="26-oct-06:30Z"
        ),
        pytest.param(
            utc(2026, 10, 26, 7, 29), datetime.time(8, 29), False, id="26-oct-07:29Z"
        ),
        pytest.param(
            utc(2026, 10, 26, 7, 30), datetime.time(8, 30), True, id="26-oct-07:30Z"
        ),
    ],
)
def test_counters_follow_rome_across_daylight_saving_changes(
    at: datetime.datetime, rome_time: datetime.time, expected: bool
) -> None:
    assert to_rome(at).time() == rome_time
    assert counters_open_at(branch=rome_branch(), at=at) is expected


def test_same_utc_time_is_open_in_summer_time_and_closed_in_winter_time() -> None:
    after_spring_change = utc(2026, 3, 30, 7, 0)  # 09:00 in Rome
    after_autumn_change = utc(2026, 10, 26, 7, 0)  # 08:00 in Rome

    assert to_rome(after_spring_change) == datetime.datetime(
        2026, 3, 30, 9, 0, tzinfo=ROME
    )
    assert to_rome(after_autumn_change) == datetime.datetime(
        2026, 10, 26, 8, 0, tzinfo=ROME
    )
    assert counters_open_at(branch=rome_branch(), at=after_spring_change) is True
    assert counters_open_at(branch=rome_branch(), at=after_autumn_change) is False


@pytest.mark.parametrize(
    ("rule", "at", "expected"),
    [
        pytest.param(
            tickets_open_at, utc(2026, 3, 30, 10, 0), True, id="tickets-30-mar-12:00"
        ),
        pytest.param(
            tickets_open_at, utc(2026, 3, 30, 10, 1), False, id="tickets-30-mar-12:01"
        ),
        pytest.param(
            tickets_open_at, utc(2026, 10, 26, 11, 0), True, id="tickets-26-oct-12:00"
        ),
        pytest.param(
            tickets_open_at, utc(2026, 10, 26, 11, 1), False, id="tickets-26-oct-12:01"
        ),
        pytest.param(
            consultation_open_at,
            utc(2026, 3, 30, 11, 29),
            False,
            id="consult-30-mar-13:29",
        ),
        pytest.param(
            consultation_open_at,
            utc(2026, 3, 30, 11, 30),
            True,
            id="consult-30-mar-13:30",
        ),
        pytest.param(
            consultation_open_at,
            utc(2026, 10, 26, 12, 29),
            False,
            id="consult-26-oct-13:29",
        ),
        pytest.param(
            consultation_open_at,
            utc(2026, 10, 26, 12, 30),
            True,
            id="consult-26-oct-13:30",
        ),
    ],
)
def test_tickets_and_consultation_follow_rome_across_daylight_saving_changes(
    rule, at: datetime.datetime, expected: bool
) -> None:
    assert rule(branch=rome_branch(), at=at) is expected


@pytest.mark.parametrize("rule", RULES)
def test_naive_datetime_is_refused(rule) -> None:
    naive = datetime.datetime(2026, 1, 12, 10, 0)

    with pytest.raises(ValueError, match="Aware datetime required"):
        rule(branch=rome_branch(), at=naive)


# --- day_schedule and closures_between ----------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        pytest.param(
            THURSDAY,
            DaySchedule(
                day=THURSDAY,
                closed_for=None,
                counters=(datetime.time(8, 30), datetime.time(12, 30)),
                last_ticket=datetime.time(12, 0),
                consultation=(datetime.time(13, 30), datetime.time(15, 30)),
            ),
            id="thursday-counters-and-consultation",
        ),
        pytest.param(
            FRIDAY,
            DaySchedule(
                day=FRIDAY,
                closed_for=None,
                counters=(datetime.time(8, 30), datetime.time(12, 30)),
                last_ticket=datetime.time(12, 0),
                consultation=None,
            ),
            id="friday-counters-only",
        ),
        pytest.param(
            SATURDAY,
            DaySchedule(
                day=SATURDAY,
                closed_for=None,
                counters=None,
                last_ticket=None,
                consultation=None,
            ),
            id="saturday-closed-no-reason",
        ),
        pytest.param(
            datetime.date(2026, 6, 29),
            DaySchedule(
                day=datetime.date(2026, 6, 29),
                closed_for=PATRON,
                counters=None,
                last_ticket=None,
                consultation=None,
            ),
            id="monday-patron-day-closed",
        ),
    ],
)
def test_day_schedule_gives_the_windows_of_the_day(
    day: datetime.date, expected: DaySchedule
) -> None:
    assert day_schedule(branch=rome_branch(), day=day) == expected


def test_closures_between_lists_holidays_and_own_patron_day_bounds_included() -> None:
    closures = closures_between(
        branch=civitavecchia_branch(),
        start=datetime.date(2025, 12, 25),
        end=datetime.date(2026, 4, 28),
    )

    assert closures == [
        (datetime.date(2025, 12, 25), "Natale"),
        (datetime.date(2025, 12, 26), "Santo Stefano"),
        (datetime.date(2026, 1, 1), "Capodanno"),
        (datetime.date(2026, 1, 6), "Epifania"),
        (datetime.date(2026, 4, 5), "Pasqua"),
        (datetime.date(2026, 4, 6), "Lunedì dell'Angelo"),
        (datetime.date(2026, 4, 25), "Anniversario della Liberazione"),
        (datetime.date(2026, 4, 28), PATRON),
    ]
