"""The back office for sources, folder rules and folders."""

from __future__ import annotations

import json
import mimetypes
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from archivist.documents.blobstore import default_store
from archivist.documents.models import (
    DefaultFile,
    DefaultFolder,
    FolderRule,
    FolderRulePeriod,
    FolderRuleState,
    JobLease,
    PendingParentCheck,
    Source,
)
from archivist.documents.services import priorities
from archivist.documents.services.prepare_folders import prepare_folders
from archivist.documents.services.rule_checks import check_periods
from archivist.documents.services.rule_plan import rule_criteria
from archivist.documents.services.sources import open_source
from archivist.sources.base import RecordQuery
from archivist.sources.errors import SourceError
from archivist.sources.periods import preview


class SourceForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Source
        fields = ["name", "url", "display_names", "change_columns", "active"]
        widgets = {"url": forms.TextInput(attrs={"size": 80})}

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if self.errors:
            return cleaned
        probe = Source(
            pk=self.instance.pk,
            url=cleaned["url"],
            display_names=cleaned.get("display_names") or {},
            change_columns=cleaned.get("change_columns") or {},
        )
        try:
            open_source(probe).schema()
        except SourceError as error:
            raise ValidationError({"url": str(error)}) from None
        return cleaned


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = SourceForm
    list_display = ["name", "safe_url", "active", "rule_count"]
    readonly_fields = ["models"]

    @admin.display(description="rules")
    def rule_count(self, source: Source) -> int:
        return source.rules.count()

    @admin.display(description="models found")
    def models(self, source: Source) -> str:
        if source.pk is None:
            return "-"
        try:
            schema = open_source(source).schema()
        except SourceError as error:
            return str(error)
        return ", ".join(sorted(schema)) or "none"


class PeriodFormSet(forms.BaseInlineFormSet):  # type: ignore[type-arg]
    def clean(self) -> None:
        super().clean()
        rule = self.instance
        if rule.source_id is None or not rule.model:
            return
        lines = [
            form.instance.as_period()
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        check_periods(rule, lines)


class PeriodInline(admin.TabularInline):  # type: ignore[type-arg]
    model = FolderRulePeriod
    formset = PeriodFormSet
    extra = 0


class DefaultFolderInline(admin.TabularInline):  # type: ignore[type-arg]
    model = DefaultFolder
    extra = 0
    fields = ["name", "parent", "sequence"]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "parent":
            rule_id = (
                request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
            )
            kwargs["queryset"] = DefaultFolder.objects.filter(rule_id=rule_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class DefaultFileForm(forms.ModelForm):  # type: ignore[type-arg]
    upload = forms.FileField(required=False, help_text="The file's content.")

    class Meta:
        model = DefaultFile
        fields = ["name", "folder", "upload"]

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if not self.instance.blob and not cleaned.get("upload") and not cleaned.get("DELETE"):
            raise ValidationError({"upload": "choose the file to copy into new record folders"})
        return cleaned

    def save(self, commit: bool = True) -> DefaultFile:
        file = self.cleaned_data.get("upload")
        if file is not None:
            blob = default_store().put(file)
            self.instance.blob, self.instance.size = blob.sha256, blob.size
            self.instance.mimetype = (
                mimetypes.guess_type(self.instance.name)[0] or "application/octet-stream"
            )
            if not self.instance.name:
                self.instance.name = file.name
        saved: DefaultFile = super().save(commit)
        return saved


class DefaultFileInline(admin.TabularInline):  # type: ignore[type-arg]
    model = DefaultFile
    form = DefaultFileForm
    extra = 0
    readonly_fields = ["size", "mimetype"]


class FolderRuleForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = FolderRule
        fields = "__all__"
        widgets = {
            "domain": forms.Textarea(attrs={"rows": 3, "cols": 80}),
            "name_template": forms.Textarea(attrs={"rows": 2, "cols": 80}),
        }


@admin.register(FolderRule)
class FolderRuleAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = FolderRuleForm
    list_display = ["name", "key", "sequence", "source", "model", "parent", "active"]
    list_filter = ["active", "source"]
    list_editable = ["sequence"]
    search_fields = ["name", "key", "model"]
    prepopulated_fields = {"key": ["name"]}
    inlines = [PeriodInline, DefaultFolderInline, DefaultFileInline]
    readonly_fields = ["matching_records", "period_preview", "last_run"]
    actions = ["clear_priority", "prepare_now"]
    fieldsets = [
        (None, {"fields": ["name", "key", "sequence", "active"]}),
        (
            "Records",
            {"fields": ["source", "model", "parent", "parent_field", "domain", "matching_records"]},
        ),
        ("Periods", {"fields": ["period_preview"]}),
        ("Name expression", {"fields": ["name_template"]}),
        ("Prioritization", {"fields": ["restrict_monitoring", "restrict_hours"]}),
        ("Last run", {"fields": ["last_run"]}),
    ]

    @admin.display(description="matching records")
    def matching_records(self, rule: FolderRule) -> str:
        if rule.pk is None:
            return "shown once saved"
        try:
            query = RecordQuery(rule.model, include=rule_criteria(rule), today=timezone.localdate())
            return str(open_source(rule.source).count(query))
        except SourceError as error:
            return f"cannot count: {error}"

    @admin.display(description="If today, the periods would be…")
    def period_preview(self, rule: FolderRule) -> str:
        lines = preview(rule.period_lines(), timezone.localdate()) if rule.pk else []
        if not lines:
            return "no periods: every date matches (add period lines below)"
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((line,) for line in lines))
        )

    @admin.display(description="state")
    def last_run(self, rule: FolderRule) -> str:
        state = FolderRuleState.objects.filter(rule=rule).first()
        if state is None or state.last_run_at is None:
            return "not prepared yet"
        return f"last run {state.last_run_at:%Y-%m-%d %H:%M} UTC: {json.dumps(state.last_stats)}"

    @admin.action(description="Clear next folders priority")
    def clear_priority(self, request: HttpRequest, queryset: QuerySet[FolderRule]) -> None:
        cleared = sum(priorities.clear_priority(rule) for rule in queryset)
        self.message_user(request, f"{cleared} folders will be checked at the next run.")

    @admin.action(description="Prepare folders now")
    def prepare_now(self, request: HttpRequest, queryset: QuerySet[FolderRule]) -> None:
        stats = prepare_folders()
        if stats.skipped:
            self.message_user(request, "Another run is in progress.", messages.WARNING)
        else:
            self.message_user(request, f"Prepared: {stats.as_dict()}")


@admin.register(FolderRuleState)
class FolderRuleStateAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["rule", "last_run_at", "last_complete_at", "full_pass_required"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PendingParentCheck)
class PendingParentCheckAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["rule", "record_id"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(JobLease)
class JobLeaseAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "holder", "expires_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(DefaultFolder)
class DefaultFolderAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "rule", "parent", "sequence"]
    list_filter = ["rule"]


@admin.register(DefaultFile)
class DefaultFileAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = DefaultFileForm
    # The form's own fields leave out `rule` (inlines set it); here it must be chosen.
    fields = ["rule", "name", "folder", "upload", "size", "mimetype"]
    readonly_fields = ["size", "mimetype"]
    list_display = ["name", "rule", "folder", "size"]
    list_filter = ["rule"]
