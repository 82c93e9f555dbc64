import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from formazione.tests.factories import qualify
from frontoffice.common.exceptions import ApplicationError
from sala import services
from sala.models import CounterClone, SupervisorAction
from sala.tests.conftest import MORNING, ROME, Role, staff
from sedi.models import BranchLine
from sportelli.models import Shift, Ticket
from sportelli.services import ticket_issue
from sportelli.tests.factories import ShiftFactory, TicketFactory

pytestmark = pytest.mark.django_db

ELEVEN = datetime.datetime(2026, 12, 2, 11, 0, tzinfo=ROME)


def clone(supervisor, branch, counter, operator, **extra):
    values = {
        "actor": supervisor,
        "branch": branch,
        "counter": counter,
        "line_code": "assicurato-pensionato",
        "operator": operator,
        "ends_at": ELEVEN,
        "reason": "Picco",
        **extra,
    }
    return services.counter_clone(**values)


def test_a_clone_opens_the_operators_shift_and_records_who_when_why(
    branch, counters, operator, supervisor, morning
):
    result = clone(supervisor, branch, counters[2], operator, reason="  Picco  di CUD ")

    assert result.shift.counter == counters[2]
    assert result.shift.operator == operator
    assert result.shift.line.code == "assicurato-pensionato"
    assert result.starts_at == MORNING
    assert result.ends_at == ELEVEN
    assert result.requested_by == supervisor
    assert result.reason == "Picco di CUD"
    action = SupervisorAction.objects.get()
    assert (action.kind, action.actor, action.at, action.reason) == (
        "clone_open",
        supervisor,
        MORNING,
        "Picco di CUD",
    )
    assert action.data == {"operator": "operatore", "ends_at": ELEVEN.isoformat()}


def test_an_operator_not_trained_for_the_line_is_refused(
    branch, counters, new_operator, supervisor, morning
):
    with pytest.raises(ApplicationError) as error:
        clone(supervisor, branch, counters[0], new_operator)

    assert error.value.code == "not_qualified"
    assert not Shift.objects.exists()
    assert not CounterClone.objects.exists()
    assert not SupervisorAction.objects.exists()


def test_training_for_another_line_does_not_qualify(
    branch, counters, new_operator, supervisor, morning
):
    qualify(new_operator, "socio-sanitari")

    with pytest.raises(ApplicationError) as error:
        clone(supervisor, branch, counters[0], new_operator)
    made = clone(
        supervisor, branch, counters[0], new_operator, line_code="socio-sanitari"
    )

    assert error.value.code == "not_qualified"
    assert made.shift.line.code == "socio-sanitari"


def test_the_operator_must_work_at_the_branch(
    branch, other_branch, counters, supervisor, morning
):
    stranger = staff(other_branch, Role.OPERATOR, "eur")
    qualify(stranger)

    with pytest.raises(ValidationError) as error:
        clone(supervisor, branch, counters[0], stranger)

    assert "operator" in error.value.message_dict
    assert not Shift.objects.exists()


@pytest.mark.parametrize(
    "ends_at",
    [
        datetime.datetime(2026, 12, 2, 9, 59, tzinfo=ROME),
        datetime.datetime(2026, 12, 2, 12, 31, tzinfo=ROME),
    ],
)
def test_the_window_ends_after_now_and_by_closing_time(
    branch, counters, operator, supervisor, morning, ends_at
):
    with pytest.raises(ValidationError) as error:
        clone(supervisor, branch, counters[0], operator, ends_at=ends_at)

    assert "ends_at" in error.value.message_dict
    assert not CounterClone.objects.exists()


def test_a_reason_is_required(branch, counters, operator, supervisor, morning):
    with pytest.raises(ValidationError) as error:
        clone(supervisor, branch, counters[0], operator, reason="   ")

    assert error.value.message_dict == {"reason": ["Indicare il motivo."]}


def test_a_busy_counter_cannot_be_cloned(
    branch, counters, operator, supervisor, morning
):
    other = staff(branch, Role.OPERATOR, "operatrice")
    ShiftFactory.create(counter=counters[0], operator=other)

    with pytest.raises(ApplicationError) as error:
        clone(supervisor, branch, counters[0], operator)

    assert error.value.code == "counter_busy"
    assert not CounterClone.objects.exists()
    assert not SupervisorAction.objects.exists()


