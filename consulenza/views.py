"""Pages of the agenda: the booking form of the reception and the CCM.

Interface only: the page parses the form and calls the same service as
the API. A refused booking shows as an alert on the page, never as an
error page; a done one redirects (post/redirect/get).
"""

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from consulenza import selectors, services
from consulenza.forms import BookingForm
from consulenza.models import Appointment, Channel, Escalation
from frontoffice.common.access import access
from frontoffice.common.dates import long_date
from frontoffice.common.exceptions import ApplicationError
from frontoffice.common.pages import page_user
from sedi import calendar
from sedi.models import ServiceLine, StaffRole
from sedi.selectors import branch_get, branch_lines_open, branch_list

Role = StaffRole.Role
BOOKERS = (Role.RECEPTION, Role.CONTACT_CENTRE, Role.FLOOR_SUPERVISOR)
# The page also serves the counter operators: "Attivazione Agenda
# appuntamenti" is an activity of their catalogue, booked from the desk.
PAGE_BOOKERS = (*BOOKERS, Role.OPERATOR)
# The booking calendar shows Monday to Thursday, the consultation days.
CONSULTATION_WEEKDAYS = 4


@dataclass(frozen=True)
class CalendarDay:
    """One day of the booking calendar and its free slots."""

    day: datetime.date
    free: int
    is_chosen: bool


def _calendar_weeks(
    *,
    first_day: datetime.date,
    last_day: datetime.date,
    free_days: dict[datetime.date, list[selectors.Slot]],
    chosen: datetime.date | None,
) -> list[list[CalendarDay | None]]:
    """Return the consultation days (Mon–Thu) of the window, week by week.

    Days outside the window are None; a day in it without a free slot has
    ``free == 0`` (full, closed or a holiday).
    """
    weeks = []
    monday = first_day - datetime.timedelta(days=first_day.weekday())
    while monday <= last_day:
        week: list[CalendarDay | None] = []
        for offset in range(CONSULTATION_WEEKDAYS):
            day = monday + datetime.timedelta(days=offset)
            if first_day <= day <= last_day:
                free = len(free_days.get(day, []))
                week.append(CalendarDay(day=day, free=free, is_chosen=day == chosen))
            else:
                week.append(None)
        weeks.append(week)
        monday += datetime.timedelta(days=7)
    return weeks


def _chosen_day(
    value: str,
    start: datetime.datetime | None,
    free_days: dict[datetime.date, list[selectors.Slot]],
) -> datetime.date | None:
    """Return the day whose times are shown: the posted slot's, asked, or first."""
    if start is not None:
        return calendar.to_rome(start).date()
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        day = None
    if day is not None and day in free_days:
        return day
    return min(free_days) if free_days else None


