"""Adding and changing fleet databases: the template's fetch defaults, tags, the API key."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from archivist.fleet.models import Database, DatabaseTag, FleetSettings, Hosting
from archivist.fleet.services.secrets import decrypt, encrypt

__all__ = ["api_key", "new_database", "save_database", "set_odoo_com_credentials"]

EDITABLE = (
    "name",
    "responsible",
    "hosting",
    "url",
    "database_name",
    "api_login",
    "fetch_documents",
    "fetch_draft_entries",
    "fetch_tax_returns",
)


def new_database(**fields: Any) -> Database:
    """An unsaved database with the template's fetch settings (FleetSettings), then `fields`."""
    template = FleetSettings.load()
    database = Database(
        fetch_documents=template.fetch_documents,
        fetch_draft_entries=template.fetch_draft_entries,
        fetch_tax_returns=template.fetch_tax_returns,
    )
    for name, value in fields.items():
        setattr(database, name, value)
    return database


def save_database(
    database: Database,
    *,
    api_key: str | None = None,
    tags: Iterable[str] | None = None,
) -> Database:
    """Validates (errors name the field) and saves `database` (of an existing one, only the
    fields a person edits). `api_key` None keeps the stored key, "" removes it; `tags` (names,
    created when new) replaces the tags when given."""
    if api_key is not None:
        database.api_key_encrypted = encrypt(api_key.strip())
    database.full_clean()
    with transaction.atomic():
        if database.pk is None:
            database.save()
        else:  # only what a person edits: a sync storing its results meanwhile is kept
            database.save(update_fields=[*EDITABLE, "api_key_encrypted", "updated_at"])
        if tags is not None:
            names = sorted({name.strip() for name in tags if name.strip()})
            database.tags.set([DatabaseTag.objects.get_or_create(name=name)[0] for name in names])
    return database


def api_key(database: Database) -> str:
    """The database's own API key in clear (administrators only: callers check)."""
    return decrypt(database.api_key_encrypted, field="API key")


def set_odoo_com_credentials(
    *, login: str | None = None, key: str | None = None, url: str | None = None
) -> FleetSettings:
    """Changes what is given (None keeps it) and saves the settings."""
    settings = FleetSettings.load()
    if login is not None:
        settings.odoo_com_login = login.strip()
    if key is not None:
        settings.odoo_com_api_key_encrypted = encrypt(key.strip())
    if url is not None:
        settings.odoo_com_url = url.strip().rstrip("/")
    settings.full_clean()
    settings.save()
    return settings


def effective_login_and_key(database: Database) -> tuple[str, str]:
    """The login and key a sync uses: an Odoo Online database without its own key uses the
    Odoo.com credentials of the settings (spec: "Uses global Odoo.com API key")."""
    login, key = database.api_login, api_key(database)
    if database.hosting == Hosting.SAAS and not key:
        settings = FleetSettings.load()
        key = decrypt(settings.odoo_com_api_key_encrypted, field="Odoo.com API key")
        login = login or settings.odoo_com_login
    return login, key
