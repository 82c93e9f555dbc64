from django.contrib import admin

from sedi.admin_mixins import BranchScopedAdmin
from sedi.models import Branch, BranchLine, Region, Service, ServiceLine, StaffRole


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


class ServiceInline(admin.TabularInline):
    model = Service
    extra = 0
    fields = ["position", "code", "name"]


@admin.register(ServiceLine)
class ServiceLineAdmin(admin.ModelAdmin):
    list_display = ["letter", "code", "name", "section", "kind"]
    inlines = [ServiceInline]


class BranchLineInline(admin.TabularInline):
    model = BranchLine
    extra = 0
    fields = ["line", "opened_on", "closes_on"]


@admin.register(Branch)
class BranchAdmin(BranchScopedAdmin):
    branch_path = "pk"

    list_display = ["code", "name", "kind", "region", "province", "has_specialist_hubs"]
    list_filter = ["region", "kind", "has_specialist_hubs"]
    search_fields = ["code", "name"]
    inlines = [BranchLineInline]


@admin.register(StaffRole)
class StaffRoleAdmin(BranchScopedAdmin):
    list_display = ["user", "role", "branch", "region"]
    list_filter = ["role", "branch", "region"]
    search_fields = ["user__username", "user__last_name"]
    autocomplete_fields = ["branch"]
    list_select_related = ["user", "branch", "region"]
