"""The installation settings in force: what an administrator saved on the Settings page, else
the environment's value (`ARCHIVIST_…`, read into Django settings at start-up).

`current()` is read in hot paths (each settled sync operation, each scheduler tick), so the
saved row is kept for a few seconds per process; saving through `save()` forgets it at once in
this process, other processes see the change within `CACHE_SECONDS`. Inside a transaction the
row is always read afresh, so a caller sees its own writes (and tests their own data).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, fields
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from archivist.documents.models import InstallationSettings

CACHE_SECONDS = 5.0

# the fields an administrator may save; the others of the model are bookkeeping
EDITABLE = (
    "tags_enabled",
    "sharing_enabled",
    "non_synced_mimetypes",
    "max_attempts",
    "max_attempts_reverse",
    "log_days",
    "log_export_lines",
    "prepare_interval_seconds",
    "sync_interval_seconds",
)


@dataclass(frozen=True)
class Installation:
    """The settings in force. `non_synced_mimetypes` are the extra ones, on top of the
    built-in list (`sync.state.DEFAULT_NON_SYNCED_MIMETYPES`)."""

    tags_enabled: bool
    sharing_enabled: bool
    non_synced_mimetypes: tuple[str, ...]
    max_attempts: int
    max_attempts_reverse: int
    log_days: int
    log_export_lines: int
    prepare_interval_seconds: int
    sync_interval_seconds: int


def defaults() -> Installation:
    """The values from the environment: in force for every field nobody saved."""
    extra = settings.SYNC_NON_SYNCED_MIMETYPES.split(",")
    return Installation(
        tags_enabled=True,
        sharing_enabled=True,
        non_synced_mimetypes=tuple(m.strip() for m in extra if m.strip()),
        max_attempts=settings.SYNC_MAX_RETRIES,
        max_attempts_reverse=settings.SYNC_MAX_RETRIES_REVERSE,
        log_days=max(3, settings.SYNC_LOG_DAYS),
        log_export_lines=settings.SYNC_LOG_EXPORT_LINES,
        prepare_interval_seconds=settings.PREPARE_INTERVAL_SECONDS,
        sync_interval_seconds=settings.SYNC_INTERVAL,
    )


_lock = threading.Lock()
_cached: tuple[float, dict[str, Any] | None] | None = None  # (read at, saved values)


def _saved() -> dict[str, Any] | None:
    """The saved row's editable values, or None when nothing was ever saved."""
    global _cached
    if connection.in_atomic_block:
        return _read()
    with _lock:
        if _cached is not None and time.monotonic() - _cached[0] < CACHE_SECONDS:
            return _cached[1]
    values = _read()
    with _lock:
        _cached = (time.monotonic(), values)
    return values


def _read() -> dict[str, Any] | None:
    row = InstallationSettings.objects.filter(pk=1).values(*EDITABLE).first()
    return dict(row) if row is not None else None


def forget() -> None:
    """Drop this process's cached row (the next `current()` reads it)."""
    global _cached
    with _lock:
        _cached = None


def current() -> Installation:
    """The settings in force now."""
    base = defaults()
    saved = _saved()
    if saved is None:
        return base
    chosen: dict[str, Any] = {}
    for field in fields(Installation):
        value = saved.get(field.name)
        if value is None:
            chosen[field.name] = getattr(base, field.name)
        elif field.name == "non_synced_mimetypes":
            chosen[field.name] = tuple(value)
        else:
            chosen[field.name] = value
    return Installation(**chosen)


def saved_fields() -> set[str]:
    """The fields an administrator saved (the others follow the environment)."""
    saved = _read() or {}
    return {name for name, value in saved.items() if value is not None}


def save(user: Any, changes: dict[str, Any]) -> Installation:
    """Store `changes` (validated by the caller; None: back to the environment's value) and
    return the settings now in force."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not installation settings: {sorted(unknown)}")
    with transaction.atomic():
        row, _ = InstallationSettings.objects.select_for_update().get_or_create(pk=1)
        for name, value in changes.items():
            setattr(row, name, value)
        row.updated_by = user if getattr(user, "pk", None) else None
        row.full_clean()
        row.save()
        transaction.on_commit(forget)
    forget()
    return current()
