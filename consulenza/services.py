"""Writes of the consultation agenda (guideline §3).

Booking, the appointment lifecycle, CRIC escalations, e-mails and the
backlog job. No double booking is guaranteed by the database (a partial
unique constraint on meeting point and start), never by a prior read.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Case, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from consulenza import selectors
from consulenza.models import (
    Appointment,
    BacklogFlag,
    Channel,
    Escalation,
    MeetingPoint,
)
from consulenza.tasks import appointment_confirmation_send as confirmation_task
from frontoffice.common.dates import long_date
from frontoffice.common.exceptions import ApplicationError
from frontoffice.common.fiscal_code import fiscal_code_clean
from frontoffice.common.queue import enqueue
from frontoffice.common.retention import clear_in_batches, retention_cutoff
from sedi import calendar
from sedi.models import Branch, BranchLine, Service, ServiceLine, StaffRole

logger = logging.getLogger(__name__)

# An automatic booking that loses the race for a slot tries the next free
# one: this many slots per read, for at most this many reads.
MAX_BOOKING_ATTEMPTS = 10
MAX_BOOKING_ROUNDS = 5
# The reminder job sends at most this many e-mails per batch.
REMINDER_BATCH_SIZE = 200


# --- Meeting points ---------------------------------------------------------


def meeting_point_validate(*, meeting_point: MeetingPoint) -> None:
    """Raise ValidationError unless the meeting point fits the guideline.

    The branch must hold consultation (not an agenzia territoriale), the
    line must be present at the branch during the period, and a closing
    day may not strand live appointments after it.
    """
    point = meeting_point
    branch, line = point.branch, point.line
    if not branch.has_consultation:
        raise ValidationError(
            {
                "branch": _(
                    "Le agenzie territoriali non svolgono attività di consulenza: "
                    "nessun punto di incontro."
                )
            }
        )
    if not selectors.line_has_consultation(line=line):
        raise ValidationError(
            {
                "line": _(
                    "La linea non svolge consulenza su appuntamento: nessun "
                    "punto di incontro."
                )
            }
        )
    branch_line = BranchLine.objects.filter(branch=branch, line=line).first()
    if branch_line is None or not (
        branch_line.is_open_on(point.opened_on)
        or (point.closed_on is not None and branch_line.is_open_on(point.closed_on))
    ):
        raise ValidationError(
            {"line": _("La linea non è presente nella sede in quel periodo.")}
        )
    if point.pk is not None and point.closed_on is not None:
        after = datetime.datetime.combine(
            point.closed_on + datetime.timedelta(days=1),
            datetime.time(0),
            calendar.ROME,
        )
        held = Appointment.objects.filter(
            meeting_point_id=point.pk,
            start__gte=after,
            status=Appointment.Status.BOOKED,
        ).count()
        if held:
            raise ValidationError(
                {
                    "closed_on": _(
                        "Il punto di incontro ha %(count)d appuntamenti dopo "
                        "questa data."
                    )
                    % {"count": held}
                }
            )


@transaction.atomic
def meeting_point_create(
    *,
    branch: Branch,
    line: ServiceLine,
    opened_on: datetime.date,
    closed_on: datetime.date | None = None,
    slot_minutes: int = 30,
    name: str = "",
) -> MeetingPoint:
    """Open a meeting point of ``line`` at ``branch`` from ``opened_on``.

    The line must be present at the branch; an agenzia territoriale holds
    no consultation, so it gets none. More than one point may serve a line
    (guideline §3: when the wait passes a month).
    """
    if not name:
        count = MeetingPoint.objects.filter(branch=branch, line=line).count()
        name = f"{branch.name} — {line.name}" + (f" ({count + 1})" if count else "")
    point = MeetingPoint(
        branch=branch,
        line=line,
        name=name,
        opened_on=opened_on,
        closed_on=closed_on,
        slot_minutes=slot_minutes,
    )
    point.full_clean()
    meeting_point_validate(meeting_point=point)
    point.save()
    return point


@transaction.atomic
def meeting_point_update(
    *, meeting_point: MeetingPoint, name: str, closed_on: datetime.date | None
) -> MeetingPoint:
    """Rename the meeting point or set the day after which it is closed.

    Closing it before live appointments it already holds is refused: they
    must be cancelled or moved first.
    """
    point = MeetingPoint.objects.select_for_update().get(pk=meeting_point.pk)
    point.name, point.closed_on = name, closed_on
    point.full_clean()
    meeting_point_validate(meeting_point=point)
    point.save(update_fields=["name", "closed_on", "updated_at"])
    meeting_point.name, meeting_point.closed_on = point.name, point.closed_on
    return point


# --- Booking ----------------------------------------------------------------


@dataclass(frozen=True)
class Citizen:
    """Who asks for an appointment: the minimum the agenda keeps."""

    fiscal_code: str
    first_name: str
    last_name: str
    email: str = ""
    phone: str = ""


def _line_get(line_code: str) -> ServiceLine:
    line = ServiceLine.objects.filter(code=line_code).first()
    if line is None:
        raise ValidationError({"line": _("Linea sconosciuta.")}, code="invalid")
    return line


def _topic_get(line: ServiceLine, topic_code: str | None) -> Service | None:
    if not topic_code:
        return None
    topic = Service.objects.filter(line=line, code=topic_code).first()
    if topic is None:
        raise ValidationError(
            {"topic": _("L'argomento non è nel catalogo della linea.")},
            code="invalid",
        )
    return topic


def _no_consultation(detail: str) -> ApplicationError:
    return ApplicationError(code="no_consultation", detail=detail)


def _insert(appointment: Appointment) -> bool:
    """Insert ``appointment``; return False when its slot was taken meanwhile."""
    try:
        with transaction.atomic():
            appointment.save(force_insert=True)
    except IntegrityError:
        appointment.pk = None
        return False
    return True


@transaction.atomic
def appointment_book(
    *,
    branch: Branch,
    line_code: str,
    citizen: Citizen,
    channel: str,
    start: datetime.datetime | None = None,
    topic_code: str | None = None,
    booked_by: User | None = None,
) -> Appointment | Escalation:
    """Book a consultation slot, or escalate the request to the regional CRIC.

    With ``start`` the appointment takes that slot on any meeting point of
    the line free at that time, or fails with 409: ``slot_taken``,
    ``outside_hours`` (not a slot of Mon–Thu 13:30–15:30 on a consultation
    day), ``slot_in_past``, ``no_consultation`` (an agenzia territoriale, a
    line without consultation such as Indebiti, a line absent from the
    branch, no meeting point that day) or
    ``beyond_30_days``: a start later than today + 30 days is refused
    rather than booked or escalated, because the guideline sends requests
    that cannot be fixed within 30 days to the CRIC, never to a later slot;
    booking without ``start`` escalates.

    Without ``start`` the first free slot within 30 days of today (Rome
    dates, today + 30 included) on any meeting point of the line is taken;
    when there is none, an open :class:`Escalation` is created and
    returned instead (guideline §3). The confirmation e-mail is enqueued
    after commit.
    """
    fiscal_code = fiscal_code_clean(citizen.fiscal_code)
    line = _line_get(line_code)
    if channel not in Channel.values:
        raise ValidationError({"channel": _("Canale non valido.")}, code="invalid")
    topic = _topic_get(line, topic_code)
    if not branch.has_consultation:
        raise _no_consultation(
            _("Le agenzie territoriali non svolgono attività di consulenza.")
        )
    if not selectors.line_has_consultation(line=line):
        # §2.5: the overpayments counter is a "sportello" opened at peaks,
        # with no meeting point: its request is neither booked nor sent to
        # the CRIC, the person is served at the counter.
        raise _no_consultation(
            _(
                "La consulenza su appuntamento non è prevista per %(line)s: la "
                "persona va servita allo sportello con un biglietto."
            )
            % {"line": line.name}
        )
    now = timezone.now()
    today = calendar.today(now=now)
    last_day = today + datetime.timedelta(days=selectors.BOOKING_WINDOW_DAYS)
    branch_line = BranchLine.objects.filter(branch=branch, line=line).first()
    if branch_line is None or not (
        branch_line.is_open_on(today) or branch_line.is_open_on(last_day)
    ):
        raise _no_consultation(_("La linea non è presente nella sede."))

    appointment = Appointment(
        fiscal_code=fiscal_code,
        first_name=citizen.first_name.strip(),
        last_name=citizen.last_name.strip(),
        email=citizen.email.strip(),
        phone=citizen.phone.strip(),
        topic=topic,
        channel=channel,
        booked_by=booked_by,
    )
    if start is not None:
        _book_at(appointment, branch=branch, line=line, start=start, now=now)
    else:
        booked = _book_first_free(
            appointment, branch=branch, line=line, now=now, last_day=last_day
        )
        if not booked:
            escalation = Escalation(
                branch=branch,
                line=line,
                fiscal_code=fiscal_code,
                first_name=appointment.first_name,
                last_name=appointment.last_name,
                email=appointment.email,
                phone=appointment.phone,
                topic=topic,
                channel=channel,
                requested_at=now,
                requested_by=booked_by,
            )
            escalation.full_clean()
            escalation.save()
            return escalation
    if appointment.email:
        appointment_id = appointment.pk
        transaction.on_commit(
            lambda: enqueue(confirmation_task, appointment_id=appointment_id)
        )
    return appointment


def _prepare(appointment: Appointment, slot: selectors.Slot) -> None:
    appointment.meeting_point = slot.meeting_point
    appointment.start, appointment.end = slot.start, slot.end
    # Uniqueness is the database's job (see _insert): a read here would race.
    appointment.full_clean(validate_unique=False, validate_constraints=False)


def _book_at(
    appointment: Appointment,
    *,
    branch: Branch,
    line: ServiceLine,
    start: datetime.datetime,
    now: datetime.datetime,
) -> None:
    local = calendar.to_rome(start)
    day = local.date()
    today = calendar.today(now=now)
    if start <= now:
        raise ApplicationError(
            code="slot_in_past",
            detail=_("Non si può fissare un appuntamento nel passato."),
        )
    if day > today + datetime.timedelta(days=selectors.BOOKING_WINDOW_DAYS):
        raise ApplicationError(
            code="beyond_30_days",
            detail=_(
                "Gli appuntamenti si fissano entro trenta giorni; oltre, la "
                "richiesta va inoltrata al CRIC regionale."
            ),
        )
    if not calendar.consultation_open_at(branch=branch, at=start):
        raise ApplicationError(
            code="outside_hours",
            detail=_(
                "La consulenza si svolge su appuntamento dal lunedì al giovedì, "
                "dalle 13:30 alle 15:30, nei giorni di apertura della sede."
            ),
        )
    day_slots = selectors.free_slot_list(
        branch=branch, line=line, first_day=day, last_day=day, now=now
    )
    points_that_day = selectors.meeting_point_list(
        branch=branch, line=line, valid_from=day, valid_to=day
    )
    presence = BranchLine.objects.filter(branch=branch, line=line).first()
    if presence is None or not presence.is_open_on(day):
        raise _no_consultation(_("La linea non è presente nella sede in quel giorno."))
    if not points_that_day.exists():
        raise _no_consultation(
            _("Nessun punto di incontro della linea è aperto in quel giorno.")
        )
    matching = [slot for slot in day_slots if slot.start == start]
    if not matching and not _is_slot_start(points_that_day, day=day, start=start):
        raise ApplicationError(
            code="outside_hours",
            detail=_("A quell'ora non inizia alcun appuntamento."),
        )
    for slot in matching:
        _prepare(appointment, slot)
        if _insert(appointment):
            return
    raise ApplicationError(
        code="slot_taken", detail=_("Il posto richiesto è già stato prenotato.")
    )


def _is_slot_start(
    points: Iterable[MeetingPoint], *, day: datetime.date, start: datetime.datetime
) -> bool:
    return any(
        slot_start == start
        for point in points
        for slot_start, _end in selectors.day_slot_starts(
            slot_minutes=point.slot_minutes, day=day
        )
    )


def _book_first_free(
    appointment: Appointment,
    *,
    branch: Branch,
    line: ServiceLine,
    now: datetime.datetime,
    last_day: datetime.date,
) -> bool:
    """Take the first free slot up to ``last_day``; return False if none.

    A slot lost to a concurrent booking is skipped for the next one; the
    free slots are read again (``MAX_BOOKING_ATTEMPTS`` at a time) for at
    most ``MAX_BOOKING_ROUNDS`` rounds. Past that the request is refused
    with ``slot_taken`` rather than escalated, since free slots remain.
    """
    for _round in range(MAX_BOOKING_ROUNDS):
        free = selectors.free_slot_list(
            branch=branch,
            line=line,
            first_day=calendar.today(now=now),
            last_day=last_day,
            now=now,
            limit=MAX_BOOKING_ATTEMPTS,
        )
        if not free:
            return False
        for slot in free:
            _prepare(appointment, slot)
            if _insert(appointment):
                return True
    raise ApplicationError(
        code="slot_taken",
        detail=_("Troppe prenotazioni contemporanee: riprovare."),
    )


# --- Lifecycle --------------------------------------------------------------


def _locked(appointment: Appointment) -> Appointment:
    locked = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("meeting_point__branch", "meeting_point__line", "topic")
        .get(pk=appointment.pk)
    )
    return locked


def _invalid_state(appointment: Appointment) -> ApplicationError:
    return ApplicationError(
        code="invalid_state",
        detail=_("L'appuntamento è nello stato «%(status)s»: azione non consentita.")
        % {"status": appointment.get_status_display()},
    )


@transaction.atomic
def appointment_check_in(*, appointment: Appointment) -> Appointment:
    """Record that the citizen arrived (reception), on the appointment's day."""
    appointment = _locked(appointment)
    if appointment.status != Appointment.Status.BOOKED:
        raise _invalid_state(appointment)
    now = timezone.now()
    if calendar.to_rome(appointment.start).date() != calendar.today(now=now):
        raise ApplicationError(
            code="not_today",
            detail=_("L'arrivo si registra solo nel giorno dell'appuntamento."),
        )
    appointment.status, appointment.checked_in_at = Appointment.Status.CHECKED_IN, now
    appointment.save(update_fields=["status", "checked_in_at", "updated_at"])
    return appointment


