"""The sync queue: planned operations as rows, claimed by any number of workers.

`prepare(connection)` observes the remote and turns the plan of one round into `SyncOperation`
rows (one open row per item at most). `claim` hands ready rows to a worker: on PostgreSQL with
`SELECT … FOR UPDATE SKIP LOCKED`, so workers on any machines never take the same row; a row
whose worker died (its lease ran out) is taken again. `run_claimed` performs rows in parallel
and settles each: done, retried later (30 s doubling, capped at 24 h), or failed once its
attempts are spent (reverse and move operations have their own, smaller budget).
"""

from __future__ import annotations

import datetime as dt
import os
import queue
import socket
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.db import close_old_connections, transaction
from django.db import connection as db_connection
from django.db.models import F, Q
from django.utils import timezone

from archivist.connectors.base import Connector, Entry
from archivist.connectors.errors import (
    AuthExpired,
    Conflict,
    ConnectorError,
    RateLimited,
)
from archivist.connectors.rooted import RootedConnector
from archivist.documents.services import installation
from archivist.sync.engine import Executor, observe
from archivist.sync.models import (
    CloudConnection,
    ConnectionState,
    LogLevel,
    OperationState,
    RemoteEntry,
    SyncOperation,
)
from archivist.sync.operations import Operation, OpKind
from archivist.sync.planner import plan
from archivist.sync.services.connections import open_connector
from archivist.sync.services.cycle_log import critical, log, remember
from archivist.sync.services.stores import DjangoBaseStore, DjangoLocalStore
from archivist.sync.state import DEFAULT_NON_SYNCED_MIMETYPES, SyncSettings

__all__ = [
    "LeaseKeeper",
    "Prepared",
    "Stores",
    "claim",
    "load_stores_meanwhile",
    "observe_remote",
    "prepare",
    "run_claimed",
    "worker_name",
]

LEASE = dt.timedelta(minutes=15)
FIRST_RETRY = 30
LONGEST_RETRY = 24 * 3600
OPEN = (OperationState.PENDING, OperationState.RUNNING)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def sync_settings(connector: Connector, *, force_deletes: bool = False) -> SyncSettings:
    extra = frozenset(installation.current().non_synced_mimetypes)
    return SyncSettings(
        case_sensitive=connector.capabilities.case_sensitive,
        stable_ids=connector.capabilities.stable_ids,
        max_name_length=connector.capabilities.max_name_length,
        non_synced_mimetypes=DEFAULT_NON_SYNCED_MIMETYPES | extra,
        force_deletes=force_deletes,
    )


@dataclass
class Stores:
    """One connection's local snapshot and base, loaded once and kept current by the operations
    applied through them: the rounds of one cycle plan and run on them without reloading."""

    local: DjangoLocalStore
    base: DjangoBaseStore

    @classmethod
    def load(cls, connection: CloudConnection) -> Stores:
        return cls(DjangoLocalStore(connection), DjangoBaseStore(connection))


@dataclass
class Prepared:
    planned: int = 0
    deferred: int = 0
    already_queued: int = 0
    failed: int = 0
    warnings: list[str] = field(default_factory=list)


def observe_remote(connection: CloudConnection, connector: RootedConnector) -> dict[str, Entry]:
    """List the connection's root folder (made first if missing) and remember the listing."""
    connector.ensure_root()
    # the last observation only helps where unchanged folders can be skipped
    skips = connector.capabilities.folder_etags_cover_content
    observation = observe(connector, _remembered(connection) if skips else None)
    remember(connection, observation)
    return observation


def load_stores_meanwhile(connection: CloudConnection) -> Callable[[], Stores]:
    """Load the connection's stores in a thread (while the remote is listed); the function
    returned waits for them (and raises what the loading raised)."""
    result: list[Stores] = []
    failure: list[BaseException] = []

    def load() -> None:
        try:
            result.append(Stores.load(connection))
        except BaseException as error:  # noqa: BLE001 (raised again by the waiting caller)
            failure.append(error)
        finally:
            db_connection.close()

    thread = threading.Thread(target=load, name="archivist-sync-load", daemon=True)
    thread.start()

    def wait() -> Stores:
        thread.join()
        if failure:
            raise failure[0]
        return result[0]

    return wait


