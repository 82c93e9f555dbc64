"""Pages of the floor supervisor: the live hall and its action forms.

Interface only: each page parses the request, calls one selector or
service and renders. Actions are POST forms answered with a redirect; a
refused action shows as an alert on the dashboard, never as an error page.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from formazione.selectors import qualification_list
from frontoffice.common.access import access
from frontoffice.common.dates import long_date
from frontoffice.common.exceptions import ApplicationError
from frontoffice.common.pages import page_user, refusal_text
from sala import selectors, services
from sala.models import CounterClone
from sedi import calendar
from sedi.models import Branch, StaffRole
from sedi.selectors import branch_get, branch_lines_open, staff_list, user_has_role
from sportelli.selectors import counter_get

Role = StaffRole.Role
PAGE_ROLES = (Role.FLOOR_SUPERVISOR, Role.DIRECTOR)
# The page asks htmx for fresh figures this often.
POLL_SECONDS = 10


def _branch(request: HttpRequest, code: str) -> Branch:
    """Return the branch if the user runs its hall; 403 to other roles."""
    if not user_has_role(user=request.user, roles=PAGE_ROLES):
        raise PermissionDenied
    return branch_get(user=request.user, code=code, roles=PAGE_ROLES)


def _live_context(branch: Branch) -> dict[str, Any]:
    dashboard = selectors.dashboard_get(branch=branch)
    chart = {
        "hours": [f"{hour:02d}" for hour, _today, _usual in dashboard.waits_by_hour],
        "today": [today for _hour, today, _usual in dashboard.waits_by_hour],
        "usual": [usual for _hour, _today, usual in dashboard.waits_by_hour],
        "lines": [row.line.letter for row in dashboard.lines],
        "issued": [row.issued_today for row in dashboard.lines],
    }
    return {"branch": branch, "dash": dashboard, "chart": chart}


def _operator_options(branch: Branch) -> list[dict[str, Any]]:
    """Return the branch's operators, each with the lines they are trained for."""
    letters: dict[int, list[str]] = defaultdict(list)
    for qualification in qualification_list(branch=branch):
        letters[qualification.operator_id].append(qualification.line.letter)
    return [
        {
            "pk": person.pk,
            "name": person.get_full_name() or person.get_username(),
            "lines": ", ".join(letters.get(person.pk, [])),
        }
        for person in staff_list(branch=branch, role=Role.OPERATOR)
    ]


@access(GET=(Role.FLOOR_SUPERVISOR, Role.DIRECTOR))
@never_cache
@login_required
@require_GET
def dashboard(request: HttpRequest, branch: str) -> HttpResponse:
    """Show the live hall with the supervisor's actions."""
    obj = _branch(request, branch)
    today = calendar.today()
    context = _live_context(obj)
    counters = context["dash"].counters
    context.update(
        {
            "poll_seconds": POLL_SECONDS,
            "lines_open": [bl.line for bl in branch_lines_open(branch=obj, on=today)],
            "closed_counters": [c for c in counters if c.status == "closed"],
            "open_counters": [c for c in counters if c.status != "closed"],
            "operators": _operator_options(obj),
            "clones": selectors.clone_list(branch=obj),
            "peak_lines": selectors.peak_lines(branch=obj, on=today),
            "actions": selectors.action_list(branch=obj),
            "today": today,
            "can_run_counters": user_has_role(
                user=request.user, roles=services.COUNTER_ROLES
            ),
        }
    )
    return render(request, "sala/dashboard.html", context)


@access(GET=(Role.FLOOR_SUPERVISOR, Role.DIRECTOR))
@never_cache
@login_required
@require_GET
def dashboard_live(request: HttpRequest, branch: str) -> HttpResponse:
    """Return the live part of the dashboard (polled by htmx)."""
    obj = _branch(request, branch)
    return render(request, "sala/partials/live.html", _live_context(obj))


def _time_today(value: str) -> datetime.datetime:
    try:
        at = datetime.time.fromisoformat(value)
    except ValueError:
        raise ValidationError({"ends_at": [_("Orario non valido.")]}) from None
    return datetime.datetime.combine(calendar.today(), at, calendar.ROME)