def test_a_line_closed_at_the_branch_cannot_be_cloned(
    branch, counters, operator, supervisor, morning
):
    with pytest.raises(ApplicationError) as error:
        clone(supervisor, branch, counters[0], operator, line_code="indebiti")

    assert error.value.code == "line_closed"


def test_a_director_may_not_run_the_counters(
    branch, counters, operator, director, morning
):
    with pytest.raises(PermissionDenied):
        clone(director, branch, counters[0], operator)


def test_ending_a_clone_closes_its_shift_once(
    branch, counters, operator, supervisor, morning
):
    made = clone(supervisor, branch, counters[0], operator)

    services.counter_clone_end(actor=supervisor, clone=made, reason="Fine")

    made.refresh_from_db()
    assert made.ended_at == MORNING
    assert made.ended_by == supervisor
    assert made.shift.closed_at == MORNING
    with pytest.raises(ApplicationError) as error:
        services.counter_clone_end(actor=supervisor, clone=made, reason="Di nuovo")
    assert error.value.code == "clone_ended"


def test_a_ticket_in_progress_keeps_the_clone_open(
    branch, counters, operator, supervisor, morning
):
    made = clone(supervisor, branch, counters[0], operator)
    TicketFactory.create(
        branch=branch,
        status=Ticket.Status.CALLED,
        counter=counters[0],
        shift=made.shift,
        called_at=MORNING,
    )

    with pytest.raises(ApplicationError) as error:
        services.counter_clone_end(actor=supervisor, clone=made, reason="Fine")

    assert error.value.code == "ticket_in_progress"
    made.refresh_from_db()
    assert made.ended_at is None


def test_a_clone_whose_operator_already_closed_just_ends(
    branch, counters, operator, supervisor, morning
):
    made = clone(supervisor, branch, counters[0], operator)
    Shift.objects.filter(pk=made.shift_id).update(closed_at=MORNING)

    services.counter_clone_end(actor=supervisor, clone=made, reason="Fine")

    assert CounterClone.objects.get().ended_at == MORNING


def test_closing_a_cloned_counter_ends_the_clone(
    branch, counters, operator, supervisor, morning
):
    made = clone(supervisor, branch, counters[0], operator)

    services.counter_close(actor=supervisor, counter=counters[0], reason="Uscito")

    made.refresh_from_db()
    assert made.ended_at == MORNING
    assert made.shift.closed_by == supervisor


def test_the_indebiti_line_gives_tickets_only_within_its_period(
    branch, supervisor, morning
):
    with pytest.raises(ApplicationError):
        ticket_issue(branch=branch, line_code="indebiti", channel="kiosk")

    services.peak_line_open(
        actor=supervisor,
        branch=branch,
        line_code="indebiti",
        opened_on=datetime.date(2026, 12, 2),
        closes_on=datetime.date(2026, 12, 4),
        reason="Lavorazioni della D.G.",
    )
    assert (
        ticket_issue(branch=branch, line_code="indebiti", channel="kiosk").letter == "E"
    )

    services.peak_line_close(
        actor=supervisor, branch=branch, line_code="indebiti", reason="Fine"
    )
    with pytest.raises(ApplicationError) as error:
        ticket_issue(branch=branch, line_code="indebiti", channel="kiosk")
    assert error.value.code == "line_closed"
    assert list(
        SupervisorAction.objects.order_by("pk").values_list("kind", "reason")
    ) == [("line_open", "Lavorazioni della D.G."), ("line_close", "Fine")]


def test_closing_keeps_an_earlier_start(branch, indebiti, supervisor, morning):
    BranchLine.objects.create(
        branch=branch, line=indebiti, opened_on=datetime.date(2026, 11, 20)
    )

    result = services.peak_line_close(
        actor=supervisor, branch=branch, line_code="indebiti", reason="Fine"
    )

    assert (result.opened_on, result.closes_on) == (
        datetime.date(2026, 11, 20),
        datetime.date(2026, 12, 1),
    )


