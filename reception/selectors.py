"""Reads of the reception: orientation search, register, figures."""

import datetime
from collections import Counter as Tally
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractHour
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from reception import search
from reception.models import Arrival, Form, ProtocolEntry, ReasonSynonym
from sedi import calendar
from sedi.models import Branch, Service, ServiceLine
from sedi.selectors import branch_lines_open
from sportelli.selectors import WaitEstimate, queue_summary, tickets_issued_by_line

SEARCH_LIMIT = 12


@dataclass
class LineOption:
    line: ServiceLine
    service: Service
    waiting: int
    open_counters: int = 0
    # None while no counter serves the line: no wait can be promised.
    wait: WaitEstimate | None = None

    @property
    def estimated_wait_minutes(self) -> int | None:
        return self.wait.minutes if self.wait else None

    @property
    def estimated_wait_min_minutes(self) -> int | None:
        return self.wait.low if self.wait else None

    @property
    def estimated_wait_max_minutes(self) -> int | None:
        return self.wait.high if self.wait else None

    def rank(self) -> tuple[bool, int, int]:
        """Order the lines that serve a reason: staffed first, shortest wait.

        A line no counter serves comes after every staffed one whatever its
        queue (its people wait for nobody); among those, the shortest
        queue first.
        """
        if self.wait is None:
            return (True, self.waiting, self.line.position)
        return (False, self.wait.minutes, self.line.position)


@dataclass
class ReasonMatch:
    """One reason a person may give, and where reception can send them."""

    name: str
    options: list[LineOption] = field(default_factory=list)
    handled_at_reception: str = ""  # an Arrival outcome or protocol kind

    @property
    def proposed(self) -> LineOption | None:
        """Return the staffed line with the shortest wait among those that
        serve it; a line without an open counter only when none is staffed."""
        return self.options[0] if self.options else None


# What reception itself does (guideline §1), found by the same search.
RECEPTION_ACTIVITIES = [
    (_("Informazioni generali e orientamento"), "information"),
    (_("Ritiro modulistica"), "form"),
    (_("Protocollazione documenti"), "documento"),
    (_("Reclamo"), "reclamo"),
    (_("Appuntamento di consulenza (arrivo o prenotazione)"), "appointment"),
]


def reason_search(*, branch: Branch, query: str) -> list[ReasonMatch]:
    """Return the reasons matching ``query`` with the lines that serve them.

    Activities come from the catalogues of the lines open at the branch
    today, matched word by word without regard to case or accents and
    allowing typos ("pensone"), and through the synonyms kept in the admin
    ("NASpI", "ISEE", "estratto conto"). One served by several lines (e.g.
    "Rilascio PIN cittadino") proposes the staffed line with the shortest
    estimated wait now, never one without an open counter while another
    is staffed. A fixed number of queries.
    """
    typed = search.words(query)[:5]
    if not typed:
        return []
    today = calendar.today()
    open_lines = {bl.line_id for bl in branch_lines_open(branch=branch, on=today)}
    catalogue = list(
        Service.objects.filter(line_id__in=open_lines)
        .select_related("line")
        .order_by("line__position", "position")
    )
    chosen = {s.pk for s in catalogue if search.text_matches(typed, s.name)}
    for synonym in ReasonSynonym.objects.all():
        if not search.term_matches(typed, synonym.term):
            continue
        codes = set(synonym.codes)
        chosen |= {
            s.pk
            for s in catalogue
            if s.code in codes and synonym.line_id in (None, s.line_id)
        }
    services = [s for s in catalogue if s.pk in chosen]
    queues = (
        {row.line.pk: row for row in queue_summary(branch=branch)} if services else {}
    )
    matches: dict[str, ReasonMatch] = {}
    for service in services:
        match = matches.setdefault(service.name, ReasonMatch(name=service.name))
        queue = queues.get(service.line_id)
        match.options.append(
            LineOption(
                line=service.line,
                service=service,
                waiting=queue.waiting if queue else 0,
                open_counters=queue.open_counters if queue else 0,
                wait=queue.wait if queue else None,
            )
        )
    for match in matches.values():
        match.options.sort(key=LineOption.rank)
    found = list(matches.values())
    for label, handled in RECEPTION_ACTIVITIES:
        if search.text_matches(typed, str(label)):
            found.append(ReasonMatch(name=str(label), handled_at_reception=handled))
    return found[:SEARCH_LIMIT]


def service_get(*, service_id: int) -> Service:
    """Return a catalogue activity by id, or raise a ``service`` field error."""
    service = Service.objects.select_related("line").filter(pk=service_id).first()
    if service is None:
        raise ValidationError({"service": [_("Attività sconosciuta.")]})
    return service


def form_get(*, code: str) -> Form:
    """Return a form of the catalogue by code, or raise a ``form`` field error."""
    form = Form.objects.filter(code=code).first()
    if form is None:
        raise ValidationError({"form": [_("Modulo sconosciuto.")]})
    return form


