"""Pages of the organisation: the home page that sends each role to its work."""

import datetime
from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from frontoffice.common.access import SIGNED_IN, access
from sedi import calendar
from sedi.models import StaffRole
from sedi.selectors import branch_list, role_list
from sedi.services import auth_tokens_revoke

# How far ahead the home page lists closing days.
Role = StaffRole.Role


CLOSURES_AHEAD_DAYS = 60


@access(GET=SIGNED_IN)
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Show the user's roles, the way to their work and today's hours.

    A kiosk account goes straight to its kiosk screen.
    """
    roles = list(role_list(user=request.user))
    if len(roles) == 1 and roles[0].role == StaffRole.Role.KIOSK and roles[0].branch:
        return redirect("sportelli-pages:kiosk", branch=roles[0].branch.code)
    now = timezone.now()
    today = calendar.to_rome(now).date()
    branches = []
    for branch in branch_list(user=request.user)[:20]:
        branches.append(
            {
                "branch": branch,
                "today": calendar.day_schedule(branch=branch, day=today),
                "counters_open": calendar.counters_open_at(branch=branch, at=now),
                "tickets_open": calendar.tickets_open_at(branch=branch, at=now),
                "consultation_open": calendar.consultation_open_at(
                    branch=branch, at=now
                ),
                "closures": calendar.closures_between(
                    branch=branch,
                    start=today,
                    end=today + datetime.timedelta(days=CLOSURES_AHEAD_DAYS),
                ),
            }
        )
    return render(
        request,
        "sedi/home.html",
        {
            "roles": roles,
            "role_codes": {r.role for r in roles},
            "branches": branches,
            "now": now,
            "closures_ahead_days": CLOSURES_AHEAD_DAYS,
        },
    )


class LogoutView(auth_views.LogoutView):
    """Sign out of the pages, and revoke the user's API token with it."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if isinstance(request.user, User):
            auth_tokens_revoke(user=request.user)
        return super().post(request, *args, **kwargs)
