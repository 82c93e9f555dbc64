from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from reception.models import (
    Arrival,
    Form,
    ProtocolEntry,
    ReasonSynonym,
    UnmatchedSearch,
)
from sedi.admin_mixins import BranchScopedAdmin, ReadOnlyAdmin


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


@admin.register(ReasonSynonym)
class ReasonSynonymAdmin(SimpleHistoryAdmin):
    """The intake's synonyms: words people say, mapped to activity codes."""

    list_display = ["term", "service_codes", "line"]
    list_filter = ["line"]
    search_fields = ["term", "service_codes"]


@admin.register(UnmatchedSearch)
class UnmatchedSearchAdmin(BranchScopedAdmin):
    """Searches of the intake that found nothing, most frequent first: the
    words to add as synonyms. Written by the intake; deleted once handled."""

    list_display = ["query", "hits", "last_at", "branch"]
    list_filter = ["branch"]
    search_fields = ["query"]
    list_select_related = ["branch"]

    def has_add_permission(
        self, request: HttpRequest, obj: Model | None = None
    ) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: Model | None = None
    ) -> bool:
        return False
