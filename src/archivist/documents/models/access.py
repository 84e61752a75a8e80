"""Who may read the records of a model: access policies, like Odoo's record rules."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import models


class AccessPolicy(models.Model):
    """Members of `group` may read records of `model` in `source` — all of them, or only those
    matching `row_filter`, a domain that may refer to the current user (`user.login`,
    `user.email`, `user.id`). A user reads the union of what their policies allow; members of
    the Administration group read everything."""

    source = models.ForeignKey(
        "documents.Source", on_delete=models.CASCADE, related_name="policies"
    )
    model = models.CharField(max_length=128)
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="access_policies")
    row_filter = models.JSONField(
        default=list,
        blank=True,
        help_text='Empty: every record. Else a domain, e.g. [["user_id.login", "=", user.login]].',
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["source", "model", "group"]
        verbose_name_plural = "access policies"

    def __str__(self) -> str:
        return f"{self.group} reads {self.source}/{self.model}"


class AccessVersion(models.Model):
    """One row counting changes that access depends on; computed access trees are cached
    against it (see `services.access`)."""

    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"access version {self.value}"
