"""Reads of staff training: the qualification gate, plans, the rota, reports."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Min, Prefetch, Q, QuerySet, Sum
from django.http import Http404

from formazione.models import Course, Enrollment, Qualification, TrainingPlan
from sedi import calendar
from sedi.models import Branch, ServiceLine, StaffRole
from sedi.selectors import branch_list

Role = StaffRole.Role
AnyUser = User | AnonymousUser
# A plan still unsent this many days before its first course is reminded.
REMINDER_DAYS_BEFORE = 15


# --- The qualification gate ---------------------------------------------------


def _live(on: datetime.date) -> Q:
    return Q(revoked_at__isnull=True, since__lte=on)


def operator_is_qualified(
    *, user: User, line: ServiceLine, on: datetime.date | None = None
) -> bool:
    """Return whether ``user`` is trained to serve ``line`` at a counter.

    The guideline: operators are trained for the counter activities they
    will do. Only a live qualification counts: granted on or before ``on``
    (today in Rome by default) and not revoked.
    """
    on = on or calendar.today()
    return Qualification.objects.filter(_live(on), operator=user, line=line).exists()


def qualified_line_ids(*, user: User, on: datetime.date | None = None) -> set[int]:
    """Return the ids of the lines ``user`` may serve on ``on`` (today)."""
    on = on or calendar.today()
    return set(
        Qualification.objects.filter(_live(on), operator=user).values_list(
            "line_id", flat=True
        )
    )


def qualified_operator_list(
    *, branch: Branch, line: ServiceLine, on: datetime.date | None = None
) -> QuerySet[User]:
    """Return the branch's operators who may serve ``line`` on ``on`` (today)."""
    on = on or calendar.today()
    live = Qualification.objects.filter(_live(on), line=line)
    return branch_operator_list(branch=branch).filter(pk__in=live.values("operator"))


def qualification_list(
    *, branch: Branch, on: datetime.date | None = None
) -> QuerySet[Qualification]:
    """Return the live qualifications of the branch's operators: the rota.

    Who may staff which line on ``on`` (today), and since when.
    """
    on = on or calendar.today()
    operators = StaffRole.objects.filter(branch=branch, role=Role.OPERATOR)
    return (
        Qualification.objects.filter(
            _live(on),
            operator__in=operators.values("user"),
            operator__is_active=True,
        )
        .select_related("operator", "line", "course", "granted_by")
        .order_by("operator__last_name", "operator__username", "line__position")
    )


def qualification_get(*, user: AnyUser, qualification_id: int) -> Qualification:
    """Return a qualification of an operator of a branch ``user`` directs, else 404."""
    branches = branch_list(user=user, roles=[Role.DIRECTOR])
    qualification = (
        Qualification.objects.filter(
            pk=qualification_id,
            operator__staff_roles__role=Role.OPERATOR,
            operator__staff_roles__branch__in=branches,
        )
        .select_related("operator", "line")
        .first()
    )
    if qualification is None:
        raise Http404(qualification_id)
    return qualification


def user_qualification_list(*, user: User) -> QuerySet[Qualification]:
    """Return every qualification of ``user``, live and revoked, newest first."""
    return (
        Qualification.objects.filter(operator=user)
        .select_related("line", "course", "granted_by", "revoked_by")
        .order_by("revoked_at", "line__position", "-since")
    )


