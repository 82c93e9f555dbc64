from django.urls import path

from reception import apis

app_name = "reception-api"

urlpatterns = [
    path(
        "branches/<slug:branch>/protocol/", apis.ProtocolApi.as_view(), name="protocol"
    ),
    path(
        "protocol/<int:entry_id>/annul/",
        apis.ProtocolAnnulApi.as_view(),
        name="protocol-annul",
    ),
    path(
        "protocol/<int:entry_id>/complaint-status/",
        apis.ComplaintStatusApi.as_view(),
        name="complaint-status",
    ),
    path(
        "branches/<slug:branch>/complaints/due/",
        apis.ComplaintsDueApi.as_view(),
        name="complaints-due",
    ),
    path(
        "branches/<slug:branch>/arrivals/", apis.ArrivalApi.as_view(), name="arrivals"
    ),
    path(
        "branches/<slug:branch>/reception/stats/",
        apis.ReceptionStatsApi.as_view(),
        name="reception-stats",
    ),
    path("forms/", apis.FormListApi.as_view(), name="form-list"),
]
