from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from sedi.admin_mixins import BranchScopedAdmin
from sedi.models import Branch, BranchLine, Region, Service, ServiceLine, StaffRole
from sedi.services import branch_line_open, branch_line_validate


@admin.register(Region)
class RegionAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


class ServiceInline(admin.TabularInline):
    model = Service
    extra = 0
    fields = ["position", "code", "name"]


@admin.register(ServiceLine)
class ServiceLineAdmin(SimpleHistoryAdmin):
    list_display = ["letter", "code", "name", "kiosk_description", "section", "kind"]
    inlines = [ServiceInline]


class BranchLineForm(forms.ModelForm):
    """A line of the branch, checked by the same rule as the service."""

    class Meta:
        model = BranchLine
        fields = ["line", "opened_on", "closes_on"]

    def __init__(self, *args: Any, parent: Branch | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.parent = parent
        if self.instance.pk is not None:
            # Another line is another row: add it instead of renaming this.
            self.fields["line"].disabled = True

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # The branch as just submitted (e.g. "Poli Specialistici presenti"
        # ticked or not), not as stored.
        branch, line = self.parent, data.get("line")
        if branch is not None and line is not None:
            try:
                branch_line_validate(branch=branch, line=line)
            except ValidationError as exc:
                raise ValidationError(exc.message_dict) from None
        return data


class BranchLineFormSet(BaseInlineFormSet):
    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "parent": self.instance}


class BranchLineInline(admin.TabularInline):
    model = BranchLine
    form = BranchLineForm
    formset = BranchLineFormSet
    extra = 0
    fields = ["line", "opened_on", "closes_on"]


@admin.register(Branch)
class BranchAdmin(BranchScopedAdmin):
    branch_path = "pk"

    list_display = ["code", "name", "kind", "region", "province", "has_specialist_hubs"]
    list_filter = ["region", "kind", "has_specialist_hubs"]
    search_fields = ["code", "name"]
    inlines = [BranchLineInline]

    def save_formset(
        self, request: HttpRequest, form: Any, formset: Any, change: bool
    ) -> None:
        if formset.model is not BranchLine:
            super().save_formset(request, form, formset, change)
            return
        # Lines are opened through the service, never saved as raw rows.
        rows = formset.save(commit=False)
        for row in formset.deleted_objects:
            row.delete()
        for row in rows:
            branch_line_open(
                branch=form.instance,
                line=row.line,
                opened_on=row.opened_on,
                closes_on=row.closes_on,
            )


@admin.register(StaffRole)
class StaffRoleAdmin(BranchScopedAdmin):
    list_display = ["user", "role", "branch", "region"]
    list_filter = ["role", "branch", "region"]
    search_fields = ["user__username", "user__last_name"]
    autocomplete_fields = ["branch"]
    list_select_related = ["user", "branch", "region"]
