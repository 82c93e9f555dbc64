"""The floor supervisor's actions, each recorded with who, when and why.

Every action goes through the service of the app that owns the rule:
shifts through ``sportelli``, lines through ``sedi``, meeting points through
``consulenza``; the operator's training is checked by ``formazione``.
"""

import datetime
import logging

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from consulenza import services as agenda_services
from consulenza.models import MeetingPoint
from consulenza.selectors import LINE_KINDS_WITH_MEETING_POINT
from formazione.selectors import operator_is_qualified
from frontoffice.common.dates import long_date
from frontoffice.common.exceptions import ApplicationError
from sala.models import BacklogForecastNotice, CounterClone, SupervisorAction
from sala.selectors import AgendaRow, agenda_rows
from sedi import calendar
from sedi import services as sedi_services
from sedi.models import Branch, BranchLine, ServiceLine, StaffRole
from sedi.selectors import (
    branch_lines_open,
    line_list,
    region_staff_emails,
    user_has_role_at,
)
from sportelli import services as counter_services
from sportelli.models import Counter, Shift

logger = logging.getLogger(__name__)
Role = StaffRole.Role
# The hall's counters are run by the floor supervisor (sportelli lets only
# them close or pause another operator's counter).
COUNTER_ROLES = (Role.FLOOR_SUPERVISOR,)
# Lines and meeting points: the floor supervisor or the director.
BRANCH_ROLES = (Role.FLOOR_SUPERVISOR, Role.DIRECTOR)
REASON_MAX_LENGTH = 200


def _require_role(*, actor: User, branch: Branch, roles: tuple[str, ...]) -> None:
    if not user_has_role_at(user=actor, branch=branch, roles=roles):
        raise PermissionDenied(_("Il suo ruolo non consente questa operazione."))


def _reason_clean(reason: str) -> str:
    text = " ".join((reason or "").split())
    if not text:
        raise ValidationError({"reason": [_("Indicare il motivo.")]})
    if len(text) > REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": [_("Il motivo supera i %(n)d caratteri.") % {"n": 200}]}
        )
    return text


def _line_get(code: str) -> ServiceLine:
    line = line_list().filter(code=code).first()
    if line is None:
        raise ValidationError(
            {"line": [_("Linea sconosciuta: %(code)s.") % {"code": code}]}
        )
    return line


def _record(
    *,
    branch: Branch,
    kind: str,
    actor: User,
    at: datetime.datetime,
    reason: str,
    line: ServiceLine | None = None,
    counter: Counter | None = None,
    **data: object,
) -> SupervisorAction:
    return SupervisorAction.objects.create(
        branch=branch,
        kind=kind,
        actor=actor,
        at=at,
        reason=reason,
        line=line,
        counter=counter,
        data=data,
    )


@transaction.atomic
def counter_clone(
    *,
    actor: User,
    branch: Branch,
    counter: Counter,
    line_code: str,
    operator: User,
    ends_at: datetime.datetime,
    reason: str,
) -> CounterClone:
    """Open ``counter`` for a line until ``ends_at``, staffed by ``operator``.

    The operator must work at the branch and be trained for the line
    (409 ``not_qualified``); the window ends after now and by the counters'
    closing time (12:30). The shift is opened through ``sportelli``, whose
    own refusals (``counter_busy``, ``operator_busy``, ``line_closed``)
    apply.
    """
    _require_role(actor=actor, branch=branch, roles=COUNTER_ROLES)
    text = _reason_clean(reason)
    if counter.branch_id != branch.pk:
        raise ValidationError({"counter": [_("Sportello di un'altra sede.")]})
    line = _line_get(line_code)
    if not user_has_role_at(user=operator, branch=branch, roles=[Role.OPERATOR]):
        raise ValidationError(
            {"operator": [_("Non è un operatore di sportello di questa sede.")]}
        )
    now = timezone.now()
    closes = datetime.datetime.combine(
        calendar.today(now=now), calendar.COUNTER_CLOSES, calendar.ROME
    )
    if not now < ends_at <= closes:
        raise ValidationError(
            {
                "ends_at": [
                    _(
                        "Indicare un orario successivo a ora ed entro la chiusura "
                        "degli sportelli (%(time)s)."
                    )
                    % {"time": calendar.COUNTER_CLOSES.strftime("%H:%M")}
                ]
            }
        )
    if not operator_is_qualified(user=operator, line=line):
        raise ApplicationError(
            code="not_qualified",
            detail=_("L'operatore non ha ancora la formazione per la linea «%(line)s».")
            % {"line": line.name},
        )
    shift = counter_services.shift_open(
        counter=counter, operator=operator, line_code=line.code
    )
    clone = CounterClone(
        branch=branch,
        line=line,
        counter=counter,
        shift=shift,
        operator=operator,
        requested_by=actor,
        reason=text,
        starts_at=now,
        ends_at=ends_at,
    )
    clone.full_clean(validate_constraints=False)
    clone.save()
    _record(
        branch=branch,
        kind=SupervisorAction.Kind.CLONE_OPEN,
        actor=actor,
        at=now,
        reason=text,
        line=line,
        counter=counter,
        operator=operator.get_username(),
        ends_at=ends_at.isoformat(),
    )
    return clone


