"""Writes of the closed-cycle counters (guideline §2): tickets and shifts."""

import datetime
import secrets

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from formazione.selectors import operator_is_qualified, qualified_line_ids
from frontoffice.common import public_cache
from frontoffice.common.exceptions import ApplicationError, RateLimited
from frontoffice.common.sequences import sequence_next
from frontoffice.common.throttle import rate_allow
from sedi import calendar, scope
from sedi.models import Branch, BranchLine, Service, ServiceLine, StaffRole
from sedi.selectors import branch_lines_open, user_has_role_at
from sportelli.models import Counter, Shift, Ticket, TicketEvent, TicketSequence
from sportelli.selectors import (
    counter_is_busy,
    priority_streak_limit,
    ticket_issue_rate,
    waiting_tickets,
)

MAX_DAILY_NUMBER = 999
# Tickets closed per transaction by the end-of-morning job.
EXPIRE_BATCH = 500


def _line_by_code(code: str) -> ServiceLine:
    """Return the line ``code``; an unknown code is bad input (400)."""
    line = ServiceLine.objects.filter(code=code).first()
    if line is None:
        raise ValidationError(
            {"line": [_("Linea sconosciuta: %(code)s.") % {"code": code}]}
        )
    return line


def _line_closed(line: ServiceLine) -> ApplicationError:
    return ApplicationError(
        code="line_closed",
        detail=_("La linea «%(line)s» non è aperta in questa sede oggi.")
        % {"line": line.name},
    )


def _require_line_open(*, branch: Branch, line: ServiceLine, on: datetime.date) -> None:
    """Refuse a line the branch does not have open on ``on`` (409 ``line_closed``)."""
    presence = BranchLine.objects.filter(branch=branch, line=line).first()
    if presence is None or not presence.is_open_on(on):
        raise _line_closed(line)


def _line_at_branch(*, branch: Branch, code: str, on: datetime.date) -> ServiceLine:
    """Return the line ``code`` if it is open at ``branch`` on ``on``."""
    line = _line_by_code(code)
    _require_line_open(branch=branch, line=line, on=on)
    return line


def _event(
    ticket: Ticket,
    kind: str,
    *,
    actor: User | None,
    at: datetime.datetime,
    counter: Counter | None = None,
    **data: object,
) -> TicketEvent:
    # The hall display and the ticket's own page change with every event.
    public_cache.bump(ticket.branch_id)
    return TicketEvent.objects.create(
        ticket=ticket, kind=kind, actor=actor, at=at, counter=counter, data=data
    )


def _next_number(*, branch: Branch, line: ServiceLine, on: datetime.date) -> int:
    """Take the next daily number of a line (gapless, see ``sequence_next``)."""
    number = sequence_next(
        TicketSequence, key={"branch": branch, "line": line, "issued_on": on}
    )
    if number > MAX_DAILY_NUMBER:
        raise ApplicationError(
            code="tickets_exhausted",
            detail=_("Sono finiti i numeri di oggi per questa linea."),
        )
    return number


