"""API of the closed-cycle counters: tickets, queues, counters, display."""

from typing import Any

from django.http import HttpResponse
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from frontoffice.common import public_cache
from frontoffice.common.access import PUBLIC, access
from frontoffice.common.api import request_user
from sedi.models import Branch, StaffRole
from sedi.permissions import OFFICE_ROLES, IsStaff, holds_role_at, role_required
from sedi.selectors import branch_get
from sportelli import selectors, services
from sportelli.models import Ticket

Role = StaffRole.Role
ISSUERS = (Role.RECEPTION, Role.KIOSK, Role.FLOOR_SUPERVISOR)
COUNTER_STAFF = (Role.OPERATOR, Role.FLOOR_SUPERVISOR)


class WaitEstimateSerializer(serializers.Serializer):
    """The honest wait of a line: a figure and its range, or null for all three."""

    estimated_wait_minutes = serializers.IntegerField(
        allow_null=True,
        help_text="Minutes a new ticket is expected to wait; null while no "
        "counter is open on the line (nobody can promise a wait).",
    )
    estimated_wait_min_minutes = serializers.IntegerField(
        allow_null=True,
        help_text="Low end of the likely wait (minutes); null like "
        "estimated_wait_minutes.",
    )
    estimated_wait_max_minutes = serializers.IntegerField(
        allow_null=True,
        help_text="High end of the likely wait (minutes); null like "
        "estimated_wait_minutes.",
    )


@extend_schema_serializer(component_name="Ticket")
class TicketOutputSerializer(WaitEstimateSerializer):
    """A ticket as staff see it, with its place in line and estimated wait."""

    id = serializers.IntegerField(source="ticket.pk")
    number = serializers.CharField(source="ticket.code")
    line = serializers.CharField(source="ticket.line.code")
    issued_at = serializers.DateTimeField(source="ticket.issued_at")
    status = serializers.CharField(source="ticket.status")
    priority = serializers.BooleanField(source="ticket.priority")
    position = serializers.IntegerField(allow_null=True)
    public_code = serializers.CharField(source="ticket.public_code")
    counter = serializers.SerializerMethodField()
    called_at = serializers.DateTimeField(source="ticket.called_at", allow_null=True)
    call_reason = serializers.CharField(source="ticket.call_reason")
    recall_count = serializers.IntegerField(source="ticket.recall_count")
    finished_at = serializers.DateTimeField(
        source="ticket.finished_at", allow_null=True
    )

    def get_counter(self, obj: selectors.TicketState) -> str | None:
        return obj.ticket.counter.name if obj.ticket.counter else None


def _ticket_response(ticket: Ticket, code: int = status.HTTP_200_OK) -> Response:
    state = selectors.ticket_state(ticket=ticket)
    return Response(TicketOutputSerializer(state).data, status=code)


@access(POST=(Role.RECEPTION, Role.FLOOR_SUPERVISOR, Role.KIOSK))
class TicketIssueApi(APIView):
    """Issue a ticket for a line of the branch (reception desk or kiosk)."""

    permission_classes = [role_required(*ISSUERS)]

    @extend_schema_serializer(component_name="TicketIssueRequest")
    class InputSerializer(serializers.Serializer):
        line = serializers.CharField(max_length=50)
        priority = serializers.BooleanField(default=False)

    @extend_schema(request=InputSerializer, responses={201: TicketOutputSerializer})
    def post(self, request: Request, branch: str) -> Response:
        obj = branch_get(user=request.user, code=branch, roles=ISSUERS)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        at_desk = holds_role_at(
            request, branch=obj, roles=[Role.RECEPTION, Role.FLOOR_SUPERVISOR]
        )
        ticket = services.ticket_issue(
            branch=obj,
            line_code=data.validated_data["line"],
            priority=data.validated_data["priority"],
            channel=Ticket.Channel.RECEPTION if at_desk else Ticket.Channel.KIOSK,
            issued_by=request_user(request),
        )
        return _ticket_response(ticket, status.HTTP_201_CREATED)


@extend_schema_serializer(component_name="LineQueue")
class LineQueueSerializer(WaitEstimateSerializer):
    line = serializers.CharField(source="line.code")
    name = serializers.CharField(source="line.name")
    letter = serializers.CharField(source="line.letter")
    waiting = serializers.IntegerField()
    priority_waiting = serializers.IntegerField()
    longest_wait_minutes = serializers.IntegerField()
    open_counters = serializers.IntegerField()
    service_minutes = serializers.FloatField()


