"""Archivist's side for the engine: `DjangoLocalStore` over folders and attachments, and
`DjangoBaseStore` over `SyncItem` rows (loaded once per run, written through)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
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
from archivist.sync.models import CloudConnection, SyncItem
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
        attachment = Attachment.objects.get(pk=_id(key))
        with blob_store_from_settings().open(attachment.blob) as stream:
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
    """The base held in memory for a run and written through to `SyncItem` rows."""

    def __init__(self, connection: CloudConnection):
        super().__init__()
        self.connection = connection
        for row in SyncItem.objects.filter(connection=connection):
            self.items_by_key[row.key] = BaseItem(
                key=row.key,
                kind=Kind(row.kind),
                parent=row.parent or None,
                name=row.name,
                path=row.path,
                remote_id=row.remote_id or None,
                etag=row.etag,
                revision=row.revision,
                size=row.size,
                sha256=row.sha256 or None,
            )

    def _save(self, item: BaseItem) -> None:
        SyncItem.objects.update_or_create(
            connection=self.connection,
            key=item.key,
            defaults={
                "kind": item.kind.value,
                "parent": item.parent or "",
                "name": item.name[:255],
                "path": item.path,
                "remote_id": item.remote_id or "",
                "etag": item.etag,
                "revision": item.revision,
                "size": item.size,
                "sha256": item.sha256 or "",
            },
        )

    def put(self, item: BaseItem) -> None:
        super().put(item)
        self._save(item)

    def remove(self, key: str) -> None:
        super().remove(key)
        SyncItem.objects.filter(connection=self.connection, key=key).delete()

    def rewrite_below(self, key: str) -> None:
        before = dict(self.items_by_key)
        super().rewrite_below(key)
        with transaction.atomic():
            for changed, item in self.items_by_key.items():
                if before.get(changed) != item:
                    self._save(item)

    def forget_remote_below(self, key: str) -> None:
        before = dict(self.items_by_key)
        super().forget_remote_below(key)
        with transaction.atomic():
            for changed, item in self.items_by_key.items():
                if before.get(changed) != item:
                    self._save(item)
