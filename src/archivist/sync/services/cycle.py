"""One sync cycle of a connection: observe, plan and apply rounds, record what happened.

This is the spec's "Launch sync" (`archivist sync run`). Every warning, failure and summary
goes to the sync log; a critical connection error (refused credentials, unreachable remote)
pauses the connection and emails its subscribers.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from archivist.connectors.base import Entry
from archivist.connectors.errors import AuthExpired, ConnectorError, Transient
from archivist.connectors.rooted import RootedConnector
from archivist.sync.engine import RoundReport, observe, sync_rounds
from archivist.sync.models import (
    CloudConnection,
    ConnectionState,
    LogLevel,
    RemoteEntry,
    SyncItem,
    SyncLog,
)
from archivist.sync.planner import PlanRefused
from archivist.sync.services.connections import open_connector
from archivist.sync.services.stores import DjangoBaseStore, DjangoLocalStore
from archivist.sync.state import SyncSettings

__all__ = ["log", "run_connection"]

logger = logging.getLogger(__name__)


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


def run_connection(connection: CloudConnection, *, force_deletes: bool = False) -> RoundReport:
    """Run one full cycle now; returns the report (also logged)."""
    report = RoundReport()
    if connection.state == ConnectionState.PAUSED:
        log(connection, LogLevel.INFO, "paused: nothing synced")
        return report
    try:
        connector = open_connector(connection)
    except ConnectorError as error:
        _critical(connection, f"cannot open the connection: {error}")
        return report
    try:
        assert isinstance(connector, RootedConnector)
        connector.ensure_root()
        seen = observe(connector)
    except (AuthExpired, Transient) as error:
        _critical(connection, f"the remote cannot be listed: {error}")
        return report
    except ConnectorError as error:
        log(connection, LogLevel.ERROR, f"the remote cannot be listed: {error}")
        return report
    options = SyncSettings(
        case_sensitive=connector.capabilities.case_sensitive,
        stable_ids=connector.capabilities.stable_ids,
        max_name_length=connector.capabilities.max_name_length,
        force_deletes=force_deletes,
    )
    local, base = DjangoLocalStore(connection), DjangoBaseStore(connection)
    try:
        report = sync_rounds(connector, local, base, options, observation=seen)
    except PlanRefused as error:
        log(connection, LogLevel.CRITICAL, str(error))
        connection.last_error = str(error)
        connection.save(update_fields=["last_error", "updated_at"])
        return report
    finally:
        connector.close()
    for warning in report.warnings:
        log(connection, LogLevel.WARNING, warning)
    for op, failure in report.failed:
        log(connection, LogLevel.ERROR, str(failure), operation=op.kind.value, item=op.path)
    _remember(connection, seen)
    done = "converged" if report.converged else "left work for the next run"
    log(
        connection,
        LogLevel.INFO,
        f"{report.applied} operations in {report.rounds} rounds, "
        f"{len(report.failed)} failed; {done}",
    )
    connection.last_run_at = timezone.now()
    connection.last_error = "" if not report.failed else str(report.failed[-1][1])
    if connection.state == ConnectionState.RESET and report.converged:
        connection.state = ConnectionState.PAUSED  # everything came home: nothing left to sync
    connection.save(update_fields=["last_run_at", "last_error", "state", "updated_at"])
    return dataclasses.replace(report)


def _remember(connection: CloudConnection, seen: Mapping[str, Entry]) -> None:
    """Persist the observation the run ended with (the next run compares against it)."""
    rows = [
        RemoteEntry(
            connection=connection,
            path=entry.path,
            is_folder=entry.is_folder,
            size=entry.size,
            remote_id=entry.id or "",
            etag=entry.etag or "",
            hashes=dict(entry.hashes),
            modified=entry.modified,
        )
        for entry in seen.values()
    ]
    with transaction.atomic():
        RemoteEntry.objects.filter(connection=connection).delete()
        RemoteEntry.objects.bulk_create(rows, batch_size=2000)


def _critical(connection: CloudConnection, message: str) -> None:
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


def synced_count(connection: CloudConnection) -> int:
    count: int = SyncItem.objects.filter(connection=connection).count()
    return count