def prepare(
    connection: CloudConnection,
    connector: RootedConnector,
    *,
    force_deletes: bool = False,
    observation: dict[str, Entry] | None = None,
    stores: Stores | None = None,
) -> tuple[Prepared, dict[str, Entry]]:
    """Plan one round from a fresh (or given) observation and queue its operations.

    Raises ConnectorError when the remote cannot be listed and PlanRefused when the observed
    state looks unsafe; the caller logs and pauses as fits."""
    if observation is None:
        observation = observe_remote(connection, connector)
    stores = stores or Stores.load(connection)
    local, base = stores.local, stores.base
    options = sync_settings(connector, force_deletes=force_deletes)
    current = plan(local.items(), observation, base.all(), options)
    result = Prepared(deferred=current.deferred, warnings=list(current.warnings))
    open_items = set(
        SyncOperation.objects.filter(connection=connection, state__in=OPEN).values_list(
            "item", flat=True
        )
    )
    # A failed operation stays failed until something changes (then the plan differs) or a
    # person retries it: the same work is not queued again.
    failed = set(
        SyncOperation.objects.filter(
            connection=connection, state=OperationState.FAILED
        ).values_list("item", "kind", "path", "target", "etag")
    )
    now = timezone.now()
    rows = []
    for op in current.operations:
        item = op.key or op.path
        if item in open_items:
            result.already_queued += 1
            continue
        if (item, op.kind.value, op.path, op.target, op.etag) in failed:
            result.failed += 1
            continue
        rows.append(
            SyncOperation(
                connection=connection,
                kind=op.kind.value,
                item=item,
                key=op.key or "",
                path=op.path,
                target=op.target,
                etag=op.etag,
                parent=op.parent,
                name=op.name,
                reverse=op.reverse,
                reason=op.reason[:255],
                priority=op.kind.priority,
                depth=op.path.count("/"),
                next_attempt_at=now,
            )
        )
    SyncOperation.objects.bulk_create(rows, batch_size=1000)
    result.planned = len(rows)
    for warning in current.warnings:
        log(connection, LogLevel.WARNING, warning)
    return result, observation


def release_dead_workers() -> int:
    """Rows leased by a worker process of this machine that no longer runs are ready again at
    once (a process killed on another machine releases its rows when its lease runs out)."""
    host = socket.gethostname()
    released = 0
    running = SyncOperation.objects.filter(
        state=OperationState.RUNNING, worker__startswith=f"{host}:"
    )
    for worker in set(running.values_list("worker", flat=True)):
        pid = worker.split(":")[1] if worker.count(":") >= 2 else ""
        if pid.isdigit() and not _alive(int(pid)):
            released += running.filter(worker=worker).update(
                state=OperationState.PENDING, lease_until=None, worker=""
            )
    return released


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remembered(connection: CloudConnection) -> dict[str, Entry]:
    """The observation the last cycle ended with (for folder-ETag skipping)."""
    return {
        row.path: Entry(
            path=row.path,
            is_folder=row.is_folder,
            size=row.size,
            id=row.remote_id or None,
            etag=row.etag or None,
            hashes=row.hashes,
            modified=row.modified,
        )
        for row in RemoteEntry.objects.filter(connection=connection)
    }


def claim(
    worker: str, limit: int, *, connection: CloudConnection | None = None
) -> list[SyncOperation]:
    """Up to `limit` ready rows, now leased to `worker` (first by priority, then parents first,
    then oldest); rows of paused connections are left alone."""
    release_dead_workers()
    now = timezone.now()
    ready = Q(state=OperationState.PENDING, next_attempt_at__lte=now) | Q(
        state=OperationState.RUNNING, lease_until__lt=now
    )
    with transaction.atomic():
        rows = SyncOperation.objects.select_for_update(skip_locked=True).filter(ready)
        rows = rows.exclude(connection__state=ConnectionState.PAUSED)
        if connection is not None:
            rows = rows.filter(connection=connection)
        chosen = list(
            rows.order_by("priority", "depth", "next_attempt_at", "id").values_list(
                "id", flat=True
            )[:limit]
        )
        SyncOperation.objects.filter(id__in=chosen).update(
            state=OperationState.RUNNING,
            lease_until=now + LEASE,
            worker=worker,
            attempts=F("attempts") + 1,
        )
    return list(SyncOperation.objects.filter(id__in=chosen).select_related("connection"))


def _operation(row: SyncOperation) -> Operation:
    return Operation(
        kind=OpKind(row.kind),
        key=row.key or None,
        path=row.path,
        target=row.target,
        etag=row.etag,
        parent=row.parent,
        name=row.name,
        reverse=row.reverse,
        reason=row.reason,
    )


@dataclass
class _Context:
    connection: CloudConnection
    connector: RootedConnector
    base: DjangoBaseStore
    executor: Executor


def _context(
    connection: CloudConnection, observation: Mapping[str, Entry] | None, stores: Stores | None
) -> _Context:
    connector = open_connector(connection)
    assert isinstance(connector, RootedConnector)
    if observation is None:
        observation = _remembered(connection)
    stores = stores or Stores.load(connection)
    local, base = stores.local, stores.base
    # the caller's observation is updated in place: its next round plans on current facts
    shared = observation if isinstance(observation, dict) else dict(observation)
    executor = Executor(connector, local, base, shared)
    return _Context(connection, connector, base, executor)


@dataclass
class Settled:
    done: int = 0
    retried: int = 0
    failed: int = 0
    replanned: int = 0
    paused: set[str] = field(default_factory=set)


