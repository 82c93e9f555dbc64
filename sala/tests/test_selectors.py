import datetime
import secrets

import pytest
import time_machine

from consulenza.tests.factories import (
    MeetingPointFactory,
)
from sala import erlang
from sala.selectors import arrival_rates, dashboard_get
from sala.tests.conftest import MORNING, ROME, booked_up_agenda
from sedi.models import ServiceLine
from sportelli.models import Ticket
from sportelli.tests.factories import ShiftFactory, TicketFactory

pytestmark = pytest.mark.django_db

PENSIONER = "assicurato-pensionato"
TODAY = MORNING.date()


def at(hour: int, minute: int, day: datetime.date = TODAY) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), ROME)


def ticket(branch, *, issued, line=PENSIONER, **values):
    return TicketFactory.create(
        branch=branch,
        line=ServiceLine.objects.get(code=line),
        issued_on=issued.astimezone(ROME).date(),
        issued_at=issued,
        **values,
    )


def served(branch, *, issued, called, minutes=6, line=PENSIONER, counter=None):
    return ticket(
        branch,
        issued=issued,
        line=line,
        status=Ticket.Status.COMPLETED,
        called_at=called,
        finished_at=called + datetime.timedelta(minutes=minutes),
        counter=counter,
    )


def line_row(dashboard, code=PENSIONER):
    return next(row for row in dashboard.lines if row.line.code == code)


def codes(dashboard, code):
    return [a for a in dashboard.alerts if a.code == code]


def test_a_line_shows_its_queue_waits_and_service_of_the_day(
    branch, counters, operator, morning
):
    ShiftFactory.create(counter=counters[0], operator=operator, opened_at=at(8, 30))
    served(branch, issued=at(9, 0), called=at(9, 10), counter=counters[0])
    served(branch, issued=at(9, 10), called=at(9, 30), counter=counters[0])
    ticket(branch, issued=at(9, 40))
    ticket(branch, issued=at(9, 50), priority=True)
    ticket(branch, issued=at(9, 55))

    row = line_row(dashboard_get(branch=branch))

    assert row.waiting == 3
    assert row.priority_waiting == 1
    assert row.longest_wait_minutes == 20
    assert row.served_today == 2
    assert row.issued_today == 5
    assert row.mean_wait_minutes == 15  # (10 + 20) / 2
    assert row.open_counters == 1
    assert row.operators == ["Sportello 1: Operatore Rossi"]
    assert row.service_minutes == 6.0
    # Behind the three waiting, one counter at 6 minutes a service.
    assert row.estimated_wait_minutes == 18
    # Three tickets in the last 30 minutes: 6 an hour, 0.6 Erlangs.
    assert row.arrivals_per_hour == 6.0
    assert row.rate_source == "recent"
    assert row.counters_needed == 1


def test_an_unserved_line_has_no_estimated_wait_and_raises_an_alert(branch, morning):
    ticket(branch, issued=at(9, 45))

    dashboard = dashboard_get(branch=branch)

    row = line_row(dashboard)
    assert row.open_counters == 0
    assert row.estimated_wait_minutes is None
    unstaffed = {a.line.code: a.detail for a in codes(dashboard, "line_unstaffed")}
    assert unstaffed[PENSIONER] == (
        "Linea «Linea Assicurato Pensionato» aperta senza sportelli: 1 in attesa."
    )
    assert len(unstaffed) == 4


def test_thirty_arrivals_an_hour_of_six_minutes_ask_for_four_counters(
    branch, counters, operator, morning
):
    ShiftFactory.create(counter=counters[0], operator=operator, opened_at=at(8, 30))
    served(branch, issued=at(8, 40), called=at(8, 45), counter=counters[0])
    for minute in range(31, 60, 2):  # 15 tickets between 09:31 and 09:59
        ticket(branch, issued=at(9, minute))

    dashboard = dashboard_get(branch=branch)

    row = line_row(dashboard)
    assert row.arrivals_per_hour == 30.0
    assert row.counters_needed == 4
    assert row.understaffed is True
    understaffed = codes(dashboard, "understaffed")
    assert [a.detail for a in understaffed] == [
        "Linea «Linea Assicurato Pensionato»: servono 4 sportelli, aperti 1."
    ]


