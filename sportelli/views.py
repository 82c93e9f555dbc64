"""Pages of the closed-cycle counters: operator desk, hall display, kiosk.

Every page is an interface only: it parses the request, calls one service
or selector and renders. Writes are plain POST forms answered with a
redirect (post/redirect/get); a rule that refuses the action shows as an
alert on the page it came from, never as an error page.
"""

import datetime
import hashlib
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from formazione.selectors import qualified_line_ids
from frontoffice.common import public_cache
from frontoffice.common.access import PUBLIC, access
from frontoffice.common.exceptions import ApplicationError
from frontoffice.common.pages import page_user, refusal_text
from frontoffice.common.qr import qr_svg
from sedi import calendar
from sedi.models import Branch, Service, StaffRole
from sedi.selectors import branch_get, branch_lines_open, user_has_role_at
from sportelli import selectors, services
from sportelli.models import Counter, Shift, Ticket

Role = StaffRole.Role
COUNTER_STAFF = (Role.OPERATOR, Role.FLOOR_SUPERVISOR)
KIOSK_ROLES = (Role.KIOSK,)
# After a ticket the kiosk goes back to its start screen for the next person.
KIOSK_RESET_SECONDS = 15
# How far ahead the kiosk looks for the next day tickets are issued.
NEXT_OPENING_HORIZON_DAYS = 31
# How many waiting tickets the desk lists by code.
DESK_WAITING_SHOWN = 12
# The clip the hall display needs to speak without a browser voice.
AUDIO_PROBE = "audio/numero.wav"


# --- Operator desk ----------------------------------------------------------


@access(GET=(Role.OPERATOR, Role.FLOOR_SUPERVISOR))
@login_required
@require_GET
def counter_list(request: HttpRequest, branch: str) -> HttpResponse:
    """List the branch's counters, for an operator to pick a desk."""
    obj = branch_get(user=request.user, code=branch, roles=COUNTER_STAFF)
    return render(
        request,
        "sportelli/counter_list.html",
        {"branch": obj, "counters": selectors.counter_list(branch=obj)},
    )


def _desk_counter(request: HttpRequest, branch: str, counter_id: int) -> Counter:
    """Return the counter of the URL if the user staffs its branch, else 404."""
    counter = selectors.counter_get(
        user=request.user, counter_id=counter_id, roles=COUNTER_STAFF
    )
    if counter.branch.code != branch:
        raise Http404(counter_id)
    return counter


def _desk_queue(*, counter: Counter, shift: Shift | None) -> dict[str, Any]:
    """Return who waits for the line the counter serves (codes only)."""
    if shift is None:
        return {"waiting": 0, "priority": 0, "tickets": [], "more": 0}
    count, priority, first = selectors.waiting_preview(
        branch=counter.branch,
        line=shift.line,
        on=calendar.today(),
        limit=DESK_WAITING_SHOWN,
    )
    return {
        "waiting": count,
        "priority": priority,
        "tickets": first,
        "more": max(count - len(first), 0),
    }