def test_only_the_peak_line_opens_for_a_period(branch, supervisor, morning):
    with pytest.raises(ValidationError) as error:
        services.peak_line_open(
            actor=supervisor,
            branch=branch,
            line_code="poli-specialistici",
            opened_on=datetime.date(2026, 12, 2),
            closes_on=datetime.date(2026, 12, 4),
            reason="Prova",
        )

    assert "line" in error.value.message_dict


@pytest.mark.parametrize(
    ("opened_on", "closes_on", "field"),
    [
        (datetime.date(2026, 12, 5), datetime.date(2026, 12, 4), "closes_on"),
        (datetime.date(2026, 11, 5), datetime.date(2026, 11, 30), "closes_on"),
    ],
)
def test_a_period_must_be_ordered_and_not_past(
    branch, supervisor, morning, opened_on, closes_on, field
):
    with pytest.raises(ValidationError) as error:
        services.peak_line_open(
            actor=supervisor,
            branch=branch,
            line_code="indebiti",
            opened_on=opened_on,
            closes_on=closes_on,
            reason="Prova",
        )

    assert field in error.value.message_dict
    assert not BranchLine.objects.filter(line__code="indebiti").exists()


def test_closing_a_line_not_open_is_refused(branch, supervisor, morning):
    with pytest.raises(ApplicationError) as error:
        services.peak_line_close(
            actor=supervisor, branch=branch, line_code="indebiti", reason="Fine"
        )

    assert error.value.code == "line_closed"
    assert not SupervisorAction.objects.exists()


def test_a_supervisor_of_another_branch_cannot_touch_these_counters(
    branch, other_branch, counters, operator, morning
):
    ShiftFactory.create(counter=counters[0], operator=operator)
    stranger = staff(other_branch, Role.FLOOR_SUPERVISOR, "sala-eur")

    with pytest.raises(PermissionDenied):
        services.counter_pause(actor=stranger, counter=counters[0], reason="Pausa")
    with pytest.raises(PermissionDenied):
        services.counter_close(actor=stranger, counter=counters[0], reason="Chiuso")

    shift = Shift.objects.get()
    assert (shift.paused_at, shift.closed_at) == (None, None)
    assert not SupervisorAction.objects.exists()


def test_a_meeting_point_opens_from_today_and_is_recorded(branch, director, morning):
    point = services.meeting_point_open(
        actor=director, branch=branch, line_code="socio-sanitari", reason="Attesa"
    )

    assert (point.line.code, point.opened_on) == (
        "socio-sanitari",
        datetime.date(2026, 12, 2),
    )
    action = SupervisorAction.objects.get()
    assert (action.kind, action.actor, action.data) == (
        "meeting_point_open",
        director,
        {"meeting_point": point.pk},
    )


def test_clones_past_their_window_end_once(
    branch, counters, operator, supervisor, morning
):
    other = staff(branch, Role.OPERATOR, "operatrice")
    qualify(other)
    due = clone(supervisor, branch, counters[0], operator)
    later = clone(
        supervisor,
        branch,
        counters[1],
        other,
        ends_at=datetime.datetime(2026, 12, 2, 12, 0, tzinfo=ROME),
    )
    at_eleven = datetime.datetime(2026, 12, 2, 11, 0, tzinfo=ROME)

    assert services.counter_clones_expire(now=at_eleven) == 1
    assert services.counter_clones_expire(now=at_eleven) == 0

    due.refresh_from_db()
    later.refresh_from_db()
    assert (due.ended_at, due.ended_by) == (at_eleven, supervisor)
    assert due.shift.closed_by == supervisor
    assert later.ended_at is None
    assert later.shift.closed_at is None
    action = SupervisorAction.objects.get(kind="clone_end")
    assert (action.actor, action.reason, action.data) == (
        supervisor,
        "Fine della finestra disposta",
        {"automatic": True},
    )


def test_a_clone_serving_a_ticket_waits_for_the_next_run(
    branch, counters, operator, supervisor, morning
):
    made = clone(supervisor, branch, counters[0], operator)
    TicketFactory.create(
        branch=branch,
        status=Ticket.Status.CALLED,
        counter=counters[0],
        shift=made.shift,
        called_at=MORNING,
    )

    assert services.counter_clones_expire(now=ELEVEN) == 0

    made.refresh_from_db()
    assert made.ended_at is None
    assert made.shift.closed_at is None
