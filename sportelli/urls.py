from django.urls import path

from sportelli import apis

app_name = "sportelli"

urlpatterns = [
    path(
        "branches/<slug:branch>/tickets/",
        apis.TicketIssueApi.as_view(),
        name="ticket-issue",
    ),
    path("branches/<slug:branch>/queue/", apis.QueueApi.as_view(), name="queue"),
    path("branches/<slug:branch>/display/", apis.DisplayApi.as_view(), name="display"),
    path(
        "branches/<slug:branch>/counters/",
        apis.CounterListApi.as_view(),
        name="counter-list",
    ),
    path(
        "counters/<int:counter_id>/open/",
        apis.CounterOpenApi.as_view(),
        name="counter-open",
    ),
    path(
        "counters/<int:counter_id>/close/",
        apis.CounterCloseApi.as_view(),
        name="counter-close",
    ),
    path(
        "counters/<int:counter_id>/pause/",
        apis.CounterPauseApi.as_view(),
        name="counter-pause",
    ),
    path(
        "counters/<int:counter_id>/resume/",
        apis.CounterResumeApi.as_view(),
        name="counter-resume",
    ),
    path(
        "counters/<int:counter_id>/call-next/",
        apis.CounterCallNextApi.as_view(),
        name="counter-call-next",
    ),
    path(
        "tickets/status/<str:public_code>/",
        apis.TicketStatusApi.as_view(),
        name="ticket-status",
    ),
    path(
        "tickets/<int:ticket_id>/recall/",
        apis.TicketRecallApi.as_view(),
        name="ticket-recall",
    ),
    path(
        "tickets/<int:ticket_id>/complete/",
        apis.TicketCompleteApi.as_view(),
        name="ticket-complete",
    ),
    path(
        "tickets/<int:ticket_id>/no-show/",
        apis.TicketNoShowApi.as_view(),
        name="ticket-no-show",
    ),
    path(
        "tickets/<int:ticket_id>/transfer/",
        apis.TicketTransferApi.as_view(),
        name="ticket-transfer",
    ),
]
