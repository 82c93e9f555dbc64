import datetime

import pytest
from django.utils import timezone

from sedi import calendar
from sedi.models import ServiceLine
from sportelli.models import Ticket
from sportelli.selectors import (
    DEFAULT_SERVICE_MINUTES,
    ServiceProfile,
    ServiceStats,
    WaitEstimate,
    open_counters_by_line,
    queue_summary,
    service_minutes_by_line,
    service_profiles,
    ticket_state,
    wait_estimate,
)
from sportelli.tests.factories import (
    CounterFactory,
    ShiftFactory,
    TicketFactory,
    place_in_line,
)

pytestmark = pytest.mark.django_db

PENSIONER = "assicurato-pensionato"


def served(branch, *, minutes, on, line=PENSIONER):
    called = timezone.now() - datetime.timedelta(hours=1)
    return TicketFactory.create(
        branch=branch,
        line=ServiceLine.objects.get(code=line),
        issued_on=on,
        status=Ticket.Status.COMPLETED,
        called_at=called,
        finished_at=called + datetime.timedelta(minutes=minutes),
    )


def served_in_turn(branch, *, on, turns):
    """Close services two hours ago onward: (minutes after the first, length)."""
    base = timezone.now() - datetime.timedelta(hours=2)
    for offset, minutes in turns:
        called = base + datetime.timedelta(minutes=offset)
        TicketFactory.create(
            branch=branch,
            issued_on=on,
            status=Ticket.Status.COMPLETED,
            called_at=called,
            finished_at=called + datetime.timedelta(minutes=minutes),
        )


@pytest.mark.parametrize(
    ("position", "minutes", "counters", "expected"),
    [
        (1, 10, 1, (0, 0, 0)),
        (2, 10, 1, (10, 10, 10)),
        (5, 10, 2, (20, 20, 20)),
        (5, 4, 2, (8, 8, 8)),
        # 2.5 minutes: promised as 3, between 2 and 3.
        (3, 5, 4, (3, 2, 3)),
    ],
)
def test_estimate_is_people_ahead_times_service_time_over_counters(
    position, minutes, counters, expected
):
    estimate = wait_estimate(
        position=position,
        open_counters=counters,
        service=ServiceStats(10, minutes, 0.0),
    )
    assert estimate == WaitEstimate(*expected)


@pytest.mark.parametrize("counters", [0, -1])
def test_no_open_counter_gives_no_estimate_whatever_the_queue(counters):
    for position in (1, 2, 30):
        assert (
            wait_estimate(
                position=position,
                open_counters=counters,
                service=ServiceStats(10, 6.0, 2.0),
            )
            is None
        )


@pytest.mark.parametrize(
    ("position", "counters", "expected"),
    [
        # 4 ahead × 6 min = 24, spread 3 × √4 = 6: 18–30.
        (5, 1, WaitEstimate(24, 18, 30)),
        # Two counters halve both: 12, 9–15.
        (5, 2, WaitEstimate(12, 9, 15)),
        # 1 ahead: 6 ± 3.
        (2, 1, WaitEstimate(6, 3, 9)),
        # Nobody ahead: nothing to wait for but the counter.
        (1, 1, WaitEstimate(0, 0, 0)),
    ],
)
def test_the_range_widens_with_the_spread_and_the_people_ahead(
    position, counters, expected
):
    service = ServiceStats(12, 6.0, 3.0)
    assert (
        wait_estimate(position=position, open_counters=counters, service=service)
        == expected
    )


def test_the_range_never_goes_below_zero():
    estimate = wait_estimate(
        position=2, open_counters=1, service=ServiceStats(3, 2.0, 5.0)
    )
    assert estimate == WaitEstimate(2, 0, 7)


def served_at(branch, *, called, minutes, line=PENSIONER):
    """A ticket of the past called at ``called`` (Rome) and served in
    ``minutes``."""
    return TicketFactory.create(
        branch=branch,
        line=ServiceLine.objects.get(code=line),
        issued_on=called.date(),
        issued_at=called,
        status=Ticket.Status.COMPLETED,
        called_at=called,
        finished_at=called + datetime.timedelta(minutes=minutes),
    )


