"""The consultation and reception reports, read live with grouped queries.

Their volumes are two orders of magnitude below the tickets' (a few
appointments and a few hundred arrivals a branch a day), so they are
grouped in SQL per period, branch (and line) and merged in memory: a fixed
number of queries, whatever the period.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Count,
    DateField,
    DurationField,
    F,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import Trunc

from consulenza.models import Appointment, Escalation
from reception.models import Arrival, ProtocolEntry
from sedi import calendar
from sedi.models import Branch, ServiceLine

TOP_REASONS = 10


@dataclass(frozen=True)
class ActivityReportQuery:
    """What an activity report asks for, already checked and scoped."""

    date_from: datetime.date
    date_to: datetime.date
    branches: QuerySet[Branch]
    line: ServiceLine | None
    group: str
    today: datetime.date


def _period(field: str, group: str) -> Trunc:
    return Trunc(field, group, output_field=DateField(), tzinfo=calendar.ROME)


def _window(query: ActivityReportQuery) -> tuple[Any, Any]:
    start = datetime.datetime.combine(
        query.date_from, datetime.time.min, tzinfo=calendar.ROME
    )
    end = datetime.datetime.combine(
        query.date_to + datetime.timedelta(days=1),
        datetime.time.min,
        tzinfo=calendar.ROME,
    )
    return start, end


def _line_positions() -> dict[str, tuple[int, str]]:
    return {
        code: (position, code)
        for code, position in ServiceLine.objects.values_list("code", "position")
    }


def consultation_report_rows(query: ActivityReportQuery) -> list[dict[str, Any]]:
    """Return the consultation rows per period, branch and line.

    Appointments count by the period of their slot; ``lead_days`` runs from
    booking to slot. Production is an appointment closed with an outcome
    (the guideline: consultation "costituisce produzione"). Escalations to
    the CRIC count by the period they were requested in.
    """
    start, end = _window(query)
    appointments = Appointment.objects.filter(
        meeting_point__branch__in=query.branches, start__gte=start, start__lt=end
    )
    escalations = Escalation.objects.filter(
        branch__in=query.branches, requested_at__gte=start, requested_at__lt=end
    )
    if query.line is not None:
        appointments = appointments.filter(meeting_point__line=query.line)
        escalations = escalations.filter(line=query.line)
    status = Appointment.Status
    rows: dict[tuple[Any, str, str], dict[str, Any]] = {}

    def row(period: datetime.date, branch: str, line: str) -> dict[str, Any]:
        key = (period, branch, line)
        if key not in rows:
            rows[key] = {
                "period": period,
                "branch": branch,
                "line": line,
                "requests": 0,
                "booked": 0,
                "held": 0,
                "no_show": 0,
                "cancelled": 0,
                "production": 0,
                "lead_seconds": 0,
                "escalated": 0,
                "escalations_resolved": 0,
                "escalations_open": 0,
            }
        return rows[key]

    for item in (
        appointments.annotate(period=_period("start", query.group))
        .values(
            "period",
            branch_code=F("meeting_point__branch__code"),
            line_code=F("meeting_point__line__code"),
        )
        .annotate(
            booked=Count("pk"),
            held=Count("pk", filter=Q(status__in=[status.CHECKED_IN, status.CLOSED])),
            no_show=Count("pk", filter=Q(status=status.NO_SHOW)),
            cancelled=Count("pk", filter=Q(status=status.CANCELLED)),
            production=Count("pk", filter=Q(status=status.CLOSED) & ~Q(outcome="")),
            lead=Sum(F("start") - F("created_at"), output_field=DurationField()),
        )
        .order_by()
    ):
        target = row(item["period"], item["branch_code"], item["line_code"])
        for name in ("booked", "held", "no_show", "cancelled", "production"):
            target[name] += item[name]
        target["requests"] += item["booked"]
        lead = item["lead"] or datetime.timedelta(0)
        target["lead_seconds"] += int(lead.total_seconds())
    for item in (
        escalations.annotate(period=_period("requested_at", query.group))
        .values("period", branch_code=F("branch__code"), line_code=F("line__code"))
        .annotate(
            escalated=Count("pk"),
            resolved=Count("pk", filter=Q(status=Escalation.Status.RESOLVED)),
            still_open=Count("pk", filter=Q(status=Escalation.Status.OPEN)),
        )
        .order_by()
    ):
        target = row(item["period"], item["branch_code"], item["line_code"])
        target["requests"] += item["escalated"]
        target["escalated"] += item["escalated"]
        target["escalations_resolved"] += item["resolved"]
        target["escalations_open"] += item["still_open"]
    positions = _line_positions()
    result = []
    for key in sorted(rows, key=lambda k: (k[0], k[1], positions.get(k[2], (0, k[2])))):
        item = rows[key]
        lead_seconds = item.pop("lead_seconds")
        item["mean_lead_days"] = (
            round(lead_seconds / item["booked"] / 86400, 1) if item["booked"] else None
        )
        result.append(item)
    return result


def reception_report_rows(query: ActivityReportQuery) -> list[dict[str, Any]]:
    """Return the reception rows per period and branch.

    Arrivals count by outcome; those solved at reception (information, a
    form, a protocol registration) and their share. Protocol registrations
    count by kind, annulled ones apart; complaints by their current state,
    and those still unanswered past their reply date as ``complaints_overdue``.
    ``line`` filters the arrivals (the line reception sent them to) only.
    """
    start, end = _window(query)
    arrivals = Arrival.objects.filter(
        branch__in=query.branches, arrived_at__gte=start, arrived_at__lt=end
    )
    if query.line is not None:
        arrivals = arrivals.filter(line=query.line)
    entries = ProtocolEntry.objects.filter(
        branch__in=query.branches, registered_at__gte=start, registered_at__lt=end
    )
    outcomes = Arrival.Outcome
    rows: dict[tuple[Any, str], dict[str, Any]] = {}
    reasons: dict[tuple[Any, str], Counter[str]] = {}

    def row(period: datetime.date, branch: str) -> dict[str, Any]:
        key = (period, branch)
        if key not in rows:
            rows[key] = {
                "period": period,
                "branch": branch,
                "arrivals": 0,
                **{f"outcome_{value}": 0 for value in outcomes.values},
                "solved_at_reception": 0,
                "solved_at_reception_share": None,
                "documents": 0,
                "complaints": 0,
                "complaints_received": 0,
                "complaints_in_progress": 0,
                "complaints_answered": 0,
                "complaints_overdue": 0,
                "annulled": 0,
            }
            reasons[key] = Counter()
        return rows[key]

    for item in (
        arrivals.annotate(period=_period("arrived_at", query.group))
        .values("period", "outcome", "reason", branch_code=F("branch__code"))
        .annotate(n=Count("pk"))
        .order_by()
    ):
        target = row(item["period"], item["branch_code"])
        target["arrivals"] += item["n"]
        target[f"outcome_{item['outcome']}"] += item["n"]
        if item["outcome"] in Arrival.SOLVED_AT_RECEPTION:
            target["solved_at_reception"] += item["n"]
        reasons[(item["period"], item["branch_code"])][item["reason"]] += item["n"]
    complaint = ProtocolEntry.ComplaintStatus
    is_complaint = Q(kind=ProtocolEntry.Kind.COMPLAINT, annulled_at__isnull=True)
    for item in (
        entries.annotate(period=_period("registered_at", query.group))
        .values("period", branch_code=F("branch__code"))
        .annotate(
            documents=Count(
                "pk",
                filter=Q(kind=ProtocolEntry.Kind.DOCUMENT, annulled_at__isnull=True),
            ),
            complaints=Count("pk", filter=is_complaint),
            received=Count(
                "pk", filter=is_complaint & Q(complaint_status=complaint.RECEIVED)
            ),
            in_progress=Count(
                "pk", filter=is_complaint & Q(complaint_status=complaint.IN_PROGRESS)
            ),
            answered=Count(
                "pk", filter=is_complaint & Q(complaint_status=complaint.ANSWERED)
            ),
            overdue=Count(
                "pk",
                filter=is_complaint
                & ~Q(complaint_status=complaint.ANSWERED)
                & Q(reply_due_on__lt=query.today),
            ),
            annulled=Count("pk", filter=Q(annulled_at__isnull=False)),
        )
        .order_by()
    ):
        target = row(item["period"], item["branch_code"])
        target["documents"] += item["documents"]
        target["complaints"] += item["complaints"]
        target["complaints_received"] += item["received"]
        target["complaints_in_progress"] += item["in_progress"]
        target["complaints_answered"] += item["answered"]
        target["complaints_overdue"] += item["overdue"]
        target["annulled"] += item["annulled"]
    result = []
    for key in sorted(rows):
        item = rows[key]
        if item["arrivals"]:
            item["solved_at_reception_share"] = round(
                item["solved_at_reception"] / item["arrivals"], 3
            )
        item["top_reasons"] = dict(
            sorted(reasons[key].items(), key=lambda pair: (-pair[1], pair[0]))[
                :TOP_REASONS
            ]
        )
        result.append(item)
    return result


def escalation_report_rows(query: ActivityReportQuery) -> list[dict[str, Any]]:
    """Return the CRIC escalations per period (of the request), branch and line.

    ``resolved`` and ``still_open`` are the escalations' current state;
    ``mean_resolution_days`` runs from the request to the CRIC's outcome.
    """
    start, end = _window(query)
    escalations = Escalation.objects.filter(
        branch__in=query.branches, requested_at__gte=start, requested_at__lt=end
    )
    if query.line is not None:
        escalations = escalations.filter(line=query.line)
    resolved = Q(status=Escalation.Status.RESOLVED, resolved_at__isnull=False)
    positions = _line_positions()
    rows = []
    for item in (
        escalations.annotate(period=_period("requested_at", query.group))
        .values("period", branch_code=F("branch__code"), line_code=F("line__code"))
        .annotate(
            escalated=Count("pk"),
            resolved=Count("pk", filter=resolved),
            still_open=Count("pk", filter=Q(status=Escalation.Status.OPEN)),
            resolution=Sum(
                F("resolved_at") - F("requested_at"),
                filter=resolved,
                output_field=DurationField(),
            ),
        )
        .order_by()
    ):
        took = item["resolution"] or datetime.timedelta(0)
        rows.append(
            {
                "period": item["period"],
                "branch": item["branch_code"],
                "line": item["line_code"],
                "escalated": item["escalated"],
                "resolved": item["resolved"],
                "still_open": item["still_open"],
                "mean_resolution_days": (
                    round(took.total_seconds() / item["resolved"] / 86400, 1)
                    if item["resolved"]
                    else None
                ),
            }
        )
    rows.sort(
        key=lambda r: (r["period"], r["branch"], positions.get(r["line"], (0, "")))
    )
    return rows
