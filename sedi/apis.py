"""API of the organisation: token login, lines and catalogues, branches."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from frontoffice.common.access import PUBLIC, SIGNED_IN, access
from frontoffice.common.api import request_user
from sedi import calendar
from sedi.models import Branch, StaffRole
from sedi.permissions import OFFICE_ROLES, IsStaff
from sedi.selectors import branch_get, branch_list_with_lines, line_list
from sedi.services import auth_token_obtain, auth_tokens_revoke

Role = StaffRole.Role


@access(POST=PUBLIC)
class AuthTokenApi(APIView):
    """Exchange username and password for an API token."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema_serializer(component_name="AuthTokenRequest")
    class InputSerializer(serializers.Serializer):
        username = serializers.CharField(max_length=150)
        password = serializers.CharField(max_length=128, trim_whitespace=False)

    @extend_schema_serializer(component_name="AuthToken")
    class OutputSerializer(serializers.Serializer):
        token = serializers.CharField(source="key")

    @extend_schema(request=InputSerializer, responses=OutputSerializer)
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        token = auth_token_obtain(request=request._request, **data.validated_data)
        return Response(self.OutputSerializer(token).data)


@access(POST=SIGNED_IN)
class AuthTokenRevokeApi(APIView):
    """Revoke the caller's API token (sign out of the API)."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        auth_tokens_revoke(user=request_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


@access(GET=OFFICE_ROLES)
class LineListApi(APIView):
    """Counter lines with their service catalogues (guideline §2.1–2.6)."""

    permission_classes = [IsStaff]

    @extend_schema_serializer(component_name="Line")
    class OutputSerializer(serializers.Serializer):
        class ServiceSerializer(serializers.Serializer):
            code = serializers.CharField()
            name = serializers.CharField()

        code = serializers.CharField()
        name = serializers.CharField()
        letter = serializers.CharField()
        section = serializers.CharField()
        kind = serializers.CharField()
        services = ServiceSerializer(many=True)

    @extend_schema(responses=OutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(self.OutputSerializer(line_list(), many=True).data)


class BranchOutputSerializer(serializers.Serializer):
    """A branch with its lines and what is open right now (Rome time)."""

    class BranchLineSerializer(serializers.Serializer):
        code = serializers.CharField(source="line.code")
        name = serializers.CharField(source="line.name")
        letter = serializers.CharField(source="line.letter")
        opened_on = serializers.DateField(allow_null=True)
        closes_on = serializers.DateField(allow_null=True)
        is_open_today = serializers.SerializerMethodField()

        def get_is_open_today(self, obj) -> bool:
            return obj.is_open_on(self.context["today"])

    class NowSerializer(serializers.Serializer):
        counters_open = serializers.BooleanField()
        tickets_open = serializers.BooleanField()
        consultation_open = serializers.BooleanField()
        closed_for = serializers.CharField(allow_null=True)

    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    region = serializers.CharField(source="region.code")
    province = serializers.CharField()
    patron_day = serializers.SerializerMethodField()
    has_specialist_hubs = serializers.BooleanField()
    has_consultation = serializers.BooleanField()
    lines = BranchLineSerializer(source="branch_lines", many=True)
    now = serializers.SerializerMethodField()

    def get_patron_day(self, obj: Branch) -> str | None:
        """Return the patron day as ``--MM-DD`` (ISO 8601 recurring date)."""
        day = calendar.patron_day(branch=obj, year=self.context["today"].year)
        return day.strftime("--%m-%d") if day else None

    @extend_schema(responses=NowSerializer)
    def get_now(self, obj: Branch) -> dict:
        at = self.context["now"]
        return {
            "counters_open": calendar.counters_open_at(branch=obj, at=at),
            "tickets_open": calendar.tickets_open_at(branch=obj, at=at),
            "consultation_open": calendar.consultation_open_at(branch=obj, at=at),
            "closed_for": calendar.closed_for(branch=obj, day=self.context["today"]),
        }


def _branch_context() -> dict:
    now = timezone.now()
    return {"now": now, "today": calendar.to_rome(now).date()}


@access(GET=OFFICE_ROLES)
class BranchListApi(APIView):
    """The branches the caller may see, with their lines and today's state."""

    permission_classes = [IsStaff]

    @extend_schema(responses=BranchOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        branches = branch_list_with_lines(user=request.user)
        return Response(
            BranchOutputSerializer(branches, many=True, context=_branch_context()).data
        )


@access(GET=OFFICE_ROLES)
class BranchDetailApi(APIView):
    """One branch the caller may see; 404 for any other."""

    permission_classes = [IsStaff]

    @extend_schema(responses=BranchOutputSerializer)
    def get(self, request: Request, branch: str) -> Response:
        obj = branch_get(user=request.user, code=branch, with_lines=True)
        return Response(BranchOutputSerializer(obj, context=_branch_context()).data)
