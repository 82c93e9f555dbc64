import datetime

import pytest
from django.utils import timezone

from reception.models import Arrival
from reception.selectors import complaints_due, reason_search, reception_stats
from reception.services import arrival_solved, arrival_ticket, protocol_register
from sedi.models import ServiceLine
from sportelli.tests.factories import CounterFactory, ShiftFactory, TicketFactory

pytestmark = pytest.mark.django_db


def test_pin_is_served_by_several_lines_and_the_shortest_queue_is_proposed(
    branch, morning, django_assert_max_num_queries
):
    pensioner = ServiceLine.objects.get(code="assicurato-pensionato")
    TicketFactory.create_batch(3, branch=branch, line=pensioner)

    with django_assert_max_num_queries(8):
        matches = reason_search(branch=branch, query="pin")

    assert [m.name for m in matches] == [
        "Rilascio PIN cittadino",
        "Rilascio PIN aziende",
    ]
    citizen_pin = matches[0]
    assert [o.line.code for o in citizen_pin.options] == [
        "socio-sanitari",
        "sostegno-reddito",
        "soggetto-contribuente",
        "assicurato-pensionato",
    ]
    assert citizen_pin.proposed == citizen_pin.options[0]
    assert citizen_pin.options[-1].waiting == 3
    assert [o.line.code for o in matches[1].options] == ["soggetto-contribuente"]


def test_a_staffed_line_is_proposed_before_any_unstaffed_one(branch, morning):
    pensioner = ServiceLine.objects.get(code="assicurato-pensionato")
    counter = CounterFactory.create(branch=branch)
    ShiftFactory.create(counter=counter, line=pensioner)
    # The staffed line has the longest queue; the others have nobody waiting
    # and nobody serving.
    TicketFactory.create_batch(6, branch=branch, line=pensioner)

    citizen_pin = reason_search(branch=branch, query="pin")[0]

    assert citizen_pin.proposed is not None
    assert citizen_pin.proposed.line == pensioner
    # 6 ahead × 8 min on one counter.
    assert citizen_pin.proposed.estimated_wait_minutes == 48
    assert [o.line.code for o in citizen_pin.options[1:]] == [
        "socio-sanitari",
        "sostegno-reddito",
        "soggetto-contribuente",
    ]
    assert all(o.estimated_wait_minutes is None for o in citizen_pin.options[1:])


def test_among_staffed_lines_the_shortest_wait_is_proposed(branch, morning):
    lines = {
        code: ServiceLine.objects.get(code=code)
        for code in ("assicurato-pensionato", "soggetto-contribuente")
    }
    for number, line in enumerate(lines.values(), start=1):
        ShiftFactory.create(
            counter=CounterFactory.create(branch=branch, number=number), line=line
        )
    TicketFactory.create_batch(4, branch=branch, line=lines["assicurato-pensionato"])
    TicketFactory.create_batch(1, branch=branch, line=lines["soggetto-contribuente"])

    options = reason_search(branch=branch, query="pin")[0].options

    assert [(o.line.code, o.estimated_wait_minutes) for o in options] == [
        ("soggetto-contribuente", 8),
        ("assicurato-pensionato", 32),
        ("socio-sanitari", None),
        ("sostegno-reddito", None),
    ]


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("CUD", "Duplicati CUD/Obis M"),
        ("durc", "Ristampa duplicato Durc"),
        ("visita medica", "Richiesta di assegnazione visita medica"),
        ("reclamo", "Reclamo"),
        ("modulistica", "Ritiro modulistica"),
    ],
)
def test_search_finds_catalogue_and_reception_activities(branch, morning, query, first):
    assert reason_search(branch=branch, query=query)[0].name == first


def test_lines_closed_at_the_branch_are_not_proposed(branch, morning):
    matches = reason_search(branch=branch, query="carta acquisti")

    # Poli Specialistici also lists it, but this branch has none.
    assert [o.line.code for o in matches[0].options] == ["assicurato-pensionato"]


def test_an_empty_query_finds_nothing(branch, morning):
    assert reason_search(branch=branch, query="   ") == []


def test_reception_stats(branch, receptionist, morning, django_assert_max_num_queries):
    arrival_ticket(
        branch=branch, line_code="socio-sanitari", reason="PIN", handled_by=receptionist
    )
    arrival_solved(branch=branch, reason="Orari", handled_by=receptionist)
    arrival_solved(branch=branch, reason="Orari", handled_by=receptionist)
    Arrival.objects.filter(reason="Orari").update(
        arrived_at=timezone.now() + datetime.timedelta(hours=2)
    )

    with django_assert_max_num_queries(5):
        stats = reception_stats(branch=branch, day=datetime.date(2026, 12, 2))

    assert stats.arrivals == 3
    assert stats.by_hour == {9: 1, 11: 2}
    assert stats.by_reason == [("Orari", 2), ("PIN", 1)]
    assert stats.by_outcome == {"ticket": 1, "information": 2}
    assert stats.solved_at_reception_share == 0.667
    assert stats.tickets_by_line == {"socio-sanitari": 1}


def test_complaints_near_or_past_their_deadline(branch, receptionist, morning):
    old = protocol_register(
        branch=branch, kind="reclamo", subject="Vecchio", registered_by=receptionist
    )
    old.reply_due_on = datetime.date(2026, 12, 1)
    old.save()
    near = protocol_register(
        branch=branch, kind="reclamo", subject="Vicino", registered_by=receptionist
    )
    near.reply_due_on = datetime.date(2026, 12, 7)
    near.save()
    later = protocol_register(
        branch=branch, kind="reclamo", subject="Lontano", registered_by=receptionist
    )

    due = list(complaints_due(branch=branch, today=datetime.date(2026, 12, 2)))

    assert due == [old, near]
    assert later.reply_due_on == datetime.date(2027, 1, 1)
