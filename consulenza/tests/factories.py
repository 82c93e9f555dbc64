import datetime

import factory

from consulenza.models import Appointment, Channel, Escalation, MeetingPoint
from sedi.models import ServiceLine
from sedi.tests.factories import BranchFactory


def _line(code: str = "assicurato-pensionato") -> ServiceLine:
    return ServiceLine.objects.get(code=code)


class MeetingPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingPoint

    branch = factory.SubFactory(BranchFactory, line_codes=["assicurato-pensionato"])
    line = factory.LazyFunction(_line)
    name = factory.Sequence(lambda n: f"Punto di incontro {n}")
    opened_on = datetime.date(2026, 1, 1)
    closed_on = None
    slot_minutes = 30


class AppointmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appointment

    meeting_point = factory.SubFactory(MeetingPointFactory)
    start = factory.Sequence(
        lambda n: (
            datetime.datetime(2026, 1, 5, 13, 30, tzinfo=datetime.UTC)
            + datetime.timedelta(days=n)
        )
    )
    end = factory.LazyAttribute(
        lambda o: o.start + datetime.timedelta(minutes=o.meeting_point.slot_minutes)
    )
    fiscal_code = "RSSMRA85T10A562S"
    first_name = "Mario"
    last_name = "Rossi"
    email = ""
    channel = Channel.CONTACT_CENTRE


class EscalationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Escalation

    branch = factory.SubFactory(BranchFactory, line_codes=["assicurato-pensionato"])
    line = factory.LazyFunction(_line)
    fiscal_code = "RSSMRA85T10A562S"
    first_name = "Mario"
    last_name = "Rossi"
    phone = "06 1234567"
    channel = Channel.CONTACT_CENTRE
    requested_at = factory.LazyFunction(
        lambda: datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    )