def test_early_in_the_morning_the_rate_comes_from_the_same_weekday(branch):
    last_week = TODAY - datetime.timedelta(weeks=1)
    two_weeks = TODAY - datetime.timedelta(weeks=2)
    for n in range(10):
        ticket(branch, issued=at(8, 40 + n, last_week))
    for n in range(20):
        ticket(branch, issued=at(8, 40 + n, two_weeks))
    ticket(branch, issued=at(9, 20, two_weeks))  # after the half hour
    ticket(branch, issued=at(8, 45, TODAY - datetime.timedelta(days=1)))  # Tuesday

    with time_machine.travel(at(8, 40), tick=False):
        ticket(branch, issued=at(8, 35))
        rates, source = arrival_rates(branch=branch, now=at(8, 40))
        row = line_row(dashboard_get(branch=branch))

    # 30 tickets over two Wednesdays' half hours: 30 an hour.
    assert source == "history"
    assert rates == {ServiceLine.objects.get(code=PENSIONER).pk: 30.0}
    assert row.rate_source == "history"
    assert row.counters_needed == erlang.counters_needed(
        arrivals_per_hour=30, service_minutes=8.0, target_minutes=15
    )


def test_without_history_the_early_rate_is_the_morning_so_far(branch):
    with time_machine.travel(at(8, 45), tick=False):
        ticket(branch, issued=at(8, 31))
        ticket(branch, issued=at(8, 40))
        rates, source = arrival_rates(branch=branch, now=at(8, 45))

    assert source == "recent"
    assert rates == {ServiceLine.objects.get(code=PENSIONER).pk: 4.0}


def test_the_branch_target_drives_the_advice(branch, counters, operator, morning):
    branch.target_wait_minutes = 1
    branch.save()
    ShiftFactory.create(counter=counters[0], operator=operator, opened_at=at(8, 30))
    served(branch, issued=at(8, 40), called=at(8, 45), counter=counters[0])
    for minute in range(31, 60, 2):
        ticket(branch, issued=at(9, minute))

    assert line_row(dashboard_get(branch=branch)).counters_needed == 5


def test_an_idle_counter_with_people_waiting_is_reported(
    branch, counters, operator, morning
):
    from sala.tests.conftest import Role, staff

    busy_operator = staff(branch, Role.OPERATOR, "operatrice")
    ShiftFactory.create(counter=counters[0], operator=operator, opened_at=at(9, 0))
    busy = ShiftFactory.create(
        counter=counters[1], operator=busy_operator, opened_at=at(9, 0)
    )
    ticket(
        branch,
        issued=at(9, 30),
        status=Ticket.Status.CALLED,
        called_at=at(9, 40),
        counter=counters[1],
        shift=busy,
    )
    ticket(branch, issued=at(9, 50))

    dashboard = dashboard_get(branch=branch)

    by_number = {c.number: c for c in dashboard.counters}
    assert by_number[1].status == "open"
    assert by_number[1].idle_minutes == 60
    assert by_number[2].in_progress is True
    assert by_number[2].idle_minutes is None
    assert by_number[3].status == "closed"
    assert [a.detail for a in codes(dashboard, "counter_idle")] == [
        "Sportello 1 è fermo da 60 minuti con persone in attesa sulla linea "
        "«Linea Assicurato Pensionato»."
    ]


def test_a_counter_that_just_served_is_not_idle(branch, counters, operator, morning):
    ShiftFactory.create(counter=counters[0], operator=operator, opened_at=at(9, 0))
    served(branch, issued=at(9, 50), called=at(9, 55), minutes=4, counter=counters[0])
    ticket(branch, issued=at(9, 58))

    dashboard = dashboard_get(branch=branch)

    assert dashboard.counters[0].idle_minutes is None
    assert codes(dashboard, "counter_idle") == []


def test_a_paused_counter_is_shown_paused_and_does_not_serve(
    branch, counters, operator, morning
):
    ShiftFactory.create(
        counter=counters[0], operator=operator, opened_at=at(9, 0), paused_at=at(9, 30)
    )
    ticket(branch, issued=at(9, 50))

    dashboard = dashboard_get(branch=branch)

    assert dashboard.counters[0].status == "paused"
    assert line_row(dashboard).open_counters == 0
    assert line_row(dashboard).estimated_wait_minutes is None


def test_a_long_queue_goes_over_the_target(branch, counters, operator, morning):
    ShiftFactory.create(counter=counters[0], operator=operator, opened_at=at(8, 30))
    for minute in range(0, 20):
        ticket(branch, issued=at(9, minute))

    dashboard = dashboard_get(branch=branch)

    # 20 ahead × 8 default minutes on one counter.
    assert line_row(dashboard).estimated_wait_minutes == 160
    assert [a.detail for a in codes(dashboard, "wait_over_target")] == [
        "Linea «Linea Assicurato Pensionato»: attesa stimata 160 minuti, oltre "
        "l'obiettivo di 15."
    ]