@transaction.atomic
def ticket_issue(
    *,
    branch: Branch,
    line_code: str,
    channel: str,
    priority: bool = False,
    issued_by: User | None = None,
) -> Ticket:
    """Issue the next ticket of a line, e.g. ``D007``.

    Tickets are issued Monday–Friday from 08:30 to 12:00 on the branch's
    open days (409 ``outside_hours``), only for a line open at the branch
    (409 ``line_closed``). One kiosk or desk issues at most
    ``TICKET_ISSUE_RATE`` tickets a minute (429 ``too_many_tickets``), so
    that no caller can use up a line's numbers. ``priority`` marks a
    legal priority (disability, pregnancy, …) without recording which:
    that would be health data.
    """
    now = timezone.now()
    on = calendar.to_rome(now).date()
    # One read for the line and its presence at the branch (kept between
    # requests, see sedi.scope); an unknown code is told apart (400) only
    # when nothing is found.
    presence = scope.remembered(
        ("branch-line", branch.pk, line_code),
        lambda: (
            BranchLine.objects.select_related("line")
            .filter(branch=branch, line__code=line_code)
            .first()
        ),
    )
    line = presence.line if presence is not None else _line_by_code(line_code)
    if issued_by is not None and not rate_allow(
        key=f"ticket-issue:{issued_by.pk}", per_minute=ticket_issue_rate()
    ):
        raise RateLimited(
            code="too_many_tickets",
            detail=_(
                "Troppi biglietti emessi in un minuto da questa postazione: "
                "attendere qualche istante."
            ),
        )
    if not calendar.tickets_open_at(branch=branch, at=now):
        raise ApplicationError(
            code="outside_hours",
            detail=_(
                "I biglietti si distribuiscono dal lunedì al venerdì, dalle 8:30 "
                "alle 12:00, nei giorni di apertura della sede."
            ),
        )
    if presence is None or not presence.is_open_on(on):
        raise _line_closed(line)
    ticket = Ticket(
        branch=branch,
        line=line,
        letter=line.letter,
        issued_on=on,
        number=_next_number(branch=branch, line=line, on=on),
        issued_at=now,
        channel=channel,
        issued_by=issued_by,
        priority=priority,
        public_code=secrets.token_urlsafe(16),
    )
    # Foreign keys and constraints are the database's to check.
    ticket.full_clean(
        exclude=["branch", "line", "issued_by"],
        validate_unique=False,
        validate_constraints=False,
    )
    ticket.save()
    _event(
        ticket,
        TicketEvent.Kind.ISSUED,
        actor=issued_by,
        at=now,
        channel=channel,
        priority=priority,
    )
    return ticket


def _locked_shift(*, counter: Counter, operator: User) -> Shift:
    shift = (
        Shift.objects.select_for_update(of=("self",))
        .select_related("line")
        .filter(counter=counter, closed_at__isnull=True)
        .first()
    )
    if shift is None:
        raise ApplicationError(
            code="counter_closed",
            detail=_("Lo sportello non è aperto: aprire prima un turno."),
        )
    if shift.operator_id != operator.pk:
        raise ApplicationError(
            code="not_your_counter",
            detail=_("Lo sportello è aperto da un altro operatore."),
        )
    return shift


@transaction.atomic
def ticket_call_next(*, counter: Counter, operator: User) -> Ticket | None:
    """Call the next ticket of the counter's line; return None if nobody waits.

    Priority tickets go first, but after ``TICKET_PRIORITY_STREAK`` priority
    calls in a row on the line the oldest ordinary ticket goes next, so that
    ordinary tickets are not starved. The reason is kept on the ticket.
    Locked rows are skipped: two counters never get the same ticket.
    """
    shift = _locked_shift(counter=counter, operator=operator)
    if shift.paused_at is not None:
        raise ApplicationError(
            code="counter_paused",
            detail=_(
                "Lo sportello è in pausa: riprendere il servizio prima di chiamare."
            ),
        )
    # Checked before any waiting ticket is locked: a busy counter's refused
    # call must not hold the next ticket back from another counter.
    if counter_is_busy(counter=counter):
        raise ApplicationError(
            code="ticket_in_progress",
            detail=_("Concludere il biglietto in corso prima di chiamare il prossimo."),
        )
    now = timezone.now()
    on = calendar.to_rome(now).date()
    queue = waiting_tickets(branch=counter.branch, line=shift.line, on=on)
    ticket, reason = None, ""
    limit = priority_streak_limit()
    if limit > 0:
        last_calls = list(
            Ticket.objects.filter(
                branch_id=counter.branch_id,
                line_id=shift.line_id,
                issued_on=on,
                called_at__isnull=False,
            )
            .order_by("-called_at", "-pk")
            .values_list("priority", flat=True)[:limit]
        )
        if len(last_calls) == limit and all(last_calls):
            ticket = (
                queue.filter(priority=False).select_for_update(skip_locked=True).first()
            )
            reason = Ticket.CallReason.ANTI_STARVATION
    if ticket is None:
        ticket = queue.select_for_update(skip_locked=True).first()
        if ticket is None:
            return None
        reason = (
            Ticket.CallReason.PRIORITY if ticket.priority else Ticket.CallReason.ORDER
        )
    ticket.status = Ticket.Status.CALLED
    ticket.line = shift.line  # the same line, already read: the answer needs it
    ticket.counter = counter
    ticket.shift = shift
    ticket.called_at = now
    ticket.call_reason = reason
    ticket.save(
        update_fields=[
            "status",
            "counter",
            "shift",
            "called_at",
            "call_reason",
            "updated_at",
        ]
    )
    _event(
        ticket,
        TicketEvent.Kind.CALLED,
        actor=operator,
        at=now,
        counter=counter,
        reason=reason,
    )
    return ticket


def _locked_called_ticket(*, ticket: Ticket, actor: User) -> Ticket:
    """Lock a called ticket that ``actor`` may act on.

    Its counter's operator may, and so may the branch's floor supervisor.
    The ticket's branch never changes: the caller's copy of it is kept.
    """
    locked = (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("shift", "line", "counter")
        .get(pk=ticket.pk)
    )
    locked.branch = ticket.branch
    if locked.status != Ticket.Status.CALLED:
        raise ApplicationError(
            code="invalid_state",
            detail=_("Il biglietto %(code)s non è in chiamata (stato: %(status)s).")
            % {"code": locked.code, "status": locked.get_status_display()},
        )
    assert locked.shift is not None
    if locked.shift.operator_id != actor.pk and not user_has_role_at(
        user=actor, branch=locked.branch, roles=[StaffRole.Role.FLOOR_SUPERVISOR]
    ):
        raise ApplicationError(
            code="not_your_ticket",
            detail=_("Il biglietto è stato chiamato da un altro sportello."),
        )
    return locked


@transaction.atomic
def ticket_recall(*, ticket: Ticket, actor: User) -> Ticket:
    """Announce a called ticket again on the display; no new call is made."""
    ticket = _locked_called_ticket(ticket=ticket, actor=actor)
    now = timezone.now()
    ticket.recall_count += 1
    ticket.recalled_at = now
    ticket.save(update_fields=["recall_count", "recalled_at", "updated_at"])
    _event(
        ticket, TicketEvent.Kind.RECALLED, actor=actor, at=now, counter=ticket.counter
    )
    return ticket


@transaction.atomic
def ticket_complete(*, ticket: Ticket, actor: User, service_codes: list[str]) -> Ticket:
    """Close a called ticket as served, with the catalogue services performed.

    Codes must belong to the ticket's line catalogue (400 otherwise); at
    least one is needed where the line has a catalogue.
    """
    ticket = _locked_called_ticket(ticket=ticket, actor=actor)
    codes = set(service_codes)
    # The line's whole catalogue in one read (a few services): it tells
    # unknown codes apart and whether one at least is required.
    catalogue = dict(
        Service.objects.filter(line_id=ticket.line_id)
        .order_by("position")
        .values_list("code", "pk")
    )
    unknown = sorted(codes - catalogue.keys())
    if unknown:
        raise ValidationError(
            {
                "services": [
                    _("Servizi non previsti dalla linea: %(codes)s.")
                    % {"codes": ", ".join(unknown)}
                ]
            }
        )
    if not codes and catalogue:
        raise ValidationError({"services": [_("Indicare almeno un servizio reso.")]})
    performed = {code: pk for code, pk in catalogue.items() if code in codes}
    now = timezone.now()
    ticket.status = Ticket.Status.COMPLETED
    ticket.finished_at = now
    ticket.save(update_fields=["status", "finished_at", "updated_at"])
    # Services are recorded only here, once, as the called ticket closes:
    # it has none yet.
    Ticket.services.through.objects.bulk_create(
        Ticket.services.through(ticket_id=ticket.pk, service_id=pk)
        for pk in performed.values()
    )
    _event(
        ticket,
        TicketEvent.Kind.COMPLETED,
        actor=actor,
        at=now,
        counter=ticket.counter,
        services=list(performed),
    )
    return ticket


