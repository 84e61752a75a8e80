"""`archivist serve`: the web app under waitress, plus the scheduler thread."""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Callable

from django.core.management import call_command
from django.db import close_old_connections
from django.urls import get_resolver

from archivist import config

log = logging.getLogger("archivist.serve")


class Scheduler(threading.Thread):
    """Runs the scheduled jobs, each round `TICK` seconds apart (or `interval` when given):
    every prepare-folders interval, "Prepare folders" (a lease keeps several processes from
    running it at once) and archiving expired shares (one idempotent UPDATE); at every round,
    the jobs that pace themselves with leases: blob garbage collection and sync log retention
    once a day, a sync cycle of every active cloud connection at most once per sync interval,
    the fleet's daily "Pull from Odoo.com" and "Synchronize all", and any pending background
    fleet run. A failing job is logged and the others still run; each runs again on time.

    Both intervals are the ones in force (Settings page, else `ARCHIVIST_PREPARE_INTERVAL` and
    `ARCHIVIST_SYNC_INTERVAL`), read at every round: a change applies without a restart, and
    0 turns its jobs off. With a fixed `interval` (tests), every round runs every job."""

    TICK = 30.0
    PREPARE_JOBS = ("prepare folders", "expired shares archived")

    def __init__(self, interval: float | None = None) -> None:
        super().__init__(name="archivist-scheduler", daemon=True)
        self.fixed_interval = interval
        self.stopped = threading.Event()

    def prepare_interval(self) -> float:
        """Seconds between two "Prepare folders" runs now (0: off)."""
        if self.fixed_interval is not None:
            return self.fixed_interval
        from archivist.documents.services import installation

        try:
            return float(installation.current().prepare_interval_seconds)
        finally:
            close_old_connections()

    def run(self) -> None:
        tick = self.TICK if self.fixed_interval is None else self.fixed_interval
        last_prepare = time.monotonic()
        while not self.stopped.wait(tick):
            try:
                interval = self.prepare_interval()
            except Exception:  # logged; asked again at the next round
                log.exception("reading the prepare-folders interval failed")
                continue
            prepare = interval > 0 and time.monotonic() - last_prepare >= interval
            if prepare:
                last_prepare = time.monotonic()
            self.run_jobs(prepare=prepare)

    def run_jobs(self, *, prepare: bool) -> None:
        for name, job in _jobs():
            if name in self.PREPARE_JOBS and not prepare:
                continue
            try:
                result = job()
                if result:
                    log.info("%s: %s", name, result)
            except Exception:  # logged; the next round runs it again
                log.exception("%s failed", name)
            finally:
                close_old_connections()

    def stop(self) -> None:
        self.stopped.set()


def _jobs() -> list[tuple[str, Callable[[], object]]]:
    from archivist.documents.services.blob_gc import daily_garbage_collection
    from archivist.documents.services.prepare_folders import prepare_folders
    from archivist.documents.services.shares import expire_shares
    from archivist.fleet.services.discovery import daily_discovery
    from archivist.fleet.services.runs import process_pending_runs, scheduled_synchronize_all
    from archivist.sync.services.cycle import scheduled_sync
    from archivist.sync.services.logs import daily_log_cleaning

    return [
        ("prepare folders", lambda: prepare_folders().as_dict()),
        ("expired shares archived", expire_shares),
        ("blob garbage collection", daily_garbage_collection),
        ("sync", scheduled_sync),
        ("sync log lines deleted", daily_log_cleaning),
        ("Pull from Odoo.com", daily_discovery),
        ("Synchronize all", scheduled_synchronize_all),
        ("fleet background runs", process_pending_runs),
    ]


def freeze_startup_heap() -> int:
    """Loads what every request needs (the URL configuration and the views, serializers and
    models it imports), then moves every object alive to the garbage collector's permanent
    generation (`gc.freeze`): they live as long as the process, and a full collection no longer
    walks them. That walk took 65-68 ms over about 155,000 objects, a pause the request that
    set it off waited for (one 1 MB upload in a few hundred). Returns the objects frozen."""
    get_resolver().url_patterns  # noqa: B018 (imports the URL configuration)
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def serve(host: str | None, port: int | None, *, scheduler: bool) -> None:
    from waitress import serve as waitress_serve

    from archivist.wsgi import application

    call_command("collectstatic", interactive=False, verbosity=0)
    freeze_startup_heap()
    host = host or config.value("ARCHIVIST_HOST")
    port = port or config.integer("ARCHIVIST_PORT")
    worker = None
    if scheduler:
        worker = Scheduler()
        worker.start()
    print(f"Archivist is listening on http://{host}:{port}/  (Ctrl+C stops it)", flush=True)
    try:
        waitress_serve(
            application,
            host=host,
            port=port,
            threads=8,
            ident="archivist",
            # request bodies up to 8 MiB stay in memory (larger ones spool to a file, as the
            # upload views also do): a small upload is not copied through the disk twice
            inbuf_overflow=8 * 1024 * 1024,
            # read sockets 64 KiB at a time, not waitress's 8 KiB: a 1 MB upload then takes
            # 16 trips through its event loop instead of 128 (1 ms instead of 2-3 ms, measured
            # with a bare WSGI app on this machine)
            recv_bytes=64 * 1024,
        )
    finally:
        if worker is not None:
            worker.stop()
