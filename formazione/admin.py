"""Admin of training: plans, courses and qualifications, read-only.

Every write goes through the services (the plan pages and the API), so that
no rule is bypassed: a plan is sent before its courses start, only the
region approves, completion qualifies. The admin lets the director and the
floor supervisor look rows up, scoped to their branches.
"""

from django.contrib import admin

from formazione.models import Course, Enrollment, PlanEvent, Qualification, TrainingPlan
from sedi.admin_mixins import ReadOnlyAdmin


class CourseInline(admin.TabularInline):
    model = Course
    fields = readonly_fields = (
        "title",
        "topic",
        "level",
        "mode",
        "starts_on",
        "ends_on",
        "hours",
    )
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


class PlanEventInline(admin.TabularInline):
    model = PlanEvent
    fields = readonly_fields = ("at", "kind", "actor", "note")
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(TrainingPlan)
class TrainingPlanAdmin(ReadOnlyAdmin):
    list_display = [
        "title",
        "branch",
        "period_start",
        "period_end",
        "state",
        "submitted_at",
    ]
    list_filter = ["state"]
    list_select_related = ["branch"]
    search_fields = ["title", "branch__code"]
    inlines = [CourseInline, PlanEventInline]


class EnrollmentInline(admin.TabularInline):
    model = Enrollment
    fields = readonly_fields = ("participant", "hours_attended", "completed_on")
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(Course)
class CourseAdmin(ReadOnlyAdmin):
    branch_path = "plan__branch"
    list_display = ["title", "plan", "topic", "level", "mode", "starts_on", "hours"]
    list_filter = ["topic", "level", "mode"]
    list_select_related = ["plan__branch"]
    search_fields = ["title", "trainer"]
    inlines = [EnrollmentInline]


@admin.register(Qualification)
class QualificationAdmin(ReadOnlyAdmin):
    branch_path = "operator__staff_roles__branch"
    list_display = ["operator", "line", "since", "course", "granted_by", "revoked_at"]
    list_filter = ["line"]
    list_select_related = ["operator", "line", "course", "granted_by"]
    search_fields = ["operator__username", "operator__last_name"]

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        return super().get_queryset(request).distinct()
