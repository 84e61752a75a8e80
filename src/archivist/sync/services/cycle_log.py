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
from archivist.sync.services.bulk import insert_rows

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


Fingerprint = tuple[bool, int, str, str, dict[str, str]]


def still_stored(stored: Fingerprint | None, entry: Entry) -> bool:
    """A stored observation row is kept when it is the same version of the item: same kind,
    size, id and ETag, and every hash the entry gives. The time is not compared, and hashes the
    row has beyond the entry's are kept (an upload's answer gives the SHA-256 that later
    listings of the same version omit)."""
    if stored is None:
        return False
    is_folder, size, remote_id, etag, hashes = stored
    return (is_folder, size, remote_id, etag) == (
        entry.is_folder,
        entry.size,
        entry.id or "",
        entry.etag or "",
    ) and all(hashes.get(name) == digest for name, digest in entry.hashes.items())


def stored_fingerprints(connection: CloudConnection) -> dict[str, Fingerprint]:
    rows = RemoteEntry.objects.filter(connection=connection).values_list(
        "path", "is_folder", "size", "remote_id", "etag", "hashes"
    )
    return {
        path: (is_folder, size, rid, etag, hashes)
        for path, is_folder, size, rid, etag, hashes in rows
    }


def remember(connection: CloudConnection, seen: Mapping[str, Entry]) -> None:
    """Persist the observation `seen` (the next run compares against it), writing only the rows
    that differ from the stored ones."""
    stored = stored_fingerprints(connection)
    changed = [entry for path, entry in seen.items() if not still_stored(stored.get(path), entry)]
    stale = [path for path in stored if path not in seen] + [
        entry.path for entry in changed if entry.path in stored
    ]
    with transaction.atomic():
        for start in range(0, len(stale), 500):
            RemoteEntry.objects.filter(
                connection=connection, path__in=stale[start : start + 500]
            ).delete()
        insert_rows(
            RemoteEntry,
            _COLUMNS,
            (
                (
                    connection.pk,
                    entry.path,
                    entry.is_folder,
                    entry.size,
                    entry.id or "",
                    entry.etag or "",
                    dict(entry.hashes),
                    entry.modified,
                )
                for entry in changed
            ),
        )


_COLUMNS = ("connection", "path", "is_folder", "size", "remote_id", "etag", "hashes", "modified")


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