@transaction.atomic
def appointment_cancel(*, appointment: Appointment) -> Appointment:
    """Cancel a booked appointment; its slot is free to book again."""
    appointment = _locked(appointment)
    if appointment.status != Appointment.Status.BOOKED:
        raise _invalid_state(appointment)
    appointment.status = Appointment.Status.CANCELLED
    appointment.cancelled_at = timezone.now()
    appointment.save(update_fields=["status", "cancelled_at", "updated_at"])
    return appointment


@transaction.atomic
def appointment_no_show(*, appointment: Appointment) -> Appointment:
    """Record that the citizen did not come; only once the slot has begun."""
    appointment = _locked(appointment)
    if appointment.status != Appointment.Status.BOOKED:
        raise _invalid_state(appointment)
    now = timezone.now()
    if now < appointment.start:
        raise ApplicationError(
            code="too_early",
            detail=_("L'assenza si registra solo dopo l'ora dell'appuntamento."),
        )
    appointment.status, appointment.no_show_at = Appointment.Status.NO_SHOW, now
    appointment.save(update_fields=["status", "no_show_at", "updated_at"])
    return appointment


@transaction.atomic
def appointment_close(
    *,
    appointment: Appointment,
    preparation_notes: str,
    outcome: str,
    closed_by: User | None = None,
) -> Appointment:
    """Close a consultation with its preparation (istruttoria) and outcome.

    Consultation counts as production (guideline §3): both are required.
    """
    notes, result = (preparation_notes or "").strip(), (outcome or "").strip()
    errors = {}
    if not notes:
        errors["preparation_notes"] = _("Indicare l'istruttoria.")
    if not result:
        errors["outcome"] = _("Indicare la definizione.")
    if errors:
        raise ValidationError(errors)
    appointment = _locked(appointment)
    if appointment.status != Appointment.Status.CHECKED_IN:
        raise _invalid_state(appointment)
    appointment.status = Appointment.Status.CLOSED
    appointment.preparation_notes, appointment.outcome = notes, result
    appointment.closed_at, appointment.closed_by = timezone.now(), closed_by
    appointment.full_clean(validate_unique=False, validate_constraints=False)
    appointment.save(
        update_fields=[
            "status",
            "preparation_notes",
            "outcome",
            "closed_at",
            "closed_by",
            "updated_at",
        ]
    )
    return appointment


