from django.urls import path

from reports import apis

app_name = "reports"

urlpatterns = [
    path("reports/tickets/", apis.TicketReportApi.as_view(), name="report-tickets"),
]
