"""API of the consultation agenda: slots, appointments, CRIC, backlog report."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from consulenza import selectors, services
from consulenza.models import Appointment, Channel, Escalation
from frontoffice.common.access import access
from frontoffice.common.api import BoundedDateField, request_user
from frontoffice.common.exports import CSVRenderer, XLSXRenderer
from frontoffice.common.fiscal_code import fiscal_code_clean
from frontoffice.common.pagination import (
    PAGE_PARAMETERS,
    Pagination,
    list_or_page,
    paginated,
)
from frontoffice.common.reports import LazyRows, report_response, wants_page
from sedi import calendar
from sedi.models import Branch, ServiceLine, StaffRole
from sedi.permissions import OFFICE_ROLES, IsStaff, role_required
from sedi.selectors import branch_get, branch_list

Role = StaffRole.Role
BOOKERS = (Role.RECEPTION, Role.CONTACT_CENTRE, Role.FLOOR_SUPERVISOR)
CHECK_IN = (Role.RECEPTION, Role.FLOOR_SUPERVISOR)
CLOSERS = (Role.CONSULTANT, Role.FLOOR_SUPERVISOR)
# Who reads appointments (citizens' data): the contact centre only those it
# booked; counter operators, the kiosk, the director and the region do not.
READERS = (
    Role.RECEPTION,
    Role.CONSULTANT,
    Role.FLOOR_SUPERVISOR,
    Role.CONTACT_CENTRE,
)
CANCELLERS = (Role.RECEPTION, Role.CONTACT_CENTRE, Role.FLOOR_SUPERVISOR)
REGIONAL = (Role.REGIONAL,)
ESCALATION_READERS = (Role.REGIONAL, Role.CONTACT_CENTRE)
# The regional reports: the region, and a director for their own branch.
REPORT_READERS = (Role.REGIONAL, Role.DIRECTOR)
STAFF = tuple(Role.values)
# How far ahead the slots API may start (a longer-range query is refused).
SLOT_LIST_MAX_AHEAD_DAYS = 366
TEXT_MAX_LENGTH = 10_000


# --- Shared serializers -----------------------------------------------------


@extend_schema_serializer(component_name="ConsultationCitizen")
class CitizenOutputSerializer(serializers.Serializer):
    """The citizen, with the codice fiscale masked."""

    fiscal_code = serializers.CharField(source="fiscal_code_masked")
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    email = serializers.CharField()
    phone = serializers.CharField()


@extend_schema_serializer(component_name="MeetingPointRef")
class MeetingPointRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


@extend_schema_serializer(component_name="Appointment")
class AppointmentOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    branch = serializers.CharField(source="meeting_point.branch.code")
    line = serializers.CharField(source="meeting_point.line.code")
    meeting_point = MeetingPointRefSerializer()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    status = serializers.CharField()
    citizen = CitizenOutputSerializer(source="*")
    topic = serializers.CharField(source="topic.code", allow_null=True, default=None)
    channel = serializers.CharField()
    checked_in_at = serializers.DateTimeField(allow_null=True)
    cancelled_at = serializers.DateTimeField(allow_null=True)
    no_show_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    preparation_notes = serializers.CharField()
    outcome = serializers.CharField()


@extend_schema_serializer(component_name="Escalation")
class EscalationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    branch = serializers.CharField(source="branch.code")
    line = serializers.CharField(source="line.code")
    citizen = CitizenOutputSerializer(source="*")
    topic = serializers.CharField(source="topic.code", allow_null=True, default=None)
    channel = serializers.CharField()
    requested_at = serializers.DateTimeField()
    status = serializers.CharField()
    outcome = serializers.CharField()
    resolved_at = serializers.DateTimeField(allow_null=True)
    resolved_by = serializers.CharField(
        source="resolved_by.username", allow_null=True, default=None
    )


# --- Slots ------------------------------------------------------------------


@access(GET=OFFICE_ROLES)
class SlotListApi(APIView):
    """Free consultation slots of a line at a branch (Mon–Thu 13:30–15:30)."""

    permission_classes = [IsStaff]

    class FilterSerializer(serializers.Serializer):
        days = serializers.IntegerField(required=False, min_value=1, default=7)

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            # ``from`` is a Python keyword: it cannot be declared above.
            self.fields["from"] = BoundedDateField(required=False)

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            today = calendar.today()
            first = attrs.get("from") or today
            if first > today + datetime.timedelta(days=SLOT_LIST_MAX_AHEAD_DAYS):
                raise serializers.ValidationError(
                    {"from": _("Data troppo lontana nel futuro.")}
                )
            if first < today - datetime.timedelta(days=SLOT_LIST_MAX_AHEAD_DAYS):
                raise serializers.ValidationError(
                    {"from": _("Data troppo lontana nel passato.")}
                )
            attrs["from"] = first
            # N is capped, not refused: a longer range gets the first days.
            attrs["days"] = min(attrs["days"], selectors.SLOT_LIST_MAX_DAYS)
            return attrs

    @extend_schema_serializer(component_name="Slot")
    class OutputSerializer(serializers.Serializer):
        start = serializers.DateTimeField()
        end = serializers.DateTimeField()
        meeting_point = MeetingPointRefSerializer()

    @extend_schema(
        parameters=[
            OpenApiParameter("from", datetime.date, description="YYYY-MM-DD"),
            OpenApiParameter(
                "days",
                int,
                description=f"1–{selectors.SLOT_LIST_MAX_DAYS} (capped)",
            ),
        ],
        responses=OutputSerializer(many=True),
    )
    def get(self, request: Request, branch: str, line: str) -> Response:
        obj = branch_get(user=request.user, code=branch)
        service_line = ServiceLine.objects.filter(code=line).first()
        if service_line is None:
            raise Http404(line)
        params = self.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        first = params.validated_data["from"]
        slots = selectors.free_slot_list(
            branch=obj,
            line=service_line,
            first_day=first,
            last_day=first + datetime.timedelta(days=params.validated_data["days"] - 1),
        )
        return Response(self.OutputSerializer(slots, many=True).data)


# --- Appointments -----------------------------------------------------------


def _fiscal_code(value: str) -> str:
    try:
        return fiscal_code_clean(value)
    except DjangoValidationError as exc:
        raise serializers.ValidationError(exc.message_dict["fiscal_code"]) from None


@access(POST=(Role.RECEPTION, Role.CONTACT_CENTRE, Role.FLOOR_SUPERVISOR))
class AppointmentBookApi(APIView):
    """Book a consultation (reception, contact centre, floor supervisor).

    201 with the appointment; 202 ``escalated_to_cric`` with the escalation
    when no slot is free within 30 days; 409 ``slot_taken``,
    ``outside_hours``, ``no_consultation`` (also for Indebiti, which has
    no meeting point), ``slot_in_past`` or ``beyond_30_days``.
    """

    permission_classes = [role_required(*BOOKERS)]

    @extend_schema_serializer(component_name="AppointmentBookRequest")
    class InputSerializer(serializers.Serializer):
        @extend_schema_serializer(component_name="ConsultationCitizenRequest")
        class CitizenSerializer(serializers.Serializer):
            fiscal_code = serializers.CharField(max_length=16)
            first_name = serializers.CharField(max_length=100)
            last_name = serializers.CharField(max_length=100)
            email = serializers.EmailField(
                max_length=254, required=False, allow_blank=True, default=""
            )
            phone = serializers.RegexField(
                r"^\+?[0-9 ./-]{5,30}$",
                max_length=30,
                required=False,
                allow_blank=True,
                default="",
            )

            def validate_fiscal_code(self, value: str) -> str:
                return _fiscal_code(value)

        branch = serializers.CharField(max_length=50)
        line = serializers.CharField(max_length=50)
        start = serializers.DateTimeField(required=False, allow_null=True)
        citizen = CitizenSerializer()
        topic = serializers.CharField(
            max_length=80, required=False, allow_null=True, allow_blank=True
        )
        channel = serializers.ChoiceField(choices=Channel.choices)

    @extend_schema(
        request=InputSerializer,
        responses={
            201: AppointmentOutputSerializer,
            202: inline_serializer(
                "EscalatedToCric",
                {
                    "code": serializers.CharField(),
                    "detail": serializers.CharField(),
                    "escalation": EscalationOutputSerializer(),
                },
            ),
            409: OpenApiResponse(description="slot_taken, outside_hours, …"),
        },
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if not ServiceLine.objects.filter(code=values["line"]).exists():
            raise serializers.ValidationError({"line": [_("Linea sconosciuta.")]})
        try:
            branch = branch_get(user=request.user, code=values["branch"], roles=BOOKERS)
        except Http404:
            if Branch.objects.filter(code=values["branch"]).exists():
                raise
            raise serializers.ValidationError(
                {"branch": [_("Sede sconosciuta.")]}
            ) from None
        result = services.appointment_book(
            branch=branch,
            line_code=values["line"],
            citizen=services.Citizen(**values["citizen"]),
            channel=values["channel"],
            start=values.get("start"),
            topic_code=values.get("topic") or None,
            booked_by=request_user(request),
        )
        if isinstance(result, Escalation):
            return Response(
                {
                    "code": "escalated_to_cric",
                    "detail": _(
                        "Nessun posto libero entro trenta giorni: la richiesta è "
                        "stata inoltrata al CRIC regionale."
                    ),
                    "escalation": EscalationOutputSerializer(result).data,
                },
                status=status.HTTP_202_ACCEPTED,
            )
        return Response(
            AppointmentOutputSerializer(result).data, status=status.HTTP_201_CREATED
        )


@access(
    GET=(Role.RECEPTION, Role.CONSULTANT, Role.FLOOR_SUPERVISOR, Role.CONTACT_CENTRE)
)
class AppointmentListApi(APIView):
    """The branch's appointments of a day (default today): reception,
    consultants and the floor supervisor; the contact centre its own."""

    permission_classes = [role_required(*READERS)]

    class FilterSerializer(serializers.Serializer):
        date = BoundedDateField(required=False)

    @extend_schema(
        parameters=[OpenApiParameter("date", datetime.date)],
        responses=AppointmentOutputSerializer(many=True),
    )
    def get(self, request: Request, branch: str) -> Response:
        obj = branch_get(user=request.user, code=branch, roles=READERS)
        params = self.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        day = params.validated_data.get("date") or calendar.today()
        appointments = selectors.appointment_list(
            branch=obj, day=day, user=request.user, roles=READERS
        )
        return Response(AppointmentOutputSerializer(appointments, many=True).data)


@access(
    GET=(Role.RECEPTION, Role.CONSULTANT, Role.FLOOR_SUPERVISOR, Role.CONTACT_CENTRE)
)
class AppointmentDetailApi(APIView):
    """One appointment the caller may see; 404 for any other."""

    permission_classes = [role_required(*READERS)]

    @extend_schema(responses=AppointmentOutputSerializer)
    def get(self, request: Request, appointment_id: int) -> Response:
        appointment = selectors.appointment_get(
            user=request.user, appointment_id=appointment_id, roles=READERS
        )
        return Response(AppointmentOutputSerializer(appointment).data)


class _AppointmentActionApi(APIView):
    """A state change of one appointment: answers 200 with it."""

    roles: tuple[str, ...] = ()
    # The service each subclass runs, e.g. ``services.appointment_cancel``
    # (not ``action``: DRF and the schema generator read that name).
    transition: Callable[..., Appointment]

    @extend_schema(request=None, responses=AppointmentOutputSerializer)
    def post(self, request: Request, appointment_id: int) -> Response:
        appointment = selectors.appointment_get(
            user=request.user, appointment_id=appointment_id, roles=self.roles
        )
        appointment = self.transition(appointment=appointment)
        return Response(AppointmentOutputSerializer(appointment).data)


@access(POST=(Role.RECEPTION, Role.FLOOR_SUPERVISOR))
class AppointmentCheckInApi(_AppointmentActionApi):
    """Record the citizen's arrival (reception), on the appointment's day."""

    permission_classes = [role_required(*CHECK_IN)]
    roles = CHECK_IN
    transition = staticmethod(services.appointment_check_in)


@access(POST=(Role.RECEPTION, Role.CONTACT_CENTRE, Role.FLOOR_SUPERVISOR))
class AppointmentCancelApi(_AppointmentActionApi):
    """Cancel a booked appointment: its slot is free again."""

    permission_classes = [role_required(*CANCELLERS)]
    roles = CANCELLERS
    transition = staticmethod(services.appointment_cancel)


@access(POST=(Role.RECEPTION, Role.CONTACT_CENTRE, Role.FLOOR_SUPERVISOR))
class AppointmentNoShowApi(_AppointmentActionApi):
    """Record that the citizen did not come."""

    permission_classes = [role_required(*CANCELLERS)]
    roles = CANCELLERS
    transition = staticmethod(services.appointment_no_show)


@access(POST=(Role.CONSULTANT, Role.FLOOR_SUPERVISOR))
class AppointmentCloseApi(APIView):
    """Close the consultation with its preparation (istruttoria) and outcome."""

    permission_classes = [role_required(*CLOSERS)]

    @extend_schema_serializer(component_name="AppointmentCloseRequest")
    class InputSerializer(serializers.Serializer):
        preparation_notes = serializers.CharField(max_length=TEXT_MAX_LENGTH)
        outcome = serializers.CharField(max_length=TEXT_MAX_LENGTH)

    @extend_schema(request=InputSerializer, responses=AppointmentOutputSerializer)
    def post(self, request: Request, appointment_id: int) -> Response:
        appointment = selectors.appointment_get(
            user=request.user, appointment_id=appointment_id, roles=CLOSERS
        )
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        appointment = services.appointment_close(
            appointment=appointment,
            closed_by=request_user(request),
            **data.validated_data,
        )
        return Response(AppointmentOutputSerializer(appointment).data)


# --- Regional office --------------------------------------------------------


@access(GET=REPORT_READERS)
class BacklogReportApi(APIView):
    """Per branch and line: first free slot, backlog days, flag, meeting points.

    Figures are computed live; ``flagged_since`` is the job's: it is null
    for a line the hourly job has not flagged yet. ``?format=csv`` and
    ``?format=xlsx`` too. A director reads their own branch only. The
    answer is the whole list, as it always was; with ``page`` or
    ``page_size`` it is a page (``{count, next, previous, results}``), as
    the other reports give.
    """

    permission_classes = [role_required(*REPORT_READERS)]
    renderer_classes = [JSONRenderer, CSVRenderer, XLSXRenderer]

    class FilterSerializer(serializers.Serializer):
        branch = serializers.CharField(max_length=50, required=False)
        line = serializers.CharField(max_length=50, required=False)

    @extend_schema_serializer(component_name="BacklogRow")
    class OutputSerializer(serializers.Serializer):
        branch = serializers.CharField()
        line = serializers.CharField()
        first_free_slot = serializers.DateTimeField(allow_null=True)
        backlog_days = serializers.IntegerField(allow_null=True)
        level = serializers.CharField()
        flagged = serializers.BooleanField()
        flagged_since = serializers.DateTimeField(allow_null=True)
        meeting_points = serializers.IntegerField()
        recommended_meeting_points = serializers.IntegerField()

    csv_header = list(OutputSerializer().fields)

    @extend_schema(
        parameters=[
            OpenApiParameter("branch", str),
            OpenApiParameter("line", str),
            OpenApiParameter("format", str, enum=["json", "csv", "xlsx"]),
            OpenApiParameter("page", int, description="Pagina (risposta paginata)."),
            OpenApiParameter("page_size", int, description="Righe per pagina."),
        ],
        responses=list_or_page(OutputSerializer, name="BacklogReport"),
        operation_id="v1_reports_backlog_list",
        examples=[
            OpenApiExample(
                "Una linea oltre i 30 giorni",
                response_only=True,
                value=[
                    {
                        "branch": "roma-centro",
                        "line": "assicurato-pensionato",
                        "first_free_slot": "2026-04-02T13:30:00+02:00",
                        "backlog_days": 31,
                        "level": "flagged",
                        "flagged": True,
                        "flagged_since": "2026-03-02T10:00:00+01:00",
                        "meeting_points": 1,
                        "recommended_meeting_points": 2,
                    }
                ],
            )
        ],
    )
    def get(self, request: Request) -> Response:
        params = self.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        branches = branch_list(user=request.user, roles=REPORT_READERS)
        if params.validated_data.get("branch"):
            branches = branches.filter(code=params.validated_data["branch"])
        line = params.validated_data.get("line")
        rows = selectors.backlog_rows(
            branches=branches, lines=[line] if line else None, now=timezone.now()
        )
        stored = selectors.backlog_flag_map(branch_ids={r.branch.pk for r in rows})
        data = []
        for row in rows:
            flag = stored.get((row.branch.pk, row.line.pk))
            data.append(
                {
                    "branch": row.branch.code,
                    "line": row.line.code,
                    "first_free_slot": row.first_free_slot,
                    "backlog_days": row.backlog_days,
                    "level": row.level,
                    "flagged": row.level == "flagged",
                    "flagged_since": flag.flagged_since if flag else None,
                    "meeting_points": row.meeting_points,
                    "recommended_meeting_points": row.recommended_meeting_points,
                }
            )
        return report_response(
            request=request,
            view=self,
            rows=LazyRows.of(data),
            serializer=self.OutputSerializer,
            filename="backlog.csv",
            paginate=wants_page(request),
        )


@access(GET=ESCALATION_READERS)
class EscalationListApi(APIView):
    """The CRIC escalations of the caller's region, newest first (paginated).

    The contact centre sees those it sent itself.
    """

    permission_classes = [role_required(*ESCALATION_READERS)]

    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(
            choices=Escalation.Status.choices, required=False
        )
        branch = serializers.CharField(max_length=50, required=False)

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=Escalation.Status.values),
            OpenApiParameter("branch", str),
            *PAGE_PARAMETERS,
        ],
        responses=paginated(
            EscalationOutputSerializer(many=True), name="PaginatedEscalationList"
        ),
        operation_id="v1_escalations_list",
    )
    def get(self, request: Request) -> Response:
        params = self.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        escalations = selectors.escalation_list(
            user=request.user, roles=ESCALATION_READERS, **params.validated_data
        )
        paginator = Pagination()
        page = paginator.paginate_queryset(escalations, request, view=self)
        return paginator.get_paginated_response(
            EscalationOutputSerializer(page, many=True).data
        )


@access(POST=(Role.REGIONAL,))
class EscalationResolveApi(APIView):
    """Resolve an escalation with the regional office's outcome."""

    permission_classes = [role_required(*REGIONAL)]

    @extend_schema_serializer(component_name="EscalationResolveRequest")
    class InputSerializer(serializers.Serializer):
        outcome = serializers.CharField(max_length=TEXT_MAX_LENGTH)

    @extend_schema(request=InputSerializer, responses=EscalationOutputSerializer)
    def post(self, request: Request, escalation_id: int) -> Response:
        escalation = selectors.escalation_get(
            user=request.user, escalation_id=escalation_id, roles=REGIONAL
        )
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        escalation = services.escalation_resolve(
            escalation=escalation,
            outcome=data.validated_data["outcome"],
            resolved_by=request_user(request),
        )
        return Response(EscalationOutputSerializer(escalation).data)