# --- Escalations ------------------------------------------------------------


@transaction.atomic
def escalation_resolve(
    *, escalation: Escalation, outcome: str, resolved_by: User | None = None
) -> Escalation:
    """Close an escalation with the CRIC's outcome; a resolved one stays."""
    text = (outcome or "").strip()
    if not text:
        raise ValidationError({"outcome": _("Indicare l'esito.")})
    escalation = (
        Escalation.objects.select_for_update(of=("self",))
        .select_related("branch", "line", "topic")
        .get(pk=escalation.pk)
    )
    if escalation.status != Escalation.Status.OPEN:
        raise ApplicationError(
            code="invalid_state",
            detail=_("La richiesta è già stata risolta."),
        )
    escalation.status, escalation.outcome = Escalation.Status.RESOLVED, text
    escalation.resolved_at, escalation.resolved_by = timezone.now(), resolved_by
    escalation.full_clean(validate_unique=False, validate_constraints=False)
    escalation.save(
        update_fields=["status", "outcome", "resolved_at", "resolved_by", "updated_at"]
    )
    return escalation


# --- E-mails ----------------------------------------------------------------


def _when(appointment: Appointment) -> str:
    local = calendar.to_rome(appointment.start)
    return _("%(day)s alle %(time)s") % {
        "day": long_date(local.date()),
        "time": local.strftime("%H:%M"),
    }


