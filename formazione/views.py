"""Pages of staff training: my courses, plans, review, the rota.

Interfaces only: parse, call one service or selector, render. Writes are
POST forms answered with a redirect; a refused action shows as an alert.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from formazione import selectors
from frontoffice.common.pages import page_user
from sedi import calendar


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
