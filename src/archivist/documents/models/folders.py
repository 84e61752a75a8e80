"""Folders: rule folders, record folders, manual folders and default folders, in one tree."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from archivist.sources.names import sanitize_folder_name


class FolderKind(models.TextChoices):
    RULE = "rule", "rule folder"
    RECORD = "record", "record folder"
    MANUAL = "manual", "manual folder"
    DEFAULT = "default", "default folder"


AUTOMATIC_KINDS = (FolderKind.RULE, FolderKind.RECORD)


class Folder(models.Model):
    """A node of the folder tree.

    `parent_path` lists the ids of every ancestor, root first, as "/1/5/" ("/" for a root), so a
    subtree is one indexed prefix query. A record folder points at its record (source, model,
    record_id) and at most one folder exists per record; a rule folder exists once per rule and
    parent.
    """

    name = models.CharField(max_length=255)
    kind = models.CharField(max_length=8, choices=FolderKind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    parent_path = models.CharField(max_length=2000, default="/", editable=False)
    sequence = models.IntegerField(default=0)
    # Rule and source: the indexes (rule, kind, id) and (source, model, record_id) below serve
    # these keys, so they get no index of their own; and Django enforces SET_NULL/PROTECT, so
    # the database checks no constraint on them either. On PostgreSQL those checks cost a
    # third of the time of creating a million folders; the tree's own key (parent) keeps its
    # constraint.
    rule = models.ForeignKey(
        "documents.FolderRule",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="folders",
        db_index=False,
        db_constraint=False,
    )
    source = models.ForeignKey(
        "documents.Source",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    model = models.CharField(max_length=128, blank=True)
    record_id = models.CharField(max_length=255, blank=True)
    default_origin = models.ForeignKey(
        "documents.DefaultFolder",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    active = models.BooleanField(default=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    last_checked = models.DateTimeField(null=True, blank=True)
    next_check = models.DateTimeField(null=True, blank=True)
    needs_check = models.BooleanField(
        default=False, help_text="A change waits for the rule's monitoring restriction to end."
    )
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        help_text="Extra security: when users or groups are set, only they (and only if they "
        "may read the parent folder) see this folder.",
    )
    groups = models.ManyToManyField(Group, blank=True, related_name="+")
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sequence", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "model", "record_id"],
                condition=Q(kind="record"),
                name="folder_one_per_record",
            ),
            models.UniqueConstraint(
                fields=["rule", "parent"],
                condition=Q(kind="rule", parent__isnull=False),
                name="folder_one_per_rule_and_parent",
            ),
            models.UniqueConstraint(
                fields=["rule"],
                condition=Q(kind="rule", parent__isnull=True),
                name="folder_one_root_per_rule",
            ),
            models.CheckConstraint(
                condition=~Q(kind="record") | (Q(source__isnull=False) & ~Q(record_id="")),
                name="folder_record_has_reference",
            ),
        ]
        indexes = [
            # Ends with id so that walking a rule's folders by id (keyset) stays an index range
            # (a bare boolean test on SQLite would stop an index at `active`).
            models.Index(fields=["rule", "kind", "id"], name="folder_rule_kind"),
            # Subtrees are prefix searches on parent_path; on PostgreSQL only a pattern
            # operator class serves LIKE 'prefix%' (and one index is enough: no equality test).
            models.Index(
                fields=["parent_path"], name="folder_subtree", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(
                fields=["rule", "next_check"],
                condition=Q(needs_check=True),
                name="folder_pending_checks",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_automatic(self) -> bool:
        return self.kind in AUTOMATIC_KINDS

    @property
    def path_ids(self) -> list[int]:
        """Ancestor ids, root first."""
        return [int(part) for part in self.parent_path.strip("/").split("/") if part]

    def subtree_prefix(self) -> str:
        return f"{self.parent_path}{self.pk}/"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.kind in (FolderKind.MANUAL, FolderKind.DEFAULT):
            self.name = sanitize_folder_name(self.name, 255) or "Folder"
        self.parent_path = "/" if self.parent is None else self.parent.subtree_prefix()
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def clean(self) -> None:
        if self.parent is None:
            return
        if self.pk is not None and (
            self.parent.pk == self.pk or f"/{self.pk}/" in self.parent.subtree_prefix()
        ):
            raise ValidationError({"parent": "a folder cannot be moved inside itself"})
        if self.is_automatic and not self.parent.is_automatic:
            raise ValidationError({"parent": "a manual folder cannot hold an automatic folder"})
