"""The visible sync queue (disposable operations) and the sync log."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from archivist.sync.models.connections import CloudConnection


class OperationState(models.TextChoices):
    PENDING = "pending", "pending"
    RUNNING = "running", "running"
    DONE = "done", "done"
    FAILED = "failed", "failed (attempts exhausted)"


class SyncOperation(models.Model):
    """One planned operation (`operations.Operation`) with its attempts and schedule."""

    connection = models.ForeignKey(
        CloudConnection, on_delete=models.CASCADE, related_name="operations"
    )
    kind = models.CharField(max_length=16)
    item = models.CharField(max_length=2048, help_text="the local key, or the remote path")
    key = models.CharField(max_length=40, blank=True)
    path = models.CharField(max_length=2000)
    target = models.CharField(max_length=2000, null=True, blank=True)
    etag = models.CharField(max_length=255, null=True, blank=True)
    parent = models.CharField(max_length=40, null=True, blank=True)
    name = models.CharField(max_length=255, null=True, blank=True)
    reverse = models.BooleanField(default=False)
    reason = models.CharField(max_length=255, blank=True)
    priority = models.SmallIntegerField(default=5)
    depth = models.SmallIntegerField(default=0)
    state = models.CharField(
        max_length=8, choices=OperationState.choices, default=OperationState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    lease_until = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=120, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            # at most one open operation per item and connection
            models.UniqueConstraint(
                fields=["connection", "item"],
                condition=Q(state__in=["pending", "running"]),
                name="sync_operation_one_open_per_item",
            )
        ]
        indexes = [
            models.Index(
                fields=["state", "next_attempt_at", "priority", "depth"], name="sync_op_ready"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.item}"


class LogLevel(models.TextChoices):
    DEBUG = "debug", "debug"
    INFO = "info", "info"
    WARNING = "warning", "warning"
    ERROR = "error", "error"
    CRITICAL = "critical", "critical"


class SyncLog(models.Model):
    connection = models.ForeignKey(
        CloudConnection, null=True, blank=True, on_delete=models.CASCADE, related_name="logs"
    )
    level = models.CharField(max_length=8, choices=LogLevel.choices, default=LogLevel.INFO)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    operation = models.CharField(max_length=16, blank=True)
    item = models.CharField(max_length=2048, blank=True)
    message = models.TextField()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["connection", "level", "at"], name="sync_log_filter")]

    def __str__(self) -> str:
        return f"{self.level}: {self.message[:60]}"
