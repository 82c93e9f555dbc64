from django.urls import path

from reception import views

app_name = "reception"

urlpatterns = [
    path("accoglienza/<slug:branch>/", views.intake, name="intake"),
    path("accoglienza/<slug:branch>/biglietto/", views.intake_ticket, name="issue"),
    path(
        "accoglienza/<slug:branch>/biglietto/<int:ticket_id>/",
        views.ticket,
        name="ticket",
    ),
    path("accoglienza/<slug:branch>/risolto/", views.intake_solved, name="solved"),
    path("accoglienza/<slug:branch>/arrivo/", views.intake_check_in, name="check-in"),
    path("accoglienza/<slug:branch>/prenota/", views.intake_booking, name="booking"),
    path("accoglienza/<slug:branch>/protocollo/", views.protocol, name="protocol"),
    path(
        "accoglienza/<slug:branch>/protocollo/registro/",
        views.protocol_register,
        name="register",
    ),
    path(
        "accoglienza/<slug:branch>/protocollo/<int:entry_id>/",
        views.receipt,
        name="receipt",
    ),
    path(
        "accoglienza/<slug:branch>/protocollo/<int:entry_id>/annulla/",
        views.protocol_annul,
        name="annul",
    ),
    path("accoglienza/<slug:branch>/reclami/", views.complaints, name="complaints"),
]
