"""Pages of the organisation: the home page that sends each role to its work."""

import datetime

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from sedi import calendar
from sedi.selectors import branch_list, role_list

# How far ahead the home page lists closing days.
CLOSURES_AHEAD_DAYS = 60


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Show the user's roles and, for each of their branches, today's hours."""
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
    roles = list(role_list(user=request.user))
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