@transaction.atomic
def counter_clone_end(*, actor: User, clone: CounterClone, reason: str) -> CounterClone:
    """End a cloned counter: close its shift if still open.

    A ticket still in progress at the counter keeps it open (409
    ``ticket_in_progress``); an ended clone cannot end again (409
    ``clone_ended``).
    """
    _require_role(actor=actor, branch=clone.branch, roles=COUNTER_ROLES)
    text = _reason_clean(reason)
    locked = CounterClone.objects.select_for_update().get(pk=clone.pk)
    if locked.ended_at is not None:
        raise ApplicationError(
            code="clone_ended",
            detail=_("Lo sportello clonato è già stato chiuso."),
        )
    shift = Shift.objects.get(pk=locked.shift_id)
    if shift.closed_at is None:
        counter_services.shift_close(counter=locked.counter, actor=actor)
    now = timezone.now()
    locked.ended_at, locked.ended_by = now, actor
    locked.save(update_fields=["ended_at", "ended_by", "updated_at"])
    _record(
        branch=locked.branch,
        kind=SupervisorAction.Kind.CLONE_END,
        actor=actor,
        at=now,
        reason=text,
        line=locked.line,
        counter=locked.counter,
    )
    clone.ended_at, clone.ended_by = locked.ended_at, locked.ended_by
    return locked


def _peak_line(code: str) -> ServiceLine:
    line = _line_get(code)
    if line.kind != ServiceLine.Kind.PEAK:
        raise ValidationError(
            {
                "line": [
                    _(
                        "Solo la linea Indebiti si apre e si chiude per un periodo "
                        "di particolare affluenza."
                    )
                ]
            }
        )
    return line


@transaction.atomic
def peak_line_open(
    *,
    actor: User,
    branch: Branch,
    line_code: str,
    opened_on: datetime.date,
    closes_on: datetime.date,
    reason: str,
) -> BranchLine:
    """Open the Indebiti line at ``branch`` from ``opened_on`` to ``closes_on``.

    Guideline §2.5: the line opens in periods of particular demand. The
    kiosk and reception offer its tickets on those days only.
    """
    _require_role(actor=actor, branch=branch, roles=BRANCH_ROLES)
    text = _reason_clean(reason)
    line = _peak_line(line_code)
    today = calendar.today()
    if closes_on < opened_on:
        raise ValidationError(
            {"closes_on": [_("La fine del periodo precede l'inizio.")]}
        )
    if closes_on < today:
        raise ValidationError({"closes_on": [_("Il periodo è già passato.")]})
    branch_line = sedi_services.branch_line_open(
        branch=branch, line=line, opened_on=opened_on, closes_on=closes_on
    )
    _record(
        branch=branch,
        kind=SupervisorAction.Kind.LINE_OPEN,
        actor=actor,
        at=timezone.now(),
        reason=text,
        line=line,
        opened_on=opened_on.isoformat(),
        closes_on=closes_on.isoformat(),
    )
    return branch_line


