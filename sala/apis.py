"""API of the floor supervisor: the live hall and the actions on it."""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from frontoffice.common.access import access
from frontoffice.common.api import request_user
from sala import selectors, services
from sala.models import CounterClone
from sedi.models import StaffRole
from sedi.permissions import role_required
from sedi.selectors import branch_get, branch_list
from sportelli.selectors import counter_get

Role = StaffRole.Role


@extend_schema_serializer(component_name="Dashboard")
class DashboardSerializer(serializers.Serializer):
    """The live hall as DESIGN.md gives it: lines, counters, alerts."""

    @extend_schema_serializer(component_name="DashboardLine")
    class LineSerializer(serializers.Serializer):
        line = serializers.CharField(source="line.code")
        waiting = serializers.IntegerField()
        longest_wait_minutes = serializers.IntegerField()
        estimated_wait_minutes = serializers.IntegerField(
            allow_null=True,
            help_text="Minutes a new ticket is expected to wait; null while "
            "no counter is open on the line.",
        )
        estimated_wait_min_minutes = serializers.IntegerField(
            allow_null=True, help_text="Low end of the likely wait (minutes)."
        )
        estimated_wait_max_minutes = serializers.IntegerField(
            allow_null=True, help_text="High end of the likely wait (minutes)."
        )
        open_counters = serializers.IntegerField()
        counters_needed = serializers.IntegerField(allow_null=True)
        served_today = serializers.IntegerField()
        mean_wait_minutes = serializers.IntegerField(allow_null=True)

    @extend_schema_serializer(component_name="DashboardCounter")
    class CounterSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        number = serializers.IntegerField()
        name = serializers.CharField()
        status = serializers.CharField()
        line = serializers.CharField(source="line.code", allow_null=True)
        operator = serializers.CharField(allow_null=True)
        idle_minutes = serializers.IntegerField(allow_null=True)
        clone_until = serializers.SerializerMethodField()

        def get_clone_until(self, obj: selectors.CounterRow) -> str | None:
            return obj.clone.ends_at.isoformat() if obj.clone else None

    @extend_schema_serializer(component_name="DashboardAlert")
    class AlertSerializer(serializers.Serializer):
        code = serializers.CharField()
        line = serializers.CharField(source="line.code", required=False)
        detail = serializers.CharField()

        def to_representation(self, instance: selectors.Alert) -> dict[str, Any]:
            data = super().to_representation(instance)
            if instance.line is None:
                data.pop("line", None)
            return data

    lines = LineSerializer(many=True)
    counters = CounterSerializer(many=True)
    alerts = AlertSerializer(many=True)


@access(GET=(Role.FLOOR_SUPERVISOR, Role.DIRECTOR, Role.REGIONAL))
class DashboardApi(APIView):
    """The live hall of a branch (floor supervisor, director; region: read)."""

    permission_classes = [role_required(*selectors.DASHBOARD_ROLES)]

    @extend_schema(responses=DashboardSerializer)
    def get(self, request: Request, branch: str) -> Response:
        obj = branch_get(
            user=request.user, code=branch, roles=selectors.DASHBOARD_ROLES
        )
        dashboard = selectors.dashboard_get(branch=obj, full=False)
        return Response(DashboardSerializer(dashboard).data)


@extend_schema_serializer(component_name="CounterClone")
class CloneOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    counter = serializers.IntegerField(source="counter_id")
    line = serializers.CharField(source="line.code")
    operator = serializers.CharField(source="operator.username")
    requested_by = serializers.CharField(source="requested_by.username")
    reason = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField(allow_null=True)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


@access(POST=(Role.FLOOR_SUPERVISOR,))
class CounterCloneApi(APIView):
    """Clone a counter: open it for a line until a time, with an operator."""

    permission_classes = [role_required(*services.COUNTER_ROLES)]

    @extend_schema_serializer(component_name="CounterCloneRequest")
    class InputSerializer(ReasonSerializer):
        counter = serializers.IntegerField()
        line = serializers.CharField(max_length=50)
        operator = serializers.IntegerField()
        ends_at = serializers.DateTimeField()

    @extend_schema(request=InputSerializer, responses={201: CloneOutputSerializer})
    def post(self, request: Request, branch: str) -> Response:
        obj = branch_get(user=request.user, code=branch, roles=services.COUNTER_ROLES)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            counter = counter_get(
                user=request.user,
                counter_id=values["counter"],
                roles=services.COUNTER_ROLES,
            )
        except Http404:
            raise ValidationError({"counter": ["Sportello sconosciuto."]}) from None
        operator = get_user_model().objects.filter(pk=values["operator"]).first()
        if operator is None:
            raise ValidationError({"operator": ["Operatore sconosciuto."]})
        clone = services.counter_clone(
            actor=request_user(request),
            branch=obj,
            counter=counter,
            line_code=values["line"],
            operator=operator,
            ends_at=values["ends_at"],
            reason=values["reason"],
        )
        return Response(
            CloneOutputSerializer(clone).data, status=status.HTTP_201_CREATED
        )


