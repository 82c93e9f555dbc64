"""Admin of the hall: clones and the action log, written only by services."""

from django.contrib import admin

from sala.models import CounterClone, SupervisorAction
from sedi.admin_mixins import ReadOnlyAdmin


@admin.register(CounterClone)
class CounterCloneAdmin(ReadOnlyAdmin):
    """Clones are opened and ended from the hall dashboard; here they are read."""

    list_display = [
        "counter",
        "line",
        "operator",
        "starts_at",
        "ends_at",
        "ended_at",
        "requested_by",
        "reason",
    ]
    list_filter = ["branch", "line"]
    list_select_related = ["counter", "line", "operator", "requested_by"]


@admin.register(SupervisorAction)
class SupervisorActionAdmin(ReadOnlyAdmin):
    """Who did what in the hall, when and why: never edited."""

    list_display = ["at", "branch", "kind", "actor", "line", "counter", "reason"]
    list_filter = ["branch", "kind"]
    list_select_related = ["branch", "actor", "line", "counter"]
    date_hierarchy = "at"
