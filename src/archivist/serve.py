"""`archivist serve`: the web app under waitress, plus the scheduler thread."""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.core.management import call_command
from django.db import close_old_connections

from archivist import config

log = logging.getLogger("archivist.serve")


class Scheduler(threading.Thread):
    """Runs "Prepare folders", then archives expired shares, every `interval` seconds; the
    folder job's lease keeps several processes from running it at once (expiring shares is
    one idempotent UPDATE, safe to run anywhere)."""

    def __init__(self, interval: float) -> None:
        super().__init__(name="archivist-scheduler", daemon=True)
        self.interval = interval
        self.stopped = threading.Event()

    def run(self) -> None:
        from archivist.documents.services.prepare_folders import prepare_folders
        from archivist.documents.services.shares import expire_shares

        while not self.stopped.wait(self.interval):
            try:
                stats = prepare_folders()
                log.info("prepare folders: %s", stats.as_dict())
            except Exception:  # a failed run is logged; the next one runs on time
                log.exception("prepare folders failed")
            try:
                expired = expire_shares()
                if expired:
                    log.info("expired shares archived: %s", expired)
            except Exception:  # logged like prepare folders; shares expire on the next run
                log.exception("expiring shares failed")
            finally:
                close_old_connections()

    def stop(self) -> None:
        self.stopped.set()


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
        waitress_serve(application, host=host, port=port, threads=8, ident="archivist")
    finally:
        if worker is not None:
            worker.stop()
