"""API of staff training: plans, courses, attendance, qualifications, report.

Who may do what: the director writes their own branch's plan and its
attendance, and grants or revokes qualifications of their operators; the
regional office reads every plan of its region, approves or returns it,
and reads the report; the floor supervisor and the director read who may
staff which line. Another branch's objects answer 404.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import serializers, status
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from formazione import selectors, services
from formazione.models import Course, Enrollment, Qualification, TrainingPlan
from frontoffice.common.access import access
from frontoffice.common.api import BoundedDateField, request_user
from frontoffice.common.exports import CSVRenderer, XLSXRenderer
from frontoffice.common.pagination import (
    PAGE_PARAMETERS,
    Pagination,
    list_or_page,
    paginated,
)
from frontoffice.common.reports import LazyRows, report_response, wants_page
from sedi.models import ServiceLine, StaffRole
from sedi.permissions import role_required
from sedi.selectors import branch_get

Role = StaffRole.Role
DIRECTOR = (Role.DIRECTOR,)
REGIONAL = (Role.REGIONAL,)
PLAN_READERS = (Role.DIRECTOR, Role.REGIONAL)
ROTA_READERS = (Role.FLOOR_SUPERVISOR, Role.DIRECTOR)
TEXT_MAX_LENGTH = 5_000


# --- Output shapes ------------------------------------------------------------


@extend_schema_serializer(component_name="TrainingEnrollment")
class EnrollmentOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    participant = serializers.CharField(source="participant.username")
    participant_name = serializers.CharField(source="participant.get_full_name")
    hours_attended = serializers.DecimalField(max_digits=5, decimal_places=1)
    completed = serializers.BooleanField(source="is_completed")
    completed_on = serializers.DateField(allow_null=True)


@extend_schema_serializer(component_name="TrainingCourse")
class CourseOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    topic = serializers.CharField()
    kind = serializers.CharField()
    level = serializers.CharField()
    mode = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    hours = serializers.DecimalField(max_digits=5, decimal_places=1)
    trainer = serializers.CharField()
    lines = serializers.SerializerMethodField()
    enrollments = EnrollmentOutputSerializer(many=True)

    def get_lines(self, course: Course) -> list[str]:
        return [line.code for line in course.lines.all()]


@extend_schema_serializer(component_name="TrainingPlanEvent")
class PlanEventOutputSerializer(serializers.Serializer):
    kind = serializers.CharField()
    at = serializers.DateTimeField()
    actor = serializers.CharField(source="actor.username", allow_null=True)
    note = serializers.CharField()


@extend_schema_serializer(component_name="TrainingPlan")
class PlanOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    branch = serializers.CharField(source="branch.code")
    title = serializers.CharField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    state = serializers.CharField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    reviewed_at = serializers.DateTimeField(allow_null=True)
    remarks = serializers.CharField()


@extend_schema_serializer(component_name="TrainingPlanDetail")
class PlanDetailOutputSerializer(PlanOutputSerializer):
    courses = CourseOutputSerializer(many=True)
    events = PlanEventOutputSerializer(many=True)


def _plan_response(request: Request, plan_id: int, *, code: int = 200) -> Response:
    plan = selectors.plan_get(user=request.user, plan_id=plan_id, roles=PLAN_READERS)
    return Response(PlanDetailOutputSerializer(plan).data, status=code)


class ReasonSerializer(serializers.Serializer):
    """The reason an edit of a plan already sent to the region needs."""

    reason = serializers.CharField(
        max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True, default=""
    )


# --- Plans --------------------------------------------------------------------


class PlanFilterSerializer(serializers.Serializer):
    branch = serializers.SlugField(max_length=50, required=False)
    state = serializers.ChoiceField(choices=TrainingPlan.State.choices, required=False)
    period = serializers.IntegerField(min_value=2000, max_value=2100, required=False)


PLAN_FILTERS = [
    OpenApiParameter("branch", str, description="codice della sede"),
    OpenApiParameter("state", str, enum=TrainingPlan.State.values),
    OpenApiParameter("period", int, description="anno toccato dal periodo del piano"),
]


@access(GET=(Role.DIRECTOR, Role.REGIONAL), POST=(Role.DIRECTOR,))
class PlanListApi(APIView):
    """List the plans the caller reaches (director: own branch; region: all);
    create a draft plan (director)."""

    def get_permissions(self) -> list[Any]:
        roles = PLAN_READERS if self.request.method == "GET" else DIRECTOR
        return [role_required(*roles)()]

    class InputSerializer(serializers.Serializer):
        branch = serializers.SlugField(max_length=50)
        title = serializers.CharField(max_length=160)
        period_start = BoundedDateField()
        period_end = BoundedDateField()

    @extend_schema(
        parameters=[*PLAN_FILTERS, *PAGE_PARAMETERS],
        responses=paginated(
            PlanOutputSerializer(many=True), name="PaginatedTrainingPlanList"
        ),
        operation_id="v1_training_plans_list",
    )
    def get(self, request: Request) -> Response:
        params = PlanFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        plans = selectors.plan_list(
            user=request.user,
            roles=PLAN_READERS,
            branch=params.validated_data.get("branch"),
            state=params.validated_data.get("state"),
            year=params.validated_data.get("period"),
        )
        paginator = Pagination()
        page = paginator.paginate_queryset(plans, request, view=self)
        return paginator.get_paginated_response(
            PlanOutputSerializer(page, many=True).data
        )

    @extend_schema(request=InputSerializer, responses={201: PlanDetailOutputSerializer})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        branch = branch_get(
            user=request.user, code=values.pop("branch"), roles=DIRECTOR
        )
        plan = services.plan_create(
            branch=branch, actor=request_user(request), **values
        )
        return _plan_response(request, plan.pk, code=status.HTTP_201_CREATED)


@access(GET=(Role.DIRECTOR, Role.REGIONAL), PATCH=(Role.DIRECTOR,))
class PlanDetailApi(APIView):
    """One plan with its courses, participants and history; the director
    changes its title or period (``reason`` once sent)."""

    permission_classes = [role_required(*PLAN_READERS)]

    class InputSerializer(ReasonSerializer):
        title = serializers.CharField(max_length=160, required=False)
        period_start = BoundedDateField(required=False)
        period_end = BoundedDateField(required=False)

    @extend_schema(responses=PlanDetailOutputSerializer)
    def get(self, request: Request, plan_id: int) -> Response:
        return _plan_response(request, plan_id)

    @extend_schema(request=InputSerializer, responses=PlanDetailOutputSerializer)
    def patch(self, request: Request, plan_id: int) -> Response:
        plan = selectors.plan_get(user=request.user, plan_id=plan_id, roles=DIRECTOR)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        services.plan_update(
            plan=plan,
            actor=request_user(request),
            reason=values.pop("reason"),
            **values,
        )
        return _plan_response(request, plan_id)


@access(POST=(Role.DIRECTOR,))
class PlanSubmitApi(APIView):
    """Send the plan to the region before its first course starts (409
    ``plan_late``, ``plan_empty``, ``invalid_state``)."""

    permission_classes = [role_required(*DIRECTOR)]

    @extend_schema(request=None, responses=PlanDetailOutputSerializer)
    def post(self, request: Request, plan_id: int) -> Response:
        plan = selectors.plan_get(user=request.user, plan_id=plan_id, roles=DIRECTOR)
        services.plan_submit(plan=plan, actor=request_user(request))
        return _plan_response(request, plan_id)


@access(POST=(Role.REGIONAL,))
class PlanApproveApi(APIView):
    """Approve a submitted plan (regional office; 409 ``invalid_state``)."""

    permission_classes = [role_required(*REGIONAL)]

    @extend_schema(request=None, responses=PlanDetailOutputSerializer)
    def post(self, request: Request, plan_id: int) -> Response:
        plan = selectors.plan_get(user=request.user, plan_id=plan_id, roles=REGIONAL)
        services.plan_approve(plan=plan, actor=request_user(request))
        return _plan_response(request, plan_id)


@access(POST=(Role.REGIONAL,))
class PlanReturnApi(APIView):
    """Return a submitted plan with remarks (regional office)."""

    permission_classes = [role_required(*REGIONAL)]

    @extend_schema_serializer(component_name="TrainingPlanReturnRequest")
    class InputSerializer(serializers.Serializer):
        remarks = serializers.CharField(max_length=TEXT_MAX_LENGTH)

    @extend_schema(request=InputSerializer, responses=PlanDetailOutputSerializer)
    def post(self, request: Request, plan_id: int) -> Response:
        plan = selectors.plan_get(user=request.user, plan_id=plan_id, roles=REGIONAL)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.plan_return(
            plan=plan,
            actor=request_user(request),
            remarks=data.validated_data["remarks"],
        )
        return _plan_response(request, plan_id)


# --- Courses and participants -------------------------------------------------


class CourseInputSerializer(ReasonSerializer):
    title = serializers.CharField(max_length=160)
    topic = serializers.ChoiceField(choices=Course.Topic.choices)
    level = serializers.ChoiceField(choices=Course.Level.choices)
    mode = serializers.ChoiceField(choices=Course.Mode.choices)
    starts_on = BoundedDateField()
    ends_on = BoundedDateField()
    hours = serializers.DecimalField(
        max_digits=5, decimal_places=1, min_value=Decimal("0.5")
    )
    trainer = serializers.CharField(max_length=120)
    lines = serializers.ListField(
        child=serializers.SlugField(max_length=50), required=False, max_length=10
    )


def _course_values(
    data: dict[str, Any],
) -> tuple[dict[str, Any], list[str] | None, str]:
    values = dict(data)
    return values, values.pop("lines", None), values.pop("reason", "")


@access(POST=(Role.DIRECTOR,))
class CourseAddApi(APIView):
    """Add a course to a plan (director; a sent plan goes back to draft)."""

    permission_classes = [role_required(*DIRECTOR)]

    @extend_schema(
        request=CourseInputSerializer, responses={201: CourseOutputSerializer}
    )
    def post(self, request: Request, plan_id: int) -> Response:
        plan = selectors.plan_get(user=request.user, plan_id=plan_id, roles=DIRECTOR)
        data = CourseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values, lines, reason = _course_values(data.validated_data)
        course = services.course_add(
            plan=plan,
            actor=request_user(request),
            line_codes=lines or [],
            reason=reason,
            **values,
        )
        return Response(
            CourseOutputSerializer(course).data, status=status.HTTP_201_CREATED
        )


@access(PATCH=(Role.DIRECTOR,), DELETE=(Role.DIRECTOR,))
class CourseDetailApi(APIView):
    """Change (``PATCH``) or remove (``DELETE``) a course of a plan (director)."""

    permission_classes = [role_required(*DIRECTOR)]

    @extend_schema(
        request=CourseInputSerializer(partial=True), responses=CourseOutputSerializer
    )
    def patch(self, request: Request, course_id: int) -> Response:
        course = selectors.course_get(
            user=request.user, course_id=course_id, roles=DIRECTOR
        )
        data = CourseInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values, lines, reason = _course_values(data.validated_data)
        course = services.course_update(
            course=course,
            actor=request_user(request),
            line_codes=lines,
            reason=reason,
            **values,
        )
        return Response(CourseOutputSerializer(course).data)

    @extend_schema(request=ReasonSerializer, responses={204: None})
    def delete(self, request: Request, course_id: int) -> Response:
        course = selectors.course_get(
            user=request.user, course_id=course_id, roles=DIRECTOR
        )
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.course_remove(
            course=course,
            actor=request_user(request),
            reason=data.validated_data["reason"],
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


@access(POST=(Role.DIRECTOR,))
class EnrollmentAddApi(APIView):
    """Enrol a member of the branch's staff in a course (director)."""

    permission_classes = [role_required(*DIRECTOR)]

    @extend_schema_serializer(component_name="TrainingEnrollmentRequest")
    class InputSerializer(ReasonSerializer):
        participant = serializers.CharField(
            max_length=150, help_text=_("Nome utente del partecipante.")
        )

    @extend_schema(request=InputSerializer, responses={201: EnrollmentOutputSerializer})
    def post(self, request: Request, course_id: int) -> Response:
        course = selectors.course_get(
            user=request.user, course_id=course_id, roles=DIRECTOR
        )
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        participant = (
            selectors.branch_staff_list(branch=course.plan.branch)
            .filter(username=data.validated_data["participant"])
            .first()
        )
        if participant is None:
            raise serializers.ValidationError(
                {"participant": [_("Il partecipante non lavora in questa sede.")]}
            )
        enrollment = services.enrollment_add(
            course=course,
            participant=participant,
            actor=request_user(request),
            reason=data.validated_data["reason"],
        )
        return Response(
            EnrollmentOutputSerializer(enrollment).data, status=status.HTTP_201_CREATED
        )


