"""Writes of staff training: plans, courses, attendance, qualifications.

The guideline: "Tutte le strutture dovranno inviare i piani alla Direzione
regionale prima dell'inizio dei corsi" — a plan is submitted before its
first course starts, and only the region approves or returns it. The
director acts only on their own branch. Completing a course that qualifies
for counter lines qualifies its participant for those lines.
"""

import datetime
import logging
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from formazione.models import (
    Course,
    Enrollment,
    PlanEvent,
    Qualification,
    TrainingPlan,
)
from formazione.selectors import plans_due_for_reminder
from frontoffice.common.dates import long_date
from frontoffice.common.exceptions import ApplicationError
from sedi import calendar
from sedi.models import Branch, ServiceLine, StaffRole
from sedi.selectors import branch_list, user_has_role_at

logger = logging.getLogger(__name__)
Role = StaffRole.Role
State = TrainingPlan.State
# Course fields a director sets; ``lines`` is given as line codes.
COURSE_FIELDS = (
    "title",
    "topic",
    "level",
    "mode",
    "starts_on",
    "ends_on",
    "hours",
    "trainer",
)


# --- Who may act --------------------------------------------------------------


def _require_role(*, actor: User, branch: Branch, role: str) -> None:
    if not user_has_role_at(user=actor, branch=branch, roles=[role]):
        raise PermissionDenied(role)


def _require_director(*, actor: User, branch: Branch) -> None:
    """Refuse anyone but a director of ``branch`` (a director of another is not)."""
    _require_role(actor=actor, branch=branch, role=Role.DIRECTOR)


def _require_regional(*, actor: User, branch: Branch) -> None:
    """Refuse anyone but the regional office of ``branch``'s region."""
    _require_role(actor=actor, branch=branch, role=Role.REGIONAL)


# --- Plans --------------------------------------------------------------------


def _event(
    plan: TrainingPlan, kind: str, *, actor: User | None, note: str = ""
) -> None:
    PlanEvent.objects.create(
        plan=plan, kind=kind, actor=actor, at=timezone.now(), note=note
    )


def _locked(plan: TrainingPlan) -> TrainingPlan:
    return (
        TrainingPlan.objects.select_for_update()
        .select_related("branch")
        .get(pk=plan.pk)
    )


def _invalid_state(plan: TrainingPlan) -> ApplicationError:
    return ApplicationError(
        code="invalid_state",
        detail=_("Il piano è «%(state)s»: l'operazione non è possibile.")
        % {"state": plan.get_state_display()},
    )


def _period_taken() -> ValidationError:
    return ValidationError(
        {"period_start": [_("La sede ha già un piano che inizia in questa data.")]}
    )


@transaction.atomic
def plan_create(
    *,
    branch: Branch,
    actor: User,
    title: str,
    period_start: datetime.date,
    period_end: datetime.date,
) -> TrainingPlan:
    """Create a draft training plan of ``branch`` for a period (its director)."""
    _require_director(actor=actor, branch=branch)
    plan = TrainingPlan(
        branch=branch, title=title, period_start=period_start, period_end=period_end
    )
    # The unique (branch, period_start) is answered below as a field error.
    plan.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError:
        raise _period_taken() from None
    _event(plan, PlanEvent.Kind.CREATED, actor=actor)
    return plan


def _plan_edit(*, plan: TrainingPlan, actor: User, reason: str) -> TrainingPlan:
    """Lock ``plan`` for an edit by its director; reopen it if already sent.

    A plan the region has seen (submitted or approved) goes back to draft
    with the reason recorded: the region must see it again. A returned plan
    stays returned while the director mends it.
    """
    _require_director(actor=actor, branch=plan.branch)
    plan = _locked(plan)
    if plan.is_editable:
        return plan
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {
                "reason": [
                    _(
                        "Il piano è già stato inviato alla Direzione regionale: "
                        "indicare il motivo della modifica."
                    )
                ]
            }
        )
    plan.state = State.DRAFT
    plan.save(update_fields=["state", "updated_at"])
    _event(plan, PlanEvent.Kind.REOPENED, actor=actor, note=reason)
    return plan