def _appointment_mail(appointment: Appointment, *, reminder: bool) -> None:
    point = appointment.meeting_point
    if reminder:
        subject = _("Promemoria: appuntamento di consulenza domani")
    else:
        subject = _("Conferma dell'appuntamento di consulenza")
    body = _(
        "Gentile %(name)s,\n\nle ricordiamo l'appuntamento di consulenza "
        "(%(line)s) presso la sede di %(branch)s, %(when)s.\n"
        "Se non potesse venire, la preghiamo di annullarlo.\n"
    ) % {
        "name": f"{appointment.first_name} {appointment.last_name}",
        "line": point.line.name,
        "branch": point.branch.name,
        "when": _when(appointment),
    }
    send_mail(subject, body, None, [appointment.email])


def _claim_and_send(appointment: Appointment, *, field: str, reminder: bool) -> bool:
    """Claim ``field`` with a conditional UPDATE, send, release on failure."""
    stamp = timezone.now()
    claimed = Appointment.objects.filter(
        pk=appointment.pk, status=Appointment.Status.BOOKED, **{field: None}
    ).update(**{field: stamp})
    if not claimed:
        return False
    try:
        _appointment_mail(appointment, reminder=reminder)
    except Exception:
        # Release the claim so that a later run (or retry) sends it.
        Appointment.objects.filter(pk=appointment.pk, **{field: stamp}).update(
            **{field: None}
        )
        raise
    return True


