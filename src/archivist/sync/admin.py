"""Back office for cloud sync: connections, folder and rule assignments, the base, the log."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from archivist.sync.admin_forms import ConnectionForm, form_for, option_field_names
from archivist.sync.models import (
    CloudConnection,
    FolderConnection,
    RuleConnection,
    SyncItem,
    SyncLog,
    SyncOperation,
)


@admin.register(CloudConnection)
class CloudConnectionAdmin(admin.ModelAdmin):
    """Options come from the connector's declaration (`admin_forms.ConnectionForm`)."""

    form = ConnectionForm
    list_display = ("name", "kind", "root_folder", "state", "last_run_at", "last_error")
    list_filter = ("kind", "state")
    search_fields = ("name",)
    readonly_fields = ("last_run_at", "last_error")
    filter_horizontal = ("subscribers",)

    def get_fields(self, request: Any, obj: Any = None) -> list[str]:
        base = ["name", "kind", "root_folder", "state", "subscribers"]
        return base + option_field_names(obj) + list(self.readonly_fields)

    def get_form(self, request: Any, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        kwargs["form"] = form_for(obj)
        return super().get_form(request, obj, change, **kwargs)


@admin.register(FolderConnection)
class FolderConnectionAdmin(admin.ModelAdmin):
    list_display = ("folder", "connection")
    list_filter = ("connection",)
    raw_id_fields = ("folder",)


@admin.register(RuleConnection)
class RuleConnectionAdmin(admin.ModelAdmin):
    list_display = ("rule", "connection")
    list_filter = ("connection",)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(SyncItem)
class SyncItemAdmin(ReadOnlyAdmin):
    list_display = ("connection", "key", "path", "etag", "synced_at")
    list_filter = ("connection", "kind")
    search_fields = ("key", "path")


@admin.register(SyncOperation)
class SyncOperationAdmin(ReadOnlyAdmin):
    list_display = ("connection", "kind", "item", "state", "attempts", "next_attempt_at")
    list_filter = ("connection", "state", "kind")
    search_fields = ("item", "last_error")


@admin.register(SyncLog)
class SyncLogAdmin(ReadOnlyAdmin):
    list_display = ("at", "level", "connection", "operation", "item", "message")
    list_filter = ("level", "connection", ("at", admin.DateFieldListFilter))
    search_fields = ("message", "item")
