"""Demo training: a plan per branch, and who may staff which line.

- ``roma-centro``: last season's plan, approved, whose counter course
  ``operatore`` completed (qualifying them for every line), and the coming
  plan, sent to the region, with ``operatore-nuovo`` enrolled in the counter
  course that will qualify them;
- ``roma-eur``: a draft whose first course starts in 12 days (due: the
  reminder job would write to its director);
- ``civitavecchia``: a draft.

Dates count from the day of the first seeding. Idempotent: a plan is
created only where its branch has none with that title.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from formazione.models import (
    Course,
    Enrollment,
    PlanEvent,
    Qualification,
    TrainingPlan,
)
from sedi import calendar
from sedi.demo import supervisor_group_grant
from sedi.models import Branch, ServiceLine

ALL_LINES = [
    "assicurato-pensionato",
    "socio-sanitari",
    "sostegno-reddito",
    "soggetto-contribuente",
    "indebiti",
    "poli-specialistici",
]
SUPERVISOR_PERMISSIONS = [
    "view_trainingplan",
    "view_course",
    "view_enrollment",
    "view_planevent",
    "view_qualification",
]


@dataclass(frozen=True)
class DemoCourse:
    title: str
    topic: str
    level: str
    mode: str
    start: int  # days from the seeding day
    days: int
    hours: str
    trainer: str
    lines: list[str] = field(default_factory=list)
    # username → hours attended (completed when the course is over)
    participants: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class DemoPlan:
    branch: str
    title: str
    start: int
    end: int
    state: str
    courses: list[DemoCourse]


T = Course.Topic
L = Course.Level
M = Course.Mode
PLANS = [
    DemoPlan(
        "roma-centro",
        "Avvio del nuovo front office",
        -150,
        -30,
        TrainingPlan.State.APPROVED,
        [
            DemoCourse(
                "Lo sportello a ciclo chiuso: ruolo e relazione con l'utente",
                T.ROLE_COUNTER,
                L.REGIONAL,
                M.CLASSROOM,
                -120,
                2,
                "12",
                "Direzione regionale — formazione",
                ALL_LINES,
                {"operatore": "12"},
            ),
            DemoCourse(
                "La decertificazione",
                T.DECERTIFICATION,
                L.REGIONAL,
                M.CLASSROOM,
                -100,
                1,
                "6",
                "Direzione regionale — formazione",
                [],
                {"operatore": "6", "reception": "6"},
            ),
        ],
    ),
    DemoPlan(
        "roma-centro",
        "Piano formativo della sede — prossimo semestre",
        20,
        200,
        TrainingPlan.State.SUBMITTED,
        [
            DemoCourse(
                "Affiancamento allo sportello: linee A e B",
                T.ROLE_COUNTER,
                L.LOCAL,
                M.ON_THE_JOB,
                30,
                5,
                "20",
                "Marco Rinaldi",
                ["assicurato-pensionato", "socio-sanitari"],
                {"operatore-nuovo": "0"},
            ),
            DemoCourse(
                "CIG: istruttoria e informazioni allo sportello",
                T.CIG,
                L.LOCAL,
                M.CLASSROOM,
                45,
                1,
                "4",
                "Ufficio prestazioni a sostegno del reddito",
                ["sostegno-reddito"],
                {"operatore-nuovo": "0", "operatore": "0"},
            ),
            DemoCourse(
                "Il manuale dei servizi immediati",
                T.IMMEDIATE_SERVICES,
                L.REGIONAL,
                M.CLASSROOM,
                60,
                1,
                "6",
                "Direzione regionale — formazione",
                [],
                {"reception": "0"},
            ),
        ],
    ),
    DemoPlan(
        "roma-eur",
        "Piano formativo della sede — prossimo semestre",
        10,
        190,
        TrainingPlan.State.DRAFT,
        [
            DemoCourse(
                "Il voucher: delega, vendita e consegna",
                T.VOUCHER,
                L.LOCAL,
                M.ON_THE_JOB,
                12,
                2,
                "8",
                "Ufficio soggetto contribuente",
                ["soggetto-contribuente"],
                {"reception-eur": "0"},
            ),
        ],
    ),
    DemoPlan(
        "civitavecchia",
        "Piano formativo della sede — prossimo semestre",
        30,
        210,
        TrainingPlan.State.DRAFT,
        [
            DemoCourse(
                "La decertificazione",
                T.DECERTIFICATION,
                L.REGIONAL,
                M.CLASSROOM,
                40,
                1,
                "6",
                "Direzione regionale — formazione",
            ),
        ],
    ),
]


def _plan_seed(spec: DemoPlan, *, today: datetime.date) -> TrainingPlan | None:
    branch = Branch.objects.get(code=spec.branch)
    if TrainingPlan.objects.filter(branch=branch, title=spec.title).exists():
        return None
    day = lambda offset: today + datetime.timedelta(days=offset)  # noqa: E731
    users = get_user_model().objects
    director = users.filter(username="direttore").first()
    regional = users.filter(username="regione").first()
    plan = TrainingPlan(
        branch=branch,
        title=spec.title,
        period_start=day(spec.start),
        period_end=day(spec.end),
        state=spec.state,
    )
    sent = spec.state != TrainingPlan.State.DRAFT
    if sent:
        # Sent ten days before the plan's period, so before its courses.
        plan.submitted_at = timezone.now() + datetime.timedelta(
            days=min(spec.start - 10, 0)
        )
        plan.submitted_by = director
    if spec.state == TrainingPlan.State.APPROVED:
        plan.reviewed_at, plan.reviewed_by = plan.submitted_at, regional
    plan.full_clean()
    plan.save()
    PlanEvent.objects.create(plan=plan, kind=PlanEvent.Kind.CREATED, at=timezone.now())
    if sent and plan.submitted_at is not None:
        PlanEvent.objects.create(
            plan=plan,
            kind=PlanEvent.Kind.SUBMITTED,
            actor=director,
            at=plan.submitted_at,
        )
    if spec.state == TrainingPlan.State.APPROVED and plan.reviewed_at is not None:
        PlanEvent.objects.create(
            plan=plan, kind=PlanEvent.Kind.APPROVED, actor=regional, at=plan.reviewed_at
        )
    for item in spec.courses:
        _course_seed(plan, item, starts_on=day(item.start), today=today)
    return plan


def _course_seed(
    plan: TrainingPlan,
    item: DemoCourse,
    *,
    starts_on: datetime.date,
    today: datetime.date,
) -> None:
    course = Course(
        plan=plan,
        title=item.title,
        topic=item.topic,
        kind=Course.kind_for(item.topic),
        level=item.level,
        mode=item.mode,
        starts_on=starts_on,
        ends_on=starts_on + datetime.timedelta(days=item.days - 1),
        hours=Decimal(item.hours),
        trainer=item.trainer,
    )
    course.full_clean()
    course.save()
    course.lines.set(ServiceLine.objects.filter(code__in=item.lines))
    for username, hours in item.participants.items():
        user = get_user_model().objects.get(username=username)
        finished = course.ends_on < today
        enrollment = Enrollment.objects.create(
            course=course,
            participant=user,
            hours_attended=Decimal(hours),
            completed_on=course.ends_on if finished else None,
        )
        if not enrollment.is_completed:
            continue
        for line in course.lines.all():
            if not Qualification.objects.filter(
                operator=user, line=line, revoked_at__isnull=True
            ).exists():
                Qualification.objects.create(
                    operator=user, line=line, since=course.ends_on, course=course
                )


@transaction.atomic
def demo_training_seed() -> list[TrainingPlan]:
    """Create the demo plans not created yet; return those created now."""
    today = calendar.today()
    created = [plan for spec in PLANS if (plan := _plan_seed(spec, today=today))]
    supervisor_group_grant(app_label="formazione", codenames=SUPERVISOR_PERMISSIONS)
    return created


def seed(*, password: str | None = None) -> None:
    """Seed this app's demo data (called by ``manage.py seed_demo``)."""
    demo_training_seed()
