"""Archivist's side for the engine: `DjangoLocalStore` over folders and attachments, and
`DjangoBaseStore` over `SyncItem` rows (loaded once per run, written through)."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from types import MappingProxyType
from typing import BinaryIO
from urllib.parse import quote

from django.db import transaction

from archivist.connectors.base import Entry
from archivist.documents.blobstore import blob_store_from_settings
from archivist.documents.models import Attachment, Folder, FolderKind
from archivist.documents.services import folder_tree
from archivist.documents.services.attachments import clean_file_name, sniff_mimetype
from archivist.documents.services.folder_tree import Place
from archivist.documents.services.folders import clean_folder_name
from archivist.sync.engine import MemoryBase
from archivist.sync.models import CloudConnection, OperationState, SyncItem, SyncOperation
from archivist.sync.services.bulk import insert_rows
from archivist.sync.services.scope import file_key, folder_key, local_items
from archivist.sync.state import BaseItem, Kind, LocalItem

__all__ = ["DjangoBaseStore", "DjangoLocalStore", "cloud_url"]


def cloud_url(connection: CloudConnection, entry: Entry) -> str:
    """Where a cloud-backed attachment downloads from (through Archivist); changes with the
    version, so it also serves as the attachment's revision."""
    return f"/api/cloud/{connection.pk}/{quote(entry.path)}?v={quote(entry.etag or '')}"


def _id(key: str) -> int:
    return int(key.partition(":")[2])


class DjangoLocalStore:
    def __init__(self, connection: CloudConnection):
        self.connection = connection
        self.snapshot: dict[str, LocalItem] = local_items(connection)

    def items(self) -> Mapping[str, LocalItem]:
        return self.snapshot

    @contextmanager
    def read(self, key: str) -> Iterator[BinaryIO]:
        # the snapshot names the blob it planned with; a blob outlives any change of the
        # attachment by the store's grace period, and the next plan sees the change
        known = self.snapshot.get(key)
        blob = known.sha256 if known is not None and known.has_content else None
        if not blob:
            blob = Attachment.objects.values_list("blob", flat=True).get(pk=_id(key))
        with blob_store_from_settings().open(blob) as stream:
            yield stream

    def create_folder(self, parent: str, name: str) -> str:
        folder = Folder.objects.create(
            name=clean_folder_name(name),
            kind=FolderKind.MANUAL,
            parent=Folder.objects.get(pk=_id(parent)),
        )
        key = folder_key(folder.pk)
        self.snapshot[key] = LocalItem(key, Kind.FOLDER, parent, folder.name)
        return key

    def import_file(self, parent: str, name: str, entry: Entry) -> str:
        clean = clean_file_name(name)
        attachment = Attachment.objects.create(
            name=clean,
            folder_id=_id(parent),
            size=entry.size,
            url=cloud_url(self.connection, entry),
            mimetype=sniff_mimetype(b"", clean),
        )
        key = file_key(attachment.pk)
        self.snapshot[key] = LocalItem(
            key,
            Kind.FILE,
            parent,
            clean,
            revision=attachment.url,
            size=entry.size,
            sha256=entry.hashes.get("sha256"),
            mimetype=attachment.mimetype,
            has_content=False,
        )
        return key

    def follow_remote(self, key: str, entry: Entry) -> LocalItem:
        url = cloud_url(self.connection, entry)
        Attachment.objects.filter(pk=_id(key)).update(blob="", url=url, size=entry.size)
        item = self.snapshot[key].with_(
            revision=url, size=entry.size, sha256=entry.hashes.get("sha256"), has_content=False
        )
        self.snapshot[key] = item
        return item

    def store_content(self, key: str, stream: BinaryIO, size: int) -> LocalItem:
        blob = blob_store_from_settings().put(stream)
        Attachment.objects.filter(pk=_id(key)).update(blob=blob.sha256, url="", size=blob.size)
        item = self.snapshot[key].with_(
            revision=blob.sha256, size=blob.size, sha256=blob.sha256, has_content=True
        )
        self.snapshot[key] = item
        return item

    def move(self, key: str, parent: str, name: str) -> None:
        item = self.snapshot[key]
        if item.kind is Kind.FOLDER:
            with transaction.atomic():
                folder = Folder.objects.select_for_update().get(pk=_id(key))
                target = Folder.objects.get(pk=_id(parent))
                place = Place.inside(target.pk, target.parent_path)
                folder_tree.move_subtree(folder.pk, folder.parent_path, place)
                Folder.objects.filter(pk=folder.pk).update(name=clean_folder_name(name))
        else:
            Attachment.objects.filter(pk=_id(key)).update(
                folder_id=_id(parent), name=clean_file_name(name)
            )
        self.snapshot[key] = item.with_(parent=parent, name=name)

    def archive(self, key: str, reason: str) -> None:
        item = self.snapshot.pop(key)
        if item.kind is Kind.FOLDER:
            Folder.objects.filter(pk=_id(key)).update(active=False)
        else:
            # the bytes stay in the blob store for its grace period; the log names the blob
            Attachment.objects.filter(pk=_id(key)).delete()

    def keep_conflict_copy(self, key: str) -> str:
        original = Attachment.objects.get(pk=_id(key))
        stem, dot, extension = original.name.rpartition(".")
        name = f"{stem} (conflict).{extension}" if dot and stem else f"{original.name} (conflict)"
        copy = Attachment.objects.create(
            name=name,
            folder_id=original.folder_id,
            blob=original.blob,
            size=original.size,
            mimetype=original.mimetype,
            author_id=original.author_id,
        )
        new_key = file_key(copy.pk)
        self.snapshot[new_key] = self.snapshot[key].with_(key=new_key, name=name)
        return new_key


