"""Pages of the counters: operator desk, hall display, kiosk, virtual ticket."""

from django.urls import path

from sportelli import views

app_name = "sportelli-pages"

urlpatterns = [
    path("sportelli/<slug:branch>/", views.counter_list, name="counter-list"),
    path("sportelli/<slug:branch>/<int:counter_id>/", views.desk, name="desk"),
    path(
        "sportelli/<slug:branch>/<int:counter_id>/coda/",
        views.desk_queue,
        name="desk-queue",
    ),
    path(
        "sportelli/<slug:branch>/<int:counter_id>/<slug:action>/",
        views.desk_action,
        name="desk-action",
    ),
    path("display/<slug:branch>/", views.display, name="display"),
    path("display/<slug:branch>/chiamate/", views.display_calls, name="display-calls"),
    path("totem/<slug:branch>/", views.kiosk, name="kiosk"),
    path(
        "totem/<slug:branch>/biglietto/<int:ticket_id>/",
        views.kiosk_ticket,
        name="kiosk-ticket",
    ),
    path("biglietto/<slug:public_code>/", views.ticket, name="ticket"),
    path(
        "biglietto/<slug:public_code>/stato/", views.ticket_state, name="ticket-state"
    ),
]