def rome(day, hour, minute=0):
    from sportelli.tests.conftest import ROME

    return datetime.datetime(2026, 11, day, hour, minute, tzinfo=ROME)


def test_profiles_learn_the_service_time_by_hour_of_call(branch, morning):
    # Past days: at 9 services take 4 and 8 minutes, at 11 they take 12 and 20.
    for day in (23, 24, 25):
        served_at(branch, called=rome(day, 9, 10), minutes=4)
        served_at(branch, called=rome(day, 9, 40), minutes=8)
        served_at(branch, called=rome(day, 11, 5), minutes=12)
        served_at(branch, called=rome(day, 11, 30), minutes=20)
    # Older than HISTORY_DAYS: not counted.
    served_at(branch, called=rome(1, 9, 10), minutes=90)

    pensioner = ServiceLine.objects.get(code=PENSIONER).pk
    profile = service_profiles(branch=branch, on=datetime.date(2026, 12, 2))[pensioner]

    assert sorted(profile.by_hour) == [9, 11]
    nine, eleven = profile.by_hour[9], profile.by_hour[11]
    assert (nine.samples, round(nine.mean_minutes, 3)) == (6, 6.0)
    assert round(nine.spread_minutes, 3) == 2.0
    assert (eleven.samples, round(eleven.mean_minutes, 3)) == (6, 16.0)
    assert round(eleven.spread_minutes, 3) == 4.0
    assert profile.recent == ()
    # The estimate of the morning differs from the late morning's.
    at_nine, at_eleven = profile.at_hour(9), profile.at_hour(11)
    assert (round(at_nine.mean_minutes, 3), round(at_nine.spread_minutes, 3)) == (
        6.0,
        2.0,
    )
    assert round(at_eleven.mean_minutes, 3) == 16.0
    # An hour never measured falls back on every hour of the past days.
    at_ten = profile.at_hour(10)
    assert (at_ten.samples, round(at_ten.mean_minutes, 3)) == (12, 11.0)
    # Pooled spread: √(mean of squares − square of mean) over all 12.
    assert round(at_ten.spread_minutes, 3) == round(
        ((4**2 + 8**2 + 12**2 + 20**2) / 4 - 11.0**2) ** 0.5, 3
    )


def test_an_hour_with_few_services_does_not_speak_for_itself():
    profile = ServiceProfile(
        by_hour={9: ServiceStats(4, 30.0, 0.0), 10: ServiceStats(16, 5.0, 1.0)}
    )
    # 4 services at 9 are too few: the 20 of the past days together count.
    assert profile.at_hour(9).samples == 20
    assert round(profile.at_hour(9).mean_minutes, 3) == 10.0


def test_today_and_the_same_hour_are_weighted_by_their_services():
    profile = ServiceProfile(
        by_hour={9: ServiceStats(40, 10.0, 0.0)}, recent=(4.0, 4.0, 4.0, 4.0, 4.0)
    )
    # The hour weighs at most RECENT_SERVICES (20), today 5: (20×10 + 5×4) / 25.
    stats = profile.at_hour(9)
    assert stats.samples == 25
    assert round(stats.mean_minutes, 3) == 8.8


def test_without_history_today_or_the_default_with_its_spread():
    assert ServiceProfile(by_hour={}, recent=(6.0, 10.0)).at_hour(9) == ServiceStats(
        2, 8.0, 2.0
    )
    assert ServiceProfile(by_hour={}, recent=(6.0,)).at_hour(9) == ServiceStats(
        1, 6.0, 3.0
    )
    assert ServiceProfile(by_hour={}).at_hour(9) == ServiceStats(
        0, DEFAULT_SERVICE_MINUTES, DEFAULT_SERVICE_MINUTES / 2
    )


