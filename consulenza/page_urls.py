"""Pages of the consultation agenda."""

from django.urls import path

from consulenza import views

app_name = "consulenza-pages"

urlpatterns = [
    path("consulenza/prenota/", views.appointment_book, name="appointment-book"),
]
