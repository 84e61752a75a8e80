"""The installation's settings an administrator changes on the Settings page (one row).

Every nullable field means "not saved yet: use the environment's value" (`ARCHIVIST_…`, see
`config.py`), so an installation configured by its environment keeps working unchanged until an
administrator saves a value. Read them through `documents.services.installation.current()`.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

MAX_ATTEMPTS = 50
MIN_LOG_DAYS = 3


class InstallationSettings(models.Model):
    """The single row (pk 1) of installation settings."""

    tags_enabled = models.BooleanField(
        default=True, help_text="Tags in the file manager (off: hidden and read-only, kept)."
    )
    sharing_enabled = models.BooleanField(
        default=True, help_text="Portal shares (off: links answer 'turned off', shares kept)."
    )
    non_synced_mimetypes = models.JSONField(
        null=True,
        blank=True,
        help_text="Mimetypes never sent to the cloud on top of the built-in ones; "
        "null: ARCHIVIST_SYNC_NON_SYNCED_MIMETYPES.",
    )
    max_attempts = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_ATTEMPTS)],
        help_text="null: ARCHIVIST_SYNC_MAX_RETRIES.",
    )
    max_attempts_reverse = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_ATTEMPTS)],
        help_text="null: ARCHIVIST_SYNC_MAX_RETRIES_REVERSE.",
    )
    log_days = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(MIN_LOG_DAYS)],
        help_text="null: ARCHIVIST_SYNC_LOG_DAYS.",
    )
    log_export_lines = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="null: ARCHIVIST_SYNC_LOG_EXPORT_LINES.",
    )
    prepare_interval_seconds = models.PositiveIntegerField(
        null=True, blank=True, help_text="null: ARCHIVIST_PREPARE_INTERVAL."
    )
    sync_interval_seconds = models.PositiveIntegerField(
        null=True, blank=True, help_text="null: ARCHIVIST_SYNC_INTERVAL."
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "installation settings"
        verbose_name_plural = "installation settings"
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="installation_settings_single"),
            models.CheckConstraint(
                condition=models.Q(max_attempts__isnull=True)
                | models.Q(max_attempts__gte=1, max_attempts__lte=MAX_ATTEMPTS),
                name="installation_max_attempts_range",
            ),
            models.CheckConstraint(
                condition=models.Q(max_attempts_reverse__isnull=True)
                | models.Q(max_attempts_reverse__gte=1, max_attempts_reverse__lte=MAX_ATTEMPTS),
                name="installation_max_attempts_reverse_range",
            ),
            models.CheckConstraint(
                condition=models.Q(log_days__isnull=True) | models.Q(log_days__gte=MIN_LOG_DAYS),
                name="installation_log_days_min",
            ),
        ]

    def __str__(self) -> str:
        return "installation settings"
