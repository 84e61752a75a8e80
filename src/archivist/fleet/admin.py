"""Back office for the fleet. What a person sees follows `services.access`:

- Databases Administrator (and superusers): every database, editable; the API key is set
  through a password field that never shows the stored key back; fleet settings; runs.
- Databases User (staff): only their databases (`visible_databases`), read-only, no API key.
- anyone else: no fleet page at all.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.template.response import TemplateResponse
from django.utils.html import format_html

from archivist.fleet.admin_forms import DatabaseForm, InviteForm, RemoveForm, SettingsForm
from archivist.fleet.models import (
    Database,
    DatabaseTag,
    DatabaseUser,
    FleetSettings,
    Hosting,
    SyncRun,
)
from archivist.fleet.odoo import OdooError
from archivist.fleet.services.access import (
    is_fleet_administrator,
    is_fleet_user,
    visible_databases,
)
from archivist.fleet.services.connect import connect_url
from archivist.fleet.services.databases import EDITABLE
from archivist.fleet.services.runs import start_sync
from archivist.fleet.services.users import invite, remove


class FleetAdminMixin:
    """Administrators change everything; Databases Users only read what they may see."""

    def has_module_permission(self, request: Any) -> bool:
        return is_fleet_user(request.user)

    def has_view_permission(self, request: Any, obj: Any = None) -> bool:
        return is_fleet_user(request.user)

    def has_add_permission(self, request: Any, *args: Any) -> bool:
        return is_fleet_administrator(request.user)

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return is_fleet_administrator(request.user)

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return is_fleet_administrator(request.user)


class DatabaseUserInline(admin.TabularInline):
    model = DatabaseUser
    fields = ("login", "name", "latest_authentication", "local_user")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Database)
class DatabaseAdmin(FleetAdminMixin, admin.ModelAdmin):
    form = DatabaseForm
    list_display = (
        "name",
        "hosting",
        "version",
        "documents",
        "draft_entries",
        "tax_return_status",
        "user_count",
        "last_sync",
        "sync_errors",
        "connect",
    )
    list_filter = ("hosting", "tags", "tax_return_status")
    search_fields = ("name", "url", "database_name")
    filter_horizontal = ("tags",)
    inlines = [DatabaseUserInline]
    actions = ["synchronize", "invite_users", "remove_users"]
    readonly_fields = (
        "version",
        "uuid",
        "kpis",
        "documents",
        "draft_entries",
        "tax_return_status",
        "last_sync",
        "sync_errors",
        "last_error",
        "sync_notes",
    )

    def get_queryset(self, request: Any) -> QuerySet[Database]:
        return visible_databases(request.user)

    def get_fields(self, request: Any, obj: Any = None) -> list[str]:
        fields = list(EDITABLE)
        fields.insert(fields.index("hosting"), "tags")
        if is_fleet_administrator(request.user):
            fields.insert(fields.index("api_login") + 1, "api_key")
        return fields + list(self.readonly_fields)

    def get_actions(self, request: Any) -> Any:
        actions = super().get_actions(request)
        if not is_fleet_administrator(request.user):
            actions.pop("invite_users", None)
            actions.pop("remove_users", None)
        if not is_fleet_user(request.user):
            actions.pop("synchronize", None)
        return actions

    @admin.display(description="users")
    def user_count(self, obj: Database) -> int:
        return int(obj.users.count())

    @admin.display(description="connect")
    def connect(self, obj: Database) -> str:
        if not obj.url:
            return ""
        if obj.hosting == Hosting.SAAS and not obj.uuid:
            return "synchronize first"  # the list never waits for a database to answer
        try:
            url = connect_url(obj)
        except (ValidationError, OdooError) as error:
            return f"cannot connect: {error}"
        return str(format_html('<a href="{}" target="_blank" rel="noopener">Connect</a>', url))

    @admin.action(description="Synchronize")
    def synchronize(self, request: Any, queryset: QuerySet[Database]) -> None:
        chosen = list(queryset & visible_databases(request.user))
        started = start_sync(chosen, requested_by=request.user)
        if isinstance(started, SyncRun):
            self.message_user(
                request,
                f"{started.total} databases are synchronising in the background (run {started.pk})",
            )
            return
        for outcome in started:
            level = messages.SUCCESS if outcome.ok else messages.ERROR
            text = outcome.message if not outcome.ok else "synchronized"
            self.message_user(request, f"{outcome.name}: {text}", level)

    @admin.action(description="Invite users…")
    def invite_users(self, request: Any, queryset: QuerySet[Database]) -> Any:
        chosen = list(queryset & visible_databases(request.user))
        form = InviteForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            self._report(request, invite(chosen, list(form.cleaned_data["users"])))
            return None
        return self._user_action_page(
            request, chosen, form, "invite_users", "Invite users", "Invite",
            "Choose the local users to invite to these databases:",
        )  # fmt: skip

    @admin.action(description="Remove users…")
    def remove_users(self, request: Any, queryset: QuerySet[Database]) -> Any:
        chosen = list(queryset & visible_databases(request.user))
        logins = sorted(
            set(DatabaseUser.objects.filter(database__in=chosen).values_list("login", flat=True))
        )
        form = RemoveForm(request.POST if "apply" in request.POST else None, logins=logins)
        if form.is_bound and form.is_valid():
            self._report(request, remove(chosen, form.cleaned_data["logins"]))
            return None
        return self._user_action_page(
            request, chosen, form, "remove_users", "Remove users", "Remove",
            "Choose the users to deactivate on these databases (they are never deleted):",
        )  # fmt: skip

    def _user_action_page(
        self,
        request: Any,
        chosen: list[Database],
        form: Any,
        action: str,
        title: str,
        submit: str,
        intro: str,
    ) -> TemplateResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "intro": intro,
            "submit": submit,
            "databases": chosen,
            "form": form,
            "action": action,
            "back": request.get_full_path(),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/fleet/database/user_action.html", context)

    def _report(self, request: Any, results: Any) -> None:
        for result in results:
            level = messages.SUCCESS if result.ok else messages.ERROR
            self.message_user(request, f"{result.name}: {result.message}", level)


@admin.register(DatabaseTag)
class DatabaseTagAdmin(FleetAdminMixin, admin.ModelAdmin):
    search_fields = ("name",)

    def get_queryset(self, request: Any) -> QuerySet[DatabaseTag]:
        if is_fleet_administrator(request.user):
            return DatabaseTag.objects.all()
        visible = visible_databases(request.user)
        return DatabaseTag.objects.filter(databases__in=visible).distinct()


class AdministratorsOnly:
    def has_module_permission(self, request: Any) -> bool:
        return is_fleet_administrator(request.user)

    def has_view_permission(self, request: Any, obj: Any = None) -> bool:
        return is_fleet_administrator(request.user)

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return is_fleet_administrator(request.user)

    def has_add_permission(self, request: Any, *args: Any) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(FleetSettings)
class FleetSettingsAdmin(AdministratorsOnly, admin.ModelAdmin):
    form = SettingsForm
    fields = (
        "odoo_com_url",
        "odoo_com_login",
        "odoo_com_api_key",
        "fetch_documents",
        "fetch_draft_entries",
        "fetch_tax_returns",
    )

    def get_queryset(self, request: Any) -> QuerySet[FleetSettings]:
        FleetSettings.load()  # makes the single row exist
        return FleetSettings.objects.all()


@admin.register(SyncRun)
class SyncRunAdmin(AdministratorsOnly, admin.ModelAdmin):
    list_display = ("pk", "created_at", "state", "done", "failed", "total", "scheduled")
    list_filter = ("state", "scheduled")

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False
