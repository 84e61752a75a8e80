"""Reading the sync log: filters, CSV export (newest first, limited) and retention."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from archivist.documents.services import installation
from archivist.sync.models import SyncLog

__all__ = ["LEVELS", "clean_logs", "csv_lines", "filtered_logs"]

LEVELS: list[str] = ["debug", "info", "warning", "error", "critical"]  # mildest first
CSV_HEADER = ["time (UTC)", "level", "connection", "operation", "item", "message"]


def filtered_logs(
    *,
    search: str = "",
    level: str = "",
    connection: int | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> QuerySet[Any]:
    """Newest first. `level` keeps that level and the more severe ones."""
    logs = SyncLog.objects.select_related("connection").order_by("-at", "-id")
    if level:
        logs = logs.filter(level__in=LEVELS[LEVELS.index(level) :])
    if connection is not None:
        logs = logs.filter(connection_id=connection)
    if since is not None:
        logs = logs.filter(at__gte=since)
    if until is not None:
        logs = logs.filter(at__lt=until)
    if search:
        logs = logs.filter(Q(message__icontains=search) | Q(item__icontains=search))
    return logs


def csv_lines(logs: QuerySet[Any], limit: int | None = None) -> Iterator[str]:
    """The CSV text, a line at a time (streamed), at most `limit` log lines."""
    limit = installation.current().log_export_lines if limit is None else limit
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(row: list[str]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([_safe(cell) for cell in row])
        return buffer.getvalue()

    yield line(CSV_HEADER)
    for log in logs[:limit].iterator(chunk_size=2000):
        yield line(
            [
                log.at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S"),
                log.level,
                log.connection.name if log.connection else "",
                log.operation,
                log.item,
                log.message,
            ]
        )


def _safe(cell: str) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas: quote them."""
    return f"'{cell}" if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


def clean_logs(days: int | None = None) -> int:
    """Delete log lines older than the retention (never less than 3 days); how many went."""
    keep = max(3, installation.current().log_days if days is None else days)
    deleted, _ = SyncLog.objects.filter(at__lt=timezone.now() - dt.timedelta(days=keep)).delete()
    return int(deleted)


def daily_log_cleaning() -> int | None:
    """The scheduler's daily "sync log retention" job (one process a day, by a lease)."""
    from archivist.documents.services.leases import Lease

    if not Lease("sync-log-retention", dt.timedelta(hours=24)).acquire():
        return None
    return clean_logs()
