"""Pages of staff training."""

from django.urls import path

from formazione import views

app_name = "formazione-pages"

urlpatterns = [
    path("formazione/", views.my_training, name="my-training"),
    path("formazione/regione/", views.region_plans, name="region-plans"),
    path("formazione/regione/<int:plan_id>/", views.region_plan, name="region-plan"),
    path(
        "formazione/regione/<int:plan_id>/<slug:action>/",
        views.region_plan_action,
        name="region-plan-action",
    ),
    path("formazione/<slug:branch>/piani/", views.plans, name="plans"),
    path(
        "formazione/<slug:branch>/piani/nuovo/",
        views.plan_create,
        name="plan-create",
    ),
    path("formazione/<slug:branch>/piani/<int:plan_id>/", views.plan, name="plan"),
    path(
        "formazione/<slug:branch>/piani/<int:plan_id>/corso/",
        views.plan_course_add,
        name="plan-course-add",
    ),
    path(
        "formazione/<slug:branch>/piani/<int:plan_id>/<slug:action>/",
        views.plan_action,
        name="plan-action",
    ),
    path("formazione/<slug:branch>/abilitazioni/", views.rota, name="rota"),
    path(
        "formazione/<slug:branch>/abilitazioni/<slug:action>/",
        views.rota_action,
        name="rota-action",
    ),
]