class DjangoBaseStore(MemoryBase):
    """The base held in memory for a run and written to `SyncItem` rows in batches.

    Changes collect in memory and `flush()` writes them in one transaction (upserts and
    deletes), together with the queue rows whose work they record (`finish_with`). A process
    killed before a flush leaves the stored base behind the effects, never ahead of them: the
    next plan finds both sides holding the item and links it again (I3).
    """

    FLUSH_EVERY = 500

    def __init__(self, connection: CloudConnection, local: DjangoLocalStore | None = None):
        """The connection's base; with its `local` store (loaded first), equal strings are
        shared with it."""
        super().__init__()
        self.connection = connection
        self._dirty: dict[str, BaseItem | None] = {}
        self._finished: list[int] = []
        self._pending_lock = threading.Lock()
        self._flush_lock = threading.Lock()
        rows = SyncItem.objects.filter(connection=connection).values_list(*_COLUMNS[1:])
        intern = sys.intern  # a few hundred parents, each shared by all its children
        # A synced item's key, name and revision (a blob digest) equal its local item's: the
        # base holds the local snapshot's strings instead of copies (memory per item).
        twins: Mapping[str, LocalItem] = local.snapshot if local is not None else {}
        for key, kind, parent, name, path, remote_id, etag, revision, size, sha256 in rows:
            twin = twins.get(key)
            if twin is not None:
                key = twin.key
                name = twin.name if name == twin.name else name
                revision = twin.revision if revision == twin.revision else revision
            self.items_by_key[key] = BaseItem(
                key=key,
                kind=Kind(kind),
                parent=intern(parent) if parent else None,
                name=name,
                path=path,
                remote_id=remote_id or None,
                etag=etag,
                revision=revision,
                size=size,
                sha256=(revision if sha256 == revision else sha256) or None,
            )

    def all(self) -> Mapping[str, BaseItem]:
        # a view, not a copy (a copy is one more entry per item while planning): a plan runs
        # between the rounds that change the base, never during one
        return MappingProxyType(self.items_by_key)

    def _changed(self, key: str) -> None:
        with self._pending_lock:
            self._dirty[key] = self.items_by_key.get(key)

    def put(self, item: BaseItem) -> None:
        super().put(item)
        self._changed(item.key)

    def remove(self, key: str) -> None:
        super().remove(key)
        self._changed(key)

    def rewrite_below(self, key: str) -> None:
        before = dict(self.items_by_key)
        super().rewrite_below(key)
        self._changed_since(before)

    def forget_remote_below(self, key: str) -> None:
        before = dict(self.items_by_key)
        super().forget_remote_below(key)
        self._changed_since(before)

    def _changed_since(self, before: dict[str, BaseItem]) -> None:
        for key, item in self.items_by_key.items():
            if before.get(key) != item:
                self._changed(key)

    def finish_with(self, operation_id: int) -> None:
        """Mark the queue row done in the same transaction as the base it changed."""
        with self._pending_lock:
            self._finished.append(operation_id)

    @property
    def due(self) -> bool:
        return len(self._dirty) + len(self._finished) >= self.FLUSH_EVERY

    def flush(self) -> None:
        """Write what changed since the last flush; safe from any thread (flushes run one at a
        time, in the order their changes were taken)."""
        with self._flush_lock:
            with self._pending_lock:
                dirty, self._dirty = self._dirty, {}
                finished, self._finished = self._finished, []
            if not dirty and not finished:
                return
            upserts = [self._row(item) for item in dirty.values() if item is not None]
            gone = [key for key, item in dirty.items() if item is None]
            with transaction.atomic():
                insert_rows(
                    SyncItem,
                    _COLUMNS,
                    upserts,
                    conflict=("connection", "key"),
                    update=_COLUMNS[2:],
                    batch=500,
                )
                for start in range(0, len(gone), 500):
                    SyncItem.objects.filter(
                        connection=self.connection, key__in=gone[start : start + 500]
                    ).delete()
                for start in range(0, len(finished), 500):
                    SyncOperation.objects.filter(pk__in=finished[start : start + 500]).update(
                        state=OperationState.DONE, last_error="", lease_until=None, worker=""
                    )

    def _row(self, item: BaseItem) -> tuple[object, ...]:
        return (
            self.connection.pk,
            item.key,
            item.kind.value,
            item.parent or "",
            item.name[:255],
            item.path,
            item.remote_id or "",
            item.etag,
            item.revision,
            item.size,
            item.sha256 or "",
        )


_COLUMNS = (
    "connection",
    "key",
    "kind",
    "parent",
    "name",
    "path",
    "remote_id",
    "etag",
    "revision",
    "size",
    "sha256",
)