def test_service_time_uses_today_then_history_then_the_default(branch, morning):
    today = datetime.date(2026, 12, 2)
    served(branch, minutes=6, on=today)
    served(branch, minutes=10, on=today)
    served(
        branch, minutes=20, on=today - datetime.timedelta(days=3), line="socio-sanitari"
    )
    served(
        branch,
        minutes=40,
        on=today - datetime.timedelta(days=31),
        line="sostegno-reddito",
    )

    minutes = service_minutes_by_line(branch=branch, on=today)

    pensioner = ServiceLine.objects.get(code=PENSIONER).pk
    social = ServiceLine.objects.get(code="socio-sanitari").pk
    assert minutes == {pensioner: 8.0, social: 20.0}


def test_today_mean_uses_the_most_recent_services_only(branch, morning, monkeypatch):
    monkeypatch.setattr("sportelli.selectors.RECENT_SERVICES", 2)
    today = datetime.date(2026, 12, 2)
    served_in_turn(branch, on=today, turns=((0, 30), (40, 4), (50, 6)))

    pensioner = ServiceLine.objects.get(code=PENSIONER).pk
    assert service_minutes_by_line(branch=branch, on=today)[pensioner] == 5.0


def test_position_puts_priority_first_then_issue_order(branch, morning):
    now = timezone.now()
    first = TicketFactory.create(
        branch=branch, issued_at=now - datetime.timedelta(minutes=9)
    )
    second = TicketFactory.create(
        branch=branch, issued_at=now - datetime.timedelta(minutes=5)
    )
    priority = TicketFactory.create(branch=branch, issued_at=now, priority=True)
    done = TicketFactory.create(branch=branch, status=Ticket.Status.COMPLETED)

    assert [
        ticket_state(ticket=t).position for t in (priority, first, second, done)
    ] == [
        1,
        2,
        3,
        None,
    ]


def test_ticket_state_estimates_with_the_open_counters(branch, counter, morning):
    ShiftFactory.create(counter=counter)
    ShiftFactory.create(counter=CounterFactory.create(branch=branch, number=9))
    tickets = [
        TicketFactory.create(
            branch=branch, issued_at=timezone.now() - datetime.timedelta(minutes=10 - i)
        )
        for i in range(5)
    ]

    state = ticket_state(ticket=tickets[4])

    assert state.position == 5
    assert state.open_counters == 2
    # 4 ahead × 8 min ÷ 2 counters = 16; spread 4 × √4 ÷ 2 = 4.
    assert (
        state.estimated_wait_minutes,
        state.estimated_wait_min_minutes,
        state.estimated_wait_max_minutes,
    ) == (16, 12, 20)


