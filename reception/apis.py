"""API of the reception: protocol register, complaints, arrivals, figures."""

import datetime
from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from frontoffice.common.access import access
from frontoffice.common.api import BoundedDateField, request_user
from frontoffice.common.fiscal_code import fiscal_code_mask
from frontoffice.common.pagination import PAGE_PARAMETERS, Pagination, paginated
from reception import selectors, services
from reception.models import Arrival, ProtocolEntry
from sedi import calendar
from sedi.models import StaffRole
from sedi.permissions import role_required
from sedi.selectors import branch_get, branch_list

Role = StaffRole.Role
DESK = (Role.RECEPTION, Role.FLOOR_SUPERVISOR)
OVERSIGHT = (Role.FLOOR_SUPERVISOR, Role.DIRECTOR)


class CitizenSerializer(serializers.Serializer):
    fiscal_code = serializers.CharField(max_length=16)
    first_name = serializers.CharField(max_length=100)
    last_name = serializers.CharField(max_length=100)


@extend_schema_serializer(component_name="ProtocolEntry")
class ProtocolEntryOutputSerializer(serializers.Serializer):
    """A register entry; the sender's codice fiscale is masked."""

    id = serializers.IntegerField()
    protocol_number = serializers.CharField()
    year = serializers.IntegerField()
    number = serializers.IntegerField()
    kind = serializers.CharField()
    subject = serializers.CharField()
    attachments = serializers.IntegerField()
    registered_at = serializers.DateTimeField()
    sender = serializers.SerializerMethodField()
    annulled_at = serializers.DateTimeField(allow_null=True)
    annulment_reason = serializers.CharField()
    complaint_status = serializers.CharField()
    reply_due_on = serializers.DateField(allow_null=True)
    answered_at = serializers.DateTimeField(allow_null=True)

    def get_sender(self, obj: ProtocolEntry) -> dict[str, str] | None:
        if not (obj.sender_fiscal_code or obj.sender_last_name):
            return None
        return {
            "fiscal_code": fiscal_code_mask(obj.sender_fiscal_code),
            "first_name": obj.sender_first_name,
            "last_name": obj.sender_last_name,
        }


@access(
    GET=(Role.RECEPTION, Role.FLOOR_SUPERVISOR, Role.DIRECTOR),
    POST=(Role.RECEPTION, Role.FLOOR_SUPERVISOR),
)
class ProtocolApi(APIView):
    """Register a document or a complaint (POST); list the register (GET)."""

    permission_classes = [role_required(*DESK, Role.DIRECTOR)]

    @extend_schema_serializer(component_name="ProtocolRegisterRequest")
    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=ProtocolEntry.Kind.choices)
        subject = serializers.CharField(max_length=500)
        attachments = serializers.IntegerField(min_value=0, max_value=999, default=0)
        citizen = CitizenSerializer(required=False)

    @extend_schema(
        request=InputSerializer, responses={201: ProtocolEntryOutputSerializer}
    )
    def post(self, request: Request, branch: str) -> Response:
        obj = branch_get(user=request.user, code=branch, roles=DESK)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        citizen = data.validated_data.get("citizen") or {}
        entry = services.protocol_register(
            branch=obj,
            kind=data.validated_data["kind"],
            subject=data.validated_data["subject"],
            attachments=data.validated_data["attachments"],
            fiscal_code=citizen.get("fiscal_code", ""),
            first_name=citizen.get("first_name", ""),
            last_name=citizen.get("last_name", ""),
            registered_by=request_user(request),
        )
        return Response(
            ProtocolEntryOutputSerializer(entry).data, status=status.HTTP_201_CREATED
        )

    class FilterSerializer(serializers.Serializer):
        year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)

    @extend_schema(
        parameters=[FilterSerializer, *PAGE_PARAMETERS],
        responses=paginated(
            ProtocolEntryOutputSerializer(many=True), name="PaginatedProtocolEntryList"
        ),
        operation_id="v1_branches_protocol_list",
    )
    def get(self, request: Request, branch: str) -> Response:
        obj = branch_get(user=request.user, code=branch, roles=(*DESK, Role.DIRECTOR))
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        entries = selectors.protocol_entries(
            branch=obj, year=filters.validated_data.get("year")
        )
        paginator = Pagination()
        page = paginator.paginate_queryset(entries, request, view=self)
        return paginator.get_paginated_response(
            ProtocolEntryOutputSerializer(page, many=True).data
        )


