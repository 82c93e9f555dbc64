"""Writes of the reception (guideline §1): arrivals, protocol register, forms."""

import datetime
import re

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from consulenza.models import Appointment, Channel, Escalation
from consulenza.services import (
    Citizen,
    appointment_book,
    appointment_check_in,
    consultation_personal_data_anonymise,
)
from frontoffice.common.exceptions import ApplicationError
from frontoffice.common.fiscal_code import fiscal_code_clean
from frontoffice.common.retention import clear_in_batches, retention_cutoff
from frontoffice.common.sequences import sequence_next
from reception.models import (
    Arrival,
    Form,
    ProtocolEntry,
    ProtocolSequence,
    UnmatchedSearch,
)
from reception.search import normalise
from sedi import calendar
from sedi.models import Branch, Service
from sportelli.models import Ticket
from sportelli.services import ticket_issue

Outcome = Arrival.Outcome


def _reason_of(*, service: Service | None, reason: str) -> str:
    text = (reason or "").strip() or (service.name if service else "")
    if not text:
        raise ValidationError({"reason": [_("Indicare il motivo dell'accesso.")]})
    return text[:200]


@transaction.atomic
def arrival_ticket(
    *,
    branch: Branch,
    handled_by: User,
    line_code: str = "",
    service: Service | None = None,
    reason: str = "",
    priority: bool = False,
) -> Arrival:
    """Send the person to a counter: issue the ticket and log the arrival.

    The line is the one given, else the activity's own line. The same
    service as the kiosk issues the ticket, with its hours and line rules;
    if it refuses, nothing is logged.
    """
    line_code = line_code or (service.line.code if service else "")
    if not line_code:
        raise ValidationError({"line": [_("Indicare la linea.")]})
    text = _reason_of(service=service, reason=reason)
    ticket = ticket_issue(
        branch=branch,
        line_code=line_code,
        channel=Ticket.Channel.RECEPTION,
        priority=priority,
        issued_by=handled_by,
    )
    return Arrival.objects.create(
        branch=branch,
        arrived_at=ticket.issued_at,
        service=service,
        reason=text,
        outcome=Outcome.TICKET,
        line=ticket.line,
        ticket=ticket,
        handled_by=handled_by,
    )


@transaction.atomic
def arrival_solved(
    *,
    branch: Branch,
    handled_by: User,
    service: Service | None = None,
    reason: str = "",
    form: Form | None = None,
) -> Arrival:
    """Log an arrival solved at reception: information given or form handed out."""
    if form is not None and not form.is_active:
        raise ApplicationError(
            code="form_withdrawn",
            detail=_("Il modulo «%(title)s» non è più in distribuzione.")
            % {"title": form.title},
        )
    text = _reason_of(service=service, reason=reason or (form.title if form else ""))
    return Arrival.objects.create(
        branch=branch,
        service=service,
        reason=text,
        outcome=Outcome.FORM if form else Outcome.INFORMATION,
        line=service.line if service else None,
        form=form,
        handled_by=handled_by,
    )


@transaction.atomic
def arrival_check_in(
    *, branch: Branch, appointment: Appointment, handled_by: User
) -> Arrival:
    """Record that an appointment holder arrived, and log the arrival."""
    if appointment.meeting_point.branch_id != branch.pk:
        raise ValidationError({"appointment": [_("Appuntamento di un'altra sede.")]})
    appointment = appointment_check_in(appointment=appointment)
    return Arrival.objects.create(
        branch=branch,
        arrived_at=appointment.checked_in_at or timezone.now(),
        reason=_("Appuntamento di consulenza"),
        outcome=Outcome.CHECK_IN,
        line=appointment.meeting_point.line,
        handled_by=handled_by,
    )


@transaction.atomic
def arrival_booking(
    *,
    branch: Branch,
    line_code: str,
    citizen: Citizen,
    handled_by: User,
    topic_code: str | None = None,
) -> tuple[Arrival, Appointment | Escalation]:
    """Book a consultation for the person at the desk, and log the arrival.

    The first free slot is taken; with none within 30 days the request goes
    to the regional CRIC, as the agenda service decides.
    """
    result = appointment_book(
        branch=branch,
        line_code=line_code,
        citizen=citizen,
        channel=Channel.COUNTER,
        topic_code=topic_code,
        booked_by=handled_by,
    )
    reason = (
        _("Richiesta di consulenza inoltrata al CRIC")
        if isinstance(result, Escalation)
        else _("Consulenza prenotata")
    )
    arrival = Arrival.objects.create(
        branch=branch,
        reason=reason,
        outcome=Outcome.BOOKING,
        line=result.line
        if isinstance(result, Escalation)
        else result.meeting_point.line,
        handled_by=handled_by,
    )
    return arrival, result