@transaction.atomic
def plan_update(
    *, plan: TrainingPlan, actor: User, reason: str = "", **fields: Any
) -> TrainingPlan:
    """Change a plan's title or period (its director; see ``_plan_edit``)."""
    plan = _plan_edit(plan=plan, actor=actor, reason=reason)
    allowed = {"title", "period_start", "period_end"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError({key: [_("Campo non modificabile.")] for key in unknown})
    for key, value in fields.items():
        setattr(plan, key, value)
    plan.full_clean(validate_constraints=False)
    for course in plan.courses.all():
        course.plan = plan
        course.full_clean()
    try:
        with transaction.atomic():
            plan.save(update_fields=[*fields, "updated_at"])
    except IntegrityError:
        raise _period_taken() from None
    return plan


def _today() -> datetime.date:
    return calendar.today()


@transaction.atomic
def plan_submit(*, plan: TrainingPlan, actor: User) -> TrainingPlan:
    """Send the plan to the regional directorate (its branch's director).

    Only before its first course starts: a course starting on the day of
    submission or earlier makes the plan late (409 ``plan_late``). A plan
    without courses (409 ``plan_empty``) or already sent (409
    ``invalid_state``) is refused. A returned plan is sent again the same way.
    """
    _require_director(actor=actor, branch=plan.branch)
    plan = _locked(plan)
    if plan.state not in (State.DRAFT, State.RETURNED):
        raise _invalid_state(plan)
    first = plan.courses.aggregate(first=Min("starts_on"))["first"]
    if first is None:
        raise ApplicationError(
            code="plan_empty",
            detail=_("Il piano non contiene corsi: aggiungerne prima di inviarlo."),
        )
    today = _today()
    if first <= today:
        late = plan.courses.filter(starts_on__lte=today).order_by("starts_on")
        raise ApplicationError(
            code="plan_late",
            detail=_(
                "Il piano va inviato alla Direzione regionale prima dell'inizio "
                "dei corsi: «%(course)s» inizia il %(day)s."
            )
            % {"course": late[0].title, "day": long_date(late[0].starts_on)},
            extra={"courses": [course.pk for course in late]},
        )
    plan.state = State.SUBMITTED
    plan.submitted_at = timezone.now()
    plan.submitted_by = actor
    plan.save(update_fields=["state", "submitted_at", "submitted_by", "updated_at"])
    _event(plan, PlanEvent.Kind.SUBMITTED, actor=actor)
    return plan


@transaction.atomic
def plan_approve(*, plan: TrainingPlan, actor: User) -> TrainingPlan:
    """Approve a submitted plan (the regional office of its branch only)."""
    _require_regional(actor=actor, branch=plan.branch)
    plan = _locked(plan)
    if plan.state != State.SUBMITTED:
        raise _invalid_state(plan)
    plan.state = State.APPROVED
    plan.reviewed_at, plan.reviewed_by = timezone.now(), actor
    plan.save(update_fields=["state", "reviewed_at", "reviewed_by", "updated_at"])
    _event(plan, PlanEvent.Kind.APPROVED, actor=actor)
    return plan


@transaction.atomic
def plan_return(*, plan: TrainingPlan, actor: User, remarks: str) -> TrainingPlan:
    """Return a submitted plan to its branch with the region's remarks."""
    _require_regional(actor=actor, branch=plan.branch)
    remarks = remarks.strip()
    if not remarks:
        raise ValidationError({"remarks": [_("Indicare le osservazioni per la sede.")]})
    plan = _locked(plan)
    if plan.state != State.SUBMITTED:
        raise _invalid_state(plan)
    plan.state = State.RETURNED
    plan.remarks = remarks
    plan.reviewed_at, plan.reviewed_by = timezone.now(), actor
    plan.save(
        update_fields=["state", "remarks", "reviewed_at", "reviewed_by", "updated_at"]
    )
    _event(plan, PlanEvent.Kind.RETURNED, actor=actor, note=remarks)
    return plan


# --- Courses ------------------------------------------------------------------


def _lines_by_code(codes: list[str]) -> list[ServiceLine]:
    lines = list(ServiceLine.objects.filter(code__in=codes))
    unknown = sorted(set(codes) - {line.code for line in lines})
    if unknown:
        raise ValidationError(
            {
                "lines": [
                    _("Linee sconosciute: %(codes)s.") % {"codes": ", ".join(unknown)}
                ]
            }
        )
    return lines


def _course_save(course: Course, *, line_codes: list[str] | None) -> Course:
    course.kind = Course.kind_for(course.topic)
    course.full_clean()
    course.save()
    if line_codes is not None:
        course.lines.set(_lines_by_code(line_codes))
    return course


@transaction.atomic
def course_add(
    *,
    plan: TrainingPlan,
    actor: User,
    line_codes: list[str],
    reason: str = "",
    **fields: Any,
) -> Course:
    """Add a course to a plan (its director); a sent plan goes back to draft."""
    plan = _plan_edit(plan=plan, actor=actor, reason=reason)
    unknown = set(fields) - set(COURSE_FIELDS)
    if unknown:
        raise ValidationError({key: [_("Campo sconosciuto.")] for key in unknown})
    return _course_save(Course(plan=plan, **fields), line_codes=line_codes)


def _completed_guard(course: Course) -> None:
    if course.enrollments.filter(completed_on__isnull=False).exists():
        raise ApplicationError(
            code="course_completed",
            detail=_(
                "Il corso ha già partecipanti che lo hanno completato: non si "
                "può più modificare né togliere dal piano."
            ),
        )


@transaction.atomic
def course_update(
    *,
    course: Course,
    actor: User,
    line_codes: list[str] | None = None,
    reason: str = "",
    **fields: Any,
) -> Course:
    """Change a course of a plan (its director; see ``_plan_edit``)."""
    _plan_edit(plan=course.plan, actor=actor, reason=reason)
    _completed_guard(course)
    unknown = set(fields) - set(COURSE_FIELDS)
    if unknown:
        raise ValidationError({key: [_("Campo sconosciuto.")] for key in unknown})
    for key, value in fields.items():
        setattr(course, key, value)
    return _course_save(course, line_codes=line_codes)


@transaction.atomic
def course_remove(*, course: Course, actor: User, reason: str = "") -> None:
    """Take a course out of its plan, with its enrollments (its director)."""
    _plan_edit(plan=course.plan, actor=actor, reason=reason)
    _completed_guard(course)
    course.delete()


# --- Participants and attendance ------------------------------------------------


@transaction.atomic
def enrollment_add(
    *, course: Course, participant: User, actor: User, reason: str = ""
) -> Enrollment:
    """Enrol a staff member of the plan's branch in a course (its director)."""
    plan = _plan_edit(plan=course.plan, actor=actor, reason=reason)
    if not StaffRole.objects.filter(user=participant, branch=plan.branch).exists():
        raise ValidationError(
            {"participant": [_("Il partecipante non lavora in questa sede.")]}
        )
    enrollment = Enrollment.objects.filter(
        course=course, participant=participant
    ).first()
    if enrollment is not None:
        return enrollment
    enrollment = Enrollment(course=course, participant=participant)
    enrollment.full_clean()
    enrollment.save()
    return enrollment


@transaction.atomic
def enrollment_remove(*, enrollment: Enrollment, actor: User, reason: str = "") -> None:
    """Take a participant off a course not yet completed (its director)."""
    _plan_edit(plan=enrollment.course.plan, actor=actor, reason=reason)
    if enrollment.is_completed:
        raise ApplicationError(
            code="already_completed",
            detail=_("Il partecipante ha già completato il corso."),
        )
    enrollment.delete()


def _qualifications_from(
    enrollment: Enrollment, *, on: datetime.date
) -> list[Qualification]:
    """Qualify the participant for the course's lines; skip those already live."""
    course = enrollment.course
    granted = []
    for line in course.lines.all():
        if Qualification.objects.filter(
            operator=enrollment.participant, line=line, revoked_at__isnull=True
        ).exists():
            continue
        qualification = Qualification(
            operator=enrollment.participant, line=line, since=on, course=course
        )
        qualification.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                qualification.save()
        except IntegrityError:
            continue  # a concurrent completion qualified them first
        granted.append(qualification)
    return granted


@transaction.atomic
def enrollment_attendance(
    *,
    enrollment: Enrollment,
    actor: User,
    hours_attended: Decimal,
    completed: bool,
) -> Enrollment:
    """Record a participant's attendance; on completion, qualify them.

    Completion is recorded once the course has started and only for a plan
    the region has received (submitted or approved: 409
    ``plan_not_submitted``); it is final (409 ``already_completed`` to undo
    it: a qualification is revoked instead). Completing a course that
    qualifies for lines grants a qualification per line; completing again
    grants nothing twice.
    """
    enrollment = (
        Enrollment.objects.select_for_update()
        .select_related("course__plan__branch", "participant")
        .get(pk=enrollment.pk)
    )
    course = enrollment.course
    plan = course.plan
    _require_director(actor=actor, branch=plan.branch)
    if hours_attended < 0 or hours_attended > course.hours:
        raise ValidationError(
            {
                "hours_attended": [
                    _("Le ore frequentate vanno da 0 a %(hours)s.")
                    % {"hours": course.hours}
                ]
            }
        )
    today = _today()
    if enrollment.is_completed:
        if not completed:
            raise ApplicationError(
                code="already_completed",
                detail=_(
                    "Il corso risulta già completato: per togliere un'abilitazione "
                    "la si revoca."
                ),
            )
    elif completed:
        if plan.state not in (State.SUBMITTED, State.APPROVED):
            raise ApplicationError(
                code="plan_not_submitted",
                detail=_(
                    "Il piano di questo corso non è stato inviato alla Direzione "
                    "regionale: il corso non può essere registrato come completato."
                ),
            )
        if today < course.starts_on:
            raise ApplicationError(
                code="course_not_started",
                detail=_("Il corso non è ancora iniziato."),
            )
        if hours_attended <= 0:
            raise ValidationError(
                {"hours_attended": [_("Un corso completato ha ore di frequenza.")]}
            )
        enrollment.completed_on = today
    enrollment.hours_attended = hours_attended
    enrollment.save(update_fields=["hours_attended", "completed_on", "updated_at"])
    if enrollment.is_completed:
        _qualifications_from(enrollment, on=enrollment.completed_on or today)
    return enrollment


# --- Qualifications -------------------------------------------------------------


def _require_director_of_operator(*, actor: User, operator: User) -> None:
    """Refuse unless ``actor`` directs a branch where ``operator`` is an operator."""
    directed = branch_list(user=actor, roles=[Role.DIRECTOR])
    if not directed.filter(
        staff_roles__user=operator, staff_roles__role=Role.OPERATOR
    ).exists():
        raise PermissionDenied(Role.DIRECTOR)


@transaction.atomic
def qualification_grant(
    *, operator: User, line: ServiceLine, actor: User, reason: str
) -> Qualification:
    """Qualify an operator for a line without a course (the director, with a reason).

    For an operator already trained elsewhere, for example. 409
    ``already_qualified`` when a live qualification exists.
    """
    _require_director_of_operator(actor=actor, operator=operator)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("Indicare il motivo dell'abilitazione.")]})
    qualification = Qualification(
        operator=operator, line=line, since=_today(), granted_by=actor, reason=reason
    )
    qualification.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            qualification.save()
    except IntegrityError:
        raise ApplicationError(
            code="already_qualified",
            detail=_("L'operatore è già abilitato per la linea «%(line)s».")
            % {"line": line.name},
        ) from None
    return qualification