def _date(value: str, field: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ValidationError({field: [_("Data non valida.")]}) from None


def _int(value: str, field: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ValidationError({field: [_("Valore non valido.")]}) from None


def _clone(request: HttpRequest, branch: Branch) -> str:
    counter = counter_get(
        user=request.user,
        counter_id=_int(request.POST.get("counter", ""), "counter"),
        roles=services.COUNTER_ROLES,
    )
    operator = (
        get_user_model()
        .objects.filter(pk=_int(request.POST.get("operator", ""), "operator"))
        .first()
    )
    if operator is None:
        raise ValidationError({"operator": [_("Operatore sconosciuto.")]})
    clone = services.counter_clone(
        actor=page_user(request),
        branch=branch,
        counter=counter,
        line_code=request.POST.get("line", ""),
        operator=operator,
        ends_at=_time_today(request.POST.get("ends_at", "")),
        reason=request.POST.get("reason", ""),
    )
    return _("%(counter)s aperto per la linea «%(line)s» fino alle %(time)s.") % {
        "counter": clone.counter.name,
        "line": clone.line.name,
        "time": calendar.to_rome(clone.ends_at).strftime("%H:%M"),
    }


def _clone_end(request: HttpRequest, branch: Branch) -> str:
    clone = (
        CounterClone.objects.filter(
            branch=branch, pk=_int(request.POST.get("clone", ""), "clone")
        )
        .select_related("branch", "counter", "line")
        .first()
    )
    if clone is None:
        raise Http404
    services.counter_clone_end(
        actor=page_user(request),
        clone=clone,
        reason=request.POST.get("reason", "") or _("Fine del picco"),
    )
    return _("%(counter)s chiuso: fine dello sportello clonato.") % {
        "counter": clone.counter.name
    }


def _line_open(request: HttpRequest, branch: Branch) -> str:
    branch_line = services.peak_line_open(
        actor=page_user(request),
        branch=branch,
        line_code=request.POST.get("line", ""),
        opened_on=_date(request.POST.get("opened_on", ""), "opened_on"),
        closes_on=_date(request.POST.get("closes_on", ""), "closes_on"),
        reason=request.POST.get("reason", ""),
    )
    return _("Linea «%(line)s» aperta dal %(start)s al %(end)s.") % {
        "line": branch_line.line.name,
        "start": long_date(branch_line.opened_on),
        "end": long_date(branch_line.closes_on),
    }


def _line_close(request: HttpRequest, branch: Branch) -> str:
    branch_line = services.peak_line_close(
        actor=page_user(request),
        branch=branch,
        line_code=request.POST.get("line", ""),
        reason=request.POST.get("reason", ""),
    )
    return _("Linea «%(line)s» chiusa da oggi.") % {"line": branch_line.line.name}


def _counter_of(request: HttpRequest, branch: Branch) -> Any:
    counter = counter_get(
        user=request.user,
        counter_id=_int(request.POST.get("counter", ""), "counter"),
        roles=services.COUNTER_ROLES,
    )
    if counter.branch_id != branch.pk:
        raise Http404
    return counter


def _pause(request: HttpRequest, branch: Branch) -> str:
    counter = _counter_of(request, branch)
    services.counter_pause(
        actor=page_user(request), counter=counter, reason=request.POST.get("reason", "")
    )
    return _("%(counter)s in pausa.") % {"counter": counter.name}


def _close(request: HttpRequest, branch: Branch) -> str:
    counter = _counter_of(request, branch)
    services.counter_close(
        actor=page_user(request), counter=counter, reason=request.POST.get("reason", "")
    )
    return _("%(counter)s chiuso.") % {"counter": counter.name}


def _meeting_point(request: HttpRequest, branch: Branch) -> str:
    point = services.meeting_point_open(
        actor=page_user(request),
        branch=branch,
        line_code=request.POST.get("line", ""),
        reason=request.POST.get("reason", "") or _("Agenda oltre i 30 giorni"),
    )
    return _("Aperto il punto di incontro «%(name)s».") % {"name": point.name}


ACTIONS: dict[str, Callable[[HttpRequest, Branch], str]] = {
    "clona": _clone,
    "fine-clone": _clone_end,
    "apri-linea": _line_open,
    "chiudi-linea": _line_close,
    "pausa": _pause,
    "chiudi-sportello": _close,
    "punto-incontro": _meeting_point,
}


@access(POST=(Role.FLOOR_SUPERVISOR, Role.DIRECTOR))
@login_required
@require_POST
def action(request: HttpRequest, branch: str, action: str) -> HttpResponseRedirect:
    """Run one supervisor action, then go back to the dashboard."""
    handler = ACTIONS.get(action)
    if handler is None:
        raise Http404(action)
    obj = _branch(request, branch)
    try:
        done = handler(request, obj)
    except (ApplicationError, ValidationError, PermissionDenied) as exc:
        if isinstance(exc, PermissionDenied):
            messages.error(request, _("Il suo ruolo non consente questa operazione."))
        else:
            messages.error(request, refusal_text(exc))
    else:
        messages.success(request, done)
    return redirect("sala-pages:dashboard", branch=obj.code)
