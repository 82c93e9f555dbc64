from django.urls import path

from reports import apis

app_name = "reports"

urlpatterns = [
    path("reports/tickets/", apis.TicketReportApi.as_view(), name="report-tickets"),
    path(
        "reports/consultation/",
        apis.ConsultationReportApi.as_view(),
        name="report-consultation",
    ),
    path(
        "reports/escalations/",
        apis.EscalationReportApi.as_view(),
        name="report-escalations",
    ),
    path(
        "reports/reception/",
        apis.ReceptionReportApi.as_view(),
        name="report-reception",
    ),
]
