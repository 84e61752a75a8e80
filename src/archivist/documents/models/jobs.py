"""Leases that keep two runs of the same job from working at once, on any database."""

from __future__ import annotations

from django.db import models


class JobLease(models.Model):
    name = models.CharField(max_length=64, primary_key=True)
    holder = models.CharField(max_length=128, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} held by {self.holder or 'nobody'}"
