"""Reads of the consultation agenda: slots, free slots, backlog, lists.

Slots are built in Rome local time with ``zoneinfo`` (never fixed
offsets), so 13:30 stays 13:30 across the daylight-saving changes. Every
read here runs a fixed number of queries, whatever the number of
appointments: booked slots are fetched once per call for the whole window.
"""

from __future__ import annotations

import bisect
import datetime
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import (
    TruncDate,
)
from django.http import Http404
from django.utils import timezone

from consulenza.models import Appointment, BacklogFlag, Escalation, MeetingPoint
from sedi import calendar
from sedi.models import Branch, BranchLine, ServiceLine, StaffRole
from sedi.selectors import branch_list

AnyUser = User | AnonymousUser

# Guideline §3: a request is booked only within 30 days of today (included).
BOOKING_WINDOW_DAYS = 30
# The backlog job warns from 22 days of wait and flags from 31.
BACKLOG_WARNING_DAYS = 21
# How far the backlog job looks for a free slot; beyond it the wait is
# reported as unknown (null) and the line is flagged.
BACKLOG_HORIZON_DAYS = 120
# The booking rate behind the recommended number of meeting points.
BOOKING_RATE_DAYS = 28
# The slots API answers at most this many days at once.
SLOT_LIST_MAX_DAYS = 31
# Guideline §3: a meeting point per product/service line present, plus
# Poli Specialistici where present. The overpayments counter (§2.5) is a
# "sportello", not a product/service line: it needs none.
LINE_KINDS_WITH_MEETING_POINT = (
    ServiceLine.Kind.STANDARD,
    ServiceLine.Kind.SPECIALIST,
)

Role = StaffRole.Role


def line_has_consultation(*, line: ServiceLine) -> bool:
    """Return whether appointments may be booked for ``line`` (not Indebiti)."""
    return line.kind in LINE_KINDS_WITH_MEETING_POINT


def consultation_line_list(*, lines: Iterable[ServiceLine]) -> list[ServiceLine]:
    """Return the lines of ``lines`` that hold consultation, in their order."""
    return [line for line in lines if line_has_consultation(line=line)]


@dataclass(frozen=True)
class Slot:
    """A consultation slot of a meeting point."""

    start: datetime.datetime
    end: datetime.datetime
    meeting_point: MeetingPoint


def day_slot_starts(
    *, slot_minutes: int, day: datetime.date
) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """Return the (start, end) of the slots of ``slot_minutes`` on ``day``.

    Slots follow each other from 13:30; the last one must end by 15:30
    (45 minutes give 13:30 and 14:15). Times are Rome wall-clock times.
    """
    opens = datetime.datetime.combine(day, calendar.CONSULTATION_OPENS, calendar.ROME)
    closes = datetime.datetime.combine(day, calendar.CONSULTATION_CLOSES, calendar.ROME)
    length = datetime.timedelta(minutes=slot_minutes)
    slots = []
    start = opens
    # Wall-clock arithmetic on aware datetimes sharing a zoneinfo: the
    # afternoon never crosses a daylight-saving change.
    while start + length <= closes:
        slots.append((start, start + length))
        start += length
    return slots


def meeting_point_list(
    *,
    branch: Branch | None = None,
    line: ServiceLine | None = None,
    valid_from: datetime.date | None = None,
    valid_to: datetime.date | None = None,
) -> QuerySet[MeetingPoint]:
    """Return meeting points, those valid on some day in the period if given."""
    points = MeetingPoint.objects.select_related("branch", "line")
    if branch is not None:
        points = points.filter(branch=branch)
    if line is not None:
        points = points.filter(line=line)
    if valid_to is not None:
        points = points.filter(opened_on__lte=valid_to)
    if valid_from is not None:
        points = points.filter(Q(closed_on__isnull=True) | Q(closed_on__gte=valid_from))
    return points.order_by("branch__code", "line__position", "pk")