def test_lines_without_meeting_point_and_flagged_agenda_are_alerts(branch, morning):
    MeetingPointFactory.create(
        branch=branch,
        line=ServiceLine.objects.get(code=PENSIONER),
        opened_on=TODAY + datetime.timedelta(days=40),
    )

    dashboard = dashboard_get(branch=branch)

    gaps = sorted(a.line.code for a in codes(dashboard, "no_meeting_point"))
    assert gaps == sorted(
        ["assicurato-pensionato", "socio-sanitari", "sostegno-reddito",
         "soggetto-contribuente"]
    )  # fmt: skip
    flagged = codes(dashboard, "backlog_flagged")
    details = {a.line.code: a.detail for a in flagged}
    assert details[PENSIONER] == (
        "Agenda «Linea Assicurato Pensionato» oltre 30 giorni: primo posto "
        "libero tra 40 giorni."
    )
    # A line with no meeting point has no slot at all: flagged too.
    assert details["socio-sanitari"].endswith(
        "nessun posto libero nell'orizzonte di calcolo."
    )
    agenda = {row.line.code: row for row in dashboard.agenda}
    assert agenda[PENSIONER].level == "flagged"
    assert agenda[PENSIONER].backlog_days == 40


def test_the_dashboard_query_count_does_not_grow_with_tickets(
    branch, counters, operator, morning, django_assert_max_num_queries
):
    ShiftFactory.create(counter=counters[0], operator=operator, opened_at=at(8, 30))
    lines = list(ServiceLine.objects.filter(code__in=["assicurato-pensionato",
        "socio-sanitari", "sostegno-reddito", "soggetto-contribuente"]))  # fmt: skip
    statuses = [Ticket.Status.COMPLETED, Ticket.Status.WAITING, Ticket.Status.NO_SHOW]
    rows = []
    for n in range(2000):
        line = lines[n % 4]
        issued = at(8, 30) + datetime.timedelta(seconds=4 * n)
        status = statuses[n % 3]
        called = issued + datetime.timedelta(minutes=5) if status != "waiting" else None
        rows.append(
            Ticket(
                branch=branch,
                line=line,
                letter=line.letter,
                issued_on=TODAY,
                number=n // 4 + 1,
                issued_at=issued,
                channel=Ticket.Channel.KIOSK,
                public_code=secrets.token_urlsafe(16),
                status=status,
                called_at=called,
                finished_at=called + datetime.timedelta(minutes=6) if called else None,
                counter=counters[n % 4] if called else None,
            )
        )
    Ticket.objects.bulk_create(rows)

    with django_assert_max_num_queries(31):
        dashboard = dashboard_get(branch=branch)

    assert sum(row.issued_today for row in dashboard.lines) == 2000
    assert len(dashboard.last_calls) == 8


def test_a_line_heading_past_30_days_is_forecast_two_weeks_ahead(branch, morning):
    booked_up_agenda(branch)

    dashboard = dashboard_get(branch=branch)

    row = next(r for r in dashboard.agenda if r.line.code == PENSIONER)
    assert row.backlog_days == 20
    assert row.open_escalations == 88
    # 15 consultation days in the next four weeks: 15 slots a week against
    # 32 requests; +1.13 days of wait a day passes 30 on the 9th day.
    assert row.passes_limit_on == datetime.date(2026, 12, 11)
    assert row.forecast_warn is True
    # Two points give 30 slots a week: 28 days after 120, never past 30.
    assert row.meeting_points_needed == 2
    assert [a.detail for a in codes(dashboard, "backlog_forecast")] == [
        "Agenda «Linea Assicurato Pensionato»: il primo posto libero supererà "
        "i 30 giorni tra 9 giorni (11 dicembre 2026). Con 2 punti di incontro "
        "non accadrebbe."
    ]


def test_a_clone_past_its_window_is_an_alert(
    branch, counters, operator, supervisor, morning
):
    from sala.services import counter_clone

    counter_clone(
        actor=supervisor,
        branch=branch,
        counter=counters[1],
        line_code=PENSIONER,
        operator=operator,
        ends_at=at(11, 0),
        reason="Picco",
    )

    before = dashboard_get(branch=branch)
    morning.move_to(at(11, 5))
    after = dashboard_get(branch=branch)

    assert before.counters[1].clone is not None
    assert codes(before, "clone_expired") == []
    assert [a.detail for a in codes(after, "clone_expired")] == [
        "Sportello 2 era clonato fino alle 11:00: chiuderlo o prolungarlo."
    ]
