"""Pages of staff training: my courses, plans, review, the rota.

Interfaces only: parse, call one service or selector, render. Writes are
POST forms answered with a redirect; a refused action shows as an alert.

Who reaches what: the director writes their own branch's plans and grants
or revokes qualifications; the regional office reviews the plans of its
region; the floor supervisor and the director read the rota. A role not
admitted gets 403; a branch or plan outside the user's scope 404.
"""

import datetime
from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from formazione import selectors, services
from formazione.forms import (
    STATE_CHOICES,
    AttendanceForm,
    CourseForm,
    GrantForm,
    PlanForm,
    ReasonForm,
    RemarksForm,
    RevokeForm,
    form_errors_text,
)
from formazione.models import Course, Enrollment, TrainingPlan
from frontoffice.common.access import SIGNED_IN, access
from frontoffice.common.exceptions import ApplicationError
from frontoffice.common.pages import page_user, refusal_text
from sedi import calendar
from sedi.models import Branch, ServiceLine, StaffRole
from sedi.selectors import branch_get, branch_list, user_has_role, user_has_role_at

Role = StaffRole.Role
DIRECTOR = (Role.DIRECTOR,)
ROTA = (Role.FLOOR_SUPERVISOR, Role.DIRECTOR)
REGIONAL = (Role.REGIONAL,)
State = TrainingPlan.State
NEW_COURSE_ID = "new-course-%s"
# Ids are 64-bit integers: longer numbers are no id of ours.
MAX_ID_DIGITS = 18


def _require_role(request: HttpRequest, roles: Iterable[str]) -> None:
    """Refuse (403) a user holding none of ``roles`` anywhere."""
    if not user_has_role(user=request.user, roles=roles):
        raise PermissionDenied


def _branch(
    request: HttpRequest, code: str, roles: Iterable[str], *, with_lines: bool = False
) -> Branch:
    """Return the branch of the URL: 403 to other roles, 404 outside the scope."""
    _require_role(request, roles)
    return branch_get(user=request.user, code=code, roles=roles, with_lines=with_lines)


def _posted_id(request: HttpRequest, name: str) -> int:
    """Return the id the form posted in ``name``; 404 when it is not a number."""
    value = request.POST.get(name, "")
    # ASCII digits only (int() refuses "²"), and small enough for the database.
    if not (value.isascii() and value.isdigit() and len(value) <= MAX_ID_DIGITS):
        raise Http404(name)
    return int(value)


def _valid(form: forms.Form) -> dict[str, Any]:
    """Return the form's cleaned data, or raise its errors for an alert."""
    if not form.is_valid():
        raise ValidationError(form_errors_text(form))
    return form.cleaned_data


def _name(user: User) -> str:
    return user.get_full_name() or user.username


def _line_choices() -> list[tuple[str, str]]:
    return [
        (line.code, f"{line.letter} — {line.name}")
        for line in ServiceLine.objects.order_by("position")
    ]


# --- my training -------------------------------------------------------------


@access(GET=SIGNED_IN)
@login_required
@require_GET
def my_training(request: HttpRequest) -> HttpResponse:
    """Show the signed-in person's courses and line qualifications."""
    user = page_user(request)
    today = calendar.today()
    qualifications = list(selectors.user_qualification_list(user=user))
    return render(
        request,
        "formazione/my_training.html",
        {
            "enrollments": selectors.user_enrollment_list(user=user),
            "live": [q for q in qualifications if q.is_live_on(today)],
            "past": [q for q in qualifications if not q.is_live_on(today)],
            "today": today,
        },
    )


# --- the director's plans ----------------------------------------------------


def _due(row: selectors.PlanReportRow, *, today: datetime.date) -> dict[str, Any]:
    """Return what the director must do for a plan: late, or send by a day."""
    first = row.first_course_on
    if not row.plan.is_editable or first is None:
        return {"late": False, "send_by": None}
    if first <= today:
        return {"late": True, "send_by": None}
    horizon = today + datetime.timedelta(days=selectors.REMINDER_DAYS_BEFORE)
    send_by = first - datetime.timedelta(days=1) if first <= horizon else None
    return {"late": False, "send_by": send_by}