@access(GET=OFFICE_ROLES)
class QueueApi(APIView):
    """Per line of the branch: waiting, longest wait, open counters, estimated wait."""

    permission_classes = [IsStaff]

    @extend_schema(responses=LineQueueSerializer(many=True))
    def get(self, request: Request, branch: str) -> Response:
        obj = branch_get(user=request.user, code=branch)
        rows = selectors.queue_summary(branch=obj)
        return Response(LineQueueSerializer(rows, many=True).data)


@extend_schema_serializer(component_name="Counter")
class CounterOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    name = serializers.CharField()
    line = serializers.SerializerMethodField()
    is_open = serializers.SerializerMethodField()
    is_paused = serializers.SerializerMethodField()
    operator = serializers.SerializerMethodField()

    def get_line(self, obj: Any) -> str | None:
        return obj.open_shift.line.code if obj.open_shift else None

    def get_is_open(self, obj: Any) -> bool:
        return obj.open_shift is not None

    def get_is_paused(self, obj: Any) -> bool:
        return bool(obj.open_shift and obj.open_shift.is_paused)

    def get_operator(self, obj: Any) -> str | None:
        if not obj.open_shift:
            return None
        user = obj.open_shift.operator
        return user.get_full_name() or user.get_username()


@access(GET=OFFICE_ROLES)
class CounterListApi(APIView):
    """The branch's counters: the line each serves now, if open."""

    permission_classes = [IsStaff]

    @extend_schema(responses=CounterOutputSerializer(many=True))
    def get(self, request: Request, branch: str) -> Response:
        obj = branch_get(user=request.user, code=branch)
        counters = selectors.counter_list(branch=obj)
        return Response(CounterOutputSerializer(counters, many=True).data)


def _counter_response(request: Request, counter_id: int) -> Response:
    counter = selectors.counter_get(
        user=request.user, counter_id=counter_id, roles=COUNTER_STAFF
    )
    counter.open_shift = selectors.open_shift_for_counter(counter=counter)  # type: ignore[attr-defined]
    return Response(CounterOutputSerializer(counter).data)


@access(POST=(Role.OPERATOR,))
class CounterOpenApi(APIView):
    """Open a shift on the counter for a line."""

    permission_classes = [role_required(Role.OPERATOR)]

    @extend_schema_serializer(component_name="CounterOpenRequest")
    class InputSerializer(serializers.Serializer):
        line = serializers.CharField(max_length=50)

    @extend_schema(request=InputSerializer, responses=CounterOutputSerializer)
    def post(self, request: Request, counter_id: int) -> Response:
        counter = selectors.counter_get(
            user=request.user, counter_id=counter_id, roles=[Role.OPERATOR]
        )
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.shift_open(
            counter=counter,
            operator=request_user(request),
            line_code=data.validated_data["line"],
        )
        return _counter_response(request, counter_id)


@access(POST=(Role.OPERATOR, Role.FLOOR_SUPERVISOR))
class CounterCloseApi(APIView):
    """Close the counter's shift (its operator or the floor supervisor)."""

    permission_classes = [role_required(*COUNTER_STAFF)]

    @extend_schema(request=None, responses=CounterOutputSerializer)
    def post(self, request: Request, counter_id: int) -> Response:
        counter = selectors.counter_get(
            user=request.user, counter_id=counter_id, roles=COUNTER_STAFF
        )
        services.shift_close(counter=counter, actor=request_user(request))
        return _counter_response(request, counter_id)


@access(POST=(Role.OPERATOR, Role.FLOOR_SUPERVISOR))
class CounterPauseApi(APIView):
    """Pause the counter: no calls, and it no longer counts in the waits."""

    permission_classes = [role_required(*COUNTER_STAFF)]
    paused = True

    @extend_schema(request=None, responses=CounterOutputSerializer)
    def post(self, request: Request, counter_id: int) -> Response:
        counter = selectors.counter_get(
            user=request.user, counter_id=counter_id, roles=COUNTER_STAFF
        )
        services.shift_pause(
            counter=counter, actor=request_user(request), paused=self.paused
        )
        return _counter_response(request, counter_id)


