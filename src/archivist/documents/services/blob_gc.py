"""Garbage collection of the blob store: delete the blobs nothing refers to any more.

Mark and sweep, one two-hex-digit digest prefix at a time (256 rounds), so memory holds at most
one prefix's worth of referenced digests (about 1/256 of them) whatever the store's size:

1. mark: the digests starting with the prefix that a row refers to (`BLOB_REFERENCES`);
2. sweep: every stored blob with that prefix (`store.blobs(prefix)`) that is not marked and
   was modified longer than `grace` ago is deleted.

References are read before the listing, so a blob stored (or re-stored: see
`blobstore.base.REFRESH_AFTER`) after the references were read is young when it is listed and
survives; `grace` must cover the time from `put` to the commit of the row that refers to the
blob. Deleting attachments never deletes bytes: this is the only place that does.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from django.db import models

from archivist.documents.blobstore.base import REFRESH_AFTER, BlobStore
from archivist.documents.models import Attachment, DefaultFile

# Every column that holds a blob digest; a new one must be added here or its blobs get collected.
BLOB_REFERENCES: tuple[tuple[type[models.Model], str], ...] = (
    (Attachment, "blob"),
    (DefaultFile, "blob"),
)
PREFIXES = tuple(f"{number:02x}" for number in range(256))


@dataclass
class GcStats:
    """What one collection saw and did (with `dry_run`, `deleted` counts what would go)."""

    scanned: int = 0
    referenced: int = 0
    young: int = 0
    deleted: int = 0
    bytes_freed: int = 0
    dry_run: bool = False

    def as_dict(self) -> dict[str, int | bool]:
        return asdict(self)


def collect_garbage(
    store: BlobStore,
    *,
    grace: dt.timedelta,
    now: dt.datetime | None = None,
    dry_run: bool = False,
) -> GcStats:
    """Deletes the stored blobs that no row refers to and that are older than `grace`.

    `grace` must be at least `REFRESH_AFTER` (an hour), so that a blob re-stored by a new upload
    cannot be collected before its row is committed. `now` (aware) defaults to the current time.
    With `dry_run`, nothing is deleted and the counts say what would have been.
    """
    if grace < REFRESH_AFTER:
        raise ValueError(
            f"the grace period must be at least {REFRESH_AFTER} (uploads in flight would be "
            f"collected), got {grace}"
        )
    now = dt.datetime.now(dt.UTC) if now is None else now
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    cutoff = now - grace
    stats = GcStats(dry_run=dry_run)
    for prefix in PREFIXES:
        referenced = referenced_digests(prefix)
        for blob in store.blobs(prefix):
            stats.scanned += 1
            if blob.sha256 in referenced:
                stats.referenced += 1
            elif blob.modified > cutoff:
                stats.young += 1
            else:
                if not dry_run:
                    store.delete(blob.sha256)
                stats.deleted += 1
                stats.bytes_freed += blob.size
    return stats


def referenced_digests(prefix: str) -> set[str]:
    """The digests starting with `prefix` that some row refers to.

    A range (`prefix` ≤ digest < `prefix` + "g"; "g" sorts after every hex digit) rather than
    LIKE, so an index on the column serves it on every database.
    """
    found: set[str] = set()
    for model, column in BLOB_REFERENCES:
        rows = model._default_manager.filter(
            **{f"{column}__gte": prefix, f"{column}__lt": f"{prefix}g"}
        )
        found.update(rows.values_list(column, flat=True).distinct().iterator())
    return found


def daily_garbage_collection() -> dict[str, int | bool] | None:
    """Collects garbage if no process did in the last 24 hours (the scheduler's daily job):
    a 24-hour lease, taken and left to expire, lets one run through per day."""
    from archivist.documents.blobstore import default_store
    from archivist.documents.services.leases import Lease

    if not Lease("blob-gc", dt.timedelta(hours=24)).acquire():
        return None
    return collect_garbage(default_store(), grace=dt.timedelta(hours=24)).as_dict()
