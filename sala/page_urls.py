"""Pages of the floor supervisor: the live hall dashboard."""

from django.urls import path

from sala import views

app_name = "sala-pages"

urlpatterns = [
    path("sala/<slug:branch>/", views.dashboard, name="dashboard"),
    path("sala/<slug:branch>/dati/", views.dashboard_live, name="dashboard-live"),
    path("sala/<slug:branch>/<slug:action>/", views.action, name="action"),
]
