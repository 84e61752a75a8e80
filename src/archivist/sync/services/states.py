"""Reconnect / Pause and Reset of a connection (the spec's buttons), with Reset's preview."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Sum

from archivist.documents.models import Attachment
from archivist.sync.models import CloudConnection, ConnectionState, LogLevel, SyncItem
from archivist.sync.services.cycle_log import log

__all__ = ["ResetImpact", "pause", "reconnect", "reset", "reset_impact"]


@dataclass(frozen=True)
class ResetImpact:
    """What a reset brings back: folders and files that leave the cloud, and the bytes that
    must be downloaded because Archivist keeps no copy of them."""

    folders: int
    files: int
    files_to_download: int
    bytes_to_download: int


def reset_impact(connection: CloudConnection) -> ResetImpact:
    items = SyncItem.objects.filter(connection=connection)
    file_ids = [
        int(key.partition(":")[2])
        for key in items.filter(kind="file").values_list("key", flat=True)
    ]
    cloud_only = Attachment.objects.filter(id__in=file_ids, blob="")
    return ResetImpact(
        folders=items.filter(kind="folder").count(),
        files=len(file_ids),
        files_to_download=cloud_only.count(),
        bytes_to_download=int(cloud_only.aggregate(total=Sum("size"))["total"] or 0),
    )


def pause(connection: CloudConnection) -> None:
    connection.state = ConnectionState.PAUSED
    connection.save(update_fields=["state", "updated_at"])
    log(connection, LogLevel.INFO, "paused")


def reconnect(connection: CloudConnection) -> None:
    """Sync again (after new credentials, or a pause); a reset in progress stays a reset."""
    if connection.state == ConnectionState.PAUSED:
        connection.state = ConnectionState.ACTIVE
    connection.last_error = ""
    connection.save(update_fields=["state", "last_error", "updated_at"])
    log(connection, LogLevel.INFO, "reconnected")


def reset(connection: CloudConnection) -> ResetImpact:
    """Reverse sync of everything: files come home, cloud copies go; then the connection
    pauses by itself."""
    impact = reset_impact(connection)
    connection.state = ConnectionState.RESET
    connection.save(update_fields=["state", "updated_at"])
    log(
        connection,
        LogLevel.WARNING,
        f"reset: {impact.files} files and {impact.folders} folders come back "
        f"({impact.bytes_to_download} bytes to download)",
    )
    return impact
