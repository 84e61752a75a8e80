"""Manual and scheduled synchronisations: inline for a few databases, a background job
(a `SyncRun` row with readable progress) for more than `INLINE_LIMIT`.

A run is claimed by one conditional UPDATE (pending → running), so the thread started for it
and the scheduler's `process_pending_runs` never both run it; a run whose worker stopped
beating for `STALE_AFTER` is given back to the queue.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from archivist.fleet.models import Database, RunState, SyncRun
from archivist.fleet.services.synchronize import SyncOutcome, due_for_scheduled_sync, synchronize

__all__ = [
    "INLINE_LIMIT",
    "execute_run",
    "process_pending_runs",
    "scheduled_synchronize_all",
    "start_sync",
]

INLINE_LIMIT = 20  # spec: "More than 20 databases triggers background processing"
STALE_AFTER = dt.timedelta(minutes=10)
RESULTS_EVERY = 25  # the results map is written every this many databases (and at the end)

log = logging.getLogger("archivist.fleet")


def start_sync(
    databases: Sequence[Database], *, requested_by: Any = None
) -> list[SyncOutcome] | SyncRun:
    """A manual synchronisation (never skips): the outcomes of up to `INLINE_LIMIT` databases,
    else a pending `SyncRun`, started at once in a thread when `FLEET_RUNS_IN_THREAD`."""
    if len(databases) <= INLINE_LIMIT:
        return synchronize(databases)
    sync_run: SyncRun = SyncRun.objects.create(
        requested_by=requested_by if getattr(requested_by, "pk", None) else None,
        database_ids=[database.pk for database in databases],
        total=len(databases),
    )
    if settings.FLEET_RUNS_IN_THREAD:  # once the row is committed, so the thread sees it
        transaction.on_commit(lambda: _start_thread(sync_run.pk))
    return sync_run


def _start_thread(run_id: int) -> None:
    def work() -> None:
        try:
            execute_run(run_id)
        except Exception:  # logged; the run is marked failed by execute_run when it can be
            log.exception("fleet sync run %s failed", run_id)
        finally:
            connection.close()

    threading.Thread(target=work, name=f"fleet-run-{run_id}", daemon=True).start()


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def execute_run(run_id: int) -> SyncRun | None:
    """Claims and runs a pending run; None when another worker has it (or it is finished).

    A run given back to the queue (its worker stopped) resumes: the databases whose results
    were saved are not synchronised again, and the counters restart from those results."""
    now = timezone.now()
    claimed = SyncRun.objects.filter(pk=run_id, state=RunState.PENDING).update(
        state=RunState.RUNNING, worker=_worker_name(), started_at=now, heartbeat_at=now
    )
    if not claimed:
        return None
    sync_run: SyncRun = SyncRun.objects.get(pk=run_id)
    results: dict[str, dict[str, Any]] = dict(sync_run.results)
    SyncRun.objects.filter(pk=run_id).update(
        done=len(results), failed=sum(1 for result in results.values() if not result["ok"])
    )

    def progress(outcome: SyncOutcome) -> None:
        results[str(outcome.database_id)] = {
            "name": outcome.name,
            "ok": outcome.ok,
            "message": outcome.message,
        }
        changes: dict[str, Any] = {"done": F("done") + 1, "heartbeat_at": timezone.now()}
        if not outcome.ok:
            changes["failed"] = F("failed") + 1
        if len(results) % RESULTS_EVERY == 0:
            changes["results"] = results
        SyncRun.objects.filter(pk=run_id).update(**changes)

    remaining = [pk for pk in sync_run.database_ids if str(pk) not in results]
    try:
        databases = list(Database.objects.filter(pk__in=remaining))
        missing = set(remaining) - {database.pk for database in databases}
        for database_id in sorted(missing):
            progress(SyncOutcome(database_id, "", False, "the database was deleted meanwhile"))
        synchronize(databases, on_outcome=progress)
    except Exception as error:
        SyncRun.objects.filter(pk=run_id).update(
            state=RunState.FAILED, error=str(error), results=results, finished_at=timezone.now()
        )
        raise
    SyncRun.objects.filter(pk=run_id).update(
        state=RunState.DONE, results=results, finished_at=timezone.now()
    )
    sync_run.refresh_from_db()
    return sync_run


def process_pending_runs() -> dict[str, str] | None:
    """The scheduler's job: gives stale runs back to the queue, then runs the pending ones."""
    stale = timezone.now() - STALE_AFTER
    SyncRun.objects.filter(state=RunState.RUNNING, heartbeat_at__lt=stale).update(
        state=RunState.PENDING, worker=""
    )
    summary = {}
    for run_id in (
        SyncRun.objects.filter(state=RunState.PENDING)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
    ):
        finished = execute_run(run_id)
        if finished is not None:
            summary[f"run {run_id}"] = (
                f"{finished.done - finished.failed} synced, {finished.failed} failed"
            )
    return summary or None


def scheduled_synchronize_all() -> dict[str, str] | None:
    """The daily "Synchronize all" (one process a day, by a 24-hour lease): the databases due
    (`due_for_scheduled_sync`), as a background run."""
    from archivist.documents.services.leases import Lease

    if not Lease("fleet-synchronize-all", dt.timedelta(hours=24)).acquire():
        return None
    due = list(due_for_scheduled_sync().values_list("pk", flat=True))
    if not due:
        return {"synchronize all": "no database due"}
    sync_run = SyncRun.objects.create(scheduled=True, database_ids=due, total=len(due))
    finished = execute_run(sync_run.pk)
    assert finished is not None  # just created, nobody else knows it
    return {
        "synchronize all": f"{finished.done - finished.failed} synced, {finished.failed} failed"
    }
