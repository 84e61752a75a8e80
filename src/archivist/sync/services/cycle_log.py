"""The sync log and what a run remembers: log lines, critical errors, the observation."""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from archivist.connectors.base import Entry
from archivist.sync.models import (
    CloudConnection,
    ConnectionState,
    LogLevel,
    RemoteEntry,
    SyncLog,
)

__all__ = ["critical", "log", "remember"]


def log(
    connection: CloudConnection | None,
    level: object,
    message: str,
    *,
    operation: str = "",
    item: str = "",
) -> None:
    SyncLog.objects.create(
        connection=connection, level=str(level), message=message, operation=operation, item=item
    )


def remember(
    connection: CloudConnection,
    seen: Mapping[str, Entry],
    previous: Mapping[str, Entry] | None = None,
) -> None:
    """Persist the observation the run ended with (the next run compares against it). With the
    `previous` one as stored, only what changed is written."""
    if previous is None:
        with transaction.atomic():
            RemoteEntry.objects.filter(connection=connection).delete()
            RemoteEntry.objects.bulk_create(
                [_row(connection, entry) for entry in seen.values()], batch_size=2000
            )
        return
    changed = [entry for path, entry in seen.items() if previous.get(path) != entry]
    stale = [path for path in previous if path not in seen] + [e.path for e in changed]
    with transaction.atomic():
        for start in range(0, len(stale), 500):
            RemoteEntry.objects.filter(
                connection=connection, path__in=stale[start : start + 500]
            ).delete()
        RemoteEntry.objects.bulk_create(
            [_row(connection, entry) for entry in changed], batch_size=2000
        )


def _row(connection: CloudConnection, entry: Entry) -> RemoteEntry:
    return RemoteEntry(
        connection=connection,
        path=entry.path,
        is_folder=entry.is_folder,
        size=entry.size,
        remote_id=entry.id or "",
        etag=entry.etag or "",
        hashes=dict(entry.hashes),
        modified=entry.modified,
    )


def critical(connection: CloudConnection, message: str) -> None:
    log(connection, LogLevel.CRITICAL, message)
    connection.state = ConnectionState.PAUSED
    connection.last_error = message
    connection.save(update_fields=["state", "last_error", "updated_at"])
    recipients = [user.email for user in connection.subscribers.all() if user.email]
    if recipients:
        send_mail(
            f"Archivist: sync with {connection.name} is paused",
            f"{message}\n\nFix the connection, then press Reconnect in Archivist.",
            settings.DEFAULT_FROM_EMAIL,
            recipients,
        )