def _entry(request: Request, entry_id: int, roles: tuple[str, ...]) -> ProtocolEntry:
    return selectors.protocol_entry_get(
        branches=branch_list(user=request.user, roles=roles), entry_id=entry_id
    )


@access(POST=(Role.RECEPTION, Role.FLOOR_SUPERVISOR, Role.DIRECTOR))
class ProtocolAnnulApi(APIView):
    """Annul an entry with its reason; the entry and its number stay."""

    permission_classes = [role_required(*OVERSIGHT, Role.RECEPTION)]

    @extend_schema_serializer(component_name="ProtocolAnnulRequest")
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=500)

    @extend_schema(request=InputSerializer, responses=ProtocolEntryOutputSerializer)
    def post(self, request: Request, entry_id: int) -> Response:
        entry = _entry(request, entry_id, (*OVERSIGHT, Role.RECEPTION))
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.protocol_annul(
            entry=entry,
            reason=data.validated_data["reason"],
            annulled_by=request_user(request),
        )
        return Response(ProtocolEntryOutputSerializer(entry).data)


@access(POST=(Role.RECEPTION, Role.FLOOR_SUPERVISOR, Role.DIRECTOR))
class ComplaintStatusApi(APIView):
    """Move a complaint to in progress or answered."""

    permission_classes = [role_required(*OVERSIGHT, Role.RECEPTION)]

    @extend_schema_serializer(component_name="ComplaintStatusRequest")
    class InputSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=ProtocolEntry.ComplaintStatus.choices)

    @extend_schema(request=InputSerializer, responses=ProtocolEntryOutputSerializer)
    def post(self, request: Request, entry_id: int) -> Response:
        entry = _entry(request, entry_id, (*OVERSIGHT, Role.RECEPTION))
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.complaint_status_set(
            entry=entry, status=data.validated_data["status"]
        )
        return Response(ProtocolEntryOutputSerializer(entry).data)


@access(GET=(Role.RECEPTION, Role.FLOOR_SUPERVISOR, Role.DIRECTOR))
class ComplaintsDueApi(APIView):
    """Open complaints past or near their reply deadline (floor supervisor)."""

    permission_classes = [role_required(*OVERSIGHT, Role.RECEPTION)]

    @extend_schema(responses=ProtocolEntryOutputSerializer(many=True))
    def get(self, request: Request, branch: str) -> Response:
        obj = branch_get(
            user=request.user, code=branch, roles=(*OVERSIGHT, Role.RECEPTION)
        )
        entries = selectors.complaints_due(branch=obj)
        return Response(ProtocolEntryOutputSerializer(entries, many=True).data)


@extend_schema_serializer(component_name="Arrival")
class ArrivalOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    arrived_at = serializers.DateTimeField()
    reason = serializers.CharField()
    outcome = serializers.CharField()
    line = serializers.CharField(source="line.code", allow_null=True, default=None)
    ticket = serializers.SerializerMethodField()
    form = serializers.CharField(source="form.code", allow_null=True, default=None)

    def get_ticket(self, obj: Arrival) -> dict[str, Any] | None:
        if obj.ticket is None:
            return None
        return {
            "id": obj.ticket.pk,
            "number": obj.ticket.code,
            "public_code": obj.ticket.public_code,
        }


