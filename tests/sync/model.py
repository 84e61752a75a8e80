"""An in-memory Archivist side for the engine tests (the Django-backed store has the same shape)."""

from __future__ import annotations

import hashlib
import io
import itertools
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import BinaryIO

from archivist.connectors.base import Entry
from archivist.sync.state import Kind, LocalItem


class MemoryLocal:
    def __init__(self) -> None:
        self.by_key: dict[str, LocalItem] = {}
        self.content: dict[str, bytes] = {}
        self.archived: dict[str, LocalItem] = {}
        self.archived_content: dict[str, bytes] = {}
        self._ids = itertools.count(1)

    # --- what users do ---------------------------------------------------------------------

    def add_folder(self, parent: str | None, name: str, *, automatic: bool = False) -> str:
        key = f"folder:{next(self._ids)}"
        self.by_key[key] = LocalItem(key, Kind.FOLDER, parent, name, automatic=automatic)
        return key

    def add_file(self, parent: str, name: str, data: bytes, mimetype: str = "") -> str:
        key = f"file:{next(self._ids)}"
        self.by_key[key] = LocalItem(key, Kind.FILE, parent, name, mimetype=mimetype)
        self.write(key, data)
        return key

    def write(self, key: str, data: bytes) -> None:
        self.content[key] = data
        self.by_key[key] = self.by_key[key].with_(
            revision=f"r{next(self._ids)}",
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            has_content=True,
        )

    def delete(self, key: str) -> None:
        self.by_key.pop(key)
        self.content.pop(key, None)

    def rename(self, key: str, name: str) -> None:
        self.by_key[key] = self.by_key[key].with_(name=name)

    def set_synced(self, key: str, synced: bool) -> None:
        self.by_key[key] = self.by_key[key].with_(synced=synced)

    def offload(self, key: str) -> None:
        self.content.pop(key, None)
        self.by_key[key] = self.by_key[key].with_(has_content=False)

    def descendants(self, key: str) -> set[str]:
        found: set[str] = set()
        frontier = {key}
        while frontier:
            frontier = {k for k, item in self.by_key.items() if item.parent in frontier}
            found |= frontier
        return found

    # --- LocalStore ------------------------------------------------------------------------

    def items(self) -> Mapping[str, LocalItem]:
        return self.by_key

    @contextmanager
    def read(self, key: str) -> Iterator[BinaryIO]:
        yield io.BytesIO(self.content[key])

    def create_folder(self, parent: str, name: str) -> str:
        return self.add_folder(parent, name)

    def import_file(self, parent: str, name: str, entry: Entry) -> str:
        key = f"file:{next(self._ids)}"
        self.by_key[key] = LocalItem(
            key,
            Kind.FILE,
            parent,
            name,
            revision=f"r{next(self._ids)}",
            size=entry.size,
            sha256=entry.hashes.get("sha256"),
            has_content=False,
        )
        return key

    def follow_remote(self, key: str, entry: Entry) -> LocalItem:
        self.content.pop(key, None)
        self.by_key[key] = self.by_key[key].with_(
            revision=f"r{next(self._ids)}",
            size=entry.size,
            sha256=entry.hashes.get("sha256"),
            has_content=False,
        )
        return self.by_key[key]

    def store_content(self, key: str, stream: BinaryIO, size: int) -> LocalItem:
        data = stream.read()
        self.content[key] = data
        self.by_key[key] = self.by_key[key].with_(
            revision=f"r{next(self._ids)}",
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            has_content=True,
        )
        return self.by_key[key]

    def move(self, key: str, parent: str, name: str) -> None:
        self.by_key[key] = self.by_key[key].with_(parent=parent, name=name)

    def archive(self, key: str, reason: str) -> None:
        self.archived[key] = self.by_key.pop(key)
        if key in self.content:
            self.archived_content[key] = self.content.pop(key)

    def keep_conflict_copy(self, key: str) -> str:
        item = self.by_key[key]
        stem, dot, extension = item.name.rpartition(".")
        name = f"{stem} (conflict).{extension}" if dot and stem else f"{item.name} (conflict)"
        return self.add_file(item.parent or "", name, self.content[key], item.mimetype)

    # --- for invariants ----------------------------------------------------------------------

    def tokens(self) -> set[bytes]:
        return set(self.content.values()) | set(self.archived_content.values())
