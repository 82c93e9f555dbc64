import datetime
from decimal import Decimal

import factory
from django.contrib.auth.models import User
from django.utils import timezone

from formazione.models import Course, Enrollment, Qualification, TrainingPlan
from sedi.models import ServiceLine
from sedi.tests.factories import BranchFactory, UserFactory


class TrainingPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingPlan

    branch = factory.SubFactory(BranchFactory)
    title = factory.Sequence(lambda n: f"Piano formativo {n}")
    period_start = datetime.date(2027, 1, 1)
    period_end = datetime.date(2027, 12, 31)


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course
        skip_postgeneration_save = True

    plan = factory.SubFactory(TrainingPlanFactory)
    title = factory.Sequence(lambda n: f"Corso {n}")
    topic = Course.Topic.ROLE_COUNTER
    kind = factory.LazyAttribute(lambda o: Course.kind_for(o.topic))
    level = Course.Level.LOCAL
    mode = Course.Mode.CLASSROOM
    starts_on = factory.LazyAttribute(lambda o: o.plan.period_start)
    ends_on = factory.LazyAttribute(lambda o: o.starts_on)
    hours = Decimal("6")
    trainer = "Ufficio formazione"

    @factory.post_generation
    def line_codes(obj: Course, create: bool, extracted: list[str] | None, **kwargs):
        """Make the course qualify for the given lines (codes)."""
        if create and extracted:
            obj.lines.set(ServiceLine.objects.filter(code__in=extracted))


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    course = factory.SubFactory(CourseFactory)
    participant = factory.SubFactory(UserFactory)


class QualificationFactory(factory.django.DjangoModelFactory):
    """A live qualification granted by a director (no course needed)."""

    class Meta:
        model = Qualification

    operator = factory.SubFactory(UserFactory)
    line = factory.LazyFunction(
        lambda: ServiceLine.objects.get(code="assicurato-pensionato")
    )
    since = factory.LazyFunction(
        lambda: timezone.localdate() - datetime.timedelta(days=30)
    )
    granted_by = factory.SubFactory(UserFactory)
    reason = "Formazione svolta in un'altra sede"


def qualify(user: User, *line_codes: str) -> list[Qualification]:
    """Give ``user`` a live qualification for each line (all lines if none named)."""
    lines = ServiceLine.objects.all()
    if line_codes:
        lines = lines.filter(code__in=line_codes)
    return [QualificationFactory.create(operator=user, line=line) for line in lines]
