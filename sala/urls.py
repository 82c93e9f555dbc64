from django.urls import path

from sala import apis

app_name = "sala"

urlpatterns = [
    path(
        "branches/<slug:branch>/dashboard/",
        apis.DashboardApi.as_view(),
        name="dashboard",
    ),
    path(
        "branches/<slug:branch>/clones/",
        apis.CounterCloneApi.as_view(),
        name="clone-create",
    ),
    path(
        "clones/<int:clone_id>/end/",
        apis.CounterCloneEndApi.as_view(),
        name="clone-end",
    ),
    path(
        "branches/<slug:branch>/lines/<slug:line>/open/",
        apis.PeakLineOpenApi.as_view(),
        name="line-open",
    ),
    path(
        "branches/<slug:branch>/lines/<slug:line>/close/",
        apis.PeakLineCloseApi.as_view(),
        name="line-close",
    ),
    path(
        "branches/<slug:branch>/counters/<int:counter_id>/pause/",
        apis.CounterPauseApi.as_view(),
        name="counter-pause",
    ),
    path(
        "branches/<slug:branch>/counters/<int:counter_id>/close/",
        apis.CounterCloseApi.as_view(),
        name="counter-close",
    ),
    path(
        "branches/<slug:branch>/meeting-points/",
        apis.MeetingPointOpenApi.as_view(),
        name="meeting-point-open",
    ),
]
