"""The regional REST API reports: shared filters, scoping, pages and formats.

Every report takes ``date_from``, ``date_to``, ``branch`` and ``line`` (by
code) and ``group`` (``day``, ``week``, ``month``); answers a JSON page
(``{count, next, previous, results}``) or, with ``?format=csv`` or
``?format=xlsx``, the whole report as a file whose columns keep the order of
the JSON rows. The regional office sees every branch of its region; a
director only their own branch; every other role gets 403.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from frontoffice.common.access import access
from frontoffice.common.api import BoundedDateField
from frontoffice.common.exports import CSVRenderer, XLSXRenderer
from frontoffice.common.reports import LazyRows, page_of, report_response
from reports.selectors import (
    GROUPS,
    ActivityReportQuery,
    TicketReport,
    TicketReportQuery,
    consultation_report_rows,
    escalation_report_rows,
    period_end,
    reception_report_rows,
    ticket_report_serialise,
)
from sedi import calendar
from sedi.models import Branch, ServiceLine, StaffRole
from sedi.permissions import role_required
from sedi.selectors import branch_list

Role = StaffRole.Role
REPORT_ROLES = (Role.REGIONAL, Role.DIRECTOR)
# The longest period one request may cover (two years and a day).
MAX_SPAN_DAYS = 731
DEFAULT_SPAN_DAYS = 30


class ReportFilterSerializer(serializers.Serializer):
    date_from = BoundedDateField(required=False)
    date_to = BoundedDateField(required=False)
    branch = serializers.SlugField(max_length=50, required=False)
    line = serializers.SlugField(max_length=50, required=False)
    group = serializers.ChoiceField(choices=GROUPS, default="day")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        today = calendar.today()
        date_to = attrs.get("date_to") or today
        date_from = attrs.get("date_from") or date_to - datetime.timedelta(
            days=DEFAULT_SPAN_DAYS
        )
        if date_from > date_to:
            raise ValidationError(
                {"date_from": [_("La data iniziale segue quella finale.")]}
            )
        if (date_to - date_from).days > MAX_SPAN_DAYS:
            raise ValidationError(
                {"date_from": [_("Il periodo non può superare i due anni.")]}
            )
        return {**attrs, "date_from": date_from, "date_to": date_to, "today": today}


REPORT_PARAMETERS = [
    OpenApiParameter(
        "date_from",
        datetime.date,
        description="Primo giorno (predefinito: 30 giorni fa).",
    ),
    OpenApiParameter("date_to", datetime.date, description="Ultimo giorno (oggi)."),
    OpenApiParameter("branch", str, description="Codice della sede."),
    OpenApiParameter("line", str, description="Codice della linea."),
    OpenApiParameter("group", str, enum=list(GROUPS), description="Periodo."),
    OpenApiParameter("format", str, enum=["json", "csv", "xlsx"]),
    OpenApiParameter("page", int),
    OpenApiParameter("page_size", int),
]


def report_scope(
    *, request: Request, params: dict[str, Any]
) -> tuple[Any, ServiceLine | None]:
    """Return the branches and the line a report covers for this caller.

    A branch the caller may not read is 403; an unknown branch or line code
    is 400.
    """
    branches = branch_list(user=request.user, roles=REPORT_ROLES)
    code = params.get("branch")
    if code:
        if not Branch.objects.filter(code=code).exists():
            raise ValidationError({"branch": [_("Sede sconosciuta.")]})
        branches = branches.filter(code=code)
        if not branches.exists():
            raise PermissionDenied(_("Questa sede non rientra nel suo ruolo."))
    line = None
    if params.get("line"):
        line = ServiceLine.objects.filter(code=params["line"]).first()
        if line is None:
            raise ValidationError({"line": [_("Linea sconosciuta.")]})
    return branches, line


class ReportApi(APIView):
    """Base of every report: roles, renderers, pages and file downloads."""

    permission_classes = [role_required(*REPORT_ROLES)]
    renderer_classes = [JSONRenderer, CSVRenderer, XLSXRenderer]
    filename = "report.csv"
    csv_header: list[str] = []

    def params(self, request: Request) -> dict[str, Any]:
        params = ReportFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        return dict(params.validated_data)

    def respond(self, request: Request, rows: LazyRows, serializer: Any) -> Response:
        """Answer a page of ``rows`` as JSON, or all of them as a file."""
        return report_response(
            request=request,
            view=self,
            rows=rows,
            serializer=serializer,
            filename=self.filename,
        )

    def activity_respond(
        self,
        request: Request,
        report_rows: Callable[[ActivityReportQuery], list[dict[str, Any]]],
        serializer: Any,
    ) -> Response:
        """Answer a report computed from the period's activity (not summaries)."""
        params = self.params(request)
        rows = report_rows(_activity_query(request, params))
        for row in rows:
            row["period_end"] = period_end(row["period"], params["group"])
        return self.respond(request, LazyRows.of(rows), serializer)