@transaction.atomic
def qualification_revoke(
    *, qualification: Qualification, actor: User, reason: str
) -> Qualification:
    """Revoke a qualification with a reason (the operator's director).

    The row stays, with who, when and why: the operator may no longer open
    a counter for the line. 409 ``already_revoked`` the second time.
    """
    _require_director_of_operator(actor=actor, operator=qualification.operator)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("Indicare il motivo della revoca.")]})
    qualification = Qualification.objects.select_for_update().get(pk=qualification.pk)
    if qualification.revoked_at is not None:
        raise ApplicationError(
            code="already_revoked",
            detail=_("L'abilitazione è già stata revocata."),
        )
    qualification.revoked_at = timezone.now()
    qualification.revoked_by = actor
    qualification.revoke_reason = reason
    qualification.save(
        update_fields=["revoked_at", "revoked_by", "revoke_reason", "updated_at"]
    )
    return qualification


# --- Reminders --------------------------------------------------------------------


def _director_emails(branch: Branch) -> list[str]:
    return list(
        get_user_model()
        .objects.filter(
            staff_roles__branch=branch,
            staff_roles__role=Role.DIRECTOR,
            is_active=True,
        )
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )


def plan_reminder_send(*, plan_id: int, now: datetime.datetime | None = None) -> bool:
    """E-mail the directors that a plan is still unsent; at most once.

    Mark-then-send with a conditional UPDATE on ``reminder_sent_at IS
    NULL`` while the plan is unsent: two runs send one e-mail. A failed
    send clears the mark and raises, so the next run sends it.
    """
    stamp = now or timezone.now()
    claimed = TrainingPlan.objects.filter(
        pk=plan_id,
        state__in=[State.DRAFT, State.RETURNED],
        reminder_sent_at__isnull=True,
    ).update(reminder_sent_at=stamp)
    if not claimed:
        return False
    plan = TrainingPlan.objects.select_related("branch").get(pk=plan_id)
    first = plan.courses.aggregate(first=Min("starts_on"))["first"]
    recipients = _director_emails(plan.branch)
    if not recipients:
        logger.warning("Training plan %s: no director with an e-mail.", plan.pk)
        return True
    subject = _("Piano formativo da inviare: %(branch)s") % {"branch": plan.branch.name}
    body = _(
        "Il piano formativo «%(title)s» della sede %(branch)s non è ancora stato "
        "inviato alla Direzione regionale.\nIl primo corso inizia il %(day)s: il "
        "piano va inviato prima di quella data.\n"
    ) % {
        "title": plan.title,
        "branch": plan.branch.name,
        "day": long_date(first) if first else "—",
    }
    try:
        send_mail(subject, body, None, recipients)
    except Exception:
        TrainingPlan.objects.filter(pk=plan_id, reminder_sent_at=stamp).update(
            reminder_sent_at=None
        )
        raise
    return True


def plan_reminders_send(*, now: datetime.datetime | None = None) -> int:
    """Remind the directors of every plan still unsent 15 days before its start.

    A plan is due when its first course starts within ``REMINDER_DAYS_BEFORE``
    days and it is still a draft (or returned); each plan is reminded once.
    Return how many reminders were sent.
    """
    now = now or timezone.now()
    sent = 0
    for plan_id in plans_due_for_reminder(today=calendar.today(now=now)):
        if plan_reminder_send(plan_id=plan_id, now=now):
            sent += 1
    return sent