def branch_staff_list(*, branch: Branch) -> QuerySet[User]:
    """Return the active staff of ``branch``: who may be enrolled in its courses."""
    return (
        get_user_model()
        .objects.filter(is_active=True, staff_roles__branch=branch)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


# --- Plans --------------------------------------------------------------------


def _period_overlaps(year: int) -> Q:
    return Q(
        period_start__lte=datetime.date(year, 12, 31),
        period_end__gte=datetime.date(year, 1, 1),
    )


def plan_list(
    *,
    user: AnyUser,
    roles: Iterable[str],
    branch: str | None = None,
    state: str | None = None,
    year: int | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[TrainingPlan]:
    """Return the plans of the branches ``user`` reaches through ``roles``.

    Filters: a branch code, a state, a year the plan's period touches, and
    a range of days (``date_from``, ``date_to``) the plan's period overlaps.
    """
    plans = TrainingPlan.objects.filter(
        branch__in=branch_list(user=user, roles=roles)
    ).select_related("branch", "submitted_by", "reviewed_by")
    if branch:
        plans = plans.filter(branch__code=branch)
    if state:
        plans = plans.filter(state=state)
    if year:
        plans = plans.filter(_period_overlaps(year))
    if date_from:
        plans = plans.filter(period_end__gte=date_from)
    if date_to:
        plans = plans.filter(period_start__lte=date_to)
    return plans.order_by("branch__code", "-period_start")


def plan_get(*, user: AnyUser, plan_id: int, roles: Iterable[str]) -> TrainingPlan:
    """Return the plan if ``user`` reaches its branch through ``roles``, else 404."""
    plan = (
        plan_list(user=user, roles=roles)
        .prefetch_related(
            Prefetch(
                "courses",
                queryset=Course.objects.prefetch_related(
                    "lines",
                    Prefetch(
                        "enrollments",
                        queryset=Enrollment.objects.select_related(
                            "participant"
                        ).order_by("participant__last_name", "participant__username"),
                    ),
                ),
            ),
            "events__actor",
        )
        .filter(pk=plan_id)
        .first()
    )
    if plan is None:
        raise Http404(plan_id)
    return plan


def course_get(*, user: AnyUser, course_id: int, roles: Iterable[str]) -> Course:
    """Return the course if ``user`` reaches its branch through ``roles``, else 404."""
    course = (
        Course.objects.filter(
            pk=course_id, plan__branch__in=branch_list(user=user, roles=roles)
        )
        .select_related("plan__branch")
        .first()
    )
    if course is None:
        raise Http404(course_id)
    return course


def enrollment_get(
    *, user: AnyUser, enrollment_id: int, roles: Iterable[str]
) -> Enrollment:
    """Return the enrollment if ``user`` reaches its branch, else 404."""
    enrollment = (
        Enrollment.objects.filter(
            pk=enrollment_id,
            course__plan__branch__in=branch_list(user=user, roles=roles),
        )
        .select_related("course__plan__branch", "participant")
        .first()
    )
    if enrollment is None:
        raise Http404(enrollment_id)
    return enrollment


def plans_due_for_reminder(*, today: datetime.date) -> list[int]:
    """Return the ids of unsent plans whose first course starts within 15 days.

    Plans already reminded, and those whose first course has started, are
    left out.
    """
    return list(
        TrainingPlan.objects.filter(
            state__in=[TrainingPlan.State.DRAFT, TrainingPlan.State.RETURNED],
            reminder_sent_at__isnull=True,
        )
        .annotate(first=Min("courses__starts_on"))
        .filter(
            first__gt=today,
            first__lte=today + datetime.timedelta(days=REMINDER_DAYS_BEFORE),
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def user_enrollment_list(*, user: User) -> QuerySet[Enrollment]:
    """Return ``user``'s courses, the next first."""
    return (
        Enrollment.objects.filter(participant=user)
        .select_related("course__plan__branch")
        .prefetch_related("course__lines")
        .order_by("-course__starts_on")
    )


# --- Report for the region ------------------------------------------------------


@dataclass(frozen=True)
class PlanReportRow:
    """One plan's figures for the regional report; each is a count of its rows."""

    plan: TrainingPlan
    first_course_on: datetime.date | None
    courses: int
    hours: Decimal
    participants: int
    enrollments: int
    completed: int
    hours_attended: Decimal

    @property
    def completion_rate(self) -> float | None:
        """Return completed ÷ enrollments (None without enrollments)."""
        if not self.enrollments:
            return None
        return round(self.completed / self.enrollments, 4)

    @property
    def submitted_on(self) -> datetime.date | None:
        """Return the Rome day the plan last reached the region, if it did."""
        if self.plan.submitted_at is None:
            return None
        return calendar.to_rome(self.plan.submitted_at).date()

    @property
    def is_late(self) -> bool:
        """Return whether a course started before the plan reached the region."""
        if self.first_course_on is None:
            return False
        return self.first_course_on <= (self.submitted_on or calendar.today())


def plan_report_rows(*, plans: QuerySet[TrainingPlan]) -> list[PlanReportRow]:
    """Return the report row of each plan: three queries, whatever the sizes."""
    plans_list = list(plans)
    ids = [plan.pk for plan in plans_list]
    courses = {
        row["plan"]: row
        for row in Course.objects.filter(plan__in=ids)
        .values("plan")
        .annotate(n=Count("pk"), hours=Sum("hours"), first=Min("starts_on"))
        .order_by()
    }
    enrollments = {
        row["course__plan"]: row
        for row in Enrollment.objects.filter(course__plan__in=ids)
        .values("course__plan")
        .annotate(
            n=Count("pk"),
            people=Count("participant", distinct=True),
            done=Count("pk", filter=Q(completed_on__isnull=False)),
            attended=Sum("hours_attended"),
        )
        .order_by()
    }
    rows = []
    for plan in plans_list:
        c = courses.get(plan.pk, {})
        e = enrollments.get(plan.pk, {})
        rows.append(
            PlanReportRow(
                plan=plan,
                first_course_on=c.get("first"),
                courses=c.get("n", 0),
                hours=c.get("hours") or Decimal("0"),
                participants=e.get("people", 0),
                enrollments=e.get("n", 0),
                completed=e.get("done", 0),
                hours_attended=e.get("attended") or Decimal("0"),
            )
        )
    return rows


# --- Pages ------------------------------------------------------------------------


def branch_operator_list(*, branch: Branch) -> QuerySet[User]:
    """Return the active counter operators of ``branch``: the rows of the rota.

    Those without any qualification are listed too: the rota shows who may
    not staff a line yet.
    """
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            staff_roles__branch=branch,
            staff_roles__role=Role.OPERATOR,
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )
