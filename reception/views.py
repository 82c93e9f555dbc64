"""Pages of the reception: intake and orientation, protocol, forms, complaints.

Built for a busy desk: one screen, keyboard first. Each page parses the
request, calls one service or selector and renders; refused actions show
as alerts on the same page.
"""

import datetime
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from consulenza.models import Appointment, Escalation
from consulenza.selectors import appointment_list, consultation_line_list
from consulenza.services import Citizen
from frontoffice.common.access import access
from frontoffice.common.api import DATE_MAX, DATE_MIN
from frontoffice.common.dates import long_date
from frontoffice.common.exceptions import ApplicationError
from frontoffice.common.fiscal_code import fiscal_code_clean
from frontoffice.common.pages import page_user, refusal_text
from reception import selectors, services
from reception.models import Arrival, ProtocolEntry
from sedi import calendar
from sedi.models import Branch, Service, StaffRole
from sedi.selectors import branch_get, branch_lines_open, branch_list
from sportelli.selectors import hours_now, ticket_state

Role = StaffRole.Role
DESK = (Role.RECEPTION, Role.FLOOR_SUPERVISOR)
OVERSIGHT = (Role.RECEPTION, Role.FLOOR_SUPERVISOR, Role.DIRECTOR)


def _branch(request: HttpRequest, code: str, roles: tuple[str, ...] = DESK) -> Branch:
    return branch_get(user=request.user, code=code, roles=roles)


def _posted_service(request: HttpRequest) -> Service | None:
    """Return the catalogue activity the form posted, if any (field error)."""
    value = request.POST.get("service", "")
    if not value:
        return None
    if not value.isdigit():
        raise ValidationError({"service": [_("Attività sconosciuta.")]})
    return selectors.service_get(service_id=int(value))


def _intake_context(obj: Branch, query: str) -> dict[str, Any]:
    """Return what the intake screen shows for ``query``."""
    today = calendar.today()
    return {
        "branch": obj,
        "query": query,
        "hours": hours_now(branch=obj),
        "for_tickets": True,
        "appointments": appointment_list(branch=obj, day=today)
        if obj.has_consultation
        else [],
        # Indebiti has no meeting point: it is not offered for booking.
        "consultation_lines": consultation_line_list(
            lines=[bl.line for bl in branch_lines_open(branch=obj, on=today)]
        )
        if obj.has_consultation
        else [],
        "matches": selectors.reason_search(branch=obj, query=query) if query else [],
        "forms": selectors.form_list(),
        "recent": Arrival.objects.filter(branch=obj)
        .select_related("line", "ticket", "form")
        .order_by("-arrived_at")[:8],
        "booking": {},
    }


@access(
    GET=(Role.RECEPTION, Role.FLOOR_SUPERVISOR),
    POST=(Role.RECEPTION, Role.FLOOR_SUPERVISOR),
)
@login_required
@never_cache
def intake(request: HttpRequest, branch: str) -> HttpResponse:
    """The intake screen: search the reason, send the person to the right place."""
    obj = _branch(request, branch)
    query = request.GET.get("q", "")[:100]
    context = _intake_context(obj, query)
    if query and not context["matches"]:
        # Reception extends the synonyms from this list (admin).
        services.unmatched_search_log(branch=obj, query=query)
    template = (
        "reception/partials/matches.html"
        if request.headers.get("HX-Request") == "true"
        else "reception/intake.html"
    )
    return render(request, template, context)


@access(POST=(Role.RECEPTION, Role.FLOOR_SUPERVISOR))
@login_required
@require_POST
def intake_ticket(request: HttpRequest, branch: str) -> HttpResponse:
    """Issue the ticket of the chosen line and show it ready to print."""
    obj = _branch(request, branch)
    try:
        service = _posted_service(request)
        arrival = services.arrival_ticket(
            branch=obj,
            line_code=request.POST.get("line", "")[:50],
            service=service,
            reason=request.POST.get("reason", "")[:200],
            priority=request.POST.get("priority") == "on",
            handled_by=page_user(request),
        )
    except (ApplicationError, ValidationError) as exc:
        messages.error(request, refusal_text(exc))
        # Back to the same search: the person is still at the desk.
        query = request.POST.get("q", "")[:100]
        target = reverse("reception:intake", args=[obj.code])
        if query:
            target += "?" + urlencode({"q": query})
        return redirect(target)
    assert arrival.ticket is not None
    return redirect(reverse("reception:ticket", args=[obj.code, arrival.ticket.pk]))


@access(GET=(Role.RECEPTION, Role.FLOOR_SUPERVISOR))
@login_required
@never_cache
def ticket(request: HttpRequest, branch: str, ticket_id: int) -> HttpResponse:
    """The ticket just issued at the desk, with print button."""
    obj = _branch(request, branch)
    arrival = (
        Arrival.objects.select_related("ticket__line", "ticket__branch")
        .filter(branch=obj, ticket_id=ticket_id)
        .first()
    )
    if arrival is None or arrival.ticket is None:
        raise Http404(ticket_id)
    state = ticket_state(ticket=arrival.ticket)
    status_url = request.build_absolute_uri(
        reverse("sportelli-pages:ticket", args=[arrival.ticket.public_code])
    )
    return render(
        request,
        "reception/ticket.html",
        {
            "branch": obj,
            "state": state,
            "ticket": arrival.ticket,
            "status_url": status_url,
        },
    )


@access(POST=(Role.RECEPTION, Role.FLOOR_SUPERVISOR))
@login_required
@require_POST
def intake_solved(request: HttpRequest, branch: str) -> HttpResponse:
    """Log an arrival solved at the desk (information, or a form handed out)."""
    obj = _branch(request, branch)
    try:
        code = request.POST.get("form", "")[:50]
        form = selectors.form_get(code=code) if code else None
        service = _posted_service(request)
        arrival = services.arrival_solved(
            branch=obj,
            service=service,
            reason=request.POST.get("reason", "")[:200],
            form=form,
            handled_by=page_user(request),
        )
    except (ApplicationError, ValidationError) as exc:
        messages.error(request, refusal_text(exc))
    else:
        messages.success(
            request,
            _("Registrato: %(outcome)s — %(reason)s")
            % {"outcome": arrival.get_outcome_display(), "reason": arrival.reason},
        )
    return redirect(reverse("reception:intake", args=[obj.code]))


@access(POST=(Role.RECEPTION, Role.FLOOR_SUPERVISOR))
@login_required
@require_POST
def intake_check_in(request: HttpRequest, branch: str) -> HttpResponse:
    """Record the arrival of an appointment holder.

    The appointment is picked from today's list, or found by the codice
    fiscale the receptionist types (sent by POST, never in the URL).
    """
    obj = _branch(request, branch)
    today = calendar.today()
    todays = appointment_list(branch=obj, day=today).filter(
        status=Appointment.Status.BOOKED
    )
    try:
        if request.POST.get("appointment"):
            appointment = todays.filter(pk=int(request.POST["appointment"])).first()
        else:
            fiscal_code = fiscal_code_clean(request.POST.get("fiscal_code", "")[:32])
            appointment = todays.filter(fiscal_code=fiscal_code).first()
        if appointment is None:
            raise ApplicationError(
                code="no_appointment",
                detail=_("Nessun appuntamento da registrare oggi per questa persona."),
            )
        arrival = services.arrival_check_in(
            branch=obj, appointment=appointment, handled_by=page_user(request)
        )
    except ValueError:
        messages.error(request, _("Appuntamento non valido."))
    except (ApplicationError, ValidationError) as exc:
        messages.error(request, refusal_text(exc))
    else:
        local = calendar.to_rome(appointment.start)
        messages.success(
            request,
            _("Arrivo registrato: appuntamento delle %(time)s, %(point)s.")
            % {
                "time": local.strftime("%H:%M"),
                "point": appointment.meeting_point.name,
            },
        )
        assert arrival.pk
    return redirect(reverse("reception:intake", args=[obj.code]))


@access(POST=(Role.RECEPTION, Role.FLOOR_SUPERVISOR))
@login_required
@require_POST
def intake_booking(request: HttpRequest, branch: str) -> HttpResponse:
    """Book the first free consultation for the person at the desk."""
    obj = _branch(request, branch)
    field = request.POST.get
    typed = {
        "line": field("line", "")[:50],
        "fiscal_code": field("fiscal_code", "")[:32],
        "first_name": field("first_name", "").strip()[:100],
        "last_name": field("last_name", "").strip()[:100],
        "email": field("email", "").strip()[:254],
        "phone": field("phone", "").strip()[:30],
    }
    try:
        _arrival, result = services.arrival_booking(
            branch=obj,
            line_code=typed["line"],
            citizen=Citizen(
                fiscal_code=typed["fiscal_code"],
                first_name=typed["first_name"],
                last_name=typed["last_name"],
                email=typed["email"],
                phone=typed["phone"],
            ),
            handled_by=page_user(request),
        )
    except (ApplicationError, ValidationError) as exc:
        # The page again, with what was typed: nobody types a name twice.
        context = _intake_context(obj, "")
        context["booking"] = typed
        context["booking_error"] = refusal_text(exc)
        status = 409 if isinstance(exc, ApplicationError) else 400
        return render(request, "reception/intake.html", context, status=status)
    else:
        if isinstance(result, Escalation):
            messages.warning(
                request,
                _(
                    "Nessun posto libero entro trenta giorni: richiesta inoltrata "
                    "al CRIC regionale (n. %(id)d)."
                )
                % {"id": result.pk},
            )
        else:
            local = calendar.to_rome(result.start)
            messages.success(
                request,
                _("Consulenza prenotata: %(day)s alle %(time)s, %(point)s.")
                % {
                    "day": long_date(local.date()),
                    "time": local.strftime("%H:%M"),
                    "point": result.meeting_point.name,
                },
            )
    return redirect(reverse("reception:intake", args=[obj.code]))


@access(
    GET=(Role.RECEPTION, Role.FLOOR_SUPERVISOR),
    POST=(Role.RECEPTION, Role.FLOOR_SUPERVISOR),
)
@login_required
@never_cache
def protocol(request: HttpRequest, branch: str) -> HttpResponse:
    """Register a document or a complaint; list today's register."""
    obj = _branch(request, branch)
    errors: dict[str, list[str]] = {}
    values = {"kind": request.GET.get("kind", ProtocolEntry.Kind.DOCUMENT)}
    if request.method == "POST":
        values = {k: request.POST.get(k, "")[:500] for k in (
            "kind", "subject", "attachments", "fiscal_code", "first_name", "last_name"
        )}  # fmt: skip
        try:
            attachments = int(values["attachments"] or 0)
            if not 0 <= attachments <= 999:
                raise ValueError
        except ValueError:
            errors["attachments"] = [_("Indicare un numero da 0 a 999.")]
        else:
            try:
                entry = services.protocol_register(
                    branch=obj,
                    kind=values["kind"],
                    subject=values["subject"],
                    attachments=attachments,
                    fiscal_code=values["fiscal_code"],
                    first_name=values["first_name"][:100],
                    last_name=values["last_name"][:100],
                    registered_by=page_user(request),
                    log_arrival=True,
                )
            except ValidationError as exc:
                errors = exc.message_dict
            else:
                return redirect(reverse("reception:receipt", args=[obj.code, entry.pk]))
    return render(
        request,
        "reception/protocol.html",
        {
            "branch": obj,
            "errors": errors,
            "values": values,
            "kinds": ProtocolEntry.Kind.choices,
            "entries": selectors.protocol_entries(
                branch=obj, year=calendar.to_rome(timezone.now()).year
            )[:15],
        },
        status=400 if errors else 200,
    )


@access(GET=(Role.RECEPTION, Role.FLOOR_SUPERVISOR, Role.DIRECTOR))
@login_required
@never_cache
def receipt(request: HttpRequest, branch: str, entry_id: int) -> HttpResponse:
    """The printable receipt of a registration, for the citizen."""
    obj = _branch(request, branch, OVERSIGHT)
    entry = selectors.protocol_entry_get(
        branches=branch_list(user=request.user, roles=OVERSIGHT).filter(pk=obj.pk),
        entry_id=entry_id,
    )
    return render(request, "reception/receipt.html", {"branch": obj, "entry": entry})


@access(
    GET=(Role.RECEPTION, Role.FLOOR_SUPERVISOR, Role.DIRECTOR),
    POST=(Role.RECEPTION, Role.FLOOR_SUPERVISOR, Role.DIRECTOR),
)
@login_required
@never_cache
def complaints(request: HttpRequest, branch: str) -> HttpResponse:
    """Complaints near or past their reply deadline, for the floor supervisor."""
    obj = _branch(request, branch, OVERSIGHT)
    if request.method == "POST":
        entry_id = request.POST.get("entry", "")
        if not entry_id.isdigit():
            raise Http404(entry_id)
        entry = selectors.protocol_entry_get(
            branches=branch_list(user=request.user, roles=OVERSIGHT).filter(pk=obj.pk),
            entry_id=int(entry_id),
        )
        try:
            services.complaint_status_set(
                entry=entry, status=request.POST.get("status", "")[:16]
            )
        except (ApplicationError, ValidationError) as exc:
            messages.error(request, refusal_text(exc))
        return redirect(reverse("reception:complaints", args=[obj.code]))
    today = calendar.today()
    return render(
        request,
        "reception/complaints.html",
        {
            "branch": obj,
            "today": today,
            "entries": selectors.complaints_due(branch=obj, today=today),
            "statuses": ProtocolEntry.ComplaintStatus.choices,
        },
    )


# --- Protocol register: search and annulment -----------------------------------

REGISTER_PER_PAGE = 25


def _register_query(data: Any) -> tuple[selectors.ProtocolQuery, dict[str, str], dict]:
    """Parse the register's search form; return the query, values and errors."""
    values = {
        key: str(data.get(key, ""))[:100].strip()
        for key in ("numero", "dal", "al", "tipo", "oggetto")
    }
    errors: dict[str, list[str]] = {}
    number = year = None
    if values["numero"]:
        # The bare number (123) or the printed one (roma-centro/2026/0000123).
        parts = values["numero"].split("/")
        digits = parts[-1]
        if not digits.isdigit() or len(digits) > 9:
            errors["numero"] = [_("Indicare il numero (es. 123 o sede/2026/0000123).")]
        else:
            number = int(digits)
            if len(parts) >= 2 and parts[-2].isdigit() and len(parts[-2]) == 4:
                year = int(parts[-2])
    dates: dict[str, datetime.date | None] = {"dal": None, "al": None}
    for key in dates:
        if values[key]:
            try:
                dates[key] = datetime.date.fromisoformat(values[key])
            except ValueError:
                errors[key] = [_("Data non valida (aaaa-mm-gg).")]
            else:
                if not DATE_MIN <= dates[key] <= DATE_MAX:  # type: ignore[operator]
                    errors[key] = [_("Data non valida (aaaa-mm-gg).")]
                    dates[key] = None
    return (
        selectors.ProtocolQuery(
            number=number,
            year=year,
            date_from=dates["dal"],
            date_to=dates["al"],
            kind=values["tipo"],
            subject=values["oggetto"],
        ),
        values,
        errors,
    )


@access(GET=OVERSIGHT, POST=OVERSIGHT)
@login_required
@never_cache
def protocol_register(request: HttpRequest, branch: str) -> HttpResponse:
    """Search the register by number, date, kind and subject.

    The search is sent by POST: a subject may name a person, and personal
    data never travel in a URL.
    """
    obj = _branch(request, branch, OVERSIGHT)
    data = request.POST if request.method == "POST" else {}
    query, values, errors = _register_query(data)
    entries = selectors.protocol_search(branch=obj, query=query)
    if errors:
        entries = entries.none()
    page = Paginator(entries, REGISTER_PER_PAGE).get_page(data.get("pagina"))
    return render(
        request,
        "reception/register.html",
        {
            "branch": obj,
            "values": values,
            "errors": errors,
            "kinds": ProtocolEntry.Kind.choices,
            "page": page,
            "searched": request.method == "POST",
        },
        status=400 if errors else 200,
    )


@access(POST=OVERSIGHT)
@login_required
@never_cache
@require_POST
def protocol_annul(request: HttpRequest, branch: str, entry_id: int) -> HttpResponse:
    """Annul an entry with its reason (DPR 445/2000 art. 54), from its page."""
    obj = _branch(request, branch, OVERSIGHT)
    entry = selectors.protocol_entry_get(
        branches=branch_list(user=request.user, roles=OVERSIGHT).filter(pk=obj.pk),
        entry_id=entry_id,
    )
    reason = request.POST.get("reason", "")[:500]
    try:
        services.protocol_annul(
            entry=entry, reason=reason, annulled_by=page_user(request)
        )
    except ValidationError as exc:
        return render(
            request,
            "reception/receipt.html",
            {
                "branch": obj,
                "entry": entry,
                "reason": reason,
                "annul_errors": exc.messages,
            },
            status=400,
        )
    except ApplicationError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(
            request,
            _("Registrazione %(number)s annullata; il numero resta nel registro.")
            % {"number": entry.protocol_number},
        )
    return redirect(reverse("reception:receipt", args=[obj.code, entry.pk]))
