"""Back office for folders, attachments, tags, shares, access policies and mass actions."""

from __future__ import annotations

import json
import re
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest

from archivist.documents.models import (
    AccessPolicy,
    Attachment,
    Folder,
    FolderKind,
    MassAction,
    Share,
    ShareAccess,
    ShareMessage,
    Tag,
    UserPreference,
)
from archivist.documents.services.access import resolve_user
from archivist.documents.services.mass_actions import check_custom_values
from archivist.sources.domain import parse_domain
from archivist.sources.errors import SourceError

# `user.login` written bare in a row filter (as in Odoo) is stored as {"user": "login"}.
_BARE_USER = re.compile(r'(?<!["\w.])user\.(id|login|username|email)\b(?!")')


@admin.register(Folder)
class FolderAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "kind", "rule", "record", "active", "last_checked", "next_check"]
    list_filter = ["kind", "active", "needs_check", "rule"]
    search_fields = ["name", "record_id"]
    raw_id_fields = ["parent"]
    show_full_result_count = False
    list_select_related = ["rule", "source"]
    fields = [
        "name",
        "kind",
        "parent",
        "sequence",
        "rule",
        "source",
        "model",
        "record_id",
        "active",
        "archived_at",
        "last_checked",
        "next_check",
        "needs_check",
        "users",
        "groups",
        "notes",
    ]
    filter_horizontal = ["users", "groups"]

    @admin.display(description="record")
    def record(self, folder: Folder) -> str:
        return f"{folder.source}/{folder.model}/{folder.record_id}" if folder.record_id else ""

    def get_readonly_fields(self, request: HttpRequest, obj: Folder | None = None) -> list[str]:
        automatic = obj is not None and obj.is_automatic
        if automatic:
            return list(self.fields)
        return [
            "kind",
            "rule",
            "source",
            "model",
            "record_id",
            "archived_at",
            "last_checked",
            "next_check",
            "needs_check",
        ]

    def save_model(self, request: HttpRequest, obj: Folder, form: Any, change: bool) -> None:
        if not change:
            obj.kind = FolderKind.MANUAL
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request: HttpRequest, obj: Folder | None = None) -> bool:
        # Automatic folders follow their rules; manual ones are archived, never deleted here.
        return False


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "folder", "size", "mimetype", "url", "author", "created_at"]
    search_fields = ["name"]
    raw_id_fields = ["folder"]
    filter_horizontal = ["tags"]
    readonly_fields = ["blob", "size", "mimetype", "default_origin"]
    # Explicit scheme: the form field's default changes in Django 6 and warns until then.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "parent", "color", "sequence", "active"]
    list_filter = ["active"]
    search_fields = ["name"]


class _SampleUser:
    id, username, email = 0, "login", "user@example.com"


class RowFilterField(forms.CharField):
    """A domain as JSON text, where `user.login` (unquoted) names the current user."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3, "cols": 80}))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | dict):
            return json.dumps(value)
        return value

    def to_python(self, value: Any) -> Any:
        text = (super().to_python(value) or "").strip()
        if not text:
            return []
        text = _BARE_USER.sub(lambda match: json.dumps({"user": match.group(1)}), text)
        try:
            domain = json.loads(text)
        except json.JSONDecodeError as error:
            raise ValidationError(f"not valid JSON: {error.msg} at character {error.pos}") from None
        try:  # checked as it will run: with a user's values in place of user.login & co.
            parse_domain(resolve_user(domain, _SampleUser()), "row_filter")
        except SourceError as error:
            raise ValidationError(str(error)) from None
        return domain


class AccessPolicyForm(forms.ModelForm):  # type: ignore[type-arg]
    row_filter = RowFilterField(
        help_text='Empty: every record. E.g. [["user_id.login", "=", user.login]].'
    )

    class Meta:
        model = AccessPolicy
        fields = ["source", "model", "group", "row_filter", "active"]

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        source, model = cleaned.get("source"), cleaned.get("model")
        if source is not None and model:
            from archivist.documents.services.sources import open_source

            try:
                schema = open_source(source).schema()
            except SourceError as error:
                raise ValidationError({"source": str(error)}) from None
            if model not in schema:
                raise ValidationError({"model": f"source {source} has no model {model!r}"})
        return cleaned


@admin.register(AccessPolicy)
class AccessPolicyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = AccessPolicyForm
    list_display = ["group", "source", "model", "row_filter", "active"]
    list_filter = ["source", "group", "active"]


class MassActionForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = MassAction
        fields = ["name", "kind", "values", "groups", "sequence", "active"]

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if cleaned.get("kind") == MassAction.Kind.CUSTOM:
            check_custom_values(cleaned.get("values"))
        return cleaned


@admin.register(MassAction)
class MassActionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = MassActionForm
    list_display = ["name", "kind", "sequence", "active"]
    list_editable = ["sequence", "active"]
    filter_horizontal = ["groups"]


class ShareMessageInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ShareMessage
    extra = 0
    readonly_fields = ["author", "author_name", "created_at"]


@admin.register(Share)
class ShareAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "parent", "expires_on", "active", "download_count"]
    list_filter = ["active"]
    search_fields = ["name"]
    filter_horizontal = ["partners", "folders", "tags", "attachments"]
    raw_id_fields = ["upload_folder", "parent"]
    readonly_fields = ["token", "token_created_at", "download_count", "password"]
    inlines = [ShareMessageInline]


@admin.register(ShareAccess)
class ShareAccessAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["at", "share", "action", "user", "address", "detail"]
    list_filter = ["action", "share"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(UserPreference)
class UserPreferenceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["user", "last_folder"]
    raw_id_fields = ["last_folder"]