def _booked(
    *,
    points: Iterable[MeetingPoint],
    start: datetime.datetime,
    end: datetime.datetime,
) -> set[tuple[int, datetime.datetime]]:
    """Return (meeting point id, start) of the live appointments in a window."""
    ids = [point.pk for point in points]
    if not ids:
        return set()
    return set(
        Appointment.objects.filter(
            meeting_point_id__in=ids, start__gte=start, start__lt=end
        )
        .exclude(status=Appointment.Status.CANCELLED)
        .values_list("meeting_point_id", "start")
    )


def _presence(
    branch_lines: Iterable[BranchLine],
) -> dict[tuple[int, int], BranchLine]:
    return {(bl.branch_id, bl.line_id): bl for bl in branch_lines}


def _slots_between(
    *,
    points: list[MeetingPoint],
    presence: dict[tuple[int, int], BranchLine],
    first_day: datetime.date,
    last_day: datetime.date,
    now: datetime.datetime,
) -> Iterator[Slot]:
    """Yield every slot (free or not) after ``now``, in time order."""
    day = first_day
    while day <= last_day:
        slots: list[Slot] = []
        for point in points:
            branch_line = presence.get((point.branch_id, point.line_id))
            if (
                branch_line is None
                or not branch_line.is_open_on(day)
                or not point.is_valid_on(day)
                or not calendar.consultation_day(branch=point.branch, day=day)
            ):
                continue
            for start, end in day_slot_starts(slot_minutes=point.slot_minutes, day=day):
                if start > now:
                    slots.append(Slot(start=start, end=end, meeting_point=point))
        slots.sort(key=lambda slot: (slot.start, slot.meeting_point.pk))
        yield from slots
        day += datetime.timedelta(days=1)


def _window(
    first_day: datetime.date, last_day: datetime.date
) -> tuple[datetime.datetime, datetime.datetime]:
    start = datetime.datetime.combine(first_day, datetime.time(0), calendar.ROME)
    end = datetime.datetime.combine(
        last_day + datetime.timedelta(days=1), datetime.time(0), calendar.ROME
    )
    return start, end


def free_slot_list(
    *,
    branch: Branch,
    line: ServiceLine,
    first_day: datetime.date,
    last_day: datetime.date,
    now: datetime.datetime | None = None,
    limit: int | None = None,
) -> list[Slot]:
    """Return the free slots of the line at the branch between two days.

    A slot is offered when its day is a consultation day of the branch
    (Mon–Thu, not a holiday nor the patron day, not in an agenzia
    territoriale), the line is present and the meeting point valid that
    day, it starts after ``now`` and no live appointment holds it. Three
    queries, whatever the number of appointments.
    """
    now = now or timezone.now()
    if not branch.has_consultation or last_day < first_day:
        return []
    points = list(
        meeting_point_list(
            branch=branch, line=line, valid_from=first_day, valid_to=last_day
        )
    )
    if not points:
        return []
    presence = _presence(BranchLine.objects.filter(branch=branch, line=line))
    window_start, window_end = _window(first_day, last_day)
    booked = _booked(points=points, start=window_start, end=window_end)
    free: list[Slot] = []
    for slot in _slots_between(
        points=points,
        presence=presence,
        first_day=first_day,
        last_day=last_day,
        now=now,
    ):
        if (slot.meeting_point.pk, slot.start) in booked:
            continue
        free.append(slot)
        if limit is not None and len(free) >= limit:
            break
    return free


def free_slots_by_day(
    *,
    branch: Branch,
    line: ServiceLine,
    first_day: datetime.date,
    last_day: datetime.date,
    now: datetime.datetime | None = None,
) -> dict[datetime.date, list[Slot]]:
    """Return the free slots between two days grouped by their Rome day.

    Days without a free slot are absent. The same three queries as
    :func:`free_slot_list`, whatever the length of the period.
    """
    days: dict[datetime.date, list[Slot]] = defaultdict(list)
    for slot in free_slot_list(
        branch=branch, line=line, first_day=first_day, last_day=last_day, now=now
    ):
        days[calendar.to_rome(slot.start).date()].append(slot)
    return dict(days)


