"""API of staff training, under /api/v1/."""

app_name = "formazione"

urlpatterns: list = []
