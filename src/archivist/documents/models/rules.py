"""Folder rules: which records of which model become folders, where, and under which names."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models

from archivist.sources.names import sanitize_folder_name
from archivist.sources.periods import ComparedTo, Direction, Period, Unit


class FolderRule(models.Model):
    key = models.SlugField(
        max_length=100,
        unique=True,
        help_text="Stable identifier used by import and export (and parent references there).",
    )
    name = models.CharField(
        "folder name",
        max_length=100,
        help_text="Name of the rule's folder. * ? \" ' : < > / + % ! @ \\ become -.",
    )
    sequence = models.IntegerField(
        default=10,
        help_text="Lower comes first; a record matching several rules of its model belongs to "
        "the one with the lowest sequence.",
    )
    source = models.ForeignKey("documents.Source", on_delete=models.PROTECT, related_name="rules")
    model = models.CharField("model", max_length=128, help_text="Table whose records get folders.")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="Place this rule's folder inside each record folder of the parent rule.",
    )
    parent_field = models.CharField(
        "parent model field",
        max_length=255,
        blank=True,
        help_text="Many2one path from this model to the parent rule's model, e.g. project_id "
        "or partner_id.commercial_partner_id.",
    )
    domain = models.JSONField(
        "filter",
        default=list,
        blank=True,
        help_text='Odoo-style domain, e.g. [["state", "in", ["sale", "done"]]].',
    )
    name_template = models.TextField(
        "name expression",
        blank=True,
        help_text="e.g. {{ object.name }} {{ object.phone and object.phone or 'no phone' }}. "
        "Empty: the record's display name.",
    )
    restrict_monitoring = models.BooleanField(
        default=False, help_text="Do not check this rule's folders more often than below."
    )
    restrict_hours = models.PositiveIntegerField(
        "do not check more often than once in (hours)", default=0
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sequence", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(restrict_monitoring=False) | models.Q(restrict_hours__gt=0),
                name="folderrule_restriction_has_hours",
            ),
            models.CheckConstraint(
                condition=models.Q(parent__isnull=True, parent_field="")
                | (models.Q(parent__isnull=False) & ~models.Q(parent_field="")),
                name="folderrule_parent_needs_field",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.name = sanitize_folder_name(self.name) or self.key
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def clean(self) -> None:
        from archivist.documents.services.rule_checks import check_rule

        check_rule(self)

    def ancestors(self) -> list[FolderRule]:
        chain: list[FolderRule] = []
        current = self.parent
        while current is not None and current not in chain:
            chain.append(current)
            current = current.parent
        return chain

    def restriction_hours(self) -> int:
        """Effective restriction: a child rule is restricted at least as much as its parents."""
        own = self.restrict_hours if self.restrict_monitoring else 0
        return max(
            [
                own,
                *(
                    rule.restrict_hours if rule.restrict_monitoring else 0
                    for rule in self.ancestors()
                ),
            ]
        )

    def period_lines(self) -> list[Period]:
        return [line.as_period() for line in self.periods.all()]


class FolderRulePeriod(models.Model):
    rule = models.ForeignKey(FolderRule, on_delete=models.CASCADE, related_name="periods")
    field = models.CharField(max_length=255, help_text="Date or datetime field (path).")
    direction = models.CharField(
        max_length=8, choices=[(d.value, d.value) for d in Direction], default="last"
    )
    interval = models.PositiveIntegerField(default=1, validators=[MinValueValidator(1)])
    unit = models.CharField(
        max_length=8, choices=[(u.value, u.value) for u in Unit], default="months"
    )
    include_current = models.BooleanField(default=False)
    compared_to = models.CharField(
        max_length=8, choices=[(c.value, c.value) for c in ComparedTo], default="today"
    )
    compared_interval = models.PositiveIntegerField(default=0)
    compared_unit = models.CharField(
        max_length=8, choices=[(u.value, u.value) for u in Unit], blank=True
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.as_period().describe()

    def as_period(self) -> Period:
        return Period(
            field=self.field,
            direction=Direction(self.direction),
            interval=self.interval,
            unit=Unit(self.unit),
            include_current=self.include_current,
            compared_to=ComparedTo(self.compared_to),
            compared_interval=self.compared_interval,
            compared_unit=Unit(self.compared_unit) if self.compared_unit else None,
        )

    def clean(self) -> None:
        if self.compared_to != ComparedTo.TODAY and self.compared_interval < 1:
            raise ValidationError(
                {"compared_interval": "must be at least 1 when compared to past or future"}
            )


class DefaultFolder(models.Model):
    """A folder created inside each new record folder of the rule (once, at its creation)."""

    rule = models.ForeignKey(FolderRule, on_delete=models.CASCADE, related_name="default_folders")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    name = models.CharField(max_length=100)
    sequence = models.IntegerField(default=10)

    class Meta:
        ordering = ["sequence", "id"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.name = sanitize_folder_name(self.name) or "Folder"
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def clean(self) -> None:
        seen = set()
        current = self.parent
        while current is not None:
            if current.pk == self.pk or current.pk in seen:
                raise ValidationError({"parent": "a default folder cannot be inside itself"})
            if current.rule_id != self.rule_id:
                raise ValidationError({"parent": "the parent belongs to another rule"})
            seen.add(current.pk)
            current = current.parent


class DefaultFile(models.Model):
    """A file copied into each new record folder (or into one of its default folders)."""

    rule = models.ForeignKey(FolderRule, on_delete=models.CASCADE, related_name="default_files")
    folder = models.ForeignKey(
        DefaultFolder,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="files",
        help_text="Empty: directly in the record folder.",
    )
    name = models.CharField(max_length=255)
    blob = models.CharField(max_length=64, help_text="SHA-256 of the content in the blob store.")
    size = models.BigIntegerField(default=0)
    mimetype = models.CharField(max_length=255, default="application/octet-stream")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class FolderRuleState(models.Model):
    """What "Prepare folders" remembers about a rule between runs (never edited by people)."""

    rule = models.OneToOneField(FolderRule, on_delete=models.CASCADE, related_name="state")
    config_hash = models.CharField(max_length=64, blank=True)
    period_ranges = models.JSONField(default=list, blank=True)
    snapshots = models.JSONField(default=dict, blank=True)
    watermarks = models.JSONField(default=dict, blank=True)
    fingerprint = models.CharField(max_length=64, blank=True)
    full_pass_required = models.BooleanField(default=True)
    progress = models.JSONField(
        default=dict, blank=True, help_text="Where an interrupted pass resumes."
    )
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_complete_at = models.DateTimeField(null=True, blank=True)
    last_stats = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"state of {self.rule}"


class PendingParentCheck(models.Model):
    """A parent record whose folder appeared: the child rule must place its children."""

    rule = models.ForeignKey(FolderRule, on_delete=models.CASCADE, related_name="pending_parents")
    record_id = models.CharField(max_length=255)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["rule", "record_id"], name="pending_parent_unique")
        ]
