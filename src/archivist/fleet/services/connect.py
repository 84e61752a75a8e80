"""The URL that opens a database (spec "Connecting to a Database").

| hosting | URL |
|---|---|
| Odoo Online | `{Odoo.com}/my/databases/connect/{database uuid}` (SSO through Odoo.com) |
| On Premise, Odoo.sh — version 17.2 or later | `{url}/odoo` |
| On Premise, Odoo.sh — older or unknown version | `{url}/web` |
| Outside Odoo | the stored URL |

The uuid of an Odoo Online database is read from the database (`database.uuid`) the first
time it is needed and kept.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError

from archivist.fleet.models import Database, FleetSettings, Hosting
from archivist.fleet.odoo import Credentials, OdooClient, new_session, parse_version, run
from archivist.fleet.services.databases import effective_login_and_key

__all__ = ["connect_url"]


def connect_url(database: Database) -> str:
    """Raises ValidationError (no URL) or the client's OdooError (uuid unreadable)."""
    if not database.url:
        raise ValidationError({"url": "this database has no URL to open"})
    if database.hosting == Hosting.SAAS:
        if not database.uuid:
            database.uuid = _read_uuid(database)
            database.save(update_fields=["uuid", "updated_at"])
        base = FleetSettings.load().odoo_com_url.rstrip("/")
        return f"{base}/my/databases/connect/{database.uuid}"
    if database.hosting in (Hosting.PREMISE, Hosting.PAAS):
        return f"{database.url}{_web_path(database.version)}"
    return str(database.url)


def _web_path(version: str) -> str:
    if not version:
        return "/web"  # every version answers /web (17.2+ redirects it to /odoo)
    try:
        return parse_version(version).web_path
    except ValueError:
        return "/web"


def _read_uuid(database: Database) -> str:
    login, key = effective_login_and_key(database)
    credentials = Credentials(database.url, database.database_name, login, key)

    async def read() -> str:
        timeout = settings.FLEET_CALL_TIMEOUT
        async with new_session(timeout=timeout) as session:
            return await OdooClient(credentials, session=session, timeout=timeout).database_uuid()

    return run(read())