@access(POST=(Role.OPERATOR, Role.FLOOR_SUPERVISOR))
class CounterResumeApi(CounterPauseApi):
    """Resume service at a paused counter."""

    paused = False


@access(POST=(Role.OPERATOR,))
class CounterCallNextApi(APIView):
    """Call the next ticket of the counter's line: 200 with it, 204 if none waits."""

    permission_classes = [role_required(Role.OPERATOR)]

    @extend_schema(
        request=None,
        responses={200: TicketOutputSerializer, 204: OpenApiResponse(description="")},
    )
    def post(self, request: Request, counter_id: int) -> Response:
        counter = selectors.counter_get(
            user=request.user, counter_id=counter_id, roles=[Role.OPERATOR]
        )
        ticket = services.ticket_call_next(
            counter=counter, operator=request_user(request)
        )
        if ticket is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return _ticket_response(ticket)


class _TicketActionApi(APIView):
    permission_classes = [role_required(*COUNTER_STAFF)]

    def _ticket(self, request: Request, ticket_id: int) -> Ticket:
        return selectors.ticket_get(
            user=request.user, ticket_id=ticket_id, roles=COUNTER_STAFF
        )


@access(POST=(Role.OPERATOR, Role.FLOOR_SUPERVISOR))
class TicketRecallApi(_TicketActionApi):
    """Announce the called ticket again (no new call)."""

    @extend_schema(request=None, responses=TicketOutputSerializer)
    def post(self, request: Request, ticket_id: int) -> Response:
        ticket = services.ticket_recall(
            ticket=self._ticket(request, ticket_id), actor=request_user(request)
        )
        return _ticket_response(ticket)