def appointment_confirmation_send(*, appointment_id: int) -> bool:
    """Send the booking confirmation e-mail once; return whether it was sent.

    Mark-then-send with a conditional UPDATE (``confirmation_sent_at IS
    NULL``): at-most-once, so two deliveries of the task send one e-mail.
    A failed send clears the mark and raises, so a retry sends it.
    """
    appointment = (
        Appointment.objects.select_related(
            "meeting_point__branch", "meeting_point__line"
        )
        .filter(pk=appointment_id)
        .first()
    )
    if appointment is None or not appointment.email:
        return False
    return _claim_and_send(appointment, field="confirmation_sent_at", reminder=False)


def appointment_reminders_send(
    *, now: datetime.datetime | None = None, batch_size: int = REMINDER_BATCH_SIZE
) -> int:
    """Send the day-before reminder of tomorrow's booked appointments.

    Select, in batches of ``batch_size``, tomorrow's (Rome) booked
    appointments with an e-mail and no reminder yet; each is claimed with
    a conditional UPDATE on ``reminded_at IS NULL`` before sending:
    at-most-once, so a second or concurrent run sends nothing twice.
    Return how many reminders were sent.
    """
    now = now or timezone.now()
    tomorrow = calendar.today(now=now) + datetime.timedelta(days=1)
    start = datetime.datetime.combine(tomorrow, datetime.time(0), calendar.ROME)
    # Midnight to midnight in Rome: 23 or 25 hours on a DST change.
    end = datetime.datetime.combine(
        tomorrow + datetime.timedelta(days=1), datetime.time(0), calendar.ROME
    )
    sent = 0
    last_pk = 0
    while True:
        batch = list(
            Appointment.objects.filter(
                pk__gt=last_pk,
                status=Appointment.Status.BOOKED,
                start__gte=start,
                start__lt=end,
                reminded_at__isnull=True,
            )
            .exclude(email="")
            .select_related("meeting_point__branch", "meeting_point__line")
            .order_by("pk")[:batch_size]
        )
        if not batch:
            return sent
        for appointment in batch:
            if _claim_and_send(appointment, field="reminded_at", reminder=True):
                sent += 1
        last_pk = batch[-1].pk


