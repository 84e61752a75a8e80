"""The sync queue, the sync log and the scheduler follow the settings an administrator saves
on the Settings page (over the environment's defaults), without a restart."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator

import pytest
from django.db import connection as db_connection
from django.utils import timezone

from archivist.connectors.errors import Transient
from archivist.documents.models import Folder
from archivist.documents.services import installation
from archivist.serve import Scheduler
from archivist.sync.models import CloudConnection, OperationState, SyncLog, SyncOperation
from archivist.sync.services.connections import configure
from archivist.sync.services.cycle import run_connection
from archivist.sync.services.logs import clean_logs, csv_lines, filtered_logs
from tests.sync import test_queue as queue_tests
from tests.sync.test_queue import FlakyLocal, _files, _op

remote = queue_tests.remote  # the queue tests' fixtures: a local "cloud" and a synced folder
folder = queue_tests.folder

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.archivist_db]


@pytest.fixture(autouse=True)
def fresh_settings() -> Iterator[None]:
    installation.forget()
    yield
    installation.forget()  # the rows are gone after the test: so is what this process read


def test_the_queue_fails_an_operation_after_the_saved_attempts(folder: Folder, settings) -> None:
    settings.SYNC_MAX_RETRIES = 6
    installation.save(None, {"max_attempts": 1})
    _files(folder, 1)
    FlakyLocal.failing = {"000.txt": Transient("timeout")}
    report = run_connection(folder.cloud_assignment.connection)
    row = _op("000.txt")
    assert report.failed == 1 and report.retried == 0
    assert row.state == OperationState.FAILED and row.attempts == 1

    installation.save(None, {"max_attempts": None})  # back to the environment's 6
    SyncOperation.objects.filter(pk=row.pk).update(
        state=OperationState.PENDING, next_attempt_at=timezone.now()
    )
    run_connection(folder.cloud_assignment.connection)
    row.refresh_from_db()
    assert row.state == OperationState.PENDING and row.attempts == 2


def test_saved_mimetypes_are_not_synced(folder: Folder, remote) -> None:
    from archivist.sync.services.queue import sync_settings

    installation.save(None, {"non_synced_mimetypes": ["video/mp4"]})
    connector = type("C", (), {"capabilities": FlakyLocal(remote).capabilities})()
    chosen = sync_settings(connector)  # type: ignore[arg-type]
    assert "video/mp4" in chosen.non_synced_mimetypes and "text/html" in chosen.non_synced_mimetypes


def test_log_export_and_retention_follow_the_saved_values(settings) -> None:
    settings.SYNC_LOG_EXPORT_LINES = 100
    bucket = CloudConnection(name="Bucket", kind="s3")
    configure(bucket, {"bucket": "docs", "secret_key": "secret"})
    bucket.save()
    for number in range(5):
        SyncLog.objects.create(connection=bucket, level="info", message=f"line {number}")
    installation.save(None, {"log_export_lines": 2, "log_days": 5})
    lines = list(csv_lines(filtered_logs()))
    assert len(lines) == 1 + 2, lines

    old = SyncLog.objects.create(connection=bucket, level="info", message="six days old")
    SyncLog.objects.filter(pk=old.pk).update(at=timezone.now() - dt.timedelta(days=6))
    assert clean_logs() == 1
    assert SyncLog.objects.count() == 5


class CountingScheduler(Scheduler):
    """Counts its rounds that would prepare folders instead of running the jobs."""

    TICK = 0.05

    def __init__(self) -> None:
        super().__init__()
        self.rounds = 0
        self.prepared = threading.Event()

    def run_jobs(self, *, prepare: bool) -> None:
        self.rounds += 1
        if prepare:
            self.prepared.set()


def test_the_scheduler_picks_up_a_changed_interval_without_restart() -> None:
    installation.save(None, {"prepare_interval_seconds": 0})
    scheduler = CountingScheduler()
    scheduler.start()
    try:
        time.sleep(0.5)
        assert scheduler.rounds > 0 and not scheduler.prepared.is_set(), "0: no preparing"
        installation.save(None, {"prepare_interval_seconds": 1})
        assert scheduler.prepared.wait(timeout=10), "the new interval was not picked up"
    finally:
        scheduler.stop()
        scheduler.join(timeout=30)
        db_connection.close()
    assert not scheduler.is_alive()