def report_responses(page: type) -> dict[Any, Any]:
    """Return the schema of a report's answers: a JSON page, or a file."""
    return {
        (200, "application/json"): page,
        (200, "text/csv"): OpenApiResponse(
            OpenApiTypes.STR, description="Tutto il report, colonne come nel JSON."
        ),
        (200, XLSXRenderer.media_type): OpenApiResponse(
            OpenApiTypes.BINARY, description="Tutto il report, un foglio."
        ),
    }


# --- Tickets ------------------------------------------------------------------


@extend_schema_serializer(component_name="TicketReportRow")
class TicketReportRowSerializer(serializers.Serializer):
    period = serializers.DateField()
    period_end = serializers.DateField()
    branch = serializers.CharField()
    line = serializers.CharField()
    issued = serializers.IntegerField()
    served = serializers.IntegerField()
    no_show = serializers.IntegerField()
    transferred = serializers.IntegerField()
    expired = serializers.IntegerField()
    priority = serializers.IntegerField()
    mean_wait_minutes = serializers.FloatField(allow_null=True)
    max_wait_minutes = serializers.FloatField(allow_null=True)
    p90_wait_minutes = serializers.IntegerField(allow_null=True)
    mean_service_minutes = serializers.FloatField(allow_null=True)
    services = serializers.DictField(child=serializers.IntegerField())
    live = serializers.BooleanField()


TICKET_EXAMPLE = {
    "count": 1,
    "next": None,
    "previous": None,
    "results": [
        {
            "period": "2026-03-30",
            "period_end": "2026-03-30",
            "branch": "roma-centro",
            "line": "assicurato-pensionato",
            "issued": 42,
            "served": 38,
            "no_show": 2,
            "transferred": 1,
            "expired": 1,
            "priority": 3,
            "mean_wait_minutes": 12.4,
            "max_wait_minutes": 41.0,
            "p90_wait_minutes": 27,
            "mean_service_minutes": 8.7,
            "services": {"estratto-conto": 12, "pensione-domanda": 9},
            "live": False,
        }
    ],
}


@access(GET=REPORT_ROLES)
class TicketReportApi(ReportApi):
    """Per branch, line and period: the counters' tickets, waits and services.

    Closed days are read from the daily summaries, today (and any day not
    closed yet) live from its tickets (``live`` true). See the README's
    Reports section for each column.
    """

    filename = "biglietti.csv"
    csv_header = list(TicketReportRowSerializer().fields)

    @extend_schema(
        parameters=REPORT_PARAMETERS,
        responses=report_responses(
            page_of(TicketReportRowSerializer, "TicketReportPage")
        ),
        examples=[
            OpenApiExample(
                "Un giorno di una sede", value=TICKET_EXAMPLE, response_only=True
            )
        ],
    )
    def get(self, request: Request) -> Response:
        params = self.params(request)
        branches, line = report_scope(request=request, params=params)
        report = TicketReport(
            TicketReportQuery(
                date_from=params["date_from"],
                date_to=params["date_to"],
                branches=branches,
                line=line,
                group=params["group"],
                today=params["today"],
            )
        )
        rows = LazyRows(
            count=report.count,
            rows=lambda offset, limit: ticket_report_serialise(
                report, report.rows(offset=offset, limit=limit)
            ),
        )
        return self.respond(request, rows, TicketReportRowSerializer)