# --- Backlog ----------------------------------------------------------------


# Rows of one INSERT (and, off PostgreSQL, of one UPDATE) of the backlog
# job's flags.
FLAG_UPDATE_BATCH = 500
_FLAG_VALUES = [
    "first_free_slot",
    "backlog_days",
    "meeting_points",
    "level",
    "recommended_meeting_points",
    "computed_at",
    "updated_at",
]


def _flag_values(row: selectors.BacklogRow, *, now: datetime.datetime) -> dict:
    return {
        "first_free_slot": row.first_free_slot,
        "backlog_days": row.backlog_days,
        "meeting_points": row.meeting_points,
        "level": row.level,
        "recommended_meeting_points": row.recommended_meeting_points,
        "computed_at": now,
        "updated_at": now,
    }


def _flags_locked(
    pairs: Iterable[tuple[int, int]],
) -> dict[tuple[int, int], BacklogFlag]:
    """Return the stored flags of ``pairs``, each row locked, in pk order.

    The lock order is the same in every run, so concurrent runs queue
    rather than deadlock.
    """
    wanted = set(pairs)
    if not wanted:
        return {}
    flags = BacklogFlag.objects.select_for_update().filter(
        branch_id__in=sorted({branch_id for branch_id, _line in wanted})
    )
    return {
        (flag.branch_id, flag.line_id): flag
        for flag in flags.order_by("pk")
        if (flag.branch_id, flag.line_id) in wanted
    }


def _flags_write(
    rows: list[selectors.BacklogRow], *, now: datetime.datetime
) -> list[BacklogFlag]:
    """Insert or update the flag of every row, set-based, under row locks.

    One locked read of the stored flags; one insert of the missing ones
    (ON CONFLICT DO NOTHING: a concurrent run may insert the same pair);
    when some were missing, one locked read of them (ours or the other
    run's); then one UPDATE of the flags whose level stays and one of
    those whose level changed. Inserts go ``FLAG_UPDATE_BATCH`` rows at a
    time (a statement's parameters are bounded). A flag keeps
    ``flagged_since`` while it stays flagged and loses it (and
    ``notified_at``) when the wait drops; ``notified_at`` is written only
    on a change of level: the notifier's conditional UPDATE owns it
    otherwise.
    """
    by_pair = {(row.branch.pk, row.line.pk): row for row in rows}
    with transaction.atomic():
        stored = _flags_locked(by_pair)
        missing = sorted(pair for pair in by_pair if pair not in stored)
        inserted: set[tuple[int, int]] = set()
        if missing:
            new = []
            for pair in missing:
                row = by_pair[pair]
                flag = BacklogFlag(
                    branch=row.branch,
                    line=row.line,
                    created_at=now,
                    **_flag_values(row, now=now),
                )
                flagged = row.level == BacklogFlag.Level.FLAGGED
                flag.flagged_since = now if flagged else None
                new.append(flag)
            BacklogFlag.objects.bulk_create(
                new, ignore_conflicts=True, batch_size=FLAG_UPDATE_BATCH
            )
            fresh = _flags_locked(missing)
            inserted = {pair for pair, flag in fresh.items() if flag.computed_at == now}
            stored.update(fresh)
        level_changed: list[BacklogFlag] = []
        unchanged_level: list[BacklogFlag] = []
        for pair, flag in stored.items():
            row = by_pair[pair]
            flag.branch, flag.line = row.branch, row.line  # no query per flag
            if pair in inserted:
                continue
            was_flagged = flag.level == BacklogFlag.Level.FLAGGED
            for key, value in _flag_values(row, now=now).items():
                setattr(flag, key, value)
            if row.level == BacklogFlag.Level.FLAGGED:
                if not was_flagged:
                    flag.flagged_since, flag.notified_at = now, None
                    level_changed.append(flag)
                    continue
            elif was_flagged or flag.flagged_since or flag.notified_at:
                # The wait is back under 30 days: clear the flag; a new
                # flag later is notified again.
                flag.flagged_since, flag.notified_at = None, None
                level_changed.append(flag)
                continue
            unchanged_level.append(flag)
        _flags_update(unchanged_level, _FLAG_VALUES)
        _flags_update(level_changed, [*_FLAG_VALUES, "flagged_since", "notified_at"])
    return [stored[pair] for pair in by_pair]