def run_claimed(
    rows: Iterable[SyncOperation],
    *,
    observations: Mapping[int, Mapping[str, Entry]] | None = None,
    stores: Mapping[int, Stores] | None = None,
) -> Settled:
    """Perform the claimed rows (in parallel) and settle each one. A connection's current
    observation and stores may be given (by id); else they are loaded."""
    rows = list(rows)
    contexts: dict[int, _Context] = {}
    settled = Settled()
    lock = threading.Lock()
    for row in rows:
        if row.connection_id not in contexts:
            seen = (observations or {}).get(row.connection_id)
            try:
                contexts[row.connection_id] = _context(
                    row.connection, seen, (stores or {}).get(row.connection_id)
                )
            except ConnectorError as error:
                _settle(row, error, settled, lock)
    runnable = [row for row in rows if row.connection_id in contexts]
    pending = queue.SimpleQueue[SyncOperation]()
    for row in runnable:
        pending.put(row)

    def perform(row: SyncOperation) -> None:
        context = contexts[row.connection_id]
        try:
            context.executor.apply(_operation(row))
        except ConnectorError as error:
            _settle(row, error, settled, lock)
        else:
            # done: recorded with the base it changed, in the next flush
            context.base.finish_with(row.pk)
            with lock:
                settled.done += 1
        if context.base.due:
            context.base.flush()  # outside the executor's lock: transfers go on meanwhile

    crashed: list[BaseException] = []

    def work() -> None:
        try:
            while not crashed:
                try:
                    row = pending.get_nowait()
                except queue.Empty:
                    return
                perform(row)
        except BaseException as error:  # noqa: BLE001 (re-raised in the caller: a defect stops all)
            crashed.append(error)
        finally:
            if threading.current_thread() is not threading.main_thread():
                db_connection.close()  # one database connection per worker thread

    workers = max(1, min(settings.SYNC_TRANSFERS, len(runnable)))
    keeper = LeaseKeeper(rows)
    keeper.start()
    try:
        if workers == 1:
            work()
        else:
            threads = [
                threading.Thread(target=work, name=f"archivist-sync-{n}") for n in range(workers)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        if crashed:
            raise crashed[0]
    finally:
        keeper.stop()
        for context in contexts.values():
            context.base.flush()
            context.connector.close()
        close_old_connections()
    return settled


class LeaseKeeper(threading.Thread):
    """Renews the leases of a batch's rows every third of `LEASE` while the batch runs: a long
    transfer keeps its rows, and only a worker that stopped loses them."""

    def __init__(self, rows: Iterable[SyncOperation]) -> None:
        super().__init__(name="archivist-sync-leases", daemon=True)
        rows = list(rows)
        self.ids = [row.pk for row in rows]
        self.workers = {row.worker for row in rows}
        self._stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self._stopped.wait(LEASE.total_seconds() / 3):
                SyncOperation.objects.filter(
                    pk__in=self.ids, worker__in=self.workers, state=OperationState.RUNNING
                ).update(lease_until=timezone.now() + LEASE)
        finally:
            db_connection.close()

    def stop(self) -> None:
        self._stopped.set()
        self.join()


def _settle(
    row: SyncOperation, error: ConnectorError, settled: Settled, lock: threading.Lock
) -> None:
    """Settle a row whose operation failed (done rows are settled with the base's flush)."""
    changes: dict[str, object] = {"lease_until": None, "worker": ""}
    if isinstance(error, Conflict):
        # the remote changed under us: nothing was overwritten; the next plan decides again
        changes["state"] = OperationState.DONE
        changes["last_error"] = f"re-planned: {error}"
        log(
            row.connection, LogLevel.INFO, f"re-planned: {error}", operation=row.kind, item=row.item
        )
        with lock:
            settled.replanned += 1
    elif isinstance(error, AuthExpired):
        changes["state"] = OperationState.PENDING
        changes["attempts"] = max(0, row.attempts - 1)
        changes["next_attempt_at"] = timezone.now()
        with lock:
            first = row.connection.name not in settled.paused
            settled.paused.add(row.connection.name)
        if first:
            critical(row.connection, f"the remote refused the credentials: {error}")
    else:
        saved = installation.current()
        budget = saved.max_attempts_reverse if _blocking(row) else saved.max_attempts
        changes["last_error"] = str(error)[:2000]
        if error.retryable and row.attempts < budget:
            delay = min(FIRST_RETRY * 2 ** (row.attempts - 1), LONGEST_RETRY)
            if isinstance(error, RateLimited) and error.retry_after:
                delay = max(delay, int(error.retry_after))
            changes["state"] = OperationState.PENDING
            changes["next_attempt_at"] = timezone.now() + dt.timedelta(seconds=delay)
            with lock:
                settled.retried += 1
        else:
            changes["state"] = OperationState.FAILED
            reason = "attempts spent" if error.retryable else "not retried"
            log(
                row.connection,
                LogLevel.ERROR,
                f"failed ({reason}, {row.attempts} attempts): {error}",
                operation=row.kind,
                item=row.item,
            )
            with lock:
                settled.failed += 1
    SyncOperation.objects.filter(pk=row.pk).update(**changes)


def _blocking(row: SyncOperation) -> bool:
    return row.reverse or row.kind in (OpKind.MOVE_REMOTE.value, OpKind.MOVE_LOCAL.value)
