import datetime
import secrets

import factory
from django.utils import timezone

from sedi import calendar
from sedi.models import ServiceLine
from sedi.tests.factories import BranchFactory, UserFactory
from sportelli.models import Counter, Shift, Ticket


class CounterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Counter

    branch = factory.SubFactory(BranchFactory)
    number = factory.Sequence(lambda n: n + 1)
    name = factory.LazyAttribute(lambda o: f"Sportello {o.number}")


class ShiftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shift

    counter = factory.SubFactory(CounterFactory)
    operator = factory.SubFactory(UserFactory)
    line = factory.LazyFunction(
        lambda: ServiceLine.objects.get(code="assicurato-pensionato")
    )


def _today() -> datetime.date:
    return calendar.to_rome(timezone.now()).date()


class TicketFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ticket

    branch = factory.SubFactory(BranchFactory)
    line = factory.LazyFunction(
        lambda: ServiceLine.objects.get(code="assicurato-pensionato")
    )
    letter = factory.LazyAttribute(lambda o: o.line.letter)
    issued_on = factory.LazyFunction(_today)
    # High numbers: they never meet those the service issues from 001.
    number = factory.Sequence(lambda n: 500 + n % 499)
    issued_at = factory.LazyFunction(timezone.now)
    channel = Ticket.Channel.RECEPTION
    public_code = factory.LazyFunction(lambda: secrets.token_urlsafe(16))


def place_in_line(ticket: Ticket) -> int | None:
    """Return a ticket's place as the call order of ``waiting_tickets`` gives it.

    The reference the hand-written count of ``ticket_state`` is checked
    against: a waiting ticket's index in the line's queue, 1-based.
    """
    from sportelli.selectors import waiting_tickets

    if ticket.status != Ticket.Status.WAITING:
        return None
    queue = waiting_tickets(
        branch=ticket.branch, line=ticket.line, on=ticket.issued_on
    ).values_list("pk", flat=True)
    return list(queue).index(ticket.pk) + 1