def _flags_update(flags: list[BacklogFlag], fields: list[str]) -> None:
    """Write ``fields`` of ``flags``: one UPDATE on PostgreSQL.

    PostgreSQL joins the rows to arrays of their new values (``unnest``);
    Django's ``bulk_update`` (elsewhere, in batches) builds a CASE per
    field and row, which costs seconds at national scale.
    """
    if not flags:
        return
    if connection.vendor != "postgresql":
        BacklogFlag.objects.bulk_update(flags, fields, batch_size=FLAG_UPDATE_BATCH)
        return
    quote = connection.ops.quote_name
    columns = []
    for name in fields:
        field = BacklogFlag._meta.get_field(name)
        assert isinstance(field, models.Field)
        columns.append(field)
    table = quote(BacklogFlag._meta.db_table)
    assignments = ", ".join(
        f"{quote(field.column)} = v.{quote(field.column)}" for field in columns
    )
    arrays = ", ".join(f"%s::{field.db_type(connection)}[]" for field in columns)
    names = ", ".join(quote(field.column) for field in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS f SET {assignments} "
            f"FROM unnest(%s::bigint[], {arrays}) AS v(id, {names}) "
            "WHERE f.id = v.id",
            [
                [flag.pk for flag in flags],
                *(
                    [
                        field.get_db_prep_save(getattr(flag, field.attname), connection)
                        for flag in flags
                    ]
                    for field in columns
                ),
            ],
        )


def backlog_flag(*, now: datetime.datetime | None = None) -> list[BacklogFlag]:
    """Compute the backlog of every (branch, line) and keep its flag.

    A line whose first free slot lies more than 30 days ahead is flagged
    (over 21, warned); ``flagged_since`` is kept while it stays flagged and
    cleared when the wait drops. The region is notified once per flag.
    Idempotent: a second or concurrent run gives the same flags and no
    second notification (row locks, a unique constraint and a conditional
    UPDATE). Queries: a fixed number for the computation, the writes and
    the notifications, plus one per ``FLAG_UPDATE_BATCH`` flags inserted;
    none per appointment.
    """
    now = now or timezone.now()
    rows = selectors.backlog_rows(branches=Branch.objects.all(), now=now)
    flags = _flags_write(rows, now=now)
    backlog_flags_notify(
        flags=[
            flag
            for flag in flags
            if flag.level == BacklogFlag.Level.FLAGGED and flag.notified_at is None
        ]
    )
    return flags


def _flag_message(flag: BacklogFlag) -> tuple[str, str]:
    """Return the subject and body of the e-mail announcing ``flag``."""
    if flag.first_free_slot is not None:
        wait = _("primo posto libero tra %(days)d giorni (%(day)s)") % {
            "days": flag.backlog_days,
            "day": long_date(calendar.to_rome(flag.first_free_slot).date()),
        }
    else:
        wait = _("nessun posto libero nei prossimi %(days)d giorni") % {
            "days": selectors.BACKLOG_HORIZON_DAYS
        }
    body = _(
        "Sede %(branch)s, %(line)s: %(wait)s.\n"
        "Punti di incontro attivi: %(points)d; consigliati: %(recommended)d.\n"
        "Le richieste che non si possono fissare entro trenta giorni sono "
        "inoltrate al CRIC regionale.\n"
    ) % {
        "branch": flag.branch.name,
        "line": flag.line.name,
        "wait": wait,
        "points": flag.meeting_points,
        "recommended": flag.recommended_meeting_points,
    }
    subject = _("Agenda appuntamenti oltre 30 giorni: %(branch)s, %(line)s") % {
        "branch": flag.branch.name,
        "line": flag.line.name,
    }
    return subject, body