def test_ticket_state_reads_its_own_line_in_one_query(
    branch, counter, morning, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr("sportelli.selectors.RECENT_SERVICES", 2)
    today = datetime.date(2026, 12, 2)
    served_in_turn(branch, on=today, turns=((0, 30), (40, 4), (50, 6)))
    # Another line's services and counter change nothing here.
    served(branch, minutes=50, on=today, line="socio-sanitari")
    social = ServiceLine.objects.get(code="socio-sanitari")
    ShiftFactory.create(counter=counter)
    ShiftFactory.create(
        counter=CounterFactory.create(branch=branch, number=9), line=social
    )
    tickets = [
        TicketFactory.create(
            branch=branch, issued_at=timezone.now() - datetime.timedelta(minutes=3 - i)
        )
        for i in range(3)
    ]
    ticket_state(ticket=tickets[0])  # the past days, once per cache period

    with django_assert_num_queries(1):
        state = ticket_state(ticket=tickets[2])

    assert (state.position, state.open_counters) == (3, 1)
    # 2 ahead × 5 min (4 and 6, the latest two) ÷ 1 counter = 10; spread
    # 1 × √2 ÷ 1 ≈ 1.4.
    assert state.wait == WaitEstimate(10, 8, 12)
    # The same figures as the branch-wide reads of the queue.
    pensioner = tickets[2].line_id
    profile = service_profiles(branch=branch, on=today)[pensioner]
    assert state.wait == wait_estimate(
        position=place_in_line(tickets[2]) or 0,
        open_counters=open_counters_by_line(branch=branch)[pensioner],
        service=profile.at_hour(calendar.to_rome(timezone.now()).hour),
    )


def test_ticket_state_of_a_ticket_not_waiting_reads_nothing(
    branch, morning, django_assert_num_queries
):
    ticket = TicketFactory.create(branch=branch, status=Ticket.Status.CALLED)

    with django_assert_num_queries(0):
        state = ticket_state(ticket=ticket)

    assert (state.position, state.wait) == (None, None)


def test_ticket_state_of_an_unserved_line_promises_no_wait(branch, counter, morning):
    tickets = TicketFactory.create_batch(3, branch=branch)
    # A paused counter serves nobody either.
    ShiftFactory.create(counter=counter, paused_at=timezone.now())

    state = ticket_state(ticket=tickets[2])

    assert state.position == 3
    assert state.open_counters == 0
    assert state.wait is None
    assert (
        state.estimated_wait_minutes,
        state.estimated_wait_min_minutes,
        state.estimated_wait_max_minutes,
    ) == (None, None, None)


def test_queue_summary_per_line(branch, counter, morning, django_assert_num_queries):
    ShiftFactory.create(counter=counter)
    now = timezone.now()
    TicketFactory.create(branch=branch, issued_at=now - datetime.timedelta(minutes=25))
    TicketFactory.create(branch=branch, issued_at=now, priority=True)
    TicketFactory.create(branch=branch, status=Ticket.Status.COMPLETED)

    with django_assert_num_queries(5):
        rows = queue_summary(branch=branch)

    assert [row.line.code for row in rows] == [
        "assicurato-pensionato",
        "socio-sanitari",
        "sostegno-reddito",
        "soggetto-contribuente",
    ]
    pensioner = rows[0]
    assert (
        pensioner.waiting,
        pensioner.priority_waiting,
        pensioner.longest_wait_minutes,
        pensioner.open_counters,
        pensioner.service_minutes,
        pensioner.estimated_wait_minutes,
    ) == (2, 1, 25, 1, DEFAULT_SERVICE_MINUTES, 16)
    # 2 ahead × 8 = 16, spread 4 × √2 ≈ 5.66: from 10 to 22.
    assert (
        pensioner.estimated_wait_min_minutes,
        pensioner.estimated_wait_max_minutes,
    ) == (10, 22)
    # A line with no open counter promises nothing, not "0 minutes".
    assert (rows[1].waiting, rows[1].open_counters, rows[1].estimated_wait_minutes) == (
        0,
        0,
        None,
    )


def test_queue_summary_queries_do_not_grow_with_tickets(
    branch, morning, django_assert_num_queries
):
    TicketFactory.create_batch(40, branch=branch)
    with django_assert_num_queries(5):
        queue_summary(branch=branch)


def test_tickets_issued_at_the_same_instant_keep_distinct_places(branch, morning):
    first, second = TicketFactory.create_batch(
        2, branch=branch, issued_at=timezone.now()
    )

    assert (
        ticket_state(ticket=first).position,
        ticket_state(ticket=second).position,
    ) == (1, 2)


def test_the_past_days_are_read_once_while_todays_services_count_at_once(
    branch, morning, django_assert_num_queries
):
    for day in (23, 24):
        served_at(branch, called=rome(day, 9, 10), minutes=4)
    today = datetime.date(2026, 12, 2)
    pensioner = ServiceLine.objects.get(code=PENSIONER).pk
    first = service_profiles(branch=branch, on=today)[pensioner]
    served(branch, minutes=10, on=today)

    # The month before today is kept; today's services are read each time.
    with django_assert_num_queries(1):
        second = service_profiles(branch=branch, on=today)[pensioner]

    assert first.by_hour == second.by_hour
    assert second.by_hour[9].samples == 2
    assert (first.recent, second.recent) == ((), (10.0,))
