from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from reception.models import Arrival, Form, ProtocolEntry
from sedi.admin_mixins import ReadOnlyAdmin


@admin.register(Form)
class FormAdmin(SimpleHistoryAdmin):
    """The forms catalogue is kept by the floor supervisor."""

    list_display = ["code", "title", "line", "is_active"]
    list_filter = ["line", "is_active"]
    search_fields = ["code", "title"]


@admin.register(ProtocolEntry)
class ProtocolEntryAdmin(ReadOnlyAdmin):
    """The register is read here: entries are never edited nor deleted
    (DPR 445/2000 art. 53–54); annulment goes through the reception API."""

    list_display = ["__str__", "kind", "subject", "registered_at", "annulled_at"]
    list_filter = ["branch", "kind", "year", "complaint_status"]
    search_fields = ["subject"]
    list_select_related = ["branch"]
    exclude = ["sender_fiscal_code"]


@admin.register(Arrival)
class ArrivalAdmin(ReadOnlyAdmin):
    list_display = ["arrived_at", "branch", "reason", "outcome", "line"]
    list_filter = ["branch", "outcome"]
    list_select_related = ["branch", "line"]
