"""`archivist serve`: the web app under waitress, plus the scheduler thread."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from django.conf import settings
from django.core.management import call_command
from django.db import close_old_connections

from archivist import config

log = logging.getLogger("archivist.serve")


class Scheduler(threading.Thread):
    """Every `interval` seconds: "Prepare folders" (a lease keeps several processes from
    running it at once), archiving expired shares (one idempotent UPDATE), blob garbage
    collection at most once a day across all processes (a 24-hour lease), and a sync cycle of
    every active cloud connection at most once per `ARCHIVIST_SYNC_INTERVAL`; the fleet's daily
    "Pull from Odoo.com" and "Synchronize all" (24-hour leases) and any pending background
    fleet run. A failing job is logged and the others still run; each runs again on time."""

    def __init__(self, interval: float) -> None:
        super().__init__(name="archivist-scheduler", daemon=True)
        self.interval = interval
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.interval):
            for name, job in _jobs():
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


def serve(host: str | None, port: int | None, *, scheduler: bool) -> None:
    from waitress import serve as waitress_serve

    from archivist.wsgi import application

    call_command("collectstatic", interactive=False, verbosity=0)
    host = host or config.value("ARCHIVIST_HOST")
    port = port or config.integer("ARCHIVIST_PORT")
    worker = None
    if scheduler and settings.PREPARE_INTERVAL_SECONDS > 0:
        worker = Scheduler(settings.PREPARE_INTERVAL_SECONDS)
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
        )
    finally:
        if worker is not None:
            worker.stop()