@access(POST=(Role.RECEPTION, Role.FLOOR_SUPERVISOR))
class ArrivalApi(APIView):
    """Log an arrival at reception: a ticket for a line, or solved on the spot."""

    permission_classes = [role_required(*DESK)]

    @extend_schema_serializer(component_name="ArrivalRequest")
    class InputSerializer(serializers.Serializer):
        outcome = serializers.ChoiceField(
            choices=[
                Arrival.Outcome.TICKET,
                Arrival.Outcome.INFORMATION,
                Arrival.Outcome.FORM,
            ]
        )
        reason = serializers.CharField(max_length=200, required=False, default="")
        service = serializers.IntegerField(min_value=1, required=False)
        line = serializers.CharField(max_length=50, required=False)
        priority = serializers.BooleanField(default=False)
        form = serializers.CharField(max_length=50, required=False)

    @extend_schema(request=InputSerializer, responses={201: ArrivalOutputSerializer})
    def post(self, request: Request, branch: str) -> Response:
        obj = branch_get(user=request.user, code=branch, roles=DESK)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        service = (
            selectors.service_get(service_id=values["service"])
            if "service" in values
            else None
        )
        user = request_user(request)
        if values["outcome"] == Arrival.Outcome.TICKET:
            arrival = services.arrival_ticket(
                branch=obj,
                line_code=values.get("line", ""),
                service=service,
                reason=values["reason"],
                priority=values["priority"],
                handled_by=user,
            )
        else:
            form = None
            if values["outcome"] == Arrival.Outcome.FORM:
                form = selectors.form_get(code=values.get("form", ""))
            arrival = services.arrival_solved(
                branch=obj,
                service=service,
                reason=values["reason"],
                form=form,
                handled_by=user,
            )
        return Response(
            ArrivalOutputSerializer(arrival).data, status=status.HTTP_201_CREATED
        )


@extend_schema_serializer(component_name="ReceptionStats")
class StatsSerializer(serializers.Serializer):
    day = serializers.DateField()
    arrivals = serializers.IntegerField()
    by_hour = serializers.DictField(child=serializers.IntegerField())
    by_reason = serializers.SerializerMethodField()
    by_outcome = serializers.DictField(child=serializers.IntegerField())
    solved_at_reception_share = serializers.FloatField()
    tickets_by_line = serializers.DictField(child=serializers.IntegerField())

    def get_by_reason(self, obj: selectors.ReceptionStats) -> list[dict[str, Any]]:
        return [{"reason": reason, "arrivals": n} for reason, n in obj.by_reason]


@access(GET=(Role.RECEPTION, Role.FLOOR_SUPERVISOR, Role.DIRECTOR, Role.REGIONAL))
class ReceptionStatsApi(APIView):
    """The day's reception figures: arrivals per hour and reason, outcomes."""

    permission_classes = [role_required(*OVERSIGHT, Role.RECEPTION, Role.REGIONAL)]

    class FilterSerializer(serializers.Serializer):
        date = BoundedDateField(required=False)

    @extend_schema(parameters=[FilterSerializer], responses=StatsSerializer)
    def get(self, request: Request, branch: str) -> Response:
        obj = branch_get(
            user=request.user,
            code=branch,
            roles=(*OVERSIGHT, Role.RECEPTION, Role.REGIONAL),
        )
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        day: datetime.date = filters.validated_data.get("date", calendar.today())
        stats = selectors.reception_stats(branch=obj, day=day)
        return Response(StatsSerializer(stats).data)


@extend_schema_serializer(component_name="Form")
class FormOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    line = serializers.CharField(source="line.code", allow_null=True, default=None)
    url = serializers.CharField()


@access(GET=(Role.RECEPTION, Role.FLOOR_SUPERVISOR, Role.DIRECTOR))
class FormListApi(APIView):
    """The forms in distribution (modulistica)."""

    permission_classes = [role_required(*DESK, Role.DIRECTOR)]

    @extend_schema(responses=FormOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        query = str(request.query_params.get("q", ""))[:100]
        return Response(
            FormOutputSerializer(selectors.form_list(query=query), many=True).data
        )
