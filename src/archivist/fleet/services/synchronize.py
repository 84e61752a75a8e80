"""Synchronising databases: read each one concurrently, store each result as it arrives.

The reading is the Odoo client's `fetch_many` (asyncio, one shared HTTP pool, a per-call and a
per-database timeout, so a slow or dead database never delays the others), run through the
client's `run`, which hands each result to this thread outside the event loop: each one is
stored in its own short transaction as soon as it arrives, so progress is visible meanwhile.

Rules (spec "Sync Frequency"): the scheduled "Synchronize all" skips databases synced in the
last 24 hours and those with 5 or more consecutive errors; a manual sync never skips. A
success resets the error count, an error adds one and is kept as `last_error`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from archivist.fleet.models import Database, DatabaseUser, TaxReturnStatus
from archivist.fleet.models.databases import ODOO_HOSTINGS
from archivist.fleet.odoo import (
    Credentials,
    FetchSettings,
    Kpi,
    OdooError,
    RemoteUser,
    Snapshot,
    fetch_many,
    run,
)
from archivist.fleet.services.databases import effective_login_and_key
from archivist.fleet.services.secrets import UnreadableSecret

__all__ = [
    "MAX_ERRORS",
    "LocalDirectory",
    "SyncOutcome",
    "due_for_scheduled_sync",
    "store_error",
    "store_result",
    "synchronize",
]

MAX_ERRORS = 5  # the scheduled sync skips a database after this many consecutive errors
RESYNC_AFTER = dt.timedelta(hours=24)
DRAFT_ENTRY_PREFIXES = ("account_journal_type.", "account_move_type.")
NOT_ODOO = "Outside Odoo databases are a link only: there is nothing to synchronize"


@dataclass(frozen=True)
class SyncOutcome:
    """What happened to one database: `message` is the error, or the notes of a success."""

    database_id: int
    name: str
    ok: bool
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "database": self.database_id,
            "name": self.name,
            "ok": self.ok,
            "message": self.message,
        }


def due_for_scheduled_sync(now: dt.datetime | None = None) -> QuerySet[Database]:
    """The databases the scheduled "Synchronize all" reads: Odoo ones, not synced in the last
    24 hours, with fewer than 5 consecutive errors."""
    now = now or timezone.now()
    return Database.objects.filter(hosting__in=ODOO_HOSTINGS, sync_errors__lt=MAX_ERRORS).filter(
        Q(last_sync__isnull=True) | Q(last_sync__lte=now - RESYNC_AFTER)
    )


def synchronize(
    databases: Iterable[Database],
    *,
    on_outcome: Callable[[SyncOutcome], None] | None = None,
) -> list[SyncOutcome]:
    """Synchronises `databases` now (no skipping), stores every result and returns one outcome
    per database, in the order given. `on_outcome` is called (in this thread) as each is stored.
    """
    chosen = list(databases)
    names = {database.pk: database.name for database in chosen}
    directory = LocalDirectory()
    outcomes: dict[int, SyncOutcome] = {}

    def settle(outcome: SyncOutcome) -> None:
        outcomes[outcome.database_id] = outcome
        if on_outcome is not None:
            on_outcome(outcome)

    jobs: list[tuple[int, Credentials, FetchSettings]] = []
    for database in chosen:
        if database.hosting not in ODOO_HOSTINGS:
            settle(SyncOutcome(database.pk, database.name, False, NOT_ODOO))
            continue
        try:
            login, key = effective_login_and_key(database)
        except UnreadableSecret as error:
            settle(store_error(database.pk, database.name, str(error)))
            continue
        credentials = Credentials(
            url=database.url, database=database.database_name, login=login, api_key=key
        )
        fetch = FetchSettings(
            documents=database.fetch_documents,
            draft_entries=database.fetch_draft_entries,
            tax_returns=database.fetch_tax_returns,
        )
        jobs.append((database.pk, credentials, fetch))
    if jobs:
        # `run` calls `on_done` on this thread, outside the event loop, as each one finishes
        run(
            fetch_many(
                jobs,
                concurrency=settings.FLEET_CONCURRENCY,
                call_timeout=settings.FLEET_CALL_TIMEOUT,
                database_timeout=settings.FLEET_DATABASE_TIMEOUT,
                on_done=lambda key, result: settle(
                    store_result(key, names[key], result, directory)
                ),
            )
        )
    return [outcomes[database.pk] for database in chosen if database.pk in outcomes]


class LocalDirectory:
    """Local users by email (lower case), read once per synchronisation: a database user is
    linked to the local user whose email is its email, else its login."""

    def __init__(self) -> None:
        self.by_email: dict[str, int] = {}
        people = get_user_model().objects.filter(is_active=True).exclude(email="")
        for pk, email in people.order_by("-pk").values_list("pk", "email"):
            self.by_email[email.strip().lower()] = pk  # the oldest account wins

    def match(self, remote: RemoteUser) -> int | None:
        for address in (remote.email, remote.login):
            found = self.by_email.get((address or "").strip().lower())
            if found is not None:
                return found
        return None


def store_result(
    database_id: int,
    name: str,
    result: Snapshot | OdooError,
    directory: LocalDirectory | None = None,
) -> SyncOutcome:
    """Stores one database's result in its own short transaction (a few statements: on a
    loaded machine the reading threads compete with this one for the interpreter)."""
    if isinstance(result, OdooError):
        return store_error(database_id, name, result.message)
    fields: dict[str, Any] = {
        "version": result.version.raw,
        "kpis": {
            kpi.id: {"name": kpi.name, "type": kpi.type, "value": kpi.value} for kpi in result.kpis
        },
        "documents": result.documents,
        "draft_entries": _draft_entries(result.kpis),
        "tax_return_status": _worst_return_status(result.kpis),
        "sync_notes": "\n".join(result.notes),
        "last_sync": timezone.now(),
        "sync_errors": 0,
        "last_error": "",
        "updated_at": timezone.now(),
    }
    if result.uuid:
        fields["uuid"] = result.uuid
    with transaction.atomic():
        if not Database.objects.filter(pk=database_id).update(**fields):
            return SyncOutcome(database_id, name, False, "the database was deleted meanwhile")
        store_users(database_id, result.users, directory or LocalDirectory())
    return SyncOutcome(database_id, name, True, fields["sync_notes"])


def store_error(database_id: int, name: str, message: str) -> SyncOutcome:
    """One more consecutive error, and its message, on the database."""
    Database.objects.filter(pk=database_id).update(
        sync_errors=F("sync_errors") + 1, last_error=message, updated_at=timezone.now()
    )
    return SyncOutcome(database_id, name, False, message)


def _draft_entries(kpis: Sequence[Kpi]) -> int | None:
    counts = [
        kpi.value
        for kpi in kpis
        if kpi.id.startswith(DRAFT_ENTRY_PREFIXES) and isinstance(kpi.value, int)
    ]
    return sum(counts) if counts else None


def _worst_return_status(kpis: Sequence[Kpi]) -> str:
    statuses = [str(kpi.value) for kpi in kpis if kpi.type == "return_status"]
    known = [status for status in statuses if status in TaxReturnStatus.values]
    return min(known, key=TaxReturnStatus.severity) if known else ""


def store_users(
    database_id: int, remote_users: Sequence[RemoteUser], directory: LocalDirectory
) -> None:
    """Upserts the database's users by login (writing only what changed), drops the ones
    gone, links each to the local user with the same email."""
    known = {row.login: row for row in DatabaseUser.objects.filter(database_id=database_id)}
    new, changed = [], []
    for remote in remote_users:
        local = directory.match(remote)
        row = known.get(remote.login)
        if row is None:
            new.append(
                DatabaseUser(
                    database_id=database_id,
                    login=remote.login,
                    name=remote.name,
                    latest_authentication=remote.last_login,
                    local_user_id=local,
                )
            )
        elif (row.name, row.latest_authentication, row.local_user_id) != (
            remote.name,
            remote.last_login,
            local,
        ):
            row.name, row.latest_authentication, row.local_user_id = (
                remote.name,
                remote.last_login,
                local,
            )
            changed.append(row)
    seen = {remote.login for remote in remote_users}
    gone = [row.pk for login, row in known.items() if login not in seen]
    if gone:
        DatabaseUser.objects.filter(pk__in=gone).delete()
    if new:  # a sync of the same database running at the same time may have added them
        DatabaseUser.objects.bulk_create(new, ignore_conflicts=True)
    if changed:
        DatabaseUser.objects.bulk_update(changed, ["name", "latest_authentication", "local_user"])