def backlog_flags_notify(*, flags: list[BacklogFlag]) -> int:
    """Tell each region's CRIC by e-mail that lines are flagged; once per flag.

    Mark-then-send: the flags still flagged and not notified are claimed
    under row locks (a concurrent run waits, then finds them notified), so
    one run only sends each (at-most-once). A failed send clears the mark
    of that flag and of those not sent yet, and raises: the next run sends
    them. Return how many flags were claimed. Queries: none without a
    candidate, else a fixed number (claim, mark, recipients of every
    region at once) and one more on a failed send.
    """
    if not flags:
        return 0
    stamp = timezone.now()
    with transaction.atomic():
        claimed = set(
            BacklogFlag.objects.select_for_update()
            .filter(
                pk__in=[flag.pk for flag in flags],
                level=BacklogFlag.Level.FLAGGED,
                notified_at__isnull=True,
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not claimed:
            return 0
        BacklogFlag.objects.filter(pk__in=claimed).update(notified_at=stamp)
    mine = [flag for flag in flags if flag.pk in claimed]
    recipients: dict[int, list[str]] = defaultdict(list)
    for region_id, email in (
        get_user_model()
        .objects.filter(
            staff_roles__region__in={flag.branch.region_id for flag in mine},
            staff_roles__role=StaffRole.Role.REGIONAL,
            is_active=True,
        )
        .exclude(email="")
        .values_list("staff_roles__region", "email")
        .distinct()
        .order_by("email")
    ):
        recipients[region_id].append(email)
    for index, flag in enumerate(mine):
        flag.notified_at = stamp
        to = recipients.get(flag.branch.region_id)
        if not to:
            logger.warning(
                "Backlog flag %s: no regional recipient with an e-mail.", flag.pk
            )
            continue
        subject, body = _flag_message(flag)
        try:
            send_mail(subject, body, None, to)
        except Exception:
            unsent = mine[index:]
            BacklogFlag.objects.filter(
                pk__in=[f.pk for f in unsent], notified_at=stamp
            ).update(notified_at=None)
            for f in unsent:
                f.notified_at = None
            raise
    return len(mine)


# --- Retention --------------------------------------------------------------

ANONYMISED = "[anonimizzato]"


def _citizen_cleared(now: datetime.datetime) -> dict[str, object]:
    return {
        "fiscal_code": "",
        "first_name": "",
        "last_name": "",
        "email": "",
        "phone": "",
        "anonymised_at": now,
        "updated_at": now,
    }


def consultation_personal_data_anonymise(
    *, now: datetime.datetime | None = None, dry_run: bool = False
) -> dict[str, int]:
    """Clear the citizens' data of appointments and escalations past retention.

    Appointments that started, and escalations requested, before the
    retention cutoff (``PERSONAL_DATA_RETENTION_DAYS``, 24 months by
    default) lose codice fiscale, names and contacts; an appointment's
    preparation notes and outcome are replaced too, keeping the record of
    production (line, day, status). Idempotent: cleared rows are skipped.
    Return how many rows of each kind were (or, with ``dry_run``, would
    be) cleared.
    """
    cutoff = retention_cutoff(now=now)
    appointments = Appointment.objects.filter(
        start__lt=cutoff, anonymised_at__isnull=True
    )
    escalations = Escalation.objects.filter(
        requested_at__lt=cutoff, anonymised_at__isnull=True
    )

    def appointment_values(at: datetime.datetime) -> dict[str, object]:
        values = _citizen_cleared(at)
        # Closed appointments must keep some notes and outcome (production).
        values["preparation_notes"] = Case(
            When(preparation_notes="", then=Value("")), default=Value(ANONYMISED)
        )
        values["outcome"] = Case(
            When(outcome="", then=Value("")), default=Value(ANONYMISED)
        )
        return values

    def escalation_values(at: datetime.datetime) -> dict[str, object]:
        values = _citizen_cleared(at)
        values["outcome"] = Case(
            When(outcome="", then=Value("")), default=Value(ANONYMISED)
        )
        return values

    return {
        "appointments": clear_in_batches(
            appointments, values=appointment_values, dry_run=dry_run
        ),
        "escalations": clear_in_batches(
            escalations, values=escalation_values, dry_run=dry_run
        ),
    }
