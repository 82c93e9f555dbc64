"""API of staff training, under /api/v1/."""

from django.urls import path

from formazione import apis

app_name = "formazione"

urlpatterns = [
    path("training-plans/", apis.PlanListApi.as_view(), name="plan-list"),
    path(
        "training-plans/<int:plan_id>/",
        apis.PlanDetailApi.as_view(),
        name="plan-detail",
    ),
    path(
        "training-plans/<int:plan_id>/submit/",
        apis.PlanSubmitApi.as_view(),
        name="plan-submit",
    ),
    path(
        "training-plans/<int:plan_id>/approve/",
        apis.PlanApproveApi.as_view(),
        name="plan-approve",
    ),
    path(
        "training-plans/<int:plan_id>/return/",
        apis.PlanReturnApi.as_view(),
        name="plan-return",
    ),
    path(
        "training-plans/<int:plan_id>/courses/",
        apis.CourseAddApi.as_view(),
        name="course-add",
    ),
    path(
        "courses/<int:course_id>/", apis.CourseDetailApi.as_view(), name="course-detail"
    ),
    path(
        "courses/<int:course_id>/enrollments/",
        apis.EnrollmentAddApi.as_view(),
        name="enrollment-add",
    ),
    path(
        "enrollments/<int:enrollment_id>/",
        apis.EnrollmentDetailApi.as_view(),
        name="enrollment-detail",
    ),
    path(
        "enrollments/<int:enrollment_id>/attendance/",
        apis.EnrollmentAttendanceApi.as_view(),
        name="enrollment-attendance",
    ),
    path(
        "branches/<slug:branch>/qualifications/",
        apis.QualificationListApi.as_view(),
        name="qualification-list",
    ),
    path(
        "qualifications/<int:qualification_id>/revoke/",
        apis.QualificationRevokeApi.as_view(),
        name="qualification-revoke",
    ),
    path(
        "reports/training-plans/",
        apis.TrainingPlanReportApi.as_view(),
        name="report-training-plans",
    ),
]
