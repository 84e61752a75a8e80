"""The databases of the fleet, their tags and the users found on them."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q


class Hosting(models.TextChoices):
    """How a database is reached (spec "Hosting Types")."""

    SAAS = "saas", "Odoo Online"
    PAAS = "paas", "Odoo.sh"
    PREMISE = "premise", "On Premise"
    OTHER = "other", "Outside Odoo"


# Hostings whose databases speak Odoo's API (Outside Odoo is a link only).
ODOO_HOSTINGS = (Hosting.SAAS, Hosting.PAAS, Hosting.PREMISE)


class TaxReturnStatus(models.TextChoices):
    """`return_status` KPI values, worst first (the order `severity` gives)."""

    LATE = "late", "late"
    TO_DO = "to_do", "to do"
    TO_SUBMIT = "to_submit", "to submit"
    LONGTERM = "longterm", "long term"
    DONE = "done", "done"

    @classmethod
    def severity(cls, value: str) -> int:
        """0 for the worst status (late); unknown values after every known one."""
        order: list[str] = list(cls.values)
        return order.index(value) if value in order else len(order)


class DatabaseTag(models.Model):
    name = models.CharField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return str(self.name)


class Database(models.Model):
    """One Odoo database (or, hosted Outside Odoo, a link) watched by the fleet.

    `kpis` holds the KPIs of the last synchronisation as `{id: {"name", "type", "value"}}`
    (the spec's dynamic properties); `draft_entries` and `tax_return_status` summarise them
    in columns so the list can be filtered and sorted on them.
    """

    name = models.CharField(max_length=120, unique=True)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    tags = models.ManyToManyField(DatabaseTag, blank=True, related_name="databases")
    hosting = models.CharField(max_length=8, choices=Hosting.choices, blank=True)
    url = models.URLField(max_length=255, blank=True, help_text="required when hosting is set")
    database_name = models.CharField(max_length=120, blank=True)
    version = models.CharField(max_length=40, blank=True, help_text="as the database reports it")
    uuid = models.CharField(max_length=64, blank=True, help_text="database.uuid (connect URL)")
    api_login = models.CharField(max_length=254, blank=True)
    api_key_encrypted = models.TextField(
        blank=True, editable=False, help_text="the API key, encrypted (administrators only)"
    )
    fetch_documents = models.BooleanField(default=True)
    fetch_draft_entries = models.BooleanField(default=True)
    fetch_tax_returns = models.BooleanField(default=True)
    kpis = models.JSONField(default=dict, blank=True)
    documents = models.IntegerField(null=True, blank=True, help_text="documents in the inbox")
    draft_entries = models.IntegerField(
        null=True, blank=True, help_text="sum of the draft-entry KPIs"
    )
    tax_return_status = models.CharField(
        max_length=12, choices=TaxReturnStatus.choices, blank=True, help_text="the worst one"
    )
    last_sync = models.DateTimeField(null=True, blank=True)
    sync_errors = models.PositiveIntegerField(default=0, help_text="consecutive sync errors")
    last_error = models.TextField(blank=True)
    sync_notes = models.TextField(blank=True, help_text="what the last sync could not read")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["url"], condition=~Q(url=""), name="fleet_database_url_unique"
            ),
            models.CheckConstraint(
                condition=Q(hosting="") | ~Q(url=""), name="fleet_database_url_with_hosting"
            ),
        ]
        indexes = [models.Index(fields=["last_sync", "sync_errors"], name="fleet_db_due")]

    def __str__(self) -> str:
        return str(self.name)

    def clean(self) -> None:
        if self.hosting and not self.url:
            raise ValidationError({"url": "a database with a hosting type needs its URL"})
        self.url = self.url.rstrip("/")

    @property
    def speaks_odoo(self) -> bool:
        return self.hosting in ODOO_HOSTINGS


class DatabaseUser(models.Model):
    """An internal user of a remote database, as last synchronised (or invited from here)."""

    database = models.ForeignKey(Database, on_delete=models.CASCADE, related_name="users")
    login = models.CharField(max_length=254)
    name = models.CharField(max_length=254, blank=True)
    latest_authentication = models.DateTimeField(null=True, blank=True)
    local_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="fleet_accounts",
        help_text="the local user with this email",
    )

    class Meta:
        ordering = ["database", "login"]
        constraints = [
            models.UniqueConstraint(fields=["database", "login"], name="fleet_user_login_unique")
        ]
        indexes = [models.Index(fields=["login"], name="fleet_user_login")]

    def __str__(self) -> str:
        return f"{self.login} on {self.database}"