def _enrollment(request: Request, enrollment_id: int) -> Enrollment:
    return selectors.enrollment_get(
        user=request.user, enrollment_id=enrollment_id, roles=DIRECTOR
    )


@access(DELETE=(Role.DIRECTOR,))
class EnrollmentDetailApi(APIView):
    """Take a participant off a course not yet completed (director)."""

    permission_classes = [role_required(*DIRECTOR)]

    @extend_schema(request=ReasonSerializer, responses={204: None})
    def delete(self, request: Request, enrollment_id: int) -> Response:
        enrollment = _enrollment(request, enrollment_id)
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.enrollment_remove(
            enrollment=enrollment,
            actor=request_user(request),
            reason=data.validated_data["reason"],
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


@access(POST=(Role.DIRECTOR,))
class EnrollmentAttendanceApi(APIView):
    """Record hours attended and completion; completion qualifies for the
    course's lines (409 ``plan_not_submitted``, ``course_not_started``,
    ``already_completed``)."""

    permission_classes = [role_required(*DIRECTOR)]

    @extend_schema_serializer(component_name="TrainingAttendanceRequest")
    class InputSerializer(serializers.Serializer):
        hours_attended = serializers.DecimalField(
            max_digits=5, decimal_places=1, min_value=Decimal("0")
        )
        completed = serializers.BooleanField()

    @extend_schema(request=InputSerializer, responses=EnrollmentOutputSerializer)
    def post(self, request: Request, enrollment_id: int) -> Response:
        enrollment = _enrollment(request, enrollment_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        enrollment = services.enrollment_attendance(
            enrollment=enrollment, actor=request_user(request), **data.validated_data
        )
        return Response(EnrollmentOutputSerializer(enrollment).data)


# --- Qualifications -----------------------------------------------------------


@extend_schema_serializer(component_name="Qualification")
class QualificationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    operator = serializers.CharField(source="operator.username")
    operator_name = serializers.CharField(source="operator.get_full_name")
    line = serializers.CharField(source="line.code")
    since = serializers.DateField()
    origin = serializers.SerializerMethodField()
    course = serializers.CharField(source="course.title", allow_null=True)
    granted_by = serializers.CharField(source="granted_by.username", allow_null=True)
    reason = serializers.CharField()
    revoked_at = serializers.DateTimeField(allow_null=True)
    revoke_reason = serializers.CharField()

    def get_origin(self, qualification: Qualification) -> str:
        """Return ``course`` or ``director``: where the qualification came from."""
        return "course" if qualification.course_id else "director"


@access(GET=(Role.FLOOR_SUPERVISOR, Role.DIRECTOR), POST=(Role.DIRECTOR,))
class QualificationListApi(APIView):
    """Who may staff which line today, and since when (the rota); the
    director grants a qualification with a reason (409
    ``already_qualified``)."""

    def get_permissions(self) -> list[Any]:
        roles = ROTA_READERS if self.request.method == "GET" else DIRECTOR
        return [role_required(*roles)()]

    @extend_schema_serializer(component_name="QualificationGrantRequest")
    class InputSerializer(serializers.Serializer):
        operator = serializers.CharField(max_length=150)
        line = serializers.SlugField(max_length=50)
        reason = serializers.CharField(max_length=TEXT_MAX_LENGTH)

    @extend_schema(responses=QualificationOutputSerializer(many=True))
    def get(self, request: Request, branch: str) -> Response:
        obj = branch_get(user=request.user, code=branch, roles=ROTA_READERS)
        rows = selectors.qualification_list(branch=obj)
        return Response(QualificationOutputSerializer(rows, many=True).data)

    @extend_schema(
        request=InputSerializer, responses={201: QualificationOutputSerializer}
    )
    def post(self, request: Request, branch: str) -> Response:
        obj = branch_get(user=request.user, code=branch, roles=DIRECTOR)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        operator = (
            selectors.branch_operator_list(branch=obj)
            .filter(username=data.validated_data["operator"])
            .first()
        )
        if operator is None:
            raise serializers.ValidationError(
                {
                    "operator": [
                        _("Nessun operatore di sportello con questo nome in sede.")
                    ]
                }
            )
        line = ServiceLine.objects.filter(code=data.validated_data["line"]).first()
        if line is None:
            raise serializers.ValidationError({"line": [_("Linea sconosciuta.")]})
        qualification = services.qualification_grant(
            operator=operator,
            line=line,
            actor=request_user(request),
            reason=data.validated_data["reason"],
        )
        return Response(
            QualificationOutputSerializer(qualification).data,
            status=status.HTTP_201_CREATED,
        )


@access(POST=(Role.DIRECTOR,))
class QualificationRevokeApi(APIView):
    """Revoke a qualification with a reason (director; 409 ``already_revoked``)."""

    permission_classes = [role_required(*DIRECTOR)]

    @extend_schema_serializer(component_name="QualificationRevokeRequest")
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=TEXT_MAX_LENGTH)

    @extend_schema(request=InputSerializer, responses=QualificationOutputSerializer)
    def post(self, request: Request, qualification_id: int) -> Response:
        qualification = selectors.qualification_get(
            user=request.user, qualification_id=qualification_id
        )
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        qualification = services.qualification_revoke(
            qualification=qualification,
            actor=request_user(request),
            reason=data.validated_data["reason"],
        )
        return Response(QualificationOutputSerializer(qualification).data)


# --- Report for the region ----------------------------------------------------


@access(GET=PLAN_READERS)
class TrainingPlanReportApi(APIView):
    """Per branch and plan: period, state, when it reached the region,
    courses, hours, participants and completion. ``?format=csv`` too.

    ``completion_rate`` is ``completed / enrollments`` of the same row (null
    without enrollments); ``late`` says a course started on or before the
    day the plan reached the region (or today, for a plan still unsent).

    A director reads their own branch's plans only. ``date_from`` and
    ``date_to`` keep the plans whose period overlaps them; ``?format=xlsx``
    too. The answer is the whole list, as it always was; with ``page`` or
    ``page_size`` it is a page (``{count, next, previous, results}``).
    """

    permission_classes = [role_required(*PLAN_READERS)]
    renderer_classes = [JSONRenderer, CSVRenderer, XLSXRenderer]

    class FilterSerializer(PlanFilterSerializer):
        date_from = BoundedDateField(required=False)
        date_to = BoundedDateField(required=False)

    @extend_schema_serializer(component_name="TrainingPlanReportRow")
    class OutputSerializer(serializers.Serializer):
        branch = serializers.CharField(source="plan.branch.code")
        plan = serializers.IntegerField(source="plan.pk")
        title = serializers.CharField(source="plan.title")
        period_start = serializers.DateField(source="plan.period_start")
        period_end = serializers.DateField(source="plan.period_end")
        state = serializers.CharField(source="plan.state")
        submitted_on = serializers.DateField(allow_null=True)
        first_course_on = serializers.DateField(allow_null=True)
        late = serializers.BooleanField(source="is_late")
        courses = serializers.IntegerField()
        hours = serializers.DecimalField(max_digits=8, decimal_places=1)
        participants = serializers.IntegerField()
        enrollments = serializers.IntegerField()
        completed = serializers.IntegerField()
        completion_rate = serializers.FloatField(allow_null=True)
        hours_attended = serializers.DecimalField(max_digits=9, decimal_places=1)

    csv_header = list(OutputSerializer().fields)

    @extend_schema(
        parameters=[
            *PLAN_FILTERS,
            OpenApiParameter("date_from", datetime.date),
            OpenApiParameter("date_to", datetime.date),
            OpenApiParameter("format", str, enum=["json", "csv", "xlsx"]),
            OpenApiParameter("page", int, description="Pagina (risposta paginata)."),
            OpenApiParameter("page_size", int, description="Righe per pagina."),
        ],
        responses=list_or_page(OutputSerializer, name="TrainingPlanReport"),
        operation_id="v1_reports_training_plans_list",
        examples=[
            OpenApiExample(
                "Un piano inviato alla regione",
                response_only=True,
                value=[
                    {
                        "branch": "roma-centro",
                        "plan": 12,
                        "title": "Piano formativo 2027",
                        "period_start": "2026-12-01",
                        "period_end": "2027-06-30",
                        "state": "submitted",
                        "submitted_on": "2026-12-02",
                        "first_course_on": "2026-12-03",
                        "late": False,
                        "courses": 1,
                        "hours": "12.0",
                        "participants": 1,
                        "enrollments": 1,
                        "completed": 0,
                        "completion_rate": 0.0,
                        "hours_attended": "3.0",
                    }
                ],
            )
        ],
    )
    def get(self, request: Request) -> Response:
        params = self.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        plans = selectors.plan_list(
            user=request.user,
            roles=PLAN_READERS,
            branch=params.validated_data.get("branch"),
            state=params.validated_data.get("state"),
            year=params.validated_data.get("period"),
            date_from=params.validated_data.get("date_from"),
            date_to=params.validated_data.get("date_to"),
        )
        rows = selectors.plan_report_rows(plans=plans)
        return report_response(
            request=request,
            view=self,
            rows=LazyRows.of(rows),
            serializer=self.OutputSerializer,
            filename="piani-formativi.csv",
            paginate=wants_page(request),
        )