def _activity_query(request: Request, params: dict[str, Any]) -> ActivityReportQuery:
    branches, line = report_scope(request=request, params=params)
    return ActivityReportQuery(
        date_from=params["date_from"],
        date_to=params["date_to"],
        branches=branches,
        line=line,
        group=params["group"],
        today=params["today"],
    )


# --- Consultation ---------------------------------------------------------------


@extend_schema_serializer(component_name="ConsultationReportRow")
class ConsultationReportRowSerializer(serializers.Serializer):
    period = serializers.DateField()
    period_end = serializers.DateField()
    branch = serializers.CharField()
    line = serializers.CharField()
    requests = serializers.IntegerField()
    booked = serializers.IntegerField()
    held = serializers.IntegerField()
    no_show = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    production = serializers.IntegerField()
    mean_lead_days = serializers.FloatField(allow_null=True)
    escalated = serializers.IntegerField()
    escalations_resolved = serializers.IntegerField()
    escalations_open = serializers.IntegerField()


CONSULTATION_EXAMPLE = {
    "count": 1,
    "next": None,
    "previous": None,
    "results": [
        {
            "period": "2026-03-01",
            "period_end": "2026-03-31",
            "branch": "roma-centro",
            "line": "assicurato-pensionato",
            "requests": 64,
            "booked": 60,
            "held": 51,
            "no_show": 4,
            "cancelled": 5,
            "production": 49,
            "mean_lead_days": 9.5,
            "escalated": 4,
            "escalations_resolved": 3,
            "escalations_open": 1,
        }
    ],
}


@access(GET=REPORT_ROLES)
class ConsultationReportApi(ReportApi):
    """Per branch, line and period: consultation requests, outcomes, production.

    Appointments count by their slot's period: booked, held (arrived or
    closed), no-show, cancelled and ``production`` (closed with an outcome:
    consultation is production, as the guideline says); ``mean_lead_days``
    from booking to slot; ``requests`` adds the escalations to the CRIC
    (by the period they were asked in) and their outcomes.
    """

    filename = "consulenza.csv"
    csv_header = list(ConsultationReportRowSerializer().fields)

    @extend_schema(
        parameters=REPORT_PARAMETERS,
        responses=report_responses(
            page_of(ConsultationReportRowSerializer, "ConsultationReportPage")
        ),
        examples=[
            OpenApiExample(
                "Un mese di una linea", value=CONSULTATION_EXAMPLE, response_only=True
            )
        ],
    )
    def get(self, request: Request) -> Response:
        return self.activity_respond(
            request, consultation_report_rows, ConsultationReportRowSerializer
        )


# --- Reception ------------------------------------------------------------------


@extend_schema_serializer(component_name="ReceptionReportRow")
class ReceptionReportRowSerializer(serializers.Serializer):
    period = serializers.DateField()
    period_end = serializers.DateField()
    branch = serializers.CharField()
    arrivals = serializers.IntegerField()
    outcome_ticket = serializers.IntegerField()
    outcome_information = serializers.IntegerField()
    outcome_form = serializers.IntegerField()
    outcome_protocol = serializers.IntegerField()
    outcome_check_in = serializers.IntegerField()
    outcome_booking = serializers.IntegerField()
    solved_at_reception = serializers.IntegerField()
    solved_at_reception_share = serializers.FloatField(allow_null=True)
    documents = serializers.IntegerField()
    complaints = serializers.IntegerField()
    complaints_received = serializers.IntegerField()
    complaints_in_progress = serializers.IntegerField()
    complaints_answered = serializers.IntegerField()
    complaints_overdue = serializers.IntegerField()
    annulled = serializers.IntegerField()
    top_reasons = serializers.DictField(child=serializers.IntegerField())