@access(GET=(Role.OPERATOR, Role.FLOOR_SUPERVISOR))
@login_required
@require_GET
def desk(request: HttpRequest, branch: str, counter_id: int) -> HttpResponse:
    """Show one counter's desk: its shift, current ticket and queue."""
    counter = _desk_counter(request, branch, counter_id)
    shift = selectors.open_shift_for_counter(counter=counter)
    current = selectors.ticket_in_progress(counter=counter)
    catalogue = (
        list(Service.objects.filter(line=current.line).order_by("position"))
        if current
        else []
    )
    lines = [
        bl.line for bl in branch_lines_open(branch=counter.branch, on=calendar.today())
    ]
    user = page_user(request)
    # The desk offers only the lines the operator is trained for.
    trained = qualified_line_ids(user=user) if shift is None else set()
    is_mine = shift is not None and shift.operator_id == user.pk
    now = timezone.now()
    return render(
        request,
        "sportelli/desk.html",
        {
            "branch": counter.branch,
            "counter": counter,
            "shift": shift,
            "is_mine": is_mine,
            # Another operator's counter: only the floor supervisor may act
            # on it (pause, close, close its ticket); nobody else sees
            # buttons that would be refused.
            "can_act": is_mine
            or (
                shift is not None
                and user_has_role_at(
                    user=user, branch=counter.branch, roles=[Role.FLOOR_SUPERVISOR]
                )
            ),
            "hours": selectors.hours_now(branch=counter.branch, now=now),
            "current": current,
            "serving_seconds": (
                max(int((now - current.called_at).total_seconds()), 0)
                if current and current.called_at
                else 0
            ),
            "catalogue": catalogue,
            "lines": lines,
            "open_lines": [line for line in lines if line.pk in trained],
            "untrained_lines": [line for line in lines if line.pk not in trained],
            "transfer_lines": [
                line for line in lines if current and line.pk != current.line_id
            ],
            "queue": _desk_queue(counter=counter, shift=shift),
        },
    )


@access(GET=(Role.OPERATOR, Role.FLOOR_SUPERVISOR))
@login_required
@require_GET
def desk_queue(request: HttpRequest, branch: str, counter_id: int) -> HttpResponse:
    """Return the desk's waiting count (polled by htmx)."""
    counter = _desk_counter(request, branch, counter_id)
    shift = selectors.open_shift_for_counter(counter=counter)
    return render(
        request,
        "sportelli/partials/desk_queue.html",
        {
            "branch": counter.branch,
            "counter": counter,
            "shift": shift,
            "queue": _desk_queue(counter=counter, shift=shift),
        },
    )


def _posted_ticket(request: HttpRequest, counter: Counter) -> Ticket:
    """Return the ticket named by the form, called at this counter, else 404."""
    try:
        ticket_id = int(request.POST.get("ticket", ""))
    except ValueError:
        raise Http404 from None
    ticket = selectors.ticket_get(
        user=request.user, ticket_id=ticket_id, roles=COUNTER_STAFF
    )
    if ticket.counter_id != counter.pk:
        raise ApplicationError(
            code="not_this_counter",
            detail=_("Il biglietto %(code)s non è in chiamata a questo sportello.")
            % {"code": ticket.code},
        )
    return ticket


def _require_operator(request: HttpRequest, counter: Counter) -> None:
    """Refuse an operator-only action (open, call next) to other roles."""
    if not user_has_role_at(
        user=request.user, branch=counter.branch, roles=[Role.OPERATOR]
    ):
        raise ApplicationError(
            code="not_operator",
            detail=_("Solo un operatore di sportello può aprire e chiamare."),
        )


def _open(request: HttpRequest, counter: Counter) -> str | None:
    _require_operator(request, counter)
    shift = services.shift_open(
        counter=counter,
        operator=page_user(request),
        line_code=request.POST.get("line", ""),
    )
    if not calendar.counters_open_at(branch=counter.branch, at=timezone.now()):
        messages.warning(
            request,
            _(
                "Attenzione: gli sportelli sono fuori orario (dal lunedì al "
                "venerdì, %(opens)s–%(closes)s, nei giorni di apertura). Lo "
                "sportello è aperto, ma nessun biglietto viene emesso ora."
            )
            % {
                "opens": calendar.COUNTER_OPENS.strftime("%H:%M"),
                "closes": calendar.COUNTER_CLOSES.strftime("%H:%M"),
            },
        )
    return _("Sportello aperto per la linea «%(line)s».") % {"line": shift.line.name}


def _close(request: HttpRequest, counter: Counter) -> str | None:
    services.shift_close(counter=counter, actor=page_user(request))
    return _("Sportello chiuso.")


def _pause(request: HttpRequest, counter: Counter) -> str | None:
    services.shift_pause(counter=counter, actor=page_user(request), paused=True)
    return _("Sportello in pausa: non riceve chiamate.")


