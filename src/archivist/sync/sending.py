"""What a sender process runs: uploads of blobs through a connector, and nothing else.

No Django here: a sender is spawned by `sync.services.senders.Senders`, opens the connector and
the blob store from a `SenderSpec`, and answers each `Job` with the remote's `Entry` or, for a
connector error, a `Failure` (errors travel as data: their causes do not pickle).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from archivist.connectors import connector_type, errors
from archivist.connectors.base import Entry
from archivist.connectors.errors import ConnectorError
from archivist.connectors.rooted import RootedConnector
from archivist.documents.blobstore import BlobStore, blob_store_for

__all__ = ["BATCH", "Failure", "Job", "SenderSpec", "send_batch", "start_sender"]

BATCH = 20
"""Uploads handed to a sender at a time: few enough to spread the work, enough to make the
hand-over cheap next to the sending."""


@dataclass(frozen=True, slots=True)
class Job:
    """One upload for a child: the queue row it settles and what to send where."""

    row: int
    path: str
    blob: str
    size: int
    if_match: str | None
    if_absent: bool


@dataclass(frozen=True, slots=True)
class Failure:
    """A connector error raised in a child, as data (exceptions with causes pickle badly)."""

    kind: str
    message: str
    path: str | None = None
    retry_after: float | None = None

    @classmethod
    def of(cls, error: ConnectorError) -> Failure:
        retry_after = getattr(error, "retry_after", None)
        return cls(type(error).__name__, error.message, error.path, retry_after)

    def error(self) -> ConnectorError:
        kind = getattr(errors, self.kind, None)
        if not (isinstance(kind, type) and issubclass(kind, ConnectorError)):
            kind = errors.Fatal
        if issubclass(kind, errors.RateLimited):
            return kind(self.message, path=self.path, retry_after=self.retry_after)
        return kind(self.message, path=self.path)


@dataclass(frozen=True)
class SenderSpec:
    """What a child needs to open the connection's connector and the blob store."""

    kind: str
    options: dict[str, Any]
    root: str
    blob_store: tuple[str, str]
    threads: int


_child: tuple[RootedConnector, BlobStore, ThreadPoolExecutor] | None = None


def start_sender(spec: SenderSpec) -> None:
    global _child
    _exit_with_parent()
    connector = RootedConnector(connector_type(spec.kind).connect(spec.options), spec.root)
    pool = ThreadPoolExecutor(spec.threads, thread_name_prefix="archivist-sender")
    _child = (connector, blob_store_for(*spec.blob_store), pool)


def send_batch(jobs: Sequence[Job]) -> list[Entry | Failure]:
    assert _child is not None, "the child was not started"
    connector, blobs, threads = _child

    def send(job: Job) -> Entry | Failure:
        try:
            with blobs.open(job.blob) as stream:
                return connector.upload(
                    job.path, stream, job.size, if_match=job.if_match, if_absent=job.if_absent
                )
        except ConnectorError as error:
            return Failure.of(error)

    return list(threads.map(send, jobs))


def _exit_with_parent() -> None:
    """A sender whose worker was killed stops too (it would wait for work for ever)."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, name="archivist-sender-parent", daemon=True).start()
