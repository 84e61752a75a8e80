"""A real S3 server for tests: moto's `ThreadedMotoServer` on 127.0.0.1, port 0.

It runs in a child process (`python -m tests.peers.s3`) rather than in pytest's: moto keeps
every object in Python memory (and a second copy while completing a multipart upload), so
in-process a tracemalloc measurement of the client would measure the server too. The child
prints `host port` once listening and stops when its standard input closes, so it also ends if
pytest dies. Any credentials are accepted; a test isolates itself with its own key prefix.

`moto_server(refuse_credentials=True)` starts one that checks signatures against its (empty)
IAM users, so every key is refused after the bucket is created: a peer for wrong credentials.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.peers.shared import shared

ROOT = Path(__file__).resolve().parents[2]
BUCKET = "archivist-test"


@dataclass(frozen=True)
class S3Peer:
    endpoint_url: str
    bucket: str
    region: str = "us-east-1"
    access_key_id: str = "testing"
    secret_access_key: str = "testing"
    filer_url: str | None = None
    """SeaweedFS only: its filer's HTTP API (unsigned writes, for quickly seeding benchmarks)."""

    def client(self) -> Any:
        """A plain boto3 client on the server (to look behind a store's back)."""
        import boto3

        return boto3.session.Session(
            aws_access_key_id=self.access_key_id,
            aws_secret_access_key=self.secret_access_key,
            region_name=self.region,
        ).client("s3", endpoint_url=self.endpoint_url)


@contextmanager
def moto_server(*, refuse_credentials: bool = False) -> Iterator[S3Peer]:
    """Starts the server with one empty bucket, yields where it is, stops it.

    With `refuse_credentials`, only the bucket's creation is let through unsigned (moto's
    INITIAL_NO_AUTH_ACTION_COUNT); every later request is refused (InvalidAccessKeyId).
    """
    env = dict(os.environ)
    if refuse_credentials:
        env["INITIAL_NO_AUTH_ACTION_COUNT"] = "1"
    with tempfile.TemporaryFile("w+") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.peers.s3"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )
        try:
            assert process.stdout is not None
            line = process.stdout.readline().split()
            if len(line) != 2:
                process.wait(timeout=10)
                log.seek(0)
                raise RuntimeError(f"moto server did not start:\n{log.read()}")
            peer = S3Peer(endpoint_url=f"http://{line[0]}:{line[1]}", bucket=BUCKET)
            peer.client().create_bucket(Bucket=BUCKET)
            yield peer
        finally:
            if process.stdin is not None:
                process.stdin.close()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if process.stdout is not None:
                process.stdout.close()


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Peer]:
    """The moto server, one per test process whichever modules use it."""
    with shared("moto", moto_server) as peer:
        yield peer


@pytest.fixture(scope="session")
def s3_refusing_server() -> Iterator[S3Peer]:
    """A moto server that refuses every access key (for wrong-credentials tests)."""
    with moto_server(refuse_credentials=True) as peer:
        yield peer


def _serve() -> None:
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    print(host, port, flush=True)
    sys.stdin.read()  # until the parent closes it
    server.stop()


if __name__ == "__main__":
    _serve()