def _resume(request: HttpRequest, counter: Counter) -> str | None:
    services.shift_pause(counter=counter, actor=page_user(request), paused=False)
    return _("Servizio ripreso.")


def _call_next(request: HttpRequest, counter: Counter) -> str | None:
    _require_operator(request, counter)
    ticket = services.ticket_call_next(counter=counter, operator=page_user(request))
    if ticket is None:
        # Information, not a success: there was nobody to call.
        messages.info(request, _("Nessun biglietto in attesa su questa linea."))
        return None
    return _("Chiamato il biglietto %(code)s.") % {"code": ticket.code}


def _recall(request: HttpRequest, counter: Counter) -> str | None:
    ticket = services.ticket_recall(
        ticket=_posted_ticket(request, counter), actor=page_user(request)
    )
    return _("Biglietto %(code)s richiamato sul monitor.") % {"code": ticket.code}


def _complete(request: HttpRequest, counter: Counter) -> str | None:
    ticket = services.ticket_complete(
        ticket=_posted_ticket(request, counter),
        actor=page_user(request),
        service_codes=request.POST.getlist("services"),
    )
    return _("Biglietto %(code)s servito.") % {"code": ticket.code}


def _no_show(request: HttpRequest, counter: Counter) -> str | None:
    ticket = services.ticket_no_show(
        ticket=_posted_ticket(request, counter), actor=page_user(request)
    )
    return _("Biglietto %(code)s chiuso come assente.") % {"code": ticket.code}


def _transfer(request: HttpRequest, counter: Counter) -> str | None:
    ticket = services.ticket_transfer(
        ticket=_posted_ticket(request, counter),
        actor=page_user(request),
        line_code=request.POST.get("line", ""),
    )
    return _("Biglietto %(code)s trasferito alla linea «%(line)s».") % {
        "code": ticket.code,
        "line": ticket.line.name,
    }


DESK_ACTIONS: dict[str, Callable[[HttpRequest, Counter], str | None]] = {
    "apri": _open,
    "chiudi": _close,
    "pausa": _pause,
    "riprendi": _resume,
    "chiama": _call_next,
    "richiama": _recall,
    "servito": _complete,
    "assente": _no_show,
    "trasferisci": _transfer,
}


@access(POST=(Role.OPERATOR, Role.FLOOR_SUPERVISOR))
@login_required
@require_POST
def desk_action(
    request: HttpRequest, branch: str, counter_id: int, action: str
) -> HttpResponseRedirect:
    """Run one desk action, then go back to the desk with its outcome."""
    handler = DESK_ACTIONS.get(action)
    if handler is None:
        raise Http404(action)
    counter = _desk_counter(request, branch, counter_id)
    try:
        done = handler(request, counter)
    except (ApplicationError, ValidationError) as exc:
        messages.error(request, refusal_text(exc))
    else:
        if done:
            messages.success(request, done)
    return redirect("sportelli-pages:desk", branch=branch, counter_id=counter.pk)


# --- Hall display -----------------------------------------------------------


def _display_version(data: dict[str, Any]) -> str:
    """Return a short fingerprint of what the display shows."""
    parts: list[Iterable[object]] = [
        (c.pk, c.status, c.recall_count, c.counter_id, c.line_id) for c in data["calls"]
    ]
    parts += [(s.pk, s.line_id, s.paused_at is not None) for s in data["counters"]]
    parts += [(q.line.pk, q.waiting, q.open_counters, q.wait) for q in data["lines"]]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


