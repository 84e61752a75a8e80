"""Offload: once the cloud holds a verified copy of a synced file, Archivist keeps only the link.

The spec's "Files Sync": "Only links to the files will be kept". DESIGN's "verify before
forgetting": a file's own bytes are released only when

- it was synced at least `ARCHIVIST_SYNC_KEEP_LOCAL_HOURS` ago and has not changed since (its
  blob is still the one the base recorded);
- the cloud copy is there now with the ETag and size recorded at the sync;
- its content is the same: by the SHA-256 the cloud gives, else by the MD5 it gives (the local
  bytes are hashed for it), else by reading the cloud copy back and hashing it.

Then, in one transaction that changes nothing if the attachment changed meanwhile, the
attachment's `url` becomes its `/api/cloud/…` link (downloads and previews stream from the
cloud) and the base records that link as the revision, so the next plan sees no change. The
released blob is removed by the blob store's garbage collection after its grace period.
A cycle releases at most `BATCH_FILES` files or `BATCH_BYTES` read back; the next one goes on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from django.db import transaction
from django.utils import timezone

from archivist.connectors.base import Entry
from archivist.connectors.errors import ConnectorError, NotFound
from archivist.connectors.rooted import RootedConnector
from archivist.documents.blobstore import blob_store_from_settings
from archivist.documents.models import Attachment
from archivist.sync.models import CloudConnection, ConnectionState, LogLevel, SyncItem
from archivist.sync.services.cycle_log import log
from archivist.sync.services.stores import cloud_url

__all__ = ["BATCH_BYTES", "BATCH_FILES", "OffloadReport", "offload_synced_files"]

BATCH_FILES = 2000
BATCH_BYTES = 2 << 30  # read back from clouds that give no hash
CHUNK = 1 << 20
_IDS_PER_QUERY = 500


@dataclass
class OffloadReport:
    released: int = 0
    released_bytes: int = 0
    read_back_bytes: int = 0
    changed: int = 0
    """Changed in the cloud or in Archivist since the sync: left for the next cycle."""
    mismatched: int = 0
    """The cloud copy's content differs from the local bytes: kept, with an error logged."""


@dataclass(frozen=True)
class _Candidate:
    item_pk: int
    attachment_id: int
    path: str
    etag: str
    size: int
    blob: str


def offload_synced_files(
    connection: CloudConnection,
    connector: RootedConnector,
    *,
    keep_hours: float,
    now: dt.datetime | None = None,
) -> OffloadReport:
    """Release the local bytes of this connection's files synced over `keep_hours` ago and
    verified in the cloud now (see the module docstring). `keep_hours` < 0 keeps them all."""
    report = OffloadReport()
    if keep_hours < 0 or connection.state != ConnectionState.ACTIVE:
        return report
    cutoff = (now or timezone.now()) - dt.timedelta(hours=keep_hours)
    for candidate in _candidates(connection, cutoff):
        if report.released >= BATCH_FILES or report.read_back_bytes >= BATCH_BYTES:
            break
        try:
            _offload(connection, connector, candidate, report)
        except ConnectorError as error:
            log(
                connection,
                LogLevel.WARNING,
                f"offload stopped for now: {error}",
                operation="offload",
            )
            break
    if report.released:
        log(
            connection,
            LogLevel.INFO,
            f"kept only the cloud copy of {report.released} verified files "
            f"({report.released_bytes} bytes released)",
            operation="offload",
        )
    return report


def _candidates(connection: CloudConnection, cutoff: dt.datetime) -> Iterator[_Candidate]:
    rows = (
        SyncItem.objects.filter(connection=connection, kind="file", synced_at__lte=cutoff)
        .exclude(etag=None)
        .exclude(revision="")
        .order_by("synced_at")
        .values_list("pk", "key", "path", "etag", "revision", "size")
    )
    synced = [row for row in rows if not row[4].startswith("/")]  # cloud-only: a link already
    for start in range(0, len(synced), _IDS_PER_QUERY):
        chunk = {
            int(key.partition(":")[2]): (pk, path, etag, revision, size)
            for pk, key, path, etag, revision, size in synced[start : start + _IDS_PER_QUERY]
        }
        holding = Attachment.objects.filter(pk__in=chunk).exclude(blob="")
        for attachment_id, blob in holding.values_list("pk", "blob"):
            pk, path, etag, revision, size = chunk[attachment_id]
            if blob == revision:  # unchanged since the sync
                yield _Candidate(pk, attachment_id, path, etag, size, blob)


def _offload(
    connection: CloudConnection,
    connector: RootedConnector,
    candidate: _Candidate,
    report: OffloadReport,
) -> None:
    try:
        entry = connector.stat(candidate.path)
    except NotFound:
        report.changed += 1  # gone from the cloud: the next cycle decides
        return
    if entry.is_folder or entry.etag != candidate.etag or entry.size != candidate.size:
        report.changed += 1
        return
    if not _same_content(connector, entry, candidate, report):
        report.mismatched += 1
        log(
            connection,
            LogLevel.ERROR,
            "the cloud copy differs from Archivist's bytes: both kept",
            operation="offload",
            item=candidate.path,
        )
        return
    link = cloud_url(connection, entry)
    with transaction.atomic():
        released = Attachment.objects.filter(pk=candidate.attachment_id, blob=candidate.blob)
        if not released.update(blob="", url=link):
            report.changed += 1  # changed in Archivist meanwhile
            return
        base = SyncItem.objects.filter(pk=candidate.item_pk, revision=candidate.blob)
        if not base.update(revision=link):
            transaction.set_rollback(True)  # the base moved on meanwhile: try again later
            report.changed += 1
            return
    report.released += 1
    report.released_bytes += candidate.size


def _same_content(
    connector: RootedConnector, entry: Entry, candidate: _Candidate, report: OffloadReport
) -> bool:
    if sha256 := entry.hashes.get("sha256"):
        return bool(sha256 == candidate.blob)
    if md5 := entry.hashes.get("md5"):
        with blob_store_from_settings().open(candidate.blob) as local:
            return bool(md5 == _digest(local, hashlib.md5(usedforsecurity=False)))
    with connector.open_read(candidate.path) as remote:
        report.read_back_bytes += candidate.size
        return _digest(remote, hashlib.sha256()) == candidate.blob


def _digest(stream: BinaryIO, hasher: hashlib._Hash) -> str:
    while chunk := stream.read(CHUNK):
        hasher.update(chunk)
    return hasher.hexdigest()
