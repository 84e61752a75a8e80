"""Uploads sent by child processes (ARCHIVIST_SYNC_PROCESSES): the same files and bookkeeping
as the worker's own threads, remote refusals settled the same way, a dead child costs no file,
and a killed worker leaves no child behind."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archivist.connectors.errors import Fatal, RateLimited
from archivist.documents.services.attachments import store_file
from archivist.sync.models import SyncItem, SyncOperation
from archivist.sync.sending import Failure
from archivist.sync.services import cycle, senders
from archivist.sync.services.connections import open_connector
from archivist.sync.services.cycle import run_connection
from archivist.sync.services.queue import Stores, claim, prepare, run_claimed
from tests.peers.s3 import S3Peer, s3_server  # noqa: F401 (a session fixture)
from tests.sync.connected import connected_folder, s3_options

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.archivist_db]


@pytest.fixture(autouse=True)
def small_rounds_use_children(monkeypatch: pytest.MonkeyPatch, settings) -> None:
    monkeypatch.setattr(senders, "PROCESSES_FROM", 1)
    settings.SYNC_PROCESSES = 2


def test_a_cycle_sends_its_uploads_from_child_processes(
    s3_server: S3Peer,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    options = s3_options(s3_server, "senders")
    prefix = options["prefix"]
    connection, folder = connected_folder("s3", options, folder="Scans")
    contents = {f"scan {n}.bin": os.urandom(1000 + n) for n in range(30)}
    for name, data in contents.items():
        store_file(folder, name, io.BytesIO(data))
    used: list[senders.Senders] = []

    class Recorded(senders.Senders):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]
            used.append(self)

    monkeypatch.setattr(cycle, "Senders", Recorded)
    report = run_connection(connection)

    assert report.converged and report.applied == 31 and not report.failed
    assert used[0].answered == 30 and not used[0].broken, "the children sent every file"
    client = s3_server.client()
    for name, data in contents.items():
        key = f"{prefix}/Archivist/Scans/{name}"
        assert client.get_object(Bucket=s3_server.bucket, Key=key)["Body"].read() == data
    synced = SyncItem.objects.filter(connection=connection, kind="file")
    assert synced.count() == 30 and all(item.etag for item in synced)
    assert not SyncOperation.objects.filter(connection=connection).exclude(state="done").exists()
    assert run_connection(connection).applied == 0, "recorded as synced: nothing to send again"


def test_a_file_in_the_way_is_not_overwritten_by_a_child(tmp_path: Path) -> None:
    connection, folder = connected_folder("local", {"path": str(tmp_path)}, folder="Scans")
    store_file(folder, "report.txt", io.BytesIO(b"ours"))
    connector = open_connector(connection)
    stores = Stores.load(connection)
    prepare(connection, connector, stores=stores)  # the folder first
    run_claimed(claim("test", 100), stores={connection.pk: stores})
    prepare(connection, connector, stores=stores)  # then the file, planned as a new upload
    (tmp_path / "Archivist/Scans/report.txt").write_bytes(b"theirs")  # meanwhile in the cloud

    with senders.Senders(connection, processes=1) as children:
        settled = run_claimed(claim("test", 100), stores={connection.pk: stores}, senders=children)
    connector.close()

    assert children.answered == 1 and settled.replanned == 1 and settled.done == 0
    assert (tmp_path / "Archivist/Scans/report.txt").read_bytes() == b"theirs"
    assert run_connection(connection).converged
    remote = {p.name: p.read_bytes() for p in (tmp_path / "Archivist/Scans").iterdir()}
    assert remote["report.txt"] == b"theirs" and b"ours" in remote.values(), "both are kept"


def test_uploads_a_dead_child_left_are_sent_by_the_worker(tmp_path: Path) -> None:
    connection, folder = connected_folder("local", {"path": str(tmp_path)}, folder="Scans")
    for n in range(5):
        store_file(folder, f"note {n}.txt", io.BytesIO(b"note %d" % n))
    connector = open_connector(connection)
    stores = Stores.load(connection)
    prepare(connection, connector, stores=stores)
    run_claimed(claim("test", 100), stores={connection.pk: stores})
    prepare(connection, connector, stores=stores)
    connector.close()

    with senders.Senders(connection, processes=1) as children:
        pool = children.started()
        os.kill(pool.submit(os.getpid).result(), signal.SIGKILL)  # as the OOM killer would
        settled = run_claimed(claim("test", 100), stores={connection.pk: stores}, senders=children)

    assert children.broken and children.answered == 0
    assert settled.done == 5 and not settled.failed
    for n in range(5):
        assert (tmp_path / f"Archivist/Scans/note {n}.txt").read_bytes() == b"note %d" % n
    assert SyncItem.objects.filter(connection=connection, kind="file").count() == 5


def test_connector_errors_cross_the_process_boundary_as_data() -> None:
    slow = Failure.of(RateLimited("slow down", retry_after=7.0, path="a/b.txt")).error()
    assert isinstance(slow, RateLimited) and slow.retry_after == 7.0 and slow.path == "a/b.txt"
    unknown = Failure("NoSuchError", "odd", "c.txt").error()
    assert isinstance(unknown, Fatal) and str(unknown) == "odd (c.txt)"


_WORKER = """
import multiprocessing, os, sys, time
from concurrent.futures import ProcessPoolExecutor
from archivist.sync.sending import SenderSpec, start_sender

if __name__ == "__main__":
    spec = SenderSpec("local", {"path": sys.argv[1]}, "Archivist", ("local", sys.argv[1]), 1)
    pool = ProcessPoolExecutor(
        1, mp_context=multiprocessing.get_context("spawn"), initializer=start_sender,
        initargs=(spec,),
    )
    print(pool.submit(os.getpid).result(), flush=True)
    time.sleep(120)
"""


def test_senders_stop_when_their_worker_is_killed(tmp_path: Path) -> None:
    script = tmp_path / "worker.py"
    script.write_text(_WORKER)
    command = [sys.executable, str(script), str(tmp_path)]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as worker:
        assert worker.stdout is not None
        child = int(worker.stdout.readline())
        worker.kill()
    deadline = time.monotonic() + 15
    while _running(child) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _running(child), "the sender outlived its killed worker"


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"
