"""Background synchronisations (more than 20 databases) and their readable progress."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class RunState(models.TextChoices):
    PENDING = "pending", "pending"
    RUNNING = "running", "running"
    DONE = "done", "done"
    FAILED = "failed", "failed"


class SyncRun(models.Model):
    """A synchronisation of `database_ids`; `results` maps a database id (as text) to
    `{"ok": bool, "message": str}` as each one finishes, `done`/`failed` count them."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    scheduled = models.BooleanField(default=False, help_text="started by 'Synchronize all'")
    state = models.CharField(max_length=8, choices=RunState.choices, default=RunState.PENDING)
    database_ids = models.JSONField(default=list)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    results = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True, help_text="why the whole run stopped, if it did")
    worker = models.CharField(max_length=120, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "created_at"], name="fleet_run_state")]

    def __str__(self) -> str:
        return f"sync run {self.pk} ({self.done}/{self.total}, {self.state})"