@transaction.atomic
def peak_line_close(
    *, actor: User, branch: Branch, line_code: str, reason: str
) -> BranchLine:
    """Close the Indebiti line from today: no more tickets for it.

    Tickets already issued stay in the queue for the counters still
    serving it. A line not open today answers 409 ``line_closed``.
    """
    _require_role(actor=actor, branch=branch, roles=BRANCH_ROLES)
    text = _reason_clean(reason)
    line = _peak_line(line_code)
    today = calendar.today()
    current = next(
        (
            bl
            for bl in branch_lines_open(branch=branch, on=today)
            if bl.line_id == line.pk
        ),
        None,
    )
    if current is None:
        raise ApplicationError(
            code="line_closed",
            detail=_("La linea «%(line)s» non è aperta oggi.") % {"line": line.name},
        )
    yesterday = today - datetime.timedelta(days=1)
    if current.opened_on is not None and current.opened_on > yesterday:
        # A period that began today cannot end before it began: the line
        # keeps no start, only its end (the log keeps the period).
        branch_line = sedi_services.branch_line_open(
            branch=branch, line=line, opened_on=None, closes_on=yesterday
        )
    else:
        branch_line = sedi_services.branch_line_close(
            branch=branch, line=line, closes_on=yesterday
        )
    _record(
        branch=branch,
        kind=SupervisorAction.Kind.LINE_CLOSE,
        actor=actor,
        at=timezone.now(),
        reason=text,
        line=line,
        was_opened_on=current.opened_on.isoformat() if current.opened_on else None,
        was_closing_on=current.closes_on.isoformat() if current.closes_on else None,
    )
    return branch_line


def _end_clone_of(*, shift: Shift, actor: User, at: datetime.datetime) -> None:
    CounterClone.objects.filter(shift=shift, ended_at__isnull=True).update(
        ended_at=at, ended_by=actor, updated_at=at
    )


@transaction.atomic
def counter_pause(*, actor: User, counter: Counter, reason: str) -> Shift:
    """Pause a counter left open: it gets no calls and no longer counts."""
    _require_role(actor=actor, branch=counter.branch, roles=COUNTER_ROLES)
    text = _reason_clean(reason)
    shift = counter_services.shift_pause(counter=counter, actor=actor, paused=True)
    _record(
        branch=counter.branch,
        kind=SupervisorAction.Kind.COUNTER_PAUSE,
        actor=actor,
        at=timezone.now(),
        reason=text,
        line=shift.line,
        counter=counter,
    )
    return shift


@transaction.atomic
def counter_close(*, actor: User, counter: Counter, reason: str) -> Shift:
    """Close a counter left open; a clone on it ends with it."""
    _require_role(actor=actor, branch=counter.branch, roles=COUNTER_ROLES)
    text = _reason_clean(reason)
    shift = counter_services.shift_close(counter=counter, actor=actor)
    now = timezone.now()
    _end_clone_of(shift=shift, actor=actor, at=now)
    _record(
        branch=counter.branch,
        kind=SupervisorAction.Kind.COUNTER_CLOSE,
        actor=actor,
        at=now,
        reason=text,
        line=shift.line,
        counter=counter,
    )
    return shift


@transaction.atomic
def meeting_point_open(
    *, actor: User, branch: Branch, line_code: str, reason: str
) -> MeetingPoint:
    """Open one more meeting point for a line from today (guideline §3)."""
    _require_role(actor=actor, branch=branch, roles=BRANCH_ROLES)
    text = _reason_clean(reason)
    line = _line_get(line_code)
    if line.kind not in LINE_KINDS_WITH_MEETING_POINT:
        raise ValidationError({"line": [_("Questa linea non ha punti di incontro.")]})
    point = agenda_services.meeting_point_create(
        branch=branch, line=line, opened_on=calendar.today()
    )
    _record(
        branch=branch,
        kind=SupervisorAction.Kind.MEETING_POINT_OPEN,
        actor=actor,
        at=timezone.now(),
        reason=text,
        line=line,
        meeting_point=point.pk,
    )
    return point


# Clones ended per run of the expiry job.
EXPIRE_BATCH = 100


def counter_clones_expire(*, now: datetime.datetime | None = None) -> int:
    """End every live clone whose window has passed; return how many ended.

    Its shift closes as the supervisor who ordered it asked, under their
    name; a counter still serving a ticket is left for the next run, and
    so is one the supervisor may no longer close. Idempotent: each clone
    is claimed under a row lock and ends once; a second run ends nothing.
    """
    now = now or timezone.now()
    due = list(
        CounterClone.objects.filter(ended_at__isnull=True, ends_at__lte=now)
        .order_by("ends_at", "pk")
        .values_list("pk", flat=True)[:EXPIRE_BATCH]
    )
    ended = 0
    for clone_id in due:
        with transaction.atomic():
            clone = (
                CounterClone.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("branch", "counter", "line", "requested_by")
                .filter(pk=clone_id, ended_at__isnull=True)
                .first()
            )
            if clone is None:
                continue
            if Shift.objects.filter(pk=clone.shift_id, closed_at__isnull=True).exists():
                try:
                    with transaction.atomic():
                        counter_services.shift_close(
                            counter=clone.counter, actor=clone.requested_by
                        )
                except ApplicationError:
                    continue
            clone.ended_at, clone.ended_by = now, clone.requested_by
            clone.save(update_fields=["ended_at", "ended_by", "updated_at"])
            _record(
                branch=clone.branch,
                kind=SupervisorAction.Kind.CLONE_END,
                actor=clone.requested_by,
                at=now,
                reason=_("Fine della finestra disposta"),
                line=clone.line,
                counter=clone.counter,
                automatic=True,
            )
            ended += 1
    return ended


