"""What the sync engine remembers per connection: the base and the remote observation."""

from __future__ import annotations

from django.db import models

from archivist.sync.models.connections import CloudConnection


class SyncItem(models.Model):
    """The base: what both sides held when a local item was last in sync (`state.BaseItem`)."""

    connection = models.ForeignKey(CloudConnection, on_delete=models.CASCADE, related_name="items")
    key = models.CharField(max_length=40, help_text="folder:<id> or file:<id>")
    kind = models.CharField(max_length=6)
    parent = models.CharField(max_length=40, blank=True)
    name = models.CharField(max_length=255)
    path = models.CharField(max_length=2000)
    remote_id = models.CharField(max_length=255, blank=True)
    etag = models.CharField(max_length=255, null=True, blank=True)
    revision = models.CharField(max_length=2100, blank=True)
    size = models.BigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    synced_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["connection", "key"], name="sync_item_unique_key")
        ]
        indexes = [
            models.Index(fields=["connection", "parent"], name="sync_item_parent"),
            # a file's or folder's synced copy, by key alone: downloads, "Open in Cloud"
            models.Index(fields=["key"], name="sync_item_key"),
        ]

    def __str__(self) -> str:
        return f"{self.key} ↔ {self.path}"


class RemoteEntry(models.Model):
    """The last observation of one remote item (`connectors.base.Entry`)."""

    connection = models.ForeignKey(
        CloudConnection, on_delete=models.CASCADE, related_name="observed"
    )
    path = models.CharField(max_length=2000)
    is_folder = models.BooleanField(default=False)
    size = models.BigIntegerField(default=0)
    remote_id = models.CharField(max_length=255, blank=True)
    etag = models.CharField(max_length=255, blank=True)
    hashes = models.JSONField(default=dict, blank=True)
    modified = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["connection", "path"], name="remote_entry_path")]

    def __str__(self) -> str:
        return str(self.path)