@access(GET=PAGE_BOOKERS, POST=PAGE_BOOKERS)
@never_cache  # the page shows personal data: no-store
@login_required
@require_http_methods(["GET", "POST"])
def appointment_book(request: HttpRequest) -> HttpResponse:
    """Book a consultation for a citizen at the desk or on the phone.

    The free slots of the next thirty days are shown as a calendar of days;
    a day's link (plain, enhanced by htmx) shows its free times, so the page
    works without JavaScript. A refused booking shows the form again with
    what was typed (400 bad input, 409 a rule of the guideline).
    """
    user = page_user(request)
    branches = [
        b for b in branch_list(user=user, roles=PAGE_BOOKERS) if b.has_consultation
    ]
    if not branches:
        raise PermissionDenied
    source = request.POST if request.method == "POST" else request.GET
    branch_code = source.get("branch", "")[:50]
    line_code = source.get("line", "")[:50]
    branch = line = None
    today = calendar.today()
    if branch_code:
        branch = branch_get(user=user, code=branch_code, roles=PAGE_BOOKERS)
    if branch is not None:
        present = [bl.line for bl in branch_lines_open(branch=branch, on=today)]
    else:
        present = list(ServiceLine.objects.all())
    # Indebiti has no meeting point: it is not offered for booking.
    lines = selectors.consultation_line_list(lines=present)
    if line_code:
        line = ServiceLine.objects.filter(code=line_code).first()
        if request.method == "GET" and line not in lines:
            # Only a posted line goes to the agenda service, which refuses.
            line = None
    is_ccm = (
        branch_list(user=user, roles=[Role.CONTACT_CENTRE]).exists()
        and not branch_list(user=user, roles=[Role.RECEPTION]).exists()
    )
    form = BookingForm(
        request.POST if request.method == "POST" else None,
        initial={"channel": Channel.CONTACT_CENTRE if is_ccm else Channel.COUNTER},
    )
    error = None
    status = 200
    if request.method == "POST" and branch is not None and line is not None:
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = services.appointment_book(
                    branch=branch,
                    line_code=line.code,
                    citizen=services.Citizen(
                        fiscal_code=data["fiscal_code"],
                        first_name=data["first_name"],
                        last_name=data["last_name"],
                        email=data["email"],
                        phone=data["phone"],
                    ),
                    booked_by=user,
                    **form.service_kwargs(),
                )
            except ApplicationError as exc:
                error, status = exc.detail, 409
            except ValidationError as exc:
                status = 400
                for field, errors in exc.message_dict.items():
                    target = field if field in form.fields else None
                    for message in errors:
                        form.add_error(target, message)
            else:
                _booked_message(request, result)
                query = urlencode({"branch": branch.code, "line": line.code})
                return HttpResponseRedirect(
                    f"{reverse('consulenza-pages:appointment-book')}?{query}"
                )
        else:
            status = 400
    elif request.method == "POST":
        error, status = _("Scegliere la sede e la linea."), 400

    free_days: dict[datetime.date, list[selectors.Slot]] = {}
    last_day = today + datetime.timedelta(days=selectors.BOOKING_WINDOW_DAYS)
    if branch is not None and line is not None:
        free_days = selectors.free_slots_by_day(
            branch=branch, line=line, first_day=today, last_day=last_day
        )
    posted_start = None
    if form.is_bound and not form.has_error("start"):
        posted_start = form.cleaned_data.get("start")
    day = _chosen_day(source.get("day", ""), posted_start, free_days)
    day_slots = free_days.get(day, []) if day is not None else []
    return render(
        request,
        "consulenza/book.html",
        {
            "branches": branches,
            "lines": lines,
            "branch": branch,
            "line": line,
            "form": form,
            "weeks": _calendar_weeks(
                first_day=today, last_day=last_day, free_days=free_days, chosen=day
            ),
            "weekdays": [_("lunedì"), _("martedì"), _("mercoledì"), _("giovedì")],
            "has_free": bool(free_days),
            "day": day,
            "day_slots": day_slots,
            "many_points": len({s.meeting_point.pk for s in day_slots}) > 1,
            # A posted slot taken meanwhile is no longer offered: first free.
            "chosen_start": posted_start.isoformat()
            if posted_start and any(s.start == posted_start for s in day_slots)
            else "",
            "error": error,
        },
        status=status,
    )


def _booked_message(request: HttpRequest, result: Appointment | Escalation) -> None:
    if isinstance(result, Escalation):
        messages.warning(
            request,
            _(
                "Nessun posto libero entro trenta giorni: la richiesta "
                "è stata inoltrata al CRIC regionale (n. %(id)d)."
            )
            % {"id": result.pk},
        )
        return
    local = calendar.to_rome(result.start)
    messages.success(
        request,
        _("Appuntamento fissato: %(day)s alle %(time)s, %(point)s.")
        % {
            "day": long_date(local.date()),
            "time": local.strftime("%H:%M"),
            "point": result.meeting_point.name,
        },
    )


# --- The consultant's agenda --------------------------------------------------

AGENDA_ROLES = (Role.CONSULTANT, Role.FLOOR_SUPERVISOR)


@access(GET=AGENDA_ROLES)
@never_cache  # names and codici fiscali: no-store
@login_required
@require_http_methods(["GET"])
def agenda(request: HttpRequest, branch: str) -> HttpResponse:
    """Show today's appointments of the branch, of one meeting point if chosen."""
    user = page_user(request)
    obj = branch_get(user=user, code=branch, roles=AGENDA_ROLES)
    today = calendar.today()
    points = list(
        selectors.meeting_point_list(branch=obj, valid_from=today, valid_to=today)
    )
    point = None
    chosen = request.GET.get("punto", "")
    if chosen.isdigit():
        point = next((p for p in points if p.pk == int(chosen)), None)
    appointments = selectors.appointment_list(
        branch=obj, day=today, user=user, roles=AGENDA_ROLES
    )
    if point is not None:
        appointments = appointments.filter(meeting_point=point)
    return render(
        request,
        "consulenza/agenda.html",
        {
            "branch": obj,
            "today": today,
            "points": points,
            "point": point,
            "appointments": list(appointments),
        },
    )


@access(GET=AGENDA_ROLES, POST=AGENDA_ROLES)
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def agenda_appointment(
    request: HttpRequest, branch: str, appointment_id: int
) -> HttpResponse:
    """Show one appointment; POST closes it with istruttoria and definizione."""
    user = page_user(request)
    obj = branch_get(user=user, code=branch, roles=AGENDA_ROLES)
    appointment = selectors.appointment_get(
        user=user, appointment_id=appointment_id, roles=AGENDA_ROLES
    )
    if appointment.meeting_point.branch_id != obj.pk:
        raise Http404(appointment_id)
    notes = request.POST.get("preparation_notes", "")[:5000]
    outcome = request.POST.get("outcome", "")[:5000]
    errors: dict[str, list[str]] = {}
    error = None
    status = 200
    if request.method == "POST":
        try:
            services.appointment_close(
                appointment=appointment,
                preparation_notes=notes,
                outcome=outcome,
                closed_by=user,
            )
        except ValidationError as exc:
            errors = exc.message_dict
            status = 400
        except ApplicationError as exc:
            error = exc.detail
            status = 409
        else:
            local = calendar.to_rome(appointment.start)
            messages.success(
                request,
                _("Appuntamento delle %(time)s definito.")
                % {"time": local.strftime("%H:%M")},
            )
            query = urlencode({"punto": appointment.meeting_point_id})
            return HttpResponseRedirect(
                f"{reverse('consulenza-pages:agenda', args=[obj.code])}?{query}"
            )
    return render(
        request,
        "consulenza/agenda_appointment.html",
        {
            "branch": obj,
            "appointment": appointment,
            "day": calendar.to_rome(appointment.start).date(),
            "notes": notes,
            "outcome": outcome,
            "errors": errors,
            "error": error,
        },
        status=status,
    )


# --- CRIC escalations ---------------------------------------------------------

ESCALATION_READERS = (Role.REGIONAL, Role.CONTACT_CENTRE)
ESCALATIONS_PER_PAGE = 25


def _escalations_page(
    request: HttpRequest,
    *,
    failed: int | None = None,
    typed: str = "",
    errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = page_user(request)
    state = request.GET.get("stato", "")
    if state not in Escalation.Status.values:
        state = ""
    branch_code = request.GET.get("sede", "")[:50]
    branches = list(branch_list(user=user, roles=ESCALATION_READERS))
    if branch_code not in {b.code for b in branches}:
        branch_code = ""
    escalations = selectors.escalation_list(
        user=user,
        roles=ESCALATION_READERS,
        status=state or None,
        branch=branch_code or None,
    )
    page = Paginator(escalations, ESCALATIONS_PER_PAGE).get_page(
        request.GET.get("pagina")
    )
    query = urlencode({k: v for k, v in (("stato", state), ("sede", branch_code)) if v})
    return render(
        request,
        "consulenza/escalations.html",
        {
            "page": page,
            "states": Escalation.Status.choices,
            "state": state,
            "branches": branches,
            "branch_code": branch_code,
            "query": query,
            "can_resolve": branch_list(user=user, roles=[Role.REGIONAL]).exists(),
            "failed": failed,
            "typed": typed,
            "errors": errors or [],
        },
        status=status,
    )


@access(GET=ESCALATION_READERS)
@never_cache  # citizens' names: no-store
@login_required
@require_http_methods(["GET"])
def escalation_list(request: HttpRequest) -> HttpResponse:
    """List the CRIC escalations (the region's; the CCM's own), with filters."""
    if not branch_list(user=page_user(request), roles=ESCALATION_READERS).exists():
        raise PermissionDenied
    return _escalations_page(request)


@access(POST=(Role.REGIONAL,))
@never_cache
@login_required
@require_http_methods(["POST"])
def escalation_resolve(request: HttpRequest, escalation_id: int) -> HttpResponse:
    """Resolve an escalation with the CRIC's outcome, from the list."""
    user = page_user(request)
    if not branch_list(user=user, roles=[Role.REGIONAL]).exists():
        raise PermissionDenied
    escalation = selectors.escalation_get(
        user=user, escalation_id=escalation_id, roles=[Role.REGIONAL]
    )
    outcome = request.POST.get("outcome", "")[:5000]
    try:
        services.escalation_resolve(
            escalation=escalation, outcome=outcome, resolved_by=user
        )
    except ValidationError as exc:
        return _escalations_page(
            request,
            failed=escalation.pk,
            typed=outcome,
            errors=exc.messages,
            status=400,
        )
    except ApplicationError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(
            request,
            _("Richiesta n. %(id)d risolta.") % {"id": escalation.pk},
        )
    back = request.POST.get("next", "")
    target = reverse("consulenza-pages:escalations")
    if back.startswith("?") and len(back) < 200:
        target += back
    return HttpResponseRedirect(target)
