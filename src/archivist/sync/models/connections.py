"""Cloud connections and which folders they sync."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ConnectionState(models.TextChoices):
    ACTIVE = "active", "active"
    PAUSED = "paused", "paused"
    RESET = "reset", "reset (reverse sync of everything)"


class CloudConnection(models.Model):
    """A remote storage Archivist syncs folders with (any number, of any connector type)."""

    name = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=32, help_text="connector type: local, s3, webdav, sftp…")
    options = models.JSONField(default=dict, blank=True, help_text="non-secret options")
    secrets = models.TextField(blank=True, editable=False, help_text="encrypted secret options")
    root_folder = models.CharField(max_length=255, default="Archivist")
    state = models.CharField(
        max_length=8, choices=ConnectionState.choices, default=ConnectionState.ACTIVE
    )
    subscribers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        help_text="notified by email of critical errors",
    )
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return str(self.name)


class FolderConnection(models.Model):
    """A folder synced to a connection; its subfolders inherit it unless assigned elsewhere."""

    folder = models.OneToOneField(
        "documents.Folder", on_delete=models.CASCADE, related_name="cloud_assignment"
    )
    connection = models.ForeignKey(
        CloudConnection, on_delete=models.CASCADE, related_name="folder_assignments"
    )

    def __str__(self) -> str:
        return f"{self.folder} → {self.connection}"


class RuleConnection(models.Model):
    """Every folder a rule makes is synced to this connection (the spec's rule setting)."""

    rule = models.OneToOneField(
        "documents.FolderRule", on_delete=models.CASCADE, related_name="cloud_assignment"
    )
    connection = models.ForeignKey(
        CloudConnection, on_delete=models.CASCADE, related_name="rule_assignments"
    )

    def __str__(self) -> str:
        return f"{self.rule} → {self.connection}"
