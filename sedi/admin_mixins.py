"""Admin building blocks: branch scoping and read-only rows.

The floor supervisor and the director use the Django admin; like the API,
it shows them only their own branches' rows. Superusers see everything.
"""

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from sedi.models import Branch, StaffRole
from sedi.selectors import branch_list

ADMIN_ROLES = (StaffRole.Role.FLOOR_SUPERVISOR, StaffRole.Role.DIRECTOR)


def admin_branches(request: HttpRequest) -> QuerySet[Branch]:
    """Return the branches the admin user manages (all for a superuser)."""
    return branch_list(user=request.user, roles=ADMIN_ROLES)


class BranchScopedAdmin(SimpleHistoryAdmin):
    """Show only rows of the user's branches; offer only those branches.

    ``branch_path`` is the lookup from the model to its branch, e.g.
    ``"counter__branch"``. A model with a history (django-simple-history)
    shows who changed what and when, under the same scoping.
    """

    branch_path = "branch"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        rows = super().get_queryset(request)
        if request.user.is_superuser:
            return rows
        return rows.filter(**{f"{self.branch_path}__in": admin_branches(request)})

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: Any = None
    ) -> Any:
        # The history page reads rows past ``get_queryset``: scope it here,
        # as the change page is (another branch's row answers 404).
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404(object_id)
        if not hasattr(self.model, "history"):
            return admin.ModelAdmin.history_view(
                self, request, object_id, extra_context
            )
        return super().history_view(request, object_id, extra_context)

    def formfield_for_foreignkey(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> Any:
        if db_field.name == "branch" and not request.user.is_superuser:
            kwargs["queryset"] = admin_branches(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ReadOnlyAdmin(BranchScopedAdmin):
    """Rows written only by services: viewable, never edited by hand."""

    def has_add_permission(
        self, request: HttpRequest, obj: Model | None = None
    ) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: Model | None = None
    ) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: Model | None = None
    ) -> bool:
        return False
