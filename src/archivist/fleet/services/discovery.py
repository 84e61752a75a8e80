"""Pull databases from an Odoo.com account (spec "Auto-Discovery", cron "Pull from Odoo.com").

For each database the account lists: a new URL becomes an Odoo Online database made from the
template; a known Odoo Online database gets its URL, version and login updated; a database
with the same URL but another hosting (configured by hand: on premise, Odoo.sh…) is left as
it is ("As it seems to be configured we have left it as is").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

import httpx
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from archivist.fleet.models import Database, FleetSettings, Hosting
from archivist.fleet.odoo import OdooComDatabase, list_odoo_com_databases, new_session, run
from archivist.fleet.services.databases import new_database
from archivist.fleet.services.secrets import decrypt

__all__ = ["LEFT_AS_IS", "DiscoveryResult", "daily_discovery", "discover"]

LEFT_AS_IS = "As it seems to be configured we have left it as is"


@dataclass(frozen=True)
class DiscoveryResult:
    """One listed database: `action` is created, updated, unchanged, left or failed."""

    name: str
    url: str
    action: str
    message: str
    database_id: int | None

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def discover() -> list[DiscoveryResult]:
    """Lists the account's databases on Odoo.com and creates or updates them here.

    Raises ValidationError naming the setting when the credentials are not set, and the
    client's OdooError (e.g. "Invalid apikey") when Odoo.com refuses."""
    fleet = FleetSettings.load()
    key = decrypt(fleet.odoo_com_api_key_encrypted, field="Odoo.com API key")
    missing = {
        field: "set the Odoo.com API credentials first (Fleet settings)"
        for field, value in (("odoo_com_login", fleet.odoo_com_login), ("odoo_com_api_key", key))
        if not value
    }
    if missing:
        raise ValidationError(missing)
    listed = run(_list(fleet.odoo_com_url, fleet.odoo_com_login, key))
    return [_merge_or_explain(found) for found in listed]


def _merge_or_explain(found: OdooComDatabase) -> DiscoveryResult:
    """`_merge`, or a failed result naming what is wrong with this entry (the others go on)."""
    try:
        return _merge(found)
    except ValidationError as error:
        problems = "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
        )
        return DiscoveryResult(found.name, found.url, "failed", problems, None)


async def _list(url: str, login: str, key: str) -> list[OdooComDatabase]:
    timeout = settings.FLEET_CALL_TIMEOUT
    async with new_session(timeout=timeout) as session:
        return await list_odoo_com_databases(url, login, key, session=session, timeout=timeout)


def _merge(found: OdooComDatabase) -> DiscoveryResult:
    url = found.url.rstrip("/")
    with transaction.atomic():
        known = Database.objects.select_for_update().filter(url=url).first()
        if known is not None and known.hosting != Hosting.SAAS and known.hosting:
            return DiscoveryResult(found.name, url, "left", LEFT_AS_IS, known.pk)
        if known is None:  # an Odoo Online database whose URL changed (renamed on Odoo.com)
            known = (
                Database.objects.select_for_update()
                .filter(hosting=Hosting.SAAS, database_name=found.name)
                .first()
            )
        if known is None:
            database = new_database(
                name=_free_name(found.name, url),
                hosting=Hosting.SAAS,
                url=url,
                database_name=found.name,
                version=found.version,
                api_login=found.login,
            )
            database.full_clean()
            database.save()
            return DiscoveryResult(found.name, url, "created", "created", database.pk)
        wanted = {
            "url": url,
            "hosting": Hosting.SAAS,
            "database_name": known.database_name or found.name,
            "version": found.version or known.version,
            "api_login": found.login or known.api_login,
        }
        changed = [name for name, value in wanted.items() if getattr(known, name) != value]
        for name in changed:
            setattr(known, name, wanted[name])
        if changed:
            known.save(update_fields=[*changed, "updated_at"])
            return DiscoveryResult(
                found.name, url, "updated", f"updated {', '.join(changed)}", known.pk
            )
        return DiscoveryResult(found.name, url, "unchanged", "up to date", known.pk)


def _free_name(name: str, url: str) -> str:
    """`name`, or `name (host)` when another database already has that name."""
    if not Database.objects.filter(name=name).exists():
        return name
    return f"{name} ({httpx.URL(url).host})"[:120]


def daily_discovery() -> dict[str, int] | None:
    """The daily "Pull from Odoo.com" (one process a day, by a 24-hour lease); nothing when the
    Odoo.com credentials are not set."""
    from archivist.documents.services.leases import Lease

    fleet = FleetSettings.load()
    if not (fleet.odoo_com_login and fleet.odoo_com_api_key_encrypted):
        return None
    if not Lease("fleet-pull-from-odoo-com", dt.timedelta(hours=24)).acquire():
        return None
    counts: dict[str, int] = {}
    for result in discover():
        counts[result.action] = counts.get(result.action, 0) + 1
    return counts
