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
from archivist.sync.sending import Failure, Job
from archivist.sync.services.bulk import insert_rows
from archivist.sync.services.connections import open_connector
from archivist.sync.services.cycle_log import critical, log, remember
from archivist.sync.services.senders import Senders
from archivist.sync.services.stores import DjangoBaseStore, DjangoLocalStore
from archivist.sync.state import DEFAULT_NON_SYNCED_MIMETYPES, LocalItem, SyncSettings

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
        local = DjangoLocalStore(connection)
        return cls(local, DjangoBaseStore(connection, local))


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
            (
                connection.pk,
                op.kind.value,
                item,
                op.key or "",
                op.path,
                op.target,
                op.etag,
                op.parent,
                op.name,
                op.reverse,
                op.reason[:255],
                op.kind.priority,
                op.path.count("/"),
                "pending",  # OperationState.PENDING
                0,
                now,
                "",
                "",
            )
        )
    insert_rows(SyncOperation, _OPERATION_COLUMNS, rows)
    result.planned = len(rows)
    for warning in current.warnings:
        log(connection, LogLevel.WARNING, warning)
    return result, observation


_OPERATION_COLUMNS = (
    "connection",
    "kind",
    "item",
    "key",
    "path",
    "target",
    "etag",
    "parent",
    "name",
    "reverse",
    "reason",
    "priority",
    "depth",
    "state",
    "attempts",
    "next_attempt_at",
    "worker",
    "last_error",
)


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
    owned: bool
    """The connector was opened for these rows (and is closed after them)."""


def _context(
    connection: CloudConnection,
    observation: Mapping[str, Entry] | None,
    stores: Stores | None,
    connector: RootedConnector | None,
) -> _Context:
    owned = connector is None
    connector = connector or open_connector(connection)
    if observation is None:
        observation = _remembered(connection)
    stores = stores or Stores.load(connection)
    local, base = stores.local, stores.base
    # the caller's observation is updated in place: its next round plans on current facts
    shared = observation if isinstance(observation, dict) else dict(observation)
    executor = Executor(connector, local, base, shared)
    return _Context(connection, connector, base, executor, owned)


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
    connectors: Mapping[int, RootedConnector] | None = None,
    senders: Senders | None = None,
) -> Settled:
    """Perform the claimed rows (in parallel) and settle each one. A connection's current
    observation, stores and open connector (left open) may be given (by id); else they are
    loaded. With `senders` (of the rows' one connection), a large batch's uploads are sent by
    its child processes."""
    rows = list(rows)
    contexts: dict[int, _Context] = {}
    settled = Settled()
    lock = threading.Lock()
    for row in rows:
        if row.connection_id not in contexts:
            seen = (observations or {}).get(row.connection_id)
            try:
                contexts[row.connection_id] = _context(
                    row.connection,
                    seen,
                    (stores or {}).get(row.connection_id),
                    (connectors or {}).get(row.connection_id),
                )
            except ConnectorError as error:
                _settle(row, error, settled, lock)
    runnable = [row for row in rows if row.connection_id in contexts]
    sent: dict[int, tuple[SyncOperation, Operation, LocalItem]] = {}
    if senders is not None:
        sent = _sendable(runnable, contexts, senders)
        runnable = [row for row in runnable if row.pk not in sent]
    keeper = LeaseKeeper(rows)
    keeper.start()
    try:
        threads = _Threads(runnable, contexts, settled, lock, inline=not sent)
        threads.start()
        if sent:
            assert senders is not None
            unsent = _settle_sent(sent, contexts, senders, settled, lock)
            threads.join()
            threads = _Threads(unsent, contexts, settled, lock)  # a child died: send them here
            threads.start()
        threads.join()
    finally:
        keeper.stop()
        for context in contexts.values():
            context.base.flush()
            if context.owned:
                context.connector.close()
        close_old_connections()
    return settled


