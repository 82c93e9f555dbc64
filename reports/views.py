"""The regional overview page: the reports as tables and charts, with downloads."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from rest_framework.exceptions import APIException
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied

from frontoffice.common.access import access
from reports.apis import REPORT_ROLES, ReportFilterSerializer, report_scope
from reports.selectors import (
    ActivityReportQuery,
    TicketFigures,
    TicketReport,
    TicketReportQuery,
    consultation_report_rows,
    period_end,
    reception_report_rows,
    ticket_report_serialise,
)
from sedi.models import ServiceLine
from sedi.selectors import branch_list, user_has_role

# Rows shown per table; the downloads carry the whole report.
TABLE_ROWS = 50


@access(GET=REPORT_ROLES)
@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    """Show the tickets, consultation and reception reports with one filter."""
    if not user_has_role(user=request.user, roles=REPORT_ROLES):
        raise PermissionDenied
    form = ReportFilterSerializer(
        data={k: v for k, v in request.GET.items() if v != ""}
    )
    errors: dict[str, Any] = {}
    if not form.is_valid():
        errors = form.errors
        form = ReportFilterSerializer(data={})
        form.is_valid(raise_exception=True)
    params = dict(form.validated_data)
    try:
        branches, line = report_scope(request=request, params=params)  # type: ignore[arg-type]
    except ApiPermissionDenied:
        raise PermissionDenied from None
    except APIException as exc:
        errors = {**errors, **(exc.detail if isinstance(exc.detail, dict) else {})}
        params.pop("branch", None)
        params.pop("line", None)
        branches, line = report_scope(request=request, params=params)  # type: ignore[arg-type]
    query = {
        "date_from": params["date_from"],
        "date_to": params["date_to"],
        "branches": branches,
        "line": line,
        "group": params["group"],
        "today": params["today"],
    }
    tickets = TicketReport(TicketReportQuery(**query))
    ticket_rows = ticket_report_serialise(
        tickets, tickets.rows(offset=0, limit=TABLE_ROWS)
    )
    activity = ActivityReportQuery(**query)
    consultation = consultation_report_rows(activity)
    reception = reception_report_rows(activity)
    for row in [*consultation, *reception]:
        row["period_end"] = period_end(row["period"], params["group"])
    filters = {
        "date_from": params["date_from"].isoformat(),
        "date_to": params["date_to"].isoformat(),
        "group": params["group"],
        **({"branch": params["branch"]} if params.get("branch") else {}),
        **({"line": params["line"]} if params.get("line") else {}),
    }

    def downloads(name: str) -> dict[str, str]:
        url = reverse(f"reports:report-{name}")
        return {
            fmt: f"{url}?{urlencode({**filters, 'format': fmt})}"
            for fmt in ("csv", "xlsx")
        }

    chart = _chart(tickets_by_branch=_by_branch(tickets))
    return render(
        request,
        "reports/overview.html",
        {
            "filters": filters,
            "errors": errors,
            "groups": [
                ("day", _("giorno")),
                ("week", _("settimana")),
                ("month", _("mese")),
            ],
            "branches": branch_list(user=request.user, roles=REPORT_ROLES).order_by(
                "code"
            ),
            "lines": ServiceLine.objects.order_by("position"),
            "tickets": ticket_rows,
            "tickets_total": tickets.count(),
            "consultation": consultation[:TABLE_ROWS],
            "consultation_total": len(consultation),
            "reception": reception[:TABLE_ROWS],
            "reception_total": len(reception),
            "table_rows": TABLE_ROWS,
            "downloads": {
                name: downloads(name)
                for name in ("tickets", "consultation", "reception")
            },
            "chart_rows": [
                (code, mean, p90, issued, served)
                for code, mean, p90, issued, served in zip(
                    chart["branches"],
                    chart["mean_wait"],
                    chart["p90_wait"],
                    chart["issued"],
                    chart["served"],
                    strict=True,
                )
            ],
            "chart": chart,
        },
    )


def _by_branch(report: TicketReport) -> dict[str, TicketFigures]:
    """Return the period's ticket figures merged per branch code."""
    codes, _positions, _lines = report.names()
    merged: dict[str, TicketFigures] = {}
    monthly = TicketReport(
        TicketReportQuery(
            **{**report.query.__dict__, "group": "month"},
        )
    )
    for row in monthly.rows():
        merged.setdefault(codes[row.branch_id], TicketFigures()).add(row.figures)
    return dict(sorted(merged.items()))


def _chart(*, tickets_by_branch: dict[str, TicketFigures]) -> dict[str, Any]:
    """Return the charts' data: waits and volumes by branch."""
    names = list(tickets_by_branch)
    figures = list(tickets_by_branch.values())
    return {
        "branches": names,
        "mean_wait": [
            round(f.wait_seconds / f.waited / 60, 1) if f.waited else None
            for f in figures
        ],
        "p90_wait": [f.p90_wait_minutes() for f in figures],
        "issued": [f.issued for f in figures],
        "served": [f.served for f in figures],
    }
