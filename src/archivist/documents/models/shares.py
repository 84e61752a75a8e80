"""Portal shares: attachments, folders and tags shared with portal users or by a token URL."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Share(models.Model):
    """What a share holds: its attachments, every attachment of its folders (and their
    subfolders) and of its tags (and their subtags). Who reaches it: its portal users, and
    anyone with the token URL while a token is set (regenerating it kills the old URL), until
    it expires (archived the day after `expires_on`)."""

    name = models.CharField(max_length=255)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    sequence = models.IntegerField(default=10)
    active = models.BooleanField(default=True)
    partners = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="shares", help_text="Portal users."
    )
    token = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    token_created_at = models.DateTimeField(null=True, blank=True, editable=False)
    expires_on = models.DateField(null=True, blank=True)
    folders = models.ManyToManyField("documents.Folder", blank=True, related_name="shares")
    tags = models.ManyToManyField("documents.Tag", blank=True, related_name="shares")
    attachments = models.ManyToManyField("documents.Attachment", blank=True, related_name="shares")
    allow_upload = models.BooleanField(default=False)
    upload_folder = models.ForeignKey(
        "documents.Folder", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    show_tags = models.BooleanField(default=False)
    allow_add_tags = models.BooleanField(default=False)
    allow_search_tags = models.BooleanField(default=False)
    show_folders = models.BooleanField(default=False)
    allow_add_folders = models.BooleanField(default=False)
    allow_search_folders = models.BooleanField(default=False)
    slideshow = models.BooleanField(default=False)
    show_chat = models.BooleanField(default=False)
    password = models.CharField(max_length=128, blank=True, help_text="A password hash.")
    upload_only = models.BooleanField(
        default=False, help_text="File drop: visitors may upload but see nothing."
    )
    download_limit = models.PositiveIntegerField(null=True, blank=True)
    download_count = models.PositiveIntegerField(default=0)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sequence", "name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def access_by_token(self) -> bool:
        """The spec's "Access by Token" box: a token URL exists."""
        return self.token is not None


class ShareMessage(models.Model):
    share = models.ForeignKey(Share, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_name = models.CharField(max_length=255, blank=True)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.author_name}: {self.body[:40]}"


class ShareAccess(models.Model):
    """The share's access log: who opened, downloaded or uploaded what, and when."""

    class Action(models.TextChoices):
        VIEW = "view"
        DOWNLOAD = "download"
        ARCHIVE = "archive"
        UPLOAD = "upload"
        DENIED = "denied"

    share = models.ForeignKey(Share, on_delete=models.CASCADE, related_name="access_log")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    address = models.GenericIPAddressField(null=True, blank=True)
    action = models.CharField(max_length=10, choices=Action.choices)
    attachment = models.ForeignKey(
        "documents.Attachment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    detail = models.CharField(max_length=255, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "share access log"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.detail}"