def form_list(*, query: str = "") -> QuerySet[Form]:
    """Return the forms in distribution, optionally filtered by title or code."""
    forms = Form.objects.filter(is_active=True).select_related("line")
    if query:
        forms = forms.filter(Q(title__icontains=query) | Q(code__icontains=query))
    return forms


def protocol_entries(
    *, branch: Branch, year: int | None = None
) -> QuerySet[ProtocolEntry]:
    """Return the branch's register, newest first."""
    entries = ProtocolEntry.objects.filter(branch=branch).select_related("branch")
    if year is not None:
        entries = entries.filter(year=year)
    return entries.order_by("-year", "-number")


@dataclass(frozen=True)
class ProtocolQuery:
    """A search of the register; every field is optional."""

    number: int | None = None
    year: int | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    kind: str = ""
    subject: str = ""


def protocol_search(*, branch: Branch, query: ProtocolQuery) -> QuerySet[ProtocolEntry]:
    """Return the branch's entries matching ``query``, newest first.

    Dates are Rome calendar days of registration, both ends included; the
    subject matches words in any order, case-insensitive.
    """
    entries = protocol_entries(branch=branch)
    if query.number is not None:
        entries = entries.filter(number=query.number)
    if query.year is not None:
        entries = entries.filter(year=query.year)
    if query.date_from is not None:
        start = datetime.datetime.combine(
            query.date_from, datetime.time(), calendar.ROME
        )
        entries = entries.filter(registered_at__gte=start)
    if query.date_to is not None:
        end = datetime.datetime.combine(
            query.date_to + datetime.timedelta(days=1), datetime.time(), calendar.ROME
        )
        entries = entries.filter(registered_at__lt=end)
    if query.kind in ProtocolEntry.Kind.values:
        entries = entries.filter(kind=query.kind)
    for word in query.subject.split()[:5]:
        entries = entries.filter(subject__icontains=word)
    return entries


def protocol_entry_get(*, branches: QuerySet[Branch], entry_id: int) -> ProtocolEntry:
    """Return an entry of one of ``branches``, else raise Http404."""
    entry = (
        ProtocolEntry.objects.select_related("branch", "registered_by", "annulled_by")
        .filter(pk=entry_id, branch__in=branches)
        .first()
    )
    if entry is None:
        raise Http404(entry_id)
    return entry


# A complaint is "near" its deadline within these many days.
COMPLAINT_WARNING_DAYS = 5


def complaints_due(
    *, branch: Branch, today: datetime.date | None = None
) -> QuerySet[ProtocolEntry]:
    """Return open complaints past or within a few days of their reply deadline."""
    today = today or calendar.today()
    return (
        ProtocolEntry.objects.filter(
            branch=branch,
            kind=ProtocolEntry.Kind.COMPLAINT,
            annulled_at__isnull=True,
            reply_due_on__lte=today + datetime.timedelta(days=COMPLAINT_WARNING_DAYS),
        )
        .exclude(complaint_status=ProtocolEntry.ComplaintStatus.ANSWERED)
        .select_related("branch")
        .order_by("reply_due_on", "number")
    )


@dataclass(frozen=True)
class ReceptionStats:
    day: datetime.date
    arrivals: int
    by_hour: dict[int, int]
    by_reason: list[tuple[str, int]]
    by_outcome: dict[str, int]
    solved_at_reception_share: float
    tickets_by_line: dict[str, int]


def reception_stats(*, branch: Branch, day: datetime.date) -> ReceptionStats:
    """Return the day's reception figures for the floor supervisor.

    Arrivals per hour (Rome) and per reason, outcomes, the share solved at
    reception, tickets issued per line. A fixed number of queries.
    """
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=calendar.ROME)
    arrivals = Arrival.objects.filter(
        branch=branch,
        arrived_at__gte=start,
        arrived_at__lt=start + datetime.timedelta(days=1),
    )
    by_hour = {
        row["hour"]: row["n"]
        for row in arrivals.annotate(
            hour=ExtractHour("arrived_at", tzinfo=calendar.ROME)
        )
        .values("hour")
        .annotate(n=Count("pk"))
        .order_by("hour")
    }
    outcomes: Tally[str] = Tally(
        {
            row["outcome"]: row["n"]
            for row in arrivals.values("outcome").annotate(n=Count("pk"))
        }
    )
    by_reason = [
        (row["reason"], row["n"])
        for row in arrivals.values("reason")
        .annotate(n=Count("pk"))
        .order_by("-n", "reason")[:10]
    ]
    total = sum(outcomes.values())
    solved = sum(outcomes[o] for o in Arrival.SOLVED_AT_RECEPTION)
    return ReceptionStats(
        day=day,
        arrivals=total,
        by_hour=by_hour,
        by_reason=by_reason,
        by_outcome=dict(outcomes),
        solved_at_reception_share=round(solved / total, 3) if total else 0.0,
        tickets_by_line=tickets_issued_by_line(branch=branch, on=day),
    )