def _announcement(ticket: Ticket) -> dict[str, Any]:
    """Return the words and clips that announce a call.

    The number is spoken digit by digit ("D zero zero sette"): a clip per
    digit covers 1–999 with ten clips.
    """
    assert ticket.counter is not None
    digits = f"{ticket.number:03d}"
    counter_number = ticket.counter.number
    counter_clips = (
        [f"n-{counter_number}"]
        if counter_number <= 20
        else [f"n-{d}" for d in str(counter_number)]
    )
    return {
        "text": _("Numero %(letter)s %(digits)s, sportello %(counter)s")
        % {
            "letter": ticket.letter,
            "digits": " ".join(digits),
            "counter": counter_number,
        },
        "clips": " ".join(
            [
                "numero",
                f"lettera-{ticket.letter.lower()}",
                *(f"n-{d}" for d in digits),
                "sportello",
                *counter_clips,
            ]
        ),
    }


def _display_context(branch: Branch) -> dict[str, Any]:
    data = selectors.display_data(branch=branch)
    calls = [
        {"ticket": ticket, "announce": _announcement(ticket)}
        for ticket in data["calls"]
        if ticket.counter is not None
    ]
    return {
        **data,
        "branch_obj": branch,
        "calls": calls,
        "latest": calls[0] if calls else None,
        "previous": calls[1:],
        "version": _display_version(data),
    }


def _audio_base() -> str:
    """Return the URL folder of the voice clips, or "" when none were made."""
    found = finders.find(AUDIO_PROBE) is not None or staticfiles_storage.exists(
        AUDIO_PROBE
    )
    if not found:
        return ""
    # The clips are named by the script: the folder of one gives them all
    # (collectstatic keeps the unhashed copies next to the hashed ones).
    return static(AUDIO_PROBE).rsplit("/", 1)[0] + "/"


@access(GET=PUBLIC)
@require_GET
def display(request: HttpRequest, branch: str) -> HttpResponse:
    """Show the hall display of a branch (public, full screen)."""
    obj = selectors.branch_public_get(code=branch)
    context = _display_context(obj)
    context["audio_base"] = _audio_base()
    return render(request, "sportelli/display.html", context)


@access(GET=PUBLIC)
@require_GET
def display_calls(request: HttpRequest, branch: str) -> HttpResponse:
    """Return the display's calls and counters (polled by htmx every 3 s).

    An unchanged display answers 204: htmx swaps nothing, so the live
    region is not read again and no call blinks twice.
    """
    found: list[Branch] = []
    branch_id = selectors.branch_public_id(code=branch, found=found)
    built: list[dict[str, Any]] = []

    def context() -> dict[str, Any]:
        if not built:
            obj = found[0] if found else Branch.objects.get(pk=branch_id)
            built.append(_display_context(obj))
        return built[0]

    # Every screen of the hall asks every 3 s and almost always nothing has
    # changed: the version is kept under the branch's generation, so an
    # unchanged display costs no query until an event or the next hour.
    version = public_cache.cached(
        key=selectors.display_version_cache_key(branch_id=branch_id),
        branch_id=branch_id,
        build=lambda: context()["version"],
        seconds=public_cache.event_seconds(),
    )
    if request.GET.get("v") == version:
        response = HttpResponse(status=204)
    else:
        response = render(request, "sportelli/partials/display_calls.html", context())
    response["Cache-Control"] = "no-store"
    return response


# --- Kiosk ------------------------------------------------------------------


def _next_opening(branch: Branch) -> datetime.datetime | None:
    """Return when tickets are next issued (Rome time), within a month."""
    now = calendar.to_rome(timezone.now())
    for offset in range(NEXT_OPENING_HORIZON_DAYS):
        day = now.date() + datetime.timedelta(days=offset)
        if not calendar.is_open_day(branch=branch, day=day):
            continue
        opens = datetime.datetime.combine(day, calendar.COUNTER_OPENS, calendar.ROME)
        if opens > now:
            return opens
    return None


def _kiosk_branch(request: HttpRequest, branch: str) -> Branch:
    return branch_get(user=request.user, code=branch, roles=KIOSK_ROLES)


