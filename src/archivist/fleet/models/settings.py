"""Fleet settings: Odoo.com API credentials and the template of new databases."""

from __future__ import annotations

from django.db import models

ODOO_COM_URL = "https://www.odoo.com"


class FleetSettings(models.Model):
    """One row (pk 1): `FleetSettings.load()` returns it, created with defaults if missing."""

    odoo_com_url = models.URLField(
        default=ODOO_COM_URL, help_text="Odoo.com (database openerp): discovery and connect"
    )
    odoo_com_login = models.CharField(
        max_length=254, blank=True, help_text="your Odoo.com login (Partner Portal admin)"
    )
    odoo_com_api_key_encrypted = models.TextField(blank=True, editable=False)
    fetch_documents = models.BooleanField(default=True, help_text="template of new databases")
    fetch_draft_entries = models.BooleanField(default=True, help_text="template of new databases")
    fetch_tax_returns = models.BooleanField(default=True, help_text="template of new databases")

    class Meta:
        verbose_name = "fleet settings"
        verbose_name_plural = "fleet settings"

    def __str__(self) -> str:
        return "Fleet settings"

    @classmethod
    def load(cls) -> FleetSettings:
        found: FleetSettings = cls.objects.get_or_create(pk=1)[0]
        return found
