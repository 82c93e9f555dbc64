"""Demo agenda: a meeting point per line present, a few past appointments.

Idempotent: a meeting point is created only where its (branch, line) has
none, valid from the day of that first seeding; the past appointments are
created once, on an earlier agenda closed the day before, as the guideline
closed the previous meeting points (§3). Nothing lies today or later.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from consulenza import selectors, services
from consulenza.models import Appointment, Channel, MeetingPoint
from sedi import calendar
from sedi.demo import supervisor_group_grant
from sedi.models import Branch, BranchLine

# The earlier agenda of roma-centro, holding the demo's past appointments.
PAST_AGENDA_BRANCH = "roma-centro"
PAST_AGENDA_LINE = "assicurato-pensionato"
PAST_AGENDA_NAME = "Roma Centro — Assicurato Pensionato (agenda precedente)"
PAST_AGENDA_DAYS = 28
# The floor supervisor opens meeting points in the admin (DESIGN.md).
SUPERVISOR_PERMISSIONS = [
    "view_meetingpoint",
    "add_meetingpoint",
    "change_meetingpoint",
    "view_appointment",
    "view_escalation",
    "view_backlogflag",
]
PAST_CITIZENS = [
    # Valid test codici fiscali (synthetic people).
    ("RSSMRA85T10A562S", "Mario", "Rossi", "closed"),
    ("BNCLRA80A41H501D", "Laura", "Bianchi", "closed"),
    ("VRDGPP70C15H501K", "Giuseppe", "Verdi", "no_show"),
    ("NREFNC90D50H501X", "Francesca", "Neri", "cancelled"),
]


@transaction.atomic
def demo_consultation_seed() -> list[MeetingPoint]:
    """Create the missing meeting points and, once, a few past appointments.

    Return the meeting points created by this run (none on a second run).
    """
    today = calendar.today()
    created = []
    covered = set(MeetingPoint.objects.values_list("branch_id", "line_id"))
    for branch_line in (
        BranchLine.objects.filter(
            line__kind__in=selectors.LINE_KINDS_WITH_MEETING_POINT
        )
        .exclude(branch__kind=Branch.Kind.TERRITORIAL_AGENCY)
        .select_related("branch", "line")
        .order_by("branch__code", "line__position")
    ):
        key = (branch_line.branch_id, branch_line.line_id)
        if key in covered or not branch_line.is_open_on(today):
            continue
        created.append(
            services.meeting_point_create(
                branch=branch_line.branch,
                line=branch_line.line,
                opened_on=today,
                slot_minutes=30,
            )
        )
        covered.add(key)
    _past_agenda_seed(today=today)
    _supervisor_permissions_seed()
    return created


def _supervisor_permissions_seed() -> None:
    supervisor_group_grant(app_label="consulenza", codenames=SUPERVISOR_PERMISSIONS)


def _past_agenda_seed(*, today: datetime.date) -> None:
    if MeetingPoint.objects.filter(name=PAST_AGENDA_NAME).exists():
        return
    branch_line = (
        BranchLine.objects.filter(
            branch__code=PAST_AGENDA_BRANCH, line__code=PAST_AGENDA_LINE
        )
        .select_related("branch", "line")
        .first()
    )
    if branch_line is None:
        return
    point = services.meeting_point_create(
        branch=branch_line.branch,
        line=branch_line.line,
        name=PAST_AGENDA_NAME,
        opened_on=today - datetime.timedelta(days=PAST_AGENDA_DAYS),
        closed_on=today - datetime.timedelta(days=1),
    )
    days = [
        today - datetime.timedelta(days=offset)
        for offset in range(PAST_AGENDA_DAYS, 0, -1)
        if calendar.consultation_day(
            branch=point.branch, day=today - datetime.timedelta(days=offset)
        )
    ]
    now = timezone.now()
    for index, (code, first, last, state) in enumerate(PAST_CITIZENS):
        if not days:
            return
        day = days[index % len(days)]
        start, end = selectors.day_slot_starts(
            slot_minutes=point.slot_minutes, day=day
        )[index % 4]
        appointment = Appointment(
            meeting_point=point,
            start=start,
            end=end,
            fiscal_code=code,
            first_name=first,
            last_name=last,
            channel=Channel.CONTACT_CENTRE,
            status=state,
        )
        if state == Appointment.Status.CLOSED:
            appointment.checked_in_at = start
            appointment.closed_at = end
            appointment.preparation_notes = "Verificata la posizione contributiva."
            appointment.outcome = "Fornite le indicazioni per la domanda."
        elif state == Appointment.Status.NO_SHOW:
            appointment.no_show_at = end
        else:
            appointment.cancelled_at = start - datetime.timedelta(days=1)
        appointment.created_at = min(start - datetime.timedelta(days=7), now)
        appointment.full_clean()
        appointment.save()


def seed(*, password: str | None = None) -> None:
    """Seed this app's demo data (called by ``manage.py seed_demo``)."""
    demo_consultation_seed()