RECEPTION_EXAMPLE = {
    "count": 1,
    "next": None,
    "previous": None,
    "results": [
        {
            "period": "2026-03-30",
            "period_end": "2026-04-05",
            "branch": "roma-centro",
            "arrivals": 410,
            "outcome_ticket": 250,
            "outcome_information": 90,
            "outcome_form": 30,
            "outcome_protocol": 12,
            "outcome_check_in": 20,
            "outcome_booking": 8,
            "solved_at_reception": 132,
            "solved_at_reception_share": 0.322,
            "documents": 9,
            "complaints": 3,
            "complaints_received": 1,
            "complaints_in_progress": 1,
            "complaints_answered": 1,
            "complaints_overdue": 0,
            "annulled": 0,
            "top_reasons": {"Estratto contributivo": 58, "Pensione": 41},
        }
    ],
}


@access(GET=REPORT_ROLES)
class ReceptionReportApi(ReportApi):
    """Per branch and period: arrivals by outcome and reason, protocol, complaints.

    ``solved_at_reception`` counts arrivals closed at the desk (information,
    a form, a protocol registration); complaints count by their current
    state, ``complaints_overdue`` those unanswered past their reply date;
    ``top_reasons`` the ten most frequent reasons. ``line`` filters the
    arrivals only.
    """

    filename = "accoglienza.csv"
    csv_header = list(ReceptionReportRowSerializer().fields)

    @extend_schema(
        parameters=REPORT_PARAMETERS,
        responses=report_responses(
            page_of(ReceptionReportRowSerializer, "ReceptionReportPage")
        ),
        examples=[
            OpenApiExample(
                "Una settimana di una sede", value=RECEPTION_EXAMPLE, response_only=True
            )
        ],
    )
    def get(self, request: Request) -> Response:
        return self.activity_respond(
            request, reception_report_rows, ReceptionReportRowSerializer
        )


# --- CRIC escalations -----------------------------------------------------------


@extend_schema_serializer(component_name="EscalationReportRow")
class EscalationReportRowSerializer(serializers.Serializer):
    period = serializers.DateField()
    period_end = serializers.DateField()
    branch = serializers.CharField()
    line = serializers.CharField()
    escalated = serializers.IntegerField()
    resolved = serializers.IntegerField()
    still_open = serializers.IntegerField()
    mean_resolution_days = serializers.FloatField(allow_null=True)


ESCALATION_EXAMPLE = {
    "count": 1,
    "next": None,
    "previous": None,
    "results": [
        {
            "period": "2026-03-01",
            "period_end": "2026-03-31",
            "branch": "roma-centro",
            "line": "assicurato-pensionato",
            "escalated": 4,
            "resolved": 3,
            "still_open": 1,
            "mean_resolution_days": 2.5,
        }
    ],
}


@access(GET=REPORT_ROLES)
class EscalationReportApi(ReportApi):
    """Per branch, line and period: requests escalated to the CRIC, outcomes.

    Escalations count in the period they were asked in; ``resolved`` and
    ``still_open`` are their current state; ``mean_resolution_days`` runs
    from the request to the CRIC's outcome. No citizen's data: the list of
    escalations stays ``GET /api/v1/escalations/`` (regional office only).
    """

    filename = "escalation-cric.csv"
    csv_header = list(EscalationReportRowSerializer().fields)

    @extend_schema(
        parameters=REPORT_PARAMETERS,
        responses=report_responses(
            page_of(EscalationReportRowSerializer, "EscalationReportPage")
        ),
        examples=[
            OpenApiExample(
                "Un mese di una linea", value=ESCALATION_EXAMPLE, response_only=True
            )
        ],
    )
    def get(self, request: Request) -> Response:
        return self.activity_respond(
            request, escalation_report_rows, EscalationReportRowSerializer
        )