@transaction.atomic
def ticket_no_show(*, ticket: Ticket, actor: User) -> Ticket:
    """Close a called ticket whose holder did not come to the counter."""
    ticket = _locked_called_ticket(ticket=ticket, actor=actor)
    now = timezone.now()
    ticket.status = Ticket.Status.NO_SHOW
    ticket.finished_at = now
    ticket.save(update_fields=["status", "finished_at", "updated_at"])
    _event(
        ticket, TicketEvent.Kind.NO_SHOW, actor=actor, at=now, counter=ticket.counter
    )
    return ticket


@transaction.atomic
def ticket_transfer(*, ticket: Ticket, actor: User, line_code: str) -> Ticket:
    """Send a called ticket to another line's queue, keeping its issue time.

    The citizen keeps the ticket code and the time already waited: the
    ticket queues on the new line by its original issue time.
    """
    ticket = _locked_called_ticket(ticket=ticket, actor=actor)
    now = timezone.now()
    target = _line_at_branch(
        branch=ticket.branch, code=line_code, on=calendar.to_rome(now).date()
    )
    if target.pk == ticket.line_id:
        raise ValidationError({"line": [_("Il biglietto è già su questa linea.")]})
    source, counter = ticket.line, ticket.counter
    ticket.line = target
    ticket.status = Ticket.Status.WAITING
    ticket.counter = None
    ticket.shift = None
    ticket.called_at = None
    ticket.call_reason = ""
    ticket.recalled_at = None
    ticket.recall_count = 0
    ticket.save(
        update_fields=[
            "line", "status", "counter", "shift", "called_at", "call_reason",
            "recalled_at", "recall_count", "updated_at",
        ]
    )  # fmt: skip
    _event(
        ticket,
        TicketEvent.Kind.TRANSFERRED,
        actor=actor,
        at=now,
        counter=counter,
        from_line=source.code,
        to_line=target.code,
    )
    return ticket


def _not_qualified(
    *, operator: User, branch: Branch, line: ServiceLine
) -> ApplicationError:
    """Return the refusal of the qualification gate, naming the lines allowed."""
    on = calendar.today()
    allowed_ids = qualified_line_ids(user=operator, on=on)
    allowed = [
        bl.line
        for bl in branch_lines_open(branch=branch, on=on)
        if bl.line_id in allowed_ids
    ]
    detail = _(
        "Lo sportello non può essere aperto per la linea «%(line)s»: l'operatore "
        "non ha ancora completato la formazione per questa linea."
    ) % {"line": line.name}
    if allowed:
        detail += " " + _("Può aprire: %(lines)s.") % {
            "lines": ", ".join(a.name for a in allowed)
        }
    else:
        detail += " " + _(
            "Al momento non è abilitato per nessuna linea di questa sede."
        )
    return ApplicationError(
        code="not_qualified",
        detail=detail,
        extra={"qualified_lines": [a.code for a in allowed]},
    )


@transaction.atomic
def shift_open(*, counter: Counter, operator: User, line_code: str) -> Shift:
    """Open a shift of ``operator`` at ``counter`` serving a line.

    Opening the same shift again returns it; a counter held by another
    operator (409 ``counter_busy``) or an operator already at another
    counter (409 ``operator_busy``) is refused, and so is a line the
    operator is not trained for (409 ``not_qualified``).
    """
    on = calendar.today()
    line = _line_at_branch(branch=counter.branch, code=line_code, on=on)
    if not operator_is_qualified(user=operator, line=line, on=on):
        raise _not_qualified(operator=operator, branch=counter.branch, line=line)
    Counter.objects.select_for_update().filter(pk=counter.pk).first()
    current = Shift.objects.filter(counter=counter, closed_at__isnull=True).first()
    if current is not None:
        if current.operator_id != operator.pk:
            raise ApplicationError(
                code="counter_busy",
                detail=_("Lo sportello è già aperto da un altro operatore."),
            )
        if current.line_id == line.pk:
            return current
        raise ApplicationError(
            code="counter_busy",
            detail=_("Chiudere il turno in corso prima di cambiare linea."),
        )
    if Shift.objects.filter(operator=operator, closed_at__isnull=True).exists():
        raise ApplicationError(
            code="operator_busy",
            detail=_("L'operatore ha già un turno aperto a un altro sportello."),
        )
    shift = Shift(
        counter=counter, operator=operator, line=line, opened_at=timezone.now()
    )
    try:
        with transaction.atomic():
            shift.save()
    except IntegrityError:
        raise ApplicationError(
            code="counter_busy",
            detail=_("Lo sportello è già aperto da un altro operatore."),
        ) from None
    public_cache.bump(counter.branch_id)
    return shift