def _plans_page(
    request: HttpRequest, branch: Branch, form: PlanForm, *, status: int = 200
) -> HttpResponse:
    today = calendar.today()
    rows = selectors.plan_report_rows(
        plans=selectors.plan_list(user=request.user, roles=DIRECTOR, branch=branch.code)
    )
    return render(
        request,
        "formazione/plans.html",
        {
            "branch": branch,
            "rows": [{"row": row, **_due(row, today=today)} for row in rows],
            "form": form,
        },
        status=status,
    )


@access(GET=(Role.DIRECTOR,))
@login_required
@require_GET
def plans(request: HttpRequest, branch: str) -> HttpResponse:
    """List the branch's plans, what is due, and a form for a new plan."""
    obj = _branch(request, branch, DIRECTOR)
    return _plans_page(request, obj, PlanForm(auto_id="plan-%s"))


@access(POST=(Role.DIRECTOR,))
@login_required
@require_POST
def plan_create(request: HttpRequest, branch: str) -> HttpResponse:
    """Create a draft plan and open it in the editor; errors stay on the form."""
    obj = _branch(request, branch, DIRECTOR)
    form = PlanForm(request.POST, auto_id="plan-%s")
    if form.is_valid():
        try:
            plan = services.plan_create(
                branch=obj, actor=page_user(request), **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Piano creato: aggiunga i corsi."))
            return redirect("formazione-pages:plan", branch=obj.code, plan_id=plan.pk)
    return _plans_page(request, obj, form, status=400)


def _plan(request: HttpRequest, branch: str, plan_id: int) -> TrainingPlan:
    """Return the plan of the URL, of the director's own branch, else 404."""
    obj = _branch(request, branch, DIRECTOR)
    plan = selectors.plan_get(user=request.user, plan_id=plan_id, roles=DIRECTOR)
    if plan.branch_id != obj.pk:
        raise Http404(plan_id)
    return plan


def _course_initial(course: Course) -> dict[str, Any]:
    return {
        "title": course.title,
        "topic": course.topic,
        "level": course.level,
        "mode": course.mode,
        "starts_on": course.starts_on,
        "ends_on": course.ends_on,
        "hours": course.hours,
        "trainer": course.trainer,
        "lines": [line.code for line in course.lines.all()],
    }


def _editor(
    request: HttpRequest,
    plan: TrainingPlan,
    *,
    add_form: CourseForm | None = None,
    status: int = 200,
) -> HttpResponse:
    staff = list(selectors.branch_staff_list(branch=plan.branch))
    line_choices = _line_choices()
    courses = []
    for course in plan.courses.all():
        enrolled = {e.participant_id for e in course.enrollments.all()}
        courses.append(
            {
                "course": course,
                "form": CourseForm(
                    initial=_course_initial(course),
                    auto_id=f"course-{course.pk}-%s",
                    line_choices=line_choices,
                ),
                "candidates": [u for u in staff if u.pk not in enrolled],
            }
        )
    return render(
        request,
        "formazione/plan.html",
        {
            "branch": plan.branch,
            "plan": plan,
            "courses": courses,
            "add_form": add_form
            or CourseForm(auto_id=NEW_COURSE_ID, line_choices=line_choices),
            "needs_reason": not plan.is_editable,
            "can_submit": plan.state in (State.DRAFT, State.RETURNED),
            "today": calendar.today(),
        },
        status=status,
    )


@access(GET=(Role.DIRECTOR,))
@login_required
@require_GET
def plan(request: HttpRequest, branch: str, plan_id: int) -> HttpResponse:
    """The plan editor: courses, participants, attendance, history, submit."""
    return _editor(request, _plan(request, branch, plan_id))


def _add_errors(form: CourseForm, exc: ValidationError) -> None:
    """Put a service's field errors on the form's fields (others on the form)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@access(POST=(Role.DIRECTOR,))
@login_required
@require_POST
def plan_course_add(request: HttpRequest, branch: str, plan_id: int) -> HttpResponse:
    """Add a course to the plan; a refused course stays on the form with errors."""
    obj = _plan(request, branch, plan_id)
    form = CourseForm(request.POST, auto_id=NEW_COURSE_ID, line_choices=_line_choices())
    if form.is_valid():
        try:
            course = services.course_add(
                plan=obj,
                actor=page_user(request),
                line_codes=form.cleaned_data["lines"],
                reason=form.cleaned_data["reason"],
                **form.course_fields(),
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request,
                _("Corso «%(course)s» aggiunto al piano.") % {"course": course.title},
            )
            return redirect("formazione-pages:plan", branch=branch, plan_id=obj.pk)
    return _editor(request, obj, add_form=form, status=400)


def _reason(request: HttpRequest) -> str:
    return _valid(ReasonForm(request.POST))["reason"]


def _plan_course(request: HttpRequest, plan: TrainingPlan) -> Course:
    course = selectors.course_get(
        user=request.user, course_id=_posted_id(request, "course"), roles=DIRECTOR
    )
    if course.plan_id != plan.pk:
        raise Http404(course.pk)
    return course


def _plan_enrollment(request: HttpRequest, plan: TrainingPlan) -> Enrollment:
    enrollment = selectors.enrollment_get(
        user=request.user,
        enrollment_id=_posted_id(request, "enrollment"),
        roles=DIRECTOR,
    )
    if enrollment.course.plan_id != plan.pk:
        raise Http404(enrollment.pk)
    return enrollment


def _course_update(request: HttpRequest, plan: TrainingPlan) -> str:
    course = _plan_course(request, plan)
    form = CourseForm(request.POST, line_choices=_line_choices())
    data = _valid(form)
    course = services.course_update(
        course=course,
        actor=page_user(request),
        line_codes=data["lines"],
        reason=data["reason"],
        **form.course_fields(),
    )
    return _("Corso «%(course)s» modificato.") % {"course": course.title}


def _course_remove(request: HttpRequest, plan: TrainingPlan) -> str:
    course = _plan_course(request, plan)
    services.course_remove(
        course=course, actor=page_user(request), reason=_reason(request)
    )
    return _("Corso «%(course)s» tolto dal piano.") % {"course": course.title}


def _enrollment_add(request: HttpRequest, plan: TrainingPlan) -> str:
    course = _plan_course(request, plan)
    participant = (
        selectors.branch_staff_list(branch=plan.branch)
        .filter(pk=_posted_id(request, "participant"))
        .first()
    )
    if participant is None:
        raise ValidationError(_("Il partecipante non lavora in questa sede."))
    services.enrollment_add(
        course=course,
        participant=participant,
        actor=page_user(request),
        reason=_reason(request),
    )
    return _("%(name)s iscritto al corso «%(course)s».") % {
        "name": _name(participant),
        "course": course.title,
    }


def _enrollment_remove(request: HttpRequest, plan: TrainingPlan) -> str:
    enrollment = _plan_enrollment(request, plan)
    services.enrollment_remove(
        enrollment=enrollment, actor=page_user(request), reason=_reason(request)
    )
    participant = enrollment.participant
    return _("%(name)s tolto dal corso «%(course)s».") % {
        "name": _name(participant),
        "course": enrollment.course.title,
    }


def _attendance(request: HttpRequest, plan: TrainingPlan) -> str:
    enrollment = _plan_enrollment(request, plan)
    data = _valid(AttendanceForm(request.POST))
    enrollment = services.enrollment_attendance(
        enrollment=enrollment,
        actor=page_user(request),
        hours_attended=data["hours_attended"],
        completed=data["completed"],
    )
    participant = enrollment.participant
    return _("Frequenza di %(name)s registrata.") % {"name": _name(participant)}


def _submit(request: HttpRequest, plan: TrainingPlan) -> str:
    services.plan_submit(plan=plan, actor=page_user(request))
    return _("Piano inviato alla Direzione regionale.")


PLAN_ACTIONS: dict[str, Callable[[HttpRequest, TrainingPlan], str]] = {
    "corso-modifica": _course_update,
    "corso-rimuovi": _course_remove,
    "iscrivi": _enrollment_add,
    "iscrizione-rimuovi": _enrollment_remove,
    "frequenza": _attendance,
    "invia": _submit,
}


@access(POST=(Role.DIRECTOR,))
@login_required
@require_POST
def plan_action(
    request: HttpRequest, branch: str, plan_id: int, action: str
) -> HttpResponseRedirect:
    """Run one edit of the plan editor, then go back to it with its outcome."""
    handler = PLAN_ACTIONS.get(action)
    if handler is None:
        raise Http404(action)
    obj = _plan(request, branch, plan_id)
    try:
        done = handler(request, obj)
    except (ApplicationError, ValidationError) as exc:
        messages.error(request, refusal_text(exc))
    else:
        messages.success(request, done)
    return redirect("formazione-pages:plan", branch=obj.branch.code, plan_id=obj.pk)


# --- the region's review -----------------------------------------------------


@access(GET=(Role.REGIONAL,))
@login_required
@require_GET
def region_plans(request: HttpRequest) -> HttpResponse:
    """List the region's plans to review, the submitted first; filter them."""
    _require_role(request, REGIONAL)
    branches = list(branch_list(user=request.user, roles=REGIONAL).order_by("code"))
    state = request.GET.get("state", "")
    if state not in State.values:
        state = ""
    branch = request.GET.get("branch", "")
    if branch not in {b.code for b in branches}:
        branch = ""
    rows = selectors.plan_report_rows(
        plans=selectors.plan_list(
            user=request.user, roles=REGIONAL, branch=branch, state=state
        )
    )
    rows.sort(key=lambda row: row.plan.state != State.SUBMITTED)  # stable
    return render(
        request,
        "formazione/region_plans.html",
        {
            "rows": rows,
            "branches": branches,
            "states": STATE_CHOICES,
            "state": state,
            "branch": branch,
        },
    )


def _region_plan(request: HttpRequest, plan_id: int) -> TrainingPlan:
    _require_role(request, REGIONAL)
    return selectors.plan_get(user=request.user, plan_id=plan_id, roles=REGIONAL)


@access(GET=(Role.REGIONAL,))
@login_required
@require_GET
def region_plan(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Show one plan to the region, with Approve and Return forms."""
    obj = _region_plan(request, plan_id)
    return render(
        request,
        "formazione/region_plan.html",
        {
            "plan": obj,
            "courses": obj.courses.all(),
            "remarks_form": RemarksForm(auto_id="review-%s"),
            "can_review": obj.state == State.SUBMITTED,
        },
    )


def _approve(request: HttpRequest, plan: TrainingPlan) -> str:
    services.plan_approve(plan=plan, actor=page_user(request))
    return _("Piano approvato.")


def _return(request: HttpRequest, plan: TrainingPlan) -> str:
    data = _valid(RemarksForm(request.POST))
    services.plan_return(plan=plan, actor=page_user(request), remarks=data["remarks"])
    return _("Piano restituito alla sede con le osservazioni.")


REVIEW_ACTIONS: dict[str, Callable[[HttpRequest, TrainingPlan], str]] = {
    "approva": _approve,
    "restituisci": _return,
}


@access(POST=(Role.REGIONAL,))
@login_required
@require_POST
def region_plan_action(
    request: HttpRequest, plan_id: int, action: str
) -> HttpResponseRedirect:
    """Approve or return a plan, then go back to it with the outcome."""
    handler = REVIEW_ACTIONS.get(action)
    if handler is None:
        raise Http404(action)
    obj = _region_plan(request, plan_id)
    try:
        done = handler(request, obj)
    except (ApplicationError, ValidationError) as exc:
        messages.error(request, refusal_text(exc))
    else:
        messages.success(request, done)
    return redirect("formazione-pages:region-plan", plan_id=obj.pk)


# --- the rota ----------------------------------------------------------------


def _operator_choices(branch: Branch) -> list[tuple[int, str]]:
    return [
        (user.pk, _name(user)) for user in selectors.branch_operator_list(branch=branch)
    ]


def _branch_line_choices(branch: Branch) -> list[tuple[str, str]]:
    return [
        (bl.line.code, f"{bl.line.letter} — {bl.line.name}")
        for bl in branch.branch_lines.all()
    ]


@access(GET=(Role.FLOOR_SUPERVISOR, Role.DIRECTOR))
@login_required
@require_GET
def rota(request: HttpRequest, branch: str) -> HttpResponse:
    """Show who may staff which line today: operators × the branch's lines."""
    obj = _branch(request, branch, ROTA, with_lines=True)
    today = calendar.today()
    lines = [bl.line for bl in obj.branch_lines.all()]
    operators = list(selectors.branch_operator_list(branch=obj))
    live: dict[tuple[int, int], Any] = {
        (q.operator_id, q.line_id): q
        for q in selectors.qualification_list(branch=obj, on=today)
    }
    rows = [
        {
            "operator": operator,
            "cells": [live.get((operator.pk, line.pk)) for line in lines],
        }
        for operator in operators
    ]
    context: dict[str, Any] = {
        "branch": obj,
        "lines": lines,
        "rows": rows,
        "today": today,
        "is_director": user_has_role_at(user=request.user, branch=obj, roles=DIRECTOR),
    }
    if context["is_director"]:
        names = {op.pk: _name(op) for op in operators}
        context["grant_form"] = GrantForm(
            auto_id="grant-%s",
            operator_choices=[(op.pk, names[op.pk]) for op in operators],
            line_choices=[
                (line.code, f"{line.letter} — {line.name}") for line in lines
            ],
        )
        context["revoke_form"] = RevokeForm(
            auto_id="revoke-%s",
            qualification_choices=[
                (q.pk, f"{names[q.operator_id]} — {q.line.name}") for q in live.values()
            ],
        )
    return render(request, "formazione/rota.html", context)


def _grant(request: HttpRequest, branch: Branch) -> str:
    form = GrantForm(
        request.POST,
        operator_choices=_operator_choices(branch),
        line_choices=_branch_line_choices(branch),
    )
    data = _valid(form)
    operator = selectors.branch_operator_list(branch=branch).get(pk=data["operator"])
    line = ServiceLine.objects.get(code=data["line"])
    services.qualification_grant(
        operator=operator, line=line, actor=page_user(request), reason=data["reason"]
    )
    return _("%(name)s abilitato per la linea «%(line)s».") % {
        "name": _name(operator),
        "line": line.name,
    }


def _revoke(request: HttpRequest, branch: Branch) -> str:
    qualification = selectors.qualification_get(
        user=request.user, qualification_id=_posted_id(request, "qualification")
    )
    operators = selectors.branch_operator_list(branch=branch)
    if not operators.filter(pk=qualification.operator_id).exists():
        raise Http404(qualification.pk)
    reason = request.POST.get("reason", "")[:500]
    services.qualification_revoke(
        qualification=qualification, actor=page_user(request), reason=reason
    )
    operator = qualification.operator
    return _("Abilitazione di %(name)s per la linea «%(line)s» revocata.") % {
        "name": _name(operator),
        "line": qualification.line.name,
    }


ROTA_ACTIONS: dict[str, Callable[[HttpRequest, Branch], str]] = {
    "concedi": _grant,
    "revoca": _revoke,
}


@access(POST=(Role.DIRECTOR,))
@login_required
@require_POST
def rota_action(request: HttpRequest, branch: str, action: str) -> HttpResponseRedirect:
    """Grant or revoke a qualification (the director), then show the rota."""
    handler = ROTA_ACTIONS.get(action)
    if handler is None:
        raise Http404(action)
    obj = _branch(request, branch, DIRECTOR, with_lines=True)
    try:
        done = handler(request, obj)
    except (ApplicationError, ValidationError) as exc:
        messages.error(request, refusal_text(exc))
    else:
        messages.success(request, done)
    return redirect("formazione-pages:rota", branch=obj.code)
