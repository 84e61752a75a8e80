"""The sync queue: retries with back-off, failure without blocking others, leases, pausing on
refused credentials, and several workers claiming from one queue on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import io
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from django.db import connection as db_connection
from django.utils import timezone

from archivist.connectors.errors import AuthExpired, Transient
from archivist.connectors.local import LocalConnector
from archivist.connectors.rooted import RootedConnector
from archivist.documents.models import Folder, FolderKind
from archivist.documents.services.attachments import store_file
from archivist.sync.models import (
    CloudConnection,
    ConnectionState,
    FolderConnection,
    OperationState,
    SyncLog,
    SyncOperation,
)
from archivist.sync.services import queue
from archivist.sync.services.connections import configure
from archivist.sync.services.cycle import run_connection

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.archivist_db]


class FlakyLocal(LocalConnector):
    """Refuses uploads of the named files with the given error."""

    failing: dict[str, BaseException] = {}
    delay = 0.0

    def upload(self, path: str, content: Any, size: int, **kwargs: Any) -> Any:
        time.sleep(self.delay)
        for name, error in self.failing.items():
            if path.endswith(name):
                raise error
        return super().upload(path, content, size, **kwargs)


@pytest.fixture
def remote(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "nas"
    root.mkdir()
    FlakyLocal.failing, FlakyLocal.delay = {}, 0.0
    monkeypatch.setattr(
        queue, "open_connector", lambda c: RootedConnector(FlakyLocal(root), c.root_folder)
    )
    monkeypatch.setattr(
        "archivist.sync.services.cycle.open_connector",
        lambda c: RootedConnector(FlakyLocal(root), c.root_folder),
    )
    return root


@pytest.fixture
def folder(remote: Path) -> Folder:
    connection = CloudConnection(name="NAS", kind="local")
    configure(connection, {"path": str(remote)})
    connection.save()
    folder = Folder.objects.create(name="Docs", kind=FolderKind.MANUAL)
    FolderConnection.objects.create(folder=folder, connection=connection)
    return folder


def _files(folder: Folder, count: int) -> None:
    for number in range(count):
        store_file(folder, f"{number:03}.txt", io.BytesIO(b"file %d" % number))


def _op(name: str) -> SyncOperation:
    return SyncOperation.objects.get(item__startswith="file:", path__endswith=name)


def test_a_transient_error_is_retried_later_with_growing_delays(folder, remote, settings):
    _files(folder, 3)
    FlakyLocal.failing = {"001.txt": Transient("connection reset")}
    report = run_connection(folder.cloud_assignment.connection)
    assert report.applied == 3 and report.retried == 1 and not report.converged
    row = _op("001.txt")
    assert row.state == OperationState.PENDING and row.attempts == 1
    assert "connection reset" in row.last_error
    delay = (row.next_attempt_at - timezone.now()).total_seconds()
    assert 25 < delay <= 30
    assert (remote / "Archivist/Docs/000.txt").exists() and (
        remote / "Archivist/Docs/002.txt"
    ).exists()
    SyncOperation.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    run_connection(folder.cloud_assignment.connection)
    row.refresh_from_db()
    assert row.attempts == 2
    assert 55 < (row.next_attempt_at - timezone.now()).total_seconds() <= 60


def test_spent_attempts_fail_visibly_without_blocking_others(folder, remote, settings):
    settings.SYNC_MAX_RETRIES = 2
    _files(folder, 2)
    FlakyLocal.failing = {"000.txt": Transient("timeout")}
    connection = folder.cloud_assignment.connection
    for _ in range(3):
        run_connection(connection)
        SyncOperation.objects.filter(state="pending").update(next_attempt_at=timezone.now())
    row = _op("000.txt")
    assert row.state == OperationState.FAILED and row.attempts == 2
    assert (remote / "Archivist/Docs/001.txt").exists()
    assert SyncLog.objects.filter(
        level="error", item=row.item, message__contains="attempts"
    ).exists()
    # a failed operation is not planned again as long as it stays failed
    run_connection(connection)
    assert SyncOperation.objects.filter(item=row.item).count() == 1


def test_a_non_retryable_error_fails_at_once(folder, remote):
    from archivist.connectors.errors import PermissionDenied

    _files(folder, 1)
    FlakyLocal.failing = {"000.txt": PermissionDenied("read-only share")}
    run_connection(folder.cloud_assignment.connection)
    row = _op("000.txt")
    assert row.state == OperationState.FAILED and row.attempts == 1


def test_refused_credentials_pause_the_connection_and_keep_the_attempt(folder, remote):
    _files(folder, 1)
    FlakyLocal.failing = {"000.txt": AuthExpired("token expired")}
    connection = folder.cloud_assignment.connection
    run_connection(connection)
    connection.refresh_from_db()
    assert connection.state == ConnectionState.PAUSED
    row = _op("000.txt")
    assert row.state == OperationState.PENDING and row.attempts == 0
    assert queue.claim("someone", 10) == [], "a paused connection's work waits"


def test_a_dead_workers_lease_runs_out_and_its_work_is_taken_again(folder, remote):
    _files(folder, 1)
    connection = folder.cloud_assignment.connection
    connector = RootedConnector(FlakyLocal(remote), connection.root_folder)
    queue.prepare(connection, connector)  # the folder first
    (taken,) = queue.claim("dead-worker", 10)
    assert queue.claim("other", 10) == [], "leased rows are not handed out twice"
    SyncOperation.objects.filter(pk=taken.pk).update(
        lease_until=timezone.now() - dt.timedelta(seconds=1)
    )
    (again,) = queue.claim("other", 10)
    assert again.pk == taken.pk and again.worker == "other" and again.attempts == 2


def test_a_long_transfer_keeps_its_lease(folder, remote, monkeypatch):
    monkeypatch.setattr(queue, "LEASE", dt.timedelta(seconds=0.6))
    connection = folder.cloud_assignment.connection
    connector = RootedConnector(FlakyLocal(remote), connection.root_folder)
    queue.prepare(connection, connector)
    queue.run_claimed(queue.claim("w", 10))  # the folder
    _files(folder, 1)
    queue.prepare(connection, connector)
    FlakyLocal.delay = 2.0  # more than three leases
    rows = queue.claim("slow", 10)

    def run() -> None:
        try:
            queue.run_claimed(rows)
        finally:
            db_connection.close()

    running = threading.Thread(target=run)
    running.start()
    taken = []
    while running.is_alive():
        taken += queue.claim("other", 10)
        time.sleep(0.05)
    running.join()
    assert taken == [], "the rows of a transfer still running are not handed out again"
    (upload,) = SyncOperation.objects.filter(kind="upload")
    assert upload.state == "done" and upload.attempts == 1


@pytest.mark.skipif(
    "config.getoption('--archivist-db') != 'postgresql'",
    reason="several workers need PostgreSQL row locks; this runs in the PostgreSQL pass",
)
def test_several_workers_share_the_queue_without_doing_anything_twice(folder, remote, settings):
    settings.SYNC_TRANSFERS = 4
    connection = folder.cloud_assignment.connection
    connector = RootedConnector(FlakyLocal(remote), connection.root_folder)
    queue.prepare(connection, connector)
    queue.run_claimed(queue.claim("w", 10))  # the folder
    _files(folder, 200)
    queue.prepare(connection, connector)
    assert SyncOperation.objects.filter(state="pending").count() == 200
    errors: list[Exception] = []

    def work(name: str) -> None:
        try:
            while rows := queue.claim(name, 10):
                queue.run_claimed(rows)
        except Exception as error:  # noqa: BLE001  (reported below)
            errors.append(error)
        finally:
            db_connection.close()

    workers = [threading.Thread(target=work, args=(f"w{n}",)) for n in range(4)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    assert not errors
    uploads = SyncOperation.objects.filter(kind="upload")
    assert uploads.count() == 200
    assert set(uploads.values_list("state", flat=True)) == {"done"}
    assert set(uploads.values_list("attempts", flat=True)) == {1}, "each row ran exactly once"
    assert len(list((remote / "Archivist/Docs").iterdir())) == 200
