"""Pages of the regional reports."""

from django.urls import path

from reports import views

app_name = "reports-pages"

urlpatterns = [
    path("regione/report/", views.overview, name="overview"),
]