def _perform(row: SyncOperation, context: _Context, settled: Settled, lock: threading.Lock) -> None:
    try:
        context.executor.apply(_operation(row))
    except ConnectorError as error:
        _settle(row, error, settled, lock)
    else:
        _done(row, context, settled, lock)


def _done(row: SyncOperation, context: _Context, settled: Settled, lock: threading.Lock) -> None:
    # recorded with the base it changed, in the next flush
    context.base.finish_with(row.pk)
    with lock:
        settled.done += 1
    if context.base.due:
        context.base.flush()  # outside the executor's lock: transfers go on meanwhile


class _Threads:
    """Rows performed by up to `ARCHIVIST_SYNC_TRANSFERS` threads of this process."""

    def __init__(
        self,
        rows: list[SyncOperation],
        contexts: Mapping[int, _Context],
        settled: Settled,
        lock: threading.Lock,
        *,
        inline: bool = True,
    ):
        self.pending = queue.SimpleQueue[SyncOperation]()
        for row in rows:
            self.pending.put(row)
        self.contexts, self.settled, self.lock = contexts, settled, lock
        self.crashed: list[BaseException] = []
        count = min(settings.SYNC_TRANSFERS, len(rows))
        # one row at most (and `inline`): performed by `start` in the calling thread
        self.inline = inline and count <= 1
        self.threads = [
            threading.Thread(target=self._work, name=f"archivist-sync-{n}") for n in range(count)
        ]

    def start(self) -> None:
        if self.inline:
            self._work()
            return
        for thread in self.threads:
            thread.start()

    def join(self) -> None:
        """Wait for every row; a defect in any thread is raised here (it stops them all)."""
        for thread in [] if self.inline else self.threads:
            thread.join()
        if self.crashed:
            raise self.crashed[0]

    def _work(self) -> None:
        try:
            while not self.crashed:
                try:
                    row = self.pending.get_nowait()
                except queue.Empty:
                    return
                _perform(row, self.contexts[row.connection_id], self.settled, self.lock)
        except BaseException as error:  # noqa: BLE001 (re-raised by join: a defect stops all)
            self.crashed.append(error)
        finally:
            if not self.inline:
                db_connection.close()  # one database connection per worker thread


def _sendable(
    rows: list[SyncOperation], contexts: Mapping[int, _Context], senders: Senders
) -> dict[int, tuple[SyncOperation, Operation, LocalItem]]:
    """The uploads of `rows` that the child processes can send (by row id): files whose bytes
    are in the blob store, when there are enough of them."""
    uploads = [row for row in rows if row.kind == OpKind.UPLOAD.value]
    if not senders.wanted(len(uploads)):
        return {}
    chosen = {}
    for row in uploads:
        if row.connection_id != senders.connection.pk:
            continue
        operation = _operation(row)
        try:
            item = contexts[row.connection_id].executor.upload_source(operation)
        except ConnectorError:
            continue  # the threads settle it
        if item.has_content and item.sha256:
            chosen[row.pk] = (row, operation, item)
    return chosen


def _settle_sent(
    sent: Mapping[int, tuple[SyncOperation, Operation, LocalItem]],
    contexts: Mapping[int, _Context],
    senders: Senders,
    settled: Settled,
    lock: threading.Lock,
) -> list[SyncOperation]:
    """Record or settle each upload as its child answers; returns the rows left unsent."""
    jobs = [
        Job(row.pk, op.path, item.sha256 or "", item.size, op.etag, op.etag is None)
        for row, op, item in sent.values()
    ]
    unsent = []
    for job, outcome in senders.send(jobs):
        row, op, item = sent[job.row]
        context = contexts[row.connection_id]
        if outcome is None:
            unsent.append(row)
            continue
        try:
            if isinstance(outcome, Failure):
                raise outcome.error()
            context.executor.uploaded(item, outcome)
        except Conflict as error:
            context.executor.refused(op)
            _settle(row, error, settled, lock)
        except ConnectorError as error:
            _settle(row, error, settled, lock)
        else:
            _done(row, context, settled, lock)
    return unsent


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