@access(POST=(Role.OPERATOR, Role.FLOOR_SUPERVISOR))
class TicketCompleteApi(_TicketActionApi):
    """Close the ticket as served, with the catalogue services performed."""

    @extend_schema_serializer(component_name="TicketCompleteRequest")
    class InputSerializer(serializers.Serializer):
        services = serializers.ListField(
            child=serializers.CharField(max_length=80), max_length=50
        )

    @extend_schema(request=InputSerializer, responses=TicketOutputSerializer)
    def post(self, request: Request, ticket_id: int) -> Response:
        ticket = self._ticket(request, ticket_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ticket = services.ticket_complete(
            ticket=ticket,
            actor=request_user(request),
            service_codes=data.validated_data["services"],
        )
        return _ticket_response(ticket)


@access(POST=(Role.OPERATOR, Role.FLOOR_SUPERVISOR))
class TicketNoShowApi(_TicketActionApi):
    """Close the ticket: its holder did not come to the counter."""

    @extend_schema(request=None, responses=TicketOutputSerializer)
    def post(self, request: Request, ticket_id: int) -> Response:
        ticket = services.ticket_no_show(
            ticket=self._ticket(request, ticket_id), actor=request_user(request)
        )
        return _ticket_response(ticket)


@access(POST=(Role.OPERATOR, Role.FLOOR_SUPERVISOR))
class TicketTransferApi(_TicketActionApi):
    """Send the ticket to another line, keeping its original issue time."""

    @extend_schema_serializer(component_name="TicketTransferRequest")
    class InputSerializer(serializers.Serializer):
        line = serializers.CharField(max_length=50)

    @extend_schema(request=InputSerializer, responses=TicketOutputSerializer)
    def post(self, request: Request, ticket_id: int) -> Response:
        ticket = self._ticket(request, ticket_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ticket = services.ticket_transfer(
            ticket=ticket,
            actor=request_user(request),
            line_code=data.validated_data["line"],
        )
        return _ticket_response(ticket)


@extend_schema_serializer(component_name="TicketStatus")
class TicketStatusSerializer(WaitEstimateSerializer):
    """A ticket as its holder sees it: no personal data exists on a ticket."""

    number = serializers.CharField(source="ticket.code")
    line = serializers.CharField(source="ticket.line.code")
    line_name = serializers.CharField(source="ticket.line.name")
    branch = serializers.CharField(source="ticket.branch.code")
    issued_at = serializers.DateTimeField(source="ticket.issued_at")
    status = serializers.CharField(source="ticket.status")
    position = serializers.IntegerField(allow_null=True)
    counter = serializers.SerializerMethodField()

    def get_counter(self, obj: selectors.TicketState) -> str | None:
        ticket = obj.ticket
        if ticket.status == Ticket.Status.CALLED and ticket.counter:
            return ticket.counter.name
        return None


NOT_MODIFIED = OpenApiResponse(
    description="Nessuna novità rispetto all'ETag in If-None-Match (nessun corpo)."
)


@access(GET=PUBLIC)
class TicketStatusApi(APIView):
    """Public: one ticket's status, place in line and estimated wait."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(responses={200: TicketStatusSerializer, 304: NOT_MODIFIED})
    def get(self, request: Request, public_code: str) -> HttpResponse:
        found: list[Ticket] = []
        branch_id = selectors.ticket_public_branch_id(
            public_code=public_code, found=found
        )

        def build() -> Any:
            ticket = (
                found[0]
                if found
                else selectors.ticket_by_public_code(public_code=public_code)
            )
            return TicketStatusSerializer(selectors.ticket_state(ticket=ticket)).data

        answer = public_cache.cached_json(
            key=selectors.ticket_status_cache_key(public_code=public_code),
            branch_id=branch_id,
            build=build,
            # Its place and wait move only with the branch's events (which
            # retire it) and with the hour of the day (the service times).
            seconds=public_cache.event_seconds(),
        )
        return public_cache.json_response(request, answer)


@extend_schema_serializer(component_name="Display")
class DisplaySerializer(serializers.Serializer):
    class CallSerializer(serializers.Serializer):
        id = serializers.IntegerField(source="pk")
        ticket = serializers.CharField(source="code")
        counter = serializers.CharField(source="counter.name")
        counter_number = serializers.IntegerField(source="counter.number")
        line = serializers.CharField(source="line.code")
        called_at = serializers.DateTimeField()
        recalled_at = serializers.DateTimeField(allow_null=True)
        recall_count = serializers.IntegerField()
        is_recall = serializers.SerializerMethodField(
            help_text="True when the call shown is a recall of a ticket "
            "already called (the hall marks it as such)."
        )

        def get_is_recall(self, obj: Ticket) -> bool:
            return obj.recall_count > 0

    @extend_schema_serializer(component_name="DisplayLine")
    class LineSerializer(WaitEstimateSerializer):
        """A line open today: how many wait and the wait of a new ticket."""

        line = serializers.CharField(source="line.code")
        line_name = serializers.CharField(source="line.name")
        letter = serializers.CharField(source="line.letter")
        waiting = serializers.IntegerField()
        open_counters = serializers.IntegerField()

    @extend_schema_serializer(component_name="DisplayCounter")
    class CounterSerializer(serializers.Serializer):
        counter = serializers.CharField(source="counter.name")
        counter_number = serializers.IntegerField(source="counter.number")
        line = serializers.CharField(source="line.code")
        line_name = serializers.CharField(source="line.name")
        letter = serializers.CharField(source="line.letter")
        services = serializers.SerializerMethodField()
        is_paused = serializers.BooleanField()

        def get_services(self, obj: Any) -> list[str]:
            return [service.name for service in obj.line.services.all()]

    branch = serializers.CharField()
    branch_name = serializers.CharField()
    generated_at = serializers.DateTimeField()
    calls = CallSerializer(many=True)
    counters = CounterSerializer(many=True)
    lines = LineSerializer(many=True)


@access(GET=PUBLIC)
class DisplayApi(APIView):
    """Public: the hall display's data (ticket codes and counters, no names)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(responses={200: DisplaySerializer, 304: NOT_MODIFIED})
    def get(self, request: Request, branch: str) -> HttpResponse:
        found: list[Branch] = []
        branch_id = selectors.branch_public_id(code=branch, found=found)

        def build() -> Any:
            obj = found[0] if found else Branch.objects.get(pk=branch_id)
            return DisplaySerializer(selectors.display_data(branch=obj)).data

        answer = public_cache.cached_json(
            key=selectors.display_cache_key(branch_id=branch_id),
            branch_id=branch_id,
            build=build,
            # Calls, counters and queues move with the branch's events, the
            # waits also with the hour, the lines of the day at midnight.
            seconds=public_cache.event_seconds(),
        )
        return public_cache.json_response(request, answer)
