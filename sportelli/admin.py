from django.contrib import admin

from sedi.admin_mixins import BranchScopedAdmin, ReadOnlyAdmin
from sportelli.models import Counter, Shift, Ticket, TicketEvent


@admin.register(Counter)
class CounterAdmin(BranchScopedAdmin):
    list_display = ["branch", "number", "name", "is_active"]
    list_filter = ["branch", "is_active"]


@admin.register(Shift)
class ShiftAdmin(ReadOnlyAdmin):
    """Shifts are opened and closed at the operator desk; here they are read."""

    branch_path = "counter__branch"
    list_display = [
        "counter",
        "line",
        "operator",
        "opened_at",
        "paused_at",
        "closed_at",
    ]
    list_filter = ["counter__branch", "line"]
    list_select_related = ["counter", "line", "operator"]


class TicketEventInline(admin.TabularInline):
    model = TicketEvent
    extra = 0
    can_delete = False
    fields = ("at", "kind", "actor", "counter", "data")
    readonly_fields = ("at", "kind", "actor", "counter", "data")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdmin):
    """Tickets change only through the counters' actions: read-only here."""

    list_display = [
        "code",
        "branch",
        "line",
        "issued_on",
        "status",
        "priority",
        "counter",
        "call_reason",
    ]
    list_filter = ["branch", "line", "status", "issued_on", "priority"]
    list_select_related = ["branch", "line", "counter"]
    inlines = [TicketEventInline]
    exclude = ["public_code"]
