"""One sync cycle of a connection through the queue: prepare a round, run it, again.

This is the spec's "Launch sync" (`archivist sync run`) and the scheduled "Prepare sync
queue" / "Run sync queue" jobs of `archivist serve`. The observation is listed once per cycle
and kept current from the operations' answers, so later rounds cost no listing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from archivist.connectors.errors import AuthExpired, ConnectorError, Transient
from archivist.connectors.rooted import RootedConnector
from archivist.sync.models import CloudConnection, ConnectionState, LogLevel, SyncOperation
from archivist.sync.planner import PlanRefused
from archivist.sync.services.connections import open_connector
from archivist.sync.services.cycle_log import critical, log, remember
from archivist.sync.services.offload import offload_synced_files
from archivist.sync.services.queue import (
    OPEN,
    claim,
    load_stores_meanwhile,
    observe_remote,
    prepare,
    run_claimed,
    worker_name,
)
from archivist.sync.services.senders import Senders

__all__ = ["CycleReport", "log", "run_connection"]

CLAIM_BATCH = 2000


@dataclass
class CycleReport:
    rounds: int = 0
    applied: int = 0
    retried: int = 0
    failed: int = 0
    replanned: int = 0
    converged: bool = False
    released: int = 0
    """Files whose local bytes were released after their cloud copy was verified."""


def run_connection(
    connection: CloudConnection, *, force_deletes: bool = False, max_rounds: int = 100
) -> CycleReport:
    """Run one full cycle now; returns the report (also written to the sync log)."""
    report = CycleReport()
    if connection.state == ConnectionState.PAUSED:
        log(connection, LogLevel.INFO, "paused: nothing synced")
        return report
    try:
        connector = open_connector(connection)
    except ConnectorError as error:
        critical(connection, f"cannot open the connection: {error}")
        return report
    assert isinstance(connector, RootedConnector)
    try:
        _rounds(connection, connector, report, force_deletes, max_rounds)
        if report.converged:
            keep = settings.SYNC_KEEP_LOCAL_HOURS
            report.released = offload_synced_files(connection, connector, keep_hours=keep).released
    except (AuthExpired, Transient) as error:
        critical(connection, f"the remote cannot be reached: {error}")
        return report
    except ConnectorError as error:
        log(connection, LogLevel.ERROR, f"the remote cannot be listed: {error}")
        return report
    except PlanRefused as error:
        log(connection, LogLevel.CRITICAL, str(error))
        connection.last_error = str(error)
        connection.save(update_fields=["last_error", "updated_at"])
        return report
    finally:
        connector.close()
    done = "converged" if report.converged else "left work for the next run"
    log(
        connection,
        LogLevel.INFO,
        f"{report.applied} operations in {report.rounds} rounds, {report.retried} to retry, "
        f"{report.failed} failed; {done}",
    )
    connection.refresh_from_db()
    connection.last_run_at = timezone.now()
    if report.failed == 0:
        connection.last_error = ""
    if connection.state == ConnectionState.RESET and report.converged:
        connection.state = ConnectionState.PAUSED  # everything came home: nothing left to sync
    connection.save(update_fields=["last_run_at", "last_error", "state", "updated_at"])
    return report


def _rounds(
    connection: CloudConnection,
    connector: RootedConnector,
    report: CycleReport,
    force_deletes: bool,
    max_rounds: int,
) -> None:
    worker = worker_name()
    # The cycle's rounds share one snapshot of each side, kept current by the operations: the
    # local one loads while the remote is listed.
    stores_loaded = load_stores_meanwhile(connection)
    try:
        observation = observe_remote(connection, connector)
    finally:
        stores = stores_loaded()
    with Senders(connection) as senders:
        while report.rounds < max_rounds:
            prepared, observation = prepare(
                connection,
                connector,
                force_deletes=force_deletes,
                observation=observation,
                stores=stores,
            )
            senders.warm(prepared.deferred)  # mostly uploads waiting for their folders
            rows = claim(worker, CLAIM_BATCH, connection=connection)
            if not rows:
                waiting = SyncOperation.objects.filter(connection=connection, state__in=OPEN)
                report.converged = (
                    prepared.planned == prepared.deferred == 0 and not waiting.exists()
                )
                if report.rounds:
                    remember(connection, observation)  # as the cycle leaves it
                return
            report.rounds += 1
            settled = run_claimed(
                rows,
                observations={connection.pk: observation},
                stores={connection.pk: stores},
                connectors={connection.pk: connector},
                senders=senders,
            )
            report.applied += settled.done
            report.retried += settled.retried
            report.failed += settled.failed
            report.replanned += settled.replanned
            if settled.paused:
                return


def scheduled_sync() -> dict[str, str] | None:
    """The scheduler's "Prepare sync queue" + "Run sync queue": a cycle of every active
    connection, at most once per `ARCHIVIST_SYNC_INTERVAL` across all processes."""
    import datetime as dt

    from archivist.documents.services import installation
    from archivist.documents.services.leases import Lease

    interval = installation.current().sync_interval_seconds
    if interval <= 0:
        return None
    if not Lease("sync-cycle", dt.timedelta(seconds=interval)).acquire():
        return None
    summary = {}
    for connection in CloudConnection.objects.exclude(state=ConnectionState.PAUSED):
        report = run_connection(connection)
        summary[connection.name] = (
            f"{report.applied} done, {report.retried} to retry, {report.failed} failed"
        )
    return summary