def complaint_reply_days() -> int:
    """Return the days allowed to answer a complaint (``COMPLAINT_REPLY_DAYS``)."""
    return int(getattr(settings, "COMPLAINT_REPLY_DAYS", 30))


@transaction.atomic
def protocol_register(
    *,
    branch: Branch,
    kind: str,
    subject: str,
    registered_by: User,
    attachments: int = 0,
    fiscal_code: str = "",
    first_name: str = "",
    last_name: str = "",
    log_arrival: bool = False,
) -> ProtocolEntry:
    """Register a document or a complaint with the next protocol number.

    Numbers run per branch and restart each calendar year (Rome time), with
    at least seven digits (DPR 445/2000 art. 57); they are gapless under
    concurrent registration. A complaint gets a reply deadline. With
    ``log_arrival`` the reception's arrival log records it too.
    """
    if kind not in ProtocolEntry.Kind.values:
        raise ValidationError({"kind": [_("Tipo non valido: documento o reclamo.")]})
    subject = (subject or "").strip()
    if not subject:
        raise ValidationError({"subject": [_("Indicare l'oggetto.")]})
    if fiscal_code:
        fiscal_code = fiscal_code_clean(fiscal_code)
    now = timezone.now()
    today = calendar.to_rome(now).date()
    entry = ProtocolEntry(
        branch=branch,
        year=today.year,
        number=0,
        kind=kind,
        subject=subject,
        attachments=attachments,
        registered_at=now,
        registered_by=registered_by,
        sender_fiscal_code=fiscal_code,
        sender_first_name=first_name.strip(),
        sender_last_name=last_name.strip(),
    )
    if kind == ProtocolEntry.Kind.COMPLAINT:
        entry.complaint_status = ProtocolEntry.ComplaintStatus.RECEIVED
        entry.reply_due_on = today + datetime.timedelta(days=complaint_reply_days())
    entry.full_clean(
        exclude=["branch", "registered_by", "number"],
        validate_unique=False,
        validate_constraints=False,
    )
    # The number is taken last: a refused entry consumes none.
    entry.number = sequence_next(
        ProtocolSequence, key={"branch": branch, "year": today.year}
    )
    entry.save()
    if log_arrival:
        Arrival.objects.create(
            branch=branch,
            arrived_at=now,
            reason=entry.get_kind_display(),
            outcome=Outcome.PROTOCOL,
            protocol_entry=entry,
            handled_by=registered_by,
        )
    return entry