def _forecast_notice_send(
    *, notice: BacklogForecastNotice, branch: Branch, row: AgendaRow
) -> bool:
    """Send one notice to the region's CRIC; mark-then-send, at most once.

    A failed send clears the mark and raises: the next run sends it.
    """
    stamp = timezone.now()
    claimed = BacklogForecastNotice.objects.filter(
        pk=notice.pk, notified_at__isnull=True
    ).update(notified_at=stamp, updated_at=stamp)
    if not claimed:
        return False
    recipients = region_staff_emails(region_id=branch.region_id, role=Role.REGIONAL)
    if not recipients:
        logger.warning("Forecast notice %s: no regional recipient.", notice.pk)
        return True
    assert row.passes_limit_on is not None
    body = _(
        "Sede %(branch)s, %(line)s: il primo posto libero dell'agenda supererà "
        "i 30 giorni tra %(days)d giorni (%(day)s), secondo le richieste delle "
        "ultime quattro settimane.\nPunti di incontro attivi: %(points)d."
    ) % {
        "branch": branch.name,
        "line": row.line.name,
        "days": (row.passes_limit_on - calendar.today()).days,
        "day": long_date(row.passes_limit_on),
        "points": row.meeting_points,
    }
    if row.meeting_points_needed is not None:
        body += " " + _("Con %(n)d punti di incontro non accadrebbe.") % {
            "n": row.meeting_points_needed
        }
    subject = _("Agenda verso i 30 giorni: %(branch)s, %(line)s") % {
        "branch": branch.name,
        "line": row.line.name,
    }
    try:
        send_mail(subject, body + "\n", None, recipients)
    except Exception:
        BacklogForecastNotice.objects.filter(pk=notice.pk, notified_at=stamp).update(
            notified_at=None
        )
        raise
    return True


def backlog_forecast_notify(*, now: datetime.datetime | None = None) -> int:
    """Warn the region once when a line's agenda is forecast past 30 days.

    In every consulting branch, a line whose first free slot is expected
    to pass 30 days within two weeks (and has not yet: the backlog job
    flags those) gets one notice, naming the meeting points that would
    prevent it. A line no longer warned closes its notice, so a later
    warning is sent again. Idempotent: a second run sends nothing (a
    partial unique constraint and a conditional UPDATE). Return how many
    notices were sent.
    """
    now = now or timezone.now()
    sent = 0
    for branch in Branch.objects.select_related("region").order_by("code"):
        if not branch.has_consultation:
            continue
        rows: dict[int, tuple[AgendaRow, datetime.date]] = {
            row.line.pk: (row, row.passes_limit_on)
            for row in agenda_rows(branch=branch, now=now)
            if row.forecast_warn
            and row.level != "flagged"
            and row.passes_limit_on is not None
        }
        BacklogForecastNotice.objects.filter(
            branch=branch, cleared_at__isnull=True
        ).exclude(line_id__in=list(rows)).update(cleared_at=now, updated_at=now)
        for line_id, (row, passes_on) in rows.items():
            notice = BacklogForecastNotice.objects.filter(
                branch=branch, line_id=line_id, cleared_at__isnull=True
            ).first()
            if notice is None:
                try:
                    with transaction.atomic():
                        notice = BacklogForecastNotice.objects.create(
                            branch=branch,
                            line=row.line,
                            passes_limit_on=passes_on,
                            meeting_points_needed=row.meeting_points_needed,
                        )
                except IntegrityError:
                    notice = BacklogForecastNotice.objects.get(
                        branch=branch, line_id=line_id, cleared_at__isnull=True
                    )
            if _forecast_notice_send(notice=notice, branch=branch, row=row):
                sent += 1
    return sent
