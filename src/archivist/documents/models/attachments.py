"""Attachments: a file (a blob) or a URL kept in a folder. Issue 3 grows this model."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class Attachment(models.Model):
    name = models.CharField(max_length=255)
    folder = models.ForeignKey(
        "documents.Folder", on_delete=models.PROTECT, related_name="attachments"
    )
    blob = models.CharField(max_length=64, blank=True, help_text="SHA-256 of the content.")
    size = models.BigIntegerField(default=0)
    mimetype = models.CharField(max_length=255, blank=True)
    url = models.URLField(max_length=2000, blank=True)
    default_origin = models.ForeignKey(
        "documents.DefaultFile", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(~Q(blob="") & Q(url="")) | (Q(blob="") & ~Q(url="")),
                name="attachment_file_or_url",
            )
        ]

    def __str__(self) -> str:
        return self.name