@access(GET=(Role.KIOSK,), POST=(Role.KIOSK,))
@login_required
@require_http_methods(["GET", "POST"])
def kiosk(request: HttpRequest, branch: str) -> HttpResponse:
    """Show the kiosk: a big button per open line; POST issues a ticket."""
    obj = _kiosk_branch(request, branch)
    error = None
    if request.method == "POST":
        try:
            ticket = services.ticket_issue(
                branch=obj,
                line_code=request.POST.get("line", ""),
                channel=Ticket.Channel.KIOSK,
                priority=request.POST.get("priority") == "1",
                issued_by=page_user(request),
            )
        except (ApplicationError, ValidationError) as exc:
            error = refusal_text(exc)
        else:
            return redirect(
                "sportelli-pages:kiosk-ticket", branch=obj.code, ticket_id=ticket.pk
            )
    now = timezone.now()
    is_open = calendar.tickets_open_at(branch=obj, at=now)
    today = calendar.today()
    next_opening = None if is_open else _next_opening(obj)
    hours = selectors.hours_now(branch=obj, now=now)
    context: dict[str, Any] = {
        "branch": obj,
        "error": error,
        "is_open": is_open,
        # Each line open today with the honest wait of a ticket taken now.
        "lines": selectors.queue_summary(branch=obj, now=now) if is_open else [],
        "closed_for": hours.closed_for,
        "open_day": hours.is_open_day,
        "before_opening": next_opening is not None and next_opening.date() == today,
        # Past the last ticket of an open day: issuing has ended for today
        # (the counters may still serve whoever is in line).
        "issuing_ended": hours.is_open_day and not hours.before_opening,
        "counters_open": hours.counters_open,
        "next_opening": next_opening,
        "opens": calendar.COUNTER_OPENS,
        "last_ticket": calendar.LAST_TICKET,
    }
    status = 409 if error and request.method == "POST" else 200
    return render(request, "sportelli/kiosk.html", context, status=status)


@access(GET=(Role.KIOSK,))
@login_required
@require_GET
def kiosk_ticket(request: HttpRequest, branch: str, ticket_id: int) -> HttpResponse:
    """Show the printable ticket just issued, with its place and a QR code."""
    obj = _kiosk_branch(request, branch)
    ticket = selectors.ticket_get(
        user=request.user, ticket_id=ticket_id, roles=KIOSK_ROLES
    )
    if ticket.branch_id != obj.pk:
        raise Http404(ticket_id)
    state = selectors.ticket_state(ticket=ticket)
    url = request.build_absolute_uri(
        reverse("sportelli-pages:ticket", kwargs={"public_code": ticket.public_code})
    )
    return render(
        request,
        "sportelli/kiosk_ticket.html",
        {
            "branch": obj,
            "ticket": ticket,
            "state": state,
            "ticket_url": url,
            "qr": qr_svg(url, css_class="kiosk-qr"),
            "auto_print": obj.kiosk_auto_print,
            "reset_seconds": KIOSK_RESET_SECONDS,
            "default_language": settings.LANGUAGE_CODE,
        },
    )


# --- Virtual ticket ---------------------------------------------------------


def _ticket_context(public_code: str) -> dict[str, Any]:
    ticket = selectors.ticket_by_public_code(public_code=public_code)
    state = selectors.ticket_state(ticket=ticket)
    return {
        "ticket": ticket,
        "state": state,
        "is_live": ticket.status in (Ticket.Status.WAITING, Ticket.Status.CALLED),
        "checked_at": timezone.now(),
    }


@access(GET=PUBLIC)
@never_cache
@require_GET
def ticket(request: HttpRequest, public_code: str) -> HttpResponse:
    """Show a ticket's place and wait to its holder (public, by its code)."""
    context = _ticket_context(public_code)
    return render(request, "sportelli/ticket.html", context)


@access(GET=PUBLIC)
@never_cache
@require_GET
def ticket_state(request: HttpRequest, public_code: str) -> HttpResponse:
    """Return the ticket's live state (polled by htmx every 10 s)."""
    context = _ticket_context(public_code)
    return render(request, "sportelli/partials/ticket_state.html", context)