@transaction.atomic
def protocol_annul(
    *, entry: ProtocolEntry, reason: str, annulled_by: User
) -> ProtocolEntry:
    """Annul a registered entry with its reason (DPR 445/2000 art. 54).

    The entry and its number stay in the register; nothing else changes.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Indicare il motivo dell'annullamento.")]})
    entry = ProtocolEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.annulled_at is not None:
        raise ApplicationError(
            code="already_annulled",
            detail=_("La registrazione è già stata annullata."),
        )
    entry.annulled_at = timezone.now()
    entry.annulled_by = annulled_by
    entry.annulment_reason = reason[:500]
    entry.save(
        update_fields=["annulled_at", "annulled_by", "annulment_reason", "updated_at"]
    )
    return entry


_Status = ProtocolEntry.ComplaintStatus
COMPLAINT_FLOW = {
    _Status.RECEIVED: {_Status.IN_PROGRESS, _Status.ANSWERED},
    _Status.IN_PROGRESS: {_Status.ANSWERED},
    _Status.ANSWERED: set(),
}


@transaction.atomic
def complaint_status_set(*, entry: ProtocolEntry, status: str) -> ProtocolEntry:
    """Move a complaint forward: received → in progress → answered."""
    entry = ProtocolEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.kind != ProtocolEntry.Kind.COMPLAINT:
        raise ApplicationError(
            code="not_a_complaint", detail=_("La registrazione non è un reclamo.")
        )
    if entry.annulled_at is not None:
        raise ApplicationError(
            code="already_annulled", detail=_("La registrazione è stata annullata.")
        )
    if status not in ProtocolEntry.ComplaintStatus.values:
        raise ValidationError({"status": [_("Stato non valido.")]})
    current = ProtocolEntry.ComplaintStatus(entry.complaint_status)
    if status not in COMPLAINT_FLOW[current]:
        raise ApplicationError(
            code="invalid_state",
            detail=_("Il reclamo non può passare da «%(from)s» a «%(to)s».")
            % {
                "from": current.label,
                "to": ProtocolEntry.ComplaintStatus(status).label,
            },
        )
    entry.complaint_status = status
    fields = ["complaint_status", "updated_at"]
    if status == ProtocolEntry.ComplaintStatus.ANSWERED:
        entry.answered_at = timezone.now()
        fields.append("answered_at")
    entry.save(update_fields=fields)
    return entry


# --- Retention --------------------------------------------------------------


def protocol_senders_anonymise(
    *, now: datetime.datetime | None = None, dry_run: bool = False
) -> int:
    """Clear the sender of protocol entries past retention; return how many.

    Entries registered before the retention cutoff lose the sender's codice
    fiscale and names; number, date, kind and subject stay, as the register
    needs. A complaint still open keeps its sender until it is answered or
    annulled. Idempotent: cleared entries are skipped.
    """
    entries = (
        ProtocolEntry.objects.filter(
            registered_at__lt=retention_cutoff(now=now),
            sender_anonymised_at__isnull=True,
        )
        .exclude(sender_fiscal_code="", sender_first_name="", sender_last_name="")
        .filter(
            Q(kind=ProtocolEntry.Kind.DOCUMENT)
            | Q(annulled_at__isnull=False)
            | Q(complaint_status=ProtocolEntry.ComplaintStatus.ANSWERED)
        )
    )
    return clear_in_batches(
        entries,
        values=lambda at: {
            "sender_fiscal_code": "",
            "sender_first_name": "",
            "sender_last_name": "",
            "sender_anonymised_at": at,
            "updated_at": at,
        },
        dry_run=dry_run,
    )


def personal_data_anonymise(
    *, now: datetime.datetime | None = None, dry_run: bool = False
) -> dict[str, int]:
    """Run the retention of every app holding citizens' data; return counts."""
    counts = consultation_personal_data_anonymise(now=now, dry_run=dry_run)
    counts["protocol_entries"] = protocol_senders_anonymise(now=now, dry_run=dry_run)
    counts["unmatched_searches"] = unmatched_searches_forget(now=now, dry_run=dry_run)
    return counts


def unmatched_searches_forget(
    *, now: datetime.datetime | None = None, dry_run: bool = False
) -> int:
    """Delete the intake's unmatched searches not seen for a while; return how many.

    What a receptionist typed may, by mistake, be a citizen's name: the
    words are kept only while they are useful to extend the synonyms
    (``UNMATCHED_SEARCH_DAYS``, default 90, since last typed).
    """
    days = int(getattr(settings, "UNMATCHED_SEARCH_DAYS", 90))
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    stale = UnmatchedSearch.objects.filter(last_at__lt=cutoff)
    if dry_run:
        return stale.count()
    deleted, _rows = stale.delete()
    return deleted


# Shorter searches are still being typed: not worth a record.
UNMATCHED_MIN_LENGTH = 3
# A codice fiscale, a phone or protocol number, a date, an e-mail: typed in
# the wrong box, they are a citizen's data, not a reason. Never recorded.
PERSONAL_LOOKING = re.compile(r"\d{3,}|@|\d+[/.-]\d+")


@transaction.atomic
def unmatched_search_log(*, branch: Branch, query: str) -> UnmatchedSearch | None:
    """Count a search of the intake that found nothing (normalised words).

    One row per branch and search, its counter raised each time; a search
    shorter than ``UNMATCHED_MIN_LENGTH`` is not recorded.
    """
    text = " ".join(normalise(query).split())[:100]
    if len(text) < UNMATCHED_MIN_LENGTH or PERSONAL_LOOKING.search(query):
        return None
    now = timezone.now()
    row, created = UnmatchedSearch.objects.get_or_create(
        branch=branch, query=text, defaults={"last_at": now}
    )
    if not created:
        UnmatchedSearch.objects.filter(pk=row.pk).update(
            hits=F("hits") + 1, last_at=now, updated_at=now
        )
        row.refresh_from_db()
    return row
