"""Pages of staff training."""

from django.urls import path

from formazione import views

app_name = "formazione-pages"

urlpatterns = [
    path("formazione/", views.my_training, name="my-training"),
]