@access(POST=(Role.FLOOR_SUPERVISOR,))
class CounterCloneEndApi(APIView):
    """End a cloned counter: its shift closes."""

    permission_classes = [role_required(*services.COUNTER_ROLES)]

    @extend_schema(request=ReasonSerializer, responses=CloneOutputSerializer)
    def post(self, request: Request, clone_id: int) -> Response:
        clone = (
            CounterClone.objects.select_related("branch", "counter", "line")
            .filter(
                pk=clone_id,
                branch__in=branch_list(user=request.user, roles=services.COUNTER_ROLES),
            )
            .first()
        )
        if clone is None:
            raise Http404(clone_id)
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        clone = services.counter_clone_end(
            actor=request_user(request),
            clone=clone,
            reason=data.validated_data["reason"],
        )
        return Response(CloneOutputSerializer(clone).data)


@extend_schema_serializer(component_name="BranchLinePeriod")
class BranchLineOutputSerializer(serializers.Serializer):
    branch = serializers.CharField(source="branch.code")
    line = serializers.CharField(source="line.code")
    opened_on = serializers.DateField(allow_null=True)
    closes_on = serializers.DateField(allow_null=True)


@access(POST=(Role.FLOOR_SUPERVISOR, Role.DIRECTOR))
class PeakLineOpenApi(APIView):
    """Open the Indebiti line for a period, with the reason."""

    permission_classes = [role_required(*services.BRANCH_ROLES)]

    @extend_schema_serializer(component_name="PeakLineOpenRequest")
    class InputSerializer(ReasonSerializer):
        opened_on = serializers.DateField()
        closes_on = serializers.DateField()

    @extend_schema(request=InputSerializer, responses=BranchLineOutputSerializer)
    def post(self, request: Request, branch: str, line: str) -> Response:
        obj = branch_get(user=request.user, code=branch, roles=services.BRANCH_ROLES)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        branch_line = services.peak_line_open(
            actor=request_user(request),
            branch=obj,
            line_code=line,
            opened_on=data.validated_data["opened_on"],
            closes_on=data.validated_data["closes_on"],
            reason=data.validated_data["reason"],
        )
        return Response(BranchLineOutputSerializer(branch_line).data)


@access(POST=(Role.FLOOR_SUPERVISOR, Role.DIRECTOR))
class PeakLineCloseApi(APIView):
    """Close the Indebiti line from today, with the reason."""

    permission_classes = [role_required(*services.BRANCH_ROLES)]

    @extend_schema(request=ReasonSerializer, responses=BranchLineOutputSerializer)
    def post(self, request: Request, branch: str, line: str) -> Response:
        obj = branch_get(user=request.user, code=branch, roles=services.BRANCH_ROLES)
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        branch_line = services.peak_line_close(
            actor=request_user(request),
            branch=obj,
            line_code=line,
            reason=data.validated_data["reason"],
        )
        return Response(BranchLineOutputSerializer(branch_line).data)


@extend_schema_serializer(component_name="SupervisedCounter")
class ShiftOutputSerializer(serializers.Serializer):
    counter = serializers.IntegerField(source="counter_id")
    line = serializers.CharField(source="line.code")
    is_paused = serializers.BooleanField()
    is_open = serializers.BooleanField()


class _CounterActionApi(APIView):
    permission_classes = [role_required(*services.COUNTER_ROLES)]
    service = staticmethod(services.counter_pause)

    @extend_schema(request=ReasonSerializer, responses=ShiftOutputSerializer)
    def post(self, request: Request, branch: str, counter_id: int) -> Response:
        obj = branch_get(user=request.user, code=branch, roles=services.COUNTER_ROLES)
        counter = counter_get(
            user=request.user, counter_id=counter_id, roles=services.COUNTER_ROLES
        )
        if counter.branch_id != obj.pk:
            raise Http404(counter_id)
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        shift = self.service(
            actor=request_user(request),
            counter=counter,
            reason=data.validated_data["reason"],
        )
        return Response(ShiftOutputSerializer(shift).data)


@access(POST=(Role.FLOOR_SUPERVISOR,))
class CounterPauseApi(_CounterActionApi):
    """Pause a counter left open, with the reason."""


@access(POST=(Role.FLOOR_SUPERVISOR,))
class CounterCloseApi(_CounterActionApi):
    """Close a counter left open, with the reason."""

    service = staticmethod(services.counter_close)


@extend_schema_serializer(component_name="OpenedMeetingPoint")
class MeetingPointOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    line = serializers.CharField(source="line.code")
    opened_on = serializers.DateField()
    slot_minutes = serializers.IntegerField()


@access(POST=(Role.FLOOR_SUPERVISOR, Role.DIRECTOR))
class MeetingPointOpenApi(APIView):
    """Open one more meeting point for a line, with the reason."""

    permission_classes = [role_required(*services.BRANCH_ROLES)]

    @extend_schema_serializer(component_name="MeetingPointOpenRequest")
    class InputSerializer(ReasonSerializer):
        line = serializers.CharField(max_length=50)

    @extend_schema(
        request=InputSerializer, responses={201: MeetingPointOutputSerializer}
    )
    def post(self, request: Request, branch: str) -> Response:
        obj = branch_get(user=request.user, code=branch, roles=services.BRANCH_ROLES)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        point = services.meeting_point_open(
            actor=request_user(request),
            branch=obj,
            line_code=data.validated_data["line"],
            reason=data.validated_data["reason"],
        )
        return Response(
            MeetingPointOutputSerializer(point).data, status=status.HTTP_201_CREATED
        )
