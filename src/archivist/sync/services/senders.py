"""Uploads sent by child processes, so that a large round uses more than one core.

One Python process sends small files about as fast as one core allows: signing requests and
parsing answers hold the GIL, and so does the bookkeeping of every answer. `Senders` starts
`ARCHIVIST_SYNC_PROCESSES` child processes (spawned, not forked: the worker holds database
connections and threads) for a cycle whose round has many uploads. Each child opens the
connection's connector and the blob store itself and sends the files it is given with its own
threads. Children touch no database and decide nothing: they return the remote's answer (an
`Entry`) or the connector error, and the worker records it exactly as an upload sent by its own
threads (base, observation, queue row). A child that dies costs time, never a file: what it had
not answered is sent again by the worker's threads.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool

from django.conf import settings

from archivist.connectors.base import Entry
from archivist.documents.blobstore import blob_store_setting
from archivist.sync.models import CloudConnection
from archivist.sync.sending import BATCH, Failure, Job, SenderSpec, send_batch, start_sender
from archivist.sync.services.connections import connector_options

__all__ = ["Senders"]

PROCESSES_FROM = 200
"""Uploads in one claimed batch before child processes are worth starting (about 0.5 s each)."""


class Senders:
    """The child processes of one connection's cycle, started at the first large round and
    stopped by `close()` (use as a context manager)."""

    def __init__(self, connection: CloudConnection, processes: int | None = None):
        self.connection = connection
        self.processes = settings.SYNC_PROCESSES if processes is None else processes
        self._pool: ProcessPoolExecutor | None = None
        self.broken = False
        """A child died: this cycle's uploads are sent by the worker's threads from now on."""
        self.answered = 0
        """Uploads the children answered (sent, or refused by the remote)."""

    def __enter__(self) -> Senders:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def wanted(self, uploads: int) -> bool:
        return self.processes > 0 and not self.broken and uploads >= PROCESSES_FROM

    def warm(self, uploads: int) -> None:
        """Start the children now when `uploads` are coming (a first sync's files wait for their
        folders): they start while the folders' round runs, not when the files' round begins."""
        if self.wanted(uploads) and self._pool is None:
            self.started().submit(os.getpid)

    def started(self) -> ProcessPoolExecutor:
        if self._pool is None:
            spec = SenderSpec(
                kind=self.connection.kind,
                options=connector_options(self.connection),
                root=self.connection.root_folder,
                blob_store=blob_store_setting(),
                threads=max(1, settings.SYNC_TRANSFERS // self.processes),
            )
            self._pool = ProcessPoolExecutor(
                self.processes,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=start_sender,
                initargs=(spec,),
            )
        return self._pool

    def send(self, jobs: Sequence[Job]) -> Iterator[tuple[Job, Entry | Failure | None]]:
        """Each job with its outcome, as they come; None for jobs a dead child left unsent
        (the caller sends those itself)."""
        pool = self.started()
        batches: dict[Future[list[Entry | Failure]], Sequence[Job]] = {}
        try:
            for start in range(0, len(jobs), BATCH):
                batch = jobs[start : start + BATCH]
                batches[pool.submit(send_batch, batch)] = batch
        except BrokenProcessPool:
            self.broken = True
        answered: set[int] = set()
        for future in as_completed(batches):
            try:
                outcomes = future.result()
            except BrokenProcessPool:
                self.broken = True
                continue
            for job, outcome in zip(batches[future], outcomes, strict=True):
                answered.add(job.row)
                self.answered += 1
                yield job, outcome
        for job in jobs:
            if job.row not in answered:
                yield job, None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
