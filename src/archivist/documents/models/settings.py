"""Per-installation and per-user settings of the documents app: mass actions and the folder
uploads go to by default."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models


class MassAction(models.Model):
    """An action offered on a selection of attachments. Built-in kinds do what their name says;
    a custom action writes `values` (allowed keys: `color`, `folder`, `add_tags`,
    `remove_tags`) on every selected attachment. Empty `groups`: every user with File Manager
    Access sees it."""

    class Kind(models.TextChoices):
        DOWNLOAD = "download"
        UPDATE_FOLDER = "update_folder"
        UPDATE_TAGS = "update_tags"
        SLIDESHOW = "slideshow"
        SHARE = "share"
        DELETE = "delete"
        CUSTOM = "custom"

    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    values = models.JSONField(default=dict, blank=True)
    groups = models.ManyToManyField(Group, blank=True, related_name="+")
    sequence = models.IntegerField(default=10)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["sequence", "id"]

    def __str__(self) -> str:
        return self.name


class UserPreference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="documents_preference"
    )
    last_folder = models.ForeignKey(
        "documents.Folder", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"preferences of {self.user}"
