"""Attachments: a file (a blob in the blob store) or a URL, kept in a folder and, through the
folder, linked to a record."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q

from archivist.documents.models.tags import COLOURS


class Attachment(models.Model):
    name = models.CharField(max_length=255)
    folder = models.ForeignKey(
        "documents.Folder", on_delete=models.PROTECT, related_name="attachments"
    )
    blob = models.CharField(
        max_length=64, blank=True, db_index=True, help_text="SHA-256 of the content (its checksum)."
    )
    size = models.BigIntegerField(default=0)
    mimetype = models.CharField(max_length=255, blank=True)
    url = models.URLField(max_length=2000, blank=True)
    tags = models.ManyToManyField("documents.Tag", blank=True, related_name="attachments")
    color = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(COLOURS - 1)])
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
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
            ),
            models.CheckConstraint(condition=Q(color__lt=COLOURS), name="attachment_colour_range"),
        ]
        indexes = [
            models.Index(fields=["folder", "name", "id"], name="attachment_folder_name"),
            models.Index(fields=["name", "id"], name="attachment_name"),
            models.Index(fields=["created_at", "id"], name="attachment_created"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_file(self) -> bool:
        return bool(self.blob)
