"""API of the consultation agenda, under /api/v1/."""

from django.urls import path

from consulenza import apis

app_name = "consulenza"

urlpatterns = [
    path(
        "branches/<slug:branch>/lines/<slug:line>/slots/",
        apis.SlotListApi.as_view(),
        name="slot-list",
    ),
    path(
        "branches/<slug:branch>/appointments/",
        apis.AppointmentListApi.as_view(),
        name="appointment-list",
    ),
    path("appointments/", apis.AppointmentBookApi.as_view(), name="appointment-book"),
    path(
        "appointments/<int:appointment_id>/",
        apis.AppointmentDetailApi.as_view(),
        name="appointment-detail",
    ),
    path(
        "appointments/<int:appointment_id>/check-in/",
        apis.AppointmentCheckInApi.as_view(),
        name="appointment-check-in",
    ),
    path(
        "appointments/<int:appointment_id>/cancel/",
        apis.AppointmentCancelApi.as_view(),
        name="appointment-cancel",
    ),
    path(
        "appointments/<int:appointment_id>/no-show/",
        apis.AppointmentNoShowApi.as_view(),
        name="appointment-no-show",
    ),
    path(
        "appointments/<int:appointment_id>/close/",
        apis.AppointmentCloseApi.as_view(),
        name="appointment-close",
    ),
    path("reports/backlog/", apis.BacklogReportApi.as_view(), name="report-backlog"),
    path("escalations/", apis.EscalationListApi.as_view(), name="escalation-list"),
    path(
        "escalations/<int:escalation_id>/resolve/",
        apis.EscalationResolveApi.as_view(),
        name="escalation-resolve",
    ),
]
