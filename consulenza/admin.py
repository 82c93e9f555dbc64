"""Admin of the agenda: the floor supervisor opens meeting points here."""

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import construct_instance
from django.http import HttpRequest

from consulenza import services
from consulenza.models import Appointment, BacklogFlag, Escalation, MeetingPoint
from sedi.admin_mixins import BranchScopedAdmin, ReadOnlyAdmin


class MeetingPointForm(forms.ModelForm):
    class Meta:
        model = MeetingPoint
        fields = ["branch", "line", "name", "opened_on", "closed_on", "slot_minutes"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        # The service's own rules, shown as form errors instead of a 500.
        point = construct_instance(self, self.instance)
        try:
            services.meeting_point_validate(meeting_point=point)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict) from None
        return data


@admin.register(MeetingPoint)
class MeetingPointAdmin(BranchScopedAdmin):
    form = MeetingPointForm
    list_display = [
        "name",
        "branch",
        "line",
        "opened_on",
        "closed_on",
        "slot_minutes",
    ]
    list_filter = ["branch", "line"]
    list_select_related = ["branch", "line"]
    search_fields = ["name", "branch__code"]

    def get_readonly_fields(
        self, request: HttpRequest, obj: MeetingPoint | None = None
    ) -> list[str]:
        # Changing branch, line, start or slot length would misplace the
        # appointments already booked: open a new point instead.
        if obj is not None:
            return ["branch", "line", "opened_on", "slot_minutes"]
        return []

    def save_model(
        self, request: HttpRequest, obj: MeetingPoint, form: Any, change: bool
    ) -> None:
        if change:
            services.meeting_point_update(
                meeting_point=obj, name=obj.name, closed_on=obj.closed_on
            )
        else:
            created = services.meeting_point_create(
                branch=obj.branch,
                line=obj.line,
                name=obj.name,
                opened_on=obj.opened_on,
                closed_on=obj.closed_on,
                slot_minutes=obj.slot_minutes,
            )
            obj.pk = created.pk

    def has_delete_permission(
        self, request: HttpRequest, obj: MeetingPoint | None = None
    ) -> bool:
        return False  # close it (closed_on) instead: appointments refer to it


@admin.register(Appointment)
class AppointmentAdmin(ReadOnlyAdmin):
    branch_path = "meeting_point__branch"
    list_display = ["start", "meeting_point", "status", "channel", "masked"]
    list_filter = ["status", "channel", "meeting_point__branch"]
    list_select_related = ["meeting_point"]
    date_hierarchy = "start"
    exclude = ["fiscal_code"]

    @admin.display(description="codice fiscale")
    def masked(self, obj: Appointment) -> str:
        return obj.fiscal_code_masked


@admin.register(Escalation)
class EscalationAdmin(ReadOnlyAdmin):
    list_display = ["requested_at", "branch", "line", "status", "masked"]
    list_filter = ["status", "branch", "line"]
    list_select_related = ["branch", "line"]
    exclude = ["fiscal_code"]

    @admin.display(description="codice fiscale")
    def masked(self, obj: Escalation) -> str:
        return obj.fiscal_code_masked


@admin.register(BacklogFlag)
class BacklogFlagAdmin(ReadOnlyAdmin):
    list_display = [
        "branch",
        "line",
        "level",
        "backlog_days",
        "first_free_slot",
        "flagged_since",
        "meeting_points",
        "recommended_meeting_points",
        "notified_at",
    ]
    list_filter = ["level", "branch"]
    list_select_related = ["branch", "line"]
