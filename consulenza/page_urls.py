"""Pages of the consultation agenda."""

from django.urls import path

from consulenza import views

app_name = "consulenza-pages"

urlpatterns = [
    path("consulenza/prenota/", views.appointment_book, name="appointment-book"),
    path("consulenza/<slug:branch>/agenda/", views.agenda, name="agenda"),
    path("consulenza/cric/", views.escalation_list, name="escalations"),
    path(
        "consulenza/cric/<int:escalation_id>/risolvi/",
        views.escalation_resolve,
        name="escalation-resolve",
    ),
    path(
        "consulenza/<slug:branch>/agenda/<int:appointment_id>/",
        views.agenda_appointment,
        name="agenda-appointment",
    ),
]
