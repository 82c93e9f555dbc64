"""Pages of the consultation agenda."""

from django.urls import path

from consulenza import views

app_name = "consulenza-pages"

urlpatterns = [
    path("consulenza/prenota/", views.appointment_book, name="appointment-book"),
    path("consulenza/<slug:branch>/agenda/", views.agenda, name="agenda"),
    path(
        "consulenza/<slug:branch>/agenda/<int:appointment_id>/",
        views.agenda_appointment,
        name="agenda-appointment",
    ),
]
