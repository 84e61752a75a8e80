"""A real worker process killed with SIGKILL while it syncs to a real folder (once its queue is
prepared, then each time a random number of files more has arrived), restarted each time: in
the end every file is there once, whole, and nothing is lost.

(A killed upload may leave its hidden temporary file in the target folder; listings never show
it, and the local connector removes such files once they are an hour old.)"""

from __future__ import annotations

import hashlib
import io
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection as db_connection

from archivist.connectors.local import TEMP_PREFIX
from archivist.documents.models import Attachment, Folder, FolderKind
from archivist.documents.services.attachments import store_file
from archivist.sync.models import CloudConnection, FolderConnection, SyncItem, SyncOperation
from archivist.sync.services.connections import configure

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
KILLS = 6


def _uploaded(remote: Path) -> int:
    return sum(
        1
        for path in remote.rglob("*")
        if path.suffix == ".bin" and not path.name.startswith(TEMP_PREFIX)
    )


def _queued() -> bool:
    try:
        return SyncOperation.objects.exists()
    finally:
        db_connection.close()  # no lock held while the worker writes


def _kill_when(worker: subprocess.Popen[bytes], reached: Callable[[], bool]) -> None:
    """SIGKILL the worker as soon as `reached()` (polled every 5 ms) unless it ended first."""
    while worker.poll() is None and not reached():
        time.sleep(0.005)
    if worker.poll() is None:
        worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=120)


def _environment(home: Path) -> dict[str, str]:
    database = settings.DATABASES["default"]
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "archivist.settings",
        "ARCHIVIST_HOME": str(home),
        "DATABASE_URL": f"sqlite:///{database['NAME']}",
        "ARCHIVIST_SECRET_KEY": settings.SECRET_KEY,
        "ARCHIVIST_SYNC_TRANSFERS": "8",
        # the 300 uploads are a large round: a sender process sends them, and dies with the worker
        "ARCHIVIST_SYNC_PROCESSES": "1",
    }


@pytest.mark.skipif(
    "config.getoption('--archivist-db') != 'sqlite'",
    reason="the worker process reaches the SQLite test database by its file",
)
def test_killed_workers_lose_and_duplicate_nothing(tmp_path, settings):
    home = tmp_path / "home"
    (home / "blobs").mkdir(parents=True)
    settings.BLOB_ROOT = home / "blobs"  # the worker process uses $ARCHIVIST_HOME/blobs
    remote = tmp_path / "nas"
    remote.mkdir()
    seed = random.randrange(2**32)
    print(f"crash test seed: {seed}")
    rng = random.Random(seed)
    connection = CloudConnection(name="NAS", kind="local")
    configure(connection, {"path": str(remote)})
    connection.save()
    top = Folder.objects.create(name="Projects", kind=FolderKind.MANUAL)
    FolderConnection.objects.create(folder=top, connection=connection)
    expected: dict[str, bytes] = {}
    for number in range(12):
        folder = Folder.objects.create(name=f"P{number:02}", kind=FolderKind.MANUAL, parent=top)
        for index in range(25):
            data = rng.randbytes(rng.randrange(1, 20_000))
            store_file(folder, f"doc-{index:02}.bin", io.BytesIO(data))
            expected[f"Projects/P{number:02}/doc-{index:02}.bin"] = data
    db_connection.close()
    command = [sys.executable, "-m", "archivist.cli", "sync", "run"]
    killed = 0
    for run in range(KILLS):
        worker = subprocess.Popen(
            command,
            cwd=ROOT,
            env=_environment(home),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        # Killed by progress, not by time (however fast the sync is): first as soon as the
        # queue is prepared, then each time a chosen number of files more has arrived.
        if run == 0:
            _kill_when(worker, _queued)
        else:
            target = _uploaded(remote) + rng.randrange(1, len(expected) // KILLS)
            _kill_when(worker, lambda target=target: _uploaded(remote) >= target)
        killed += worker.returncode == -signal.SIGKILL
    finished = subprocess.run(
        command, cwd=ROOT, env=_environment(home), capture_output=True, text=True, timeout=300
    )
    assert finished.returncode == 0, finished.stderr
    finished = subprocess.run(
        command, cwd=ROOT, env=_environment(home), capture_output=True, text=True, timeout=300
    )
    assert "NAS: 0 operations, 0 failed, 0 to retry, converged" in finished.stdout, (
        finished.stdout,
        f"seed {seed}",
    )
    print(f"killed {killed} of {KILLS} runs")
    assert killed >= KILLS - 1, f"only {killed} runs were interrupted (seed {seed})"
    found = {
        str(path.relative_to(remote / "Archivist")): path.read_bytes()
        for path in (remote / "Archivist").rglob("*")
        if path.is_file() and not path.name.startswith(TEMP_PREFIX)
    }
    stray = set(found) - set(expected)
    assert not stray, f"duplicates or leftovers: {sorted(stray)[:5]} (seed {seed})"
    missing = set(expected) - set(found)
    assert not missing, f"missing: {sorted(missing)[:5]} (seed {seed})"
    for path, data in expected.items():
        assert hashlib.sha256(found[path]).digest() == hashlib.sha256(data).digest(), path
    assert Attachment.objects.count() == len(expected), "no attachment was created twice"
    assert SyncItem.objects.filter(kind="file").count() == len(expected)
