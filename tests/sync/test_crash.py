"""A real worker process killed with SIGKILL at random moments while it syncs to a real folder,
restarted each time: in the end every file is there once, whole, and nothing is lost.

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
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection as db_connection

from archivist.connectors.local import TEMP_PREFIX
from archivist.documents.models import Attachment, Folder, FolderKind
from archivist.documents.services.attachments import store_file
from archivist.sync.models import CloudConnection, FolderConnection, SyncItem
from archivist.sync.services.connections import configure

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
KILLS = 6


def _environment(home: Path) -> dict[str, str]:
    database = settings.DATABASES["default"]
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "archivist.settings",
        "ARCHIVIST_HOME": str(home),
        "DATABASE_URL": f"sqlite:///{database['NAME']}",
        "ARCHIVIST_SECRET_KEY": settings.SECRET_KEY,
        "ARCHIVIST_SYNC_TRANSFERS": "8",
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
    for _ in range(KILLS):
        worker = subprocess.Popen(
            command,
            cwd=ROOT,
            env=_environment(home),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.8, 2.5))  # start-up is about 0.7 s; the sync follows
        if worker.poll() is None:
            worker.send_signal(signal.SIGKILL)
            killed += 1
        worker.wait(timeout=60)
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
    assert killed >= 1, f"no run was interrupted (seed {seed}); the test proved nothing"
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