# --- Backlog ----------------------------------------------------------------


@dataclass(frozen=True)
class BacklogRow:
    """The agenda of one line at one branch, computed now."""

    branch: Branch
    line: ServiceLine
    meeting_points: int
    first_free_slot: datetime.datetime | None
    backlog_days: int | None
    level: str
    recommended_meeting_points: int
    booked_last_weeks: int


def backlog_level(*, backlog_days: int | None) -> str:
    """Return the level of a wait: over 30 days (or unknown) is flagged."""
    if backlog_days is None or backlog_days > BOOKING_WINDOW_DAYS:
        return BacklogFlag.Level.FLAGGED
    if backlog_days > BACKLOG_WARNING_DAYS:
        return BacklogFlag.Level.WARNING
    return BacklogFlag.Level.OK


def _recent_demand(
    *, since: datetime.datetime, branch_ids: list[int]
) -> dict[tuple[int, int], int]:
    """Return the requests per (branch, line) since ``since``: two queries.

    Demand is what was booked (not cancelled) plus what was turned away to
    the CRIC: both wanted a slot.
    """
    demand: dict[tuple[int, int], int] = defaultdict(int)
    booked = (
        Appointment.objects.filter(
            created_at__gte=since, meeting_point__branch_id__in=branch_ids
        )
        .exclude(status=Appointment.Status.CANCELLED)
        .values_list("meeting_point__branch_id", "meeting_point__line_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for branch_id, line_id, count in booked:
        demand[(branch_id, line_id)] += count
    escalated = (
        Escalation.objects.filter(requested_at__gte=since, branch_id__in=branch_ids)
        .values_list("branch_id", "line_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for branch_id, line_id, count in escalated:
        demand[(branch_id, line_id)] += count
    return demand


def recommended_meeting_points(
    *,
    demand_per_30_days: float,
    slots_per_point_in_30_days: int,
    current: int,
    flagged: bool,
) -> int:
    """Return how many meeting points keep the line's wait under 30 days.

    Capacity must match demand: ``ceil(demand / capacity of one point)``
    over the next 30 days. A flagged line needs at least one point more
    than now, whatever its recent rate, to bring the wait back in.
    """
    if slots_per_point_in_30_days > 0:
        needed = math.ceil(demand_per_30_days / slots_per_point_in_30_days)
    else:
        needed = current + 1
    floor = current + 1 if flagged else 1
    return max(needed, floor)


def _consultation_days(
    branch: Branch,
    *,
    first: datetime.date,
    last: datetime.date,
    cache: dict[tuple[object, ...], list[datetime.date]],
) -> list[datetime.date]:
    """Return the branch's consultation days from ``first`` to ``last``.

    Branches with the same kind, province and patron day share a calendar:
    it is worked out once per ``cache``, not once per branch and line.
    """
    key = (
        branch.has_consultation,
        branch.province,
        branch.patron_day_month,
        branch.patron_day_day,
    )
    if key not in cache:
        days = []
        day = first
        while day <= last:
            if calendar.consultation_day(branch=branch, day=day):
                days.append(day)
            day += datetime.timedelta(days=1)
        cache[key] = days
    return cache[key]


def _first_free_slots(
    *,
    points: list[MeetingPoint],
    presence: dict[tuple[int, int], BranchLine],
    consult_days_of: dict[int, list[datetime.date]],
    now: datetime.datetime,
) -> dict[int, datetime.datetime | None]:
    """Return the start of each point's first free slot after ``now``.

    Two queries, whatever the number of points and appointments: the days
    on which a point is fully booked (counted in the database, one row per
    full day, not one per appointment), then the booked slots of each
    point's first day that is not full (and of the next one, when that day
    is today: its free slots may all be past). The days searched are the
    branch's ``consult_days_of`` on which the line is present and the point
    valid. None when no slot is free on those days.
    """
    today = calendar.today(now=now)
    days_of: dict[int, list[datetime.date]] = {}
    for point in points:
        days = consult_days_of.get(point.branch_id, [])
        branch_line = presence.get((point.branch_id, point.line_id))
        if branch_line is None:
            days_of[point.pk] = []
            continue
        # The days on which the line is present and the point valid: one
        # stretch of the branch's calendar (``is_open_on``, ``is_valid_on``).
        opens = max(point.opened_on, branch_line.opened_on or point.opened_on)
        ends = [d for d in (point.closed_on, branch_line.closes_on) if d is not None]
        low = bisect.bisect_left(days, opens)
        high = bisect.bisect_right(days, min(ends)) if ends else len(days)
        days_of[point.pk] = days[low:high]
    calendars = {id(days): days for days in consult_days_of.values()}
    searched = sorted({day for days in calendars.values() for day in days})
    if not searched or not any(days_of.values()):
        return {point.pk: None for point in points}
    window_start, window_end = _window(searched[0], searched[-1])
    # A day is full when every slot start of the point holds a live
    # appointment. Matching the slot starts themselves (UTC instants, no
    # time-zone arithmetic per row) leaves out appointments off the grid
    # (the slot length changed since): they hold no slot. The afternoon
    # (11:30–14:30 UTC) never crosses midnight UTC: its UTC date is the
    # Rome date.
    lengths = sorted({point.slot_minutes for point in points})
    on_grid = Q()
    for length in lengths:
        on_grid |= Q(
            meeting_point__slot_minutes=length,
            start__in=[
                start
                for day in searched
                for start, _end in day_slot_starts(slot_minutes=length, day=day)
            ],
        )
    slots_per_day = {
        length: len(day_slot_starts(slot_minutes=length, day=searched[0]))
        for length in lengths
    }
    full = {
        (point_id, day)
        for point_id, day, length, n in Appointment.objects.filter(
            on_grid,
            # By branch: the planner joins the points and scans the window
            # once, where a list of thousands of point ids made it probe
            # the appointments point by point.
            meeting_point__branch_id__in=sorted({p.branch_id for p in points}),
            start__gte=window_start,
            start__lt=window_end,
        )
        .exclude(status=Appointment.Status.CANCELLED)
        .annotate(day=TruncDate("start", tzinfo=datetime.UTC))
        .values_list("meeting_point_id", "day", "meeting_point__slot_minutes")
        .annotate(n=Count("pk"))
        .filter(n__gte=min(slots_per_day.values()))
        .order_by()
        if n >= slots_per_day[length] and point_id in days_of
    }
    candidates: dict[int, list[datetime.date]] = {}
    for point in points:
        open_days = (d for d in days_of[point.pk] if (point.pk, d) not in full)
        first = next(open_days, None)
        if first is None:
            continue
        candidates[point.pk] = [first]
        if first == today:
            following = next(open_days, None)
            if following is not None:
                candidates[point.pk].append(following)
    by_day: dict[datetime.date, list[int]] = defaultdict(list)
    for point_id, days in candidates.items():
        for day in days:
            by_day[day].append(point_id)
    booked: set[tuple[int, datetime.datetime]] = set()
    if by_day:
        which = Q()
        for day, point_ids in by_day.items():
            start, end = _window(day, day)
            which |= Q(meeting_point_id__in=point_ids, start__gte=start, start__lt=end)
        booked = set(
            Appointment.objects.filter(which)
            .exclude(status=Appointment.Status.CANCELLED)
            .values_list("meeting_point_id", "start")
        )
    first_free: dict[int, datetime.datetime | None] = {}
    for point in points:
        first_free[point.pk] = next(
            (
                start
                for day in candidates.get(point.pk, [])
                for start, _end in day_slot_starts(
                    slot_minutes=point.slot_minutes, day=day
                )
                if start > now and (point.pk, start) not in booked
            ),
            None,
        )
    return first_free


def backlog_rows(
    *,
    branches: QuerySet[Branch],
    lines: Iterable[str] | None = None,
    now: datetime.datetime | None = None,
) -> list[BacklogRow]:
    """Return the backlog of every (branch, line) of ``branches``, computed now.

    The lines are those present today that need a meeting point, plus any
    line that has one. The first free slot is looked for up to
    ``BACKLOG_HORIZON_DAYS`` ahead. A fixed number of queries (branches,
    lines present, meeting points, two for the first free slots, two for
    the demand): the cost does not grow with the number of appointments;
    the rows fetched are the fully booked days and the bookings of one or
    two days per meeting point, not every booked slot of the horizon.
    """
    now = now or timezone.now()
    today = calendar.today(now=now)
    horizon = today + datetime.timedelta(days=BACKLOG_HORIZON_DAYS)
    consulting = [b for b in branches if b.has_consultation]
    if not consulting:
        return []
    by_id = {b.pk: b for b in consulting}
    branch_lines = list(
        BranchLine.objects.filter(branch_id__in=by_id).select_related("line")
    )
    points = list(
        MeetingPoint.objects.filter(
            Q(closed_on__isnull=True) | Q(closed_on__gte=today),
            branch_id__in=by_id,
            opened_on__lte=horizon,
        )
        .select_related("line")
        .order_by("pk")
    )
    for point in points:  # share the branch objects: no query per point
        point.branch = by_id[point.branch_id]
    line_codes = set(lines) if lines is not None else None

    pairs: dict[tuple[int, int], ServiceLine] = {}
    for bl in branch_lines:
        if bl.is_open_on(today) and bl.line.kind in LINE_KINDS_WITH_MEETING_POINT:
            pairs[(bl.branch_id, bl.line_id)] = bl.line
    for point in points:
        pairs[(point.branch_id, point.line_id)] = point.line
    if line_codes is not None:
        pairs = {k: v for k, v in pairs.items() if v.code in line_codes}
    if not pairs:
        return []

    points_by_pair: dict[tuple[int, int], list[MeetingPoint]] = defaultdict(list)
    for point in points:
        points_by_pair[(point.branch_id, point.line_id)].append(point)
    demand = _recent_demand(
        since=now - datetime.timedelta(days=BOOKING_RATE_DAYS),
        branch_ids=sorted({branch_id for branch_id, _line in pairs}),
    )
    presence = _presence(branch_lines)
    calendars: dict[tuple[object, ...], list[datetime.date]] = {}
    consult_days_of = {
        branch_id: _consultation_days(
            by_id[branch_id], first=today, last=horizon, cache=calendars
        )
        for branch_id in {branch_id for branch_id, _line in pairs}
    }
    first_free_of = _first_free_slots(
        points=[p for pair in pairs for p in points_by_pair[pair]],
        presence=presence,
        consult_days_of=consult_days_of,
        now=now,
    )
    window_end = today + datetime.timedelta(days=BOOKING_WINDOW_DAYS)
    window_days: dict[int, int] = {}
    rows = []
    for (branch_id, line_id), line in pairs.items():
        branch = by_id[branch_id]
        pair_points = points_by_pair[(branch_id, line_id)]
        first_free = min(
            (
                (start, p.pk)
                for p in pair_points
                if (start := first_free_of.get(p.pk)) is not None
            ),
            default=None,
        )
        first_free_start = first_free[0] if first_free else None
        backlog_days = (
            (calendar.to_rome(first_free_start).date() - today).days
            if first_free_start
            else None
        )
        level = backlog_level(backlog_days=backlog_days)
        active = [p for p in pair_points if p.is_valid_on(today)]
        slot_minutes = min((p.slot_minutes for p in active), default=30)
        per_day = len(day_slot_starts(slot_minutes=slot_minutes, day=today))
        days = consult_days_of[branch_id]
        if id(days) not in window_days:  # branches share their calendars
            window_days[id(days)] = sum(1 for day in days if today < day <= window_end)
        consult_days = window_days[id(days)]
        requests = demand.get((branch_id, line_id), 0)
        rows.append(
            BacklogRow(
                branch=branch,
                line=line,
                meeting_points=len(active),
                first_free_slot=first_free_start,
                backlog_days=backlog_days,
                level=level,
                recommended_meeting_points=recommended_meeting_points(
                    demand_per_30_days=requests
                    * BOOKING_WINDOW_DAYS
                    / BOOKING_RATE_DAYS,
                    slots_per_point_in_30_days=per_day * consult_days,
                    current=len(active),
                    flagged=level == BacklogFlag.Level.FLAGGED,
                ),
                booked_last_weeks=requests,
            )
        )
    rows.sort(key=lambda row: (row.branch.code, row.line.position, row.line.code))
    return rows


def meeting_point_gaps(
    *, on: datetime.date | None = None
) -> list[tuple[Branch, ServiceLine]]:
    """Return the (branch, line) pairs lacking a meeting point valid on ``on``.

    Every consulting branch needs one for each product/service line present
    and for Poli Specialistici where present (guideline §3). Two queries.
    """
    on = on or calendar.today()
    covered = set(
        MeetingPoint.objects.filter(
            Q(closed_on__isnull=True) | Q(closed_on__gte=on), opened_on__lte=on
        ).values_list("branch_id", "line_id")
    )
    gaps = []
    for bl in (
        BranchLine.objects.filter(line__kind__in=LINE_KINDS_WITH_MEETING_POINT)
        .exclude(branch__kind=Branch.Kind.TERRITORIAL_AGENCY)
        .select_related("branch", "line")
        .order_by("branch__code", "line__position")
    ):
        if bl.is_open_on(on) and (bl.branch_id, bl.line_id) not in covered:
            gaps.append((bl.branch, bl.line))
    return gaps


def backlog_flag_map(
    *, branch_ids: Iterable[int]
) -> dict[tuple[int, int], BacklogFlag]:
    """Return the stored flags of the branches, by (branch id, line id)."""
    return {
        (flag.branch_id, flag.line_id): flag
        for flag in BacklogFlag.objects.filter(branch_id__in=list(branch_ids))
    }


# --- Appointments and escalations -------------------------------------------


def _appointments_visible(*, user: AnyUser, roles: Iterable[str]) -> Q:
    """Return which appointments ``user`` may see through ``roles``.

    Reception, consultants and the floor supervisor see their branches'
    appointments; the contact centre only those it booked itself.
    """
    roles = list(roles)
    branch_roles = [r for r in roles if r != Role.CONTACT_CENTRE]
    visible = Q(meeting_point__branch__in=branch_list(user=user, roles=branch_roles))
    if Role.CONTACT_CENTRE in roles and user.is_authenticated:
        visible |= Q(
            meeting_point__branch__in=branch_list(
                user=user, roles=[Role.CONTACT_CENTRE]
            ),
            booked_by=user,
        )
    return visible


def appointment_get(
    *, user: AnyUser, appointment_id: int, roles: Iterable[str]
) -> Appointment:
    """Return the appointment if ``user`` may see it through ``roles``.

    Appointments of other branches, and for the contact centre those it
    did not book, answer 404, like missing ones.
    """
    appointment = (
        Appointment.objects.select_related(
            "meeting_point__branch", "meeting_point__line", "topic"
        )
        .filter(_appointments_visible(user=user, roles=roles), pk=appointment_id)
        .first()
    )
    if appointment is None:
        raise Http404
    return appointment


def appointment_list(
    *,
    branch: Branch,
    day: datetime.date | None = None,
    user: AnyUser | None = None,
    roles: Iterable[str] | None = None,
) -> QuerySet[Appointment]:
    """Return the branch's appointments, those of ``day`` (Rome) if given.

    With ``user`` and ``roles``, only those the user may see.
    """
    appointments = Appointment.objects.filter(
        meeting_point__branch=branch
    ).select_related("meeting_point__branch", "meeting_point__line", "topic")
    if user is not None and roles is not None:
        appointments = appointments.filter(
            _appointments_visible(user=user, roles=roles)
        )
    if day is not None:
        start, end = _window(day, day)
        appointments = appointments.filter(start__gte=start, start__lt=end)
    return appointments.order_by("start", "meeting_point_id")


def escalation_list(
    *,
    user: AnyUser,
    roles: Iterable[str],
    status: str | None = None,
    branch: str | None = None,
) -> QuerySet[Escalation]:
    """Return the escalations ``user`` may see through ``roles``, newest first.

    The regional office sees every escalation of its branches; the contact
    centre only those it sent itself (least privilege: the citizens of
    other requests are none of its business).
    """
    roles = list(roles)
    branch_roles = [r for r in roles if r != Role.CONTACT_CENTRE]
    visible = Q(branch__in=branch_list(user=user, roles=branch_roles))
    if Role.CONTACT_CENTRE in roles and user.is_authenticated:
        visible |= Q(
            branch__in=branch_list(user=user, roles=[Role.CONTACT_CENTRE]),
            requested_by=user,
        )
    escalations = Escalation.objects.filter(visible).select_related(
        "branch", "line", "topic", "resolved_by"
    )
    if status:
        escalations = escalations.filter(status=status)
    if branch:
        escalations = escalations.filter(branch__code=branch)
    return escalations.order_by("-requested_at", "-pk")


def escalation_get(
    *, user: AnyUser, escalation_id: int, roles: Iterable[str]
) -> Escalation:
    """Return the escalation if ``user`` reaches its branch, else raise Http404."""
    escalation = (
        escalation_list(user=user, roles=roles).filter(pk=escalation_id).first()
    )
    if escalation is None:
        raise Http404
    return escalation


def escalation_open_counts(*, branch: Branch) -> dict[int, int]:
    """Return the branch's open CRIC escalations per line id. One query."""
    rows = (
        Escalation.objects.filter(branch=branch, status=Escalation.Status.OPEN)
        .values("line_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["line_id"]: row["n"] for row in rows}


def request_counts_by_week(
    *, branch: Branch, weeks: int, now: datetime.datetime | None = None
) -> dict[int, list[int]]:
    """Return the branch's requests per line id in each of the last ``weeks``.

    Oldest week first; a week is seven days ending at ``now``. A request
    is an appointment booked (not cancelled) or one turned away to the
    CRIC, as in the backlog job. Two queries, whatever the appointments.
    """
    now = now or timezone.now()
    bounds = [
        (
            now - datetime.timedelta(weeks=weeks - k),
            now - datetime.timedelta(weeks=weeks - k - 1),
        )
        for k in range(weeks)
    ]
    counts: dict[int, list[int]] = defaultdict(lambda: [0] * weeks)
    booked = (
        Appointment.objects.filter(
            meeting_point__branch=branch, created_at__gte=bounds[0][0]
        )
        .exclude(status=Appointment.Status.CANCELLED)
        .values("meeting_point__line_id")
        .annotate(
            **{
                f"w{k}": Count(
                    "pk", filter=Q(created_at__gte=start, created_at__lt=end)
                )
                for k, (start, end) in enumerate(bounds)
            }
        )
        .order_by()
    )
    for row in booked:
        for k in range(weeks):
            counts[row["meeting_point__line_id"]][k] += row[f"w{k}"]
    escalated = (
        Escalation.objects.filter(branch=branch, requested_at__gte=bounds[0][0])
        .values("line_id")
        .annotate(
            **{
                f"w{k}": Count(
                    "pk", filter=Q(requested_at__gte=start, requested_at__lt=end)
                )
                for k, (start, end) in enumerate(bounds)
            }
        )
        .order_by()
    )
    for row in escalated:
        for k in range(weeks):
            counts[row["line_id"]][k] += row[f"w{k}"]
    return dict(counts)