def _shift_for_actor(*, counter: Counter, actor: User) -> Shift:
    shift = (
        Shift.objects.select_for_update()
        .filter(counter=counter, closed_at__isnull=True)
        .first()
    )
    if shift is None:
        raise ApplicationError(
            code="counter_closed", detail=_("Lo sportello non è aperto.")
        )
    if shift.operator_id != actor.pk and not user_has_role_at(
        user=actor, branch=counter.branch, roles=[StaffRole.Role.FLOOR_SUPERVISOR]
    ):
        raise ApplicationError(
            code="not_your_counter",
            detail=_("Lo sportello è aperto da un altro operatore."),
        )
    return shift


@transaction.atomic
def shift_close(*, counter: Counter, actor: User) -> Shift:
    """Close the counter's open shift (its operator or the floor supervisor)."""
    shift = _shift_for_actor(counter=counter, actor=actor)
    if counter_is_busy(counter=counter):
        raise ApplicationError(
            code="ticket_in_progress",
            detail=_(
                "Concludere il biglietto in corso prima di chiudere lo sportello."
            ),
        )
    shift.closed_at = timezone.now()
    shift.closed_by = actor
    shift.save(update_fields=["closed_at", "closed_by", "updated_at"])
    public_cache.bump(counter.branch_id)
    return shift


@transaction.atomic
def shift_pause(*, counter: Counter, actor: User, paused: bool) -> Shift:
    """Pause the counter (no calls, not counted in waits) or resume it."""
    shift = _shift_for_actor(counter=counter, actor=actor)
    if paused and shift.paused_at is None:
        shift.paused_at = timezone.now()
    elif not paused:
        shift.paused_at = None
    shift.save(update_fields=["paused_at", "updated_at"])
    public_cache.bump(counter.branch_id)
    return shift


def tickets_expire(*, now: datetime.datetime | None = None) -> int:
    """Close as not served every ticket still waiting after its morning.

    A ticket of an earlier day, or of today once the counters have closed
    (12:30), can no longer be called. Rows are claimed with
    ``SKIP LOCKED`` in batches: a second or concurrent run closes nothing
    twice. Return how many tickets were closed.
    """
    now = now or timezone.now()
    local = calendar.to_rome(now)
    stale = Q(issued_on__lt=local.date())
    if local.time() >= calendar.COUNTER_CLOSES:
        stale |= Q(issued_on=local.date())
    closed = 0
    while True:
        with transaction.atomic():
            claimed = list(
                Ticket.objects.select_for_update(skip_locked=True)
                .filter(stale, status=Ticket.Status.WAITING)
                .order_by("pk")
                .values_list("pk", "branch_id")[:EXPIRE_BATCH]
            )
            if not claimed:
                return closed
            batch = [pk for pk, _branch_id in claimed]
            # The displays and virtual tickets of these branches change.
            public_cache.bump(*(branch_id for _pk, branch_id in claimed))
            Ticket.objects.filter(pk__in=batch).update(
                status=Ticket.Status.EXPIRED, finished_at=now, updated_at=now
            )
            TicketEvent.objects.bulk_create(
                TicketEvent(ticket_id=pk, kind=TicketEvent.Kind.EXPIRED, at=now)
                for pk in batch
            )
            closed += len(batch)
