"""An in-memory Archivist side for the engine tests (the Django-backed store has the same shape),
and `World`: that side, a base and any remote, synced by planner + executor."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import itertools
import re
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from typing import BinaryIO

from archivist.connectors.base import Capabilities, Connector, Entry, parent_path, path_name
from archivist.connectors.memory import MemoryConnector
from archivist.sync.engine import LocalStore, MemoryBase, sync_rounds
from archivist.sync.planner import plan, remote_name
from archivist.sync.state import Kind, LocalItem, SyncSettings


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


class CountingConnector:
    """A thin wrapper around any connector that counts the remote-changing calls it serves
    (folders made, uploads, moves, deletes), whether the engine or a test makes them."""

    def __init__(self, inner: Connector):
        self.inner = inner
        self.capabilities: Capabilities = inner.capabilities
        self.writes = 0
        self._lock = threading.Lock()

    def _wrote(self) -> None:
        with self._lock:
            self.writes += 1

    def list_tree(
        self, path: str = "", *, skip: Callable[[Entry], bool] | None = None
    ) -> Iterator[Entry]:
        return self.inner.list_tree(path, skip=skip)

    def stat(self, path: str) -> Entry:
        return self.inner.stat(path)

    def make_folder(self, path: str) -> Entry:
        entry = self.inner.make_folder(path)
        self._wrote()
        return entry

    def upload(
        self,
        path: str,
        content: BinaryIO,
        size: int,
        *,
        if_match: str | None = None,
        if_absent: bool = False,
    ) -> Entry:
        entry = self.inner.upload(path, content, size, if_match=if_match, if_absent=if_absent)
        self._wrote()
        return entry

    def open_read(self, path: str, *, offset: int = 0) -> AbstractContextManager[BinaryIO]:
        return self.inner.open_read(path, offset=offset)

    def move(self, source: str, target: str, *, if_match: str | None = None) -> Entry:
        entry = self.inner.move(source, target, if_match=if_match)
        self._wrote()
        return entry

    def delete(self, path: str, *, if_match: str | None = None) -> None:
        self.inner.delete(path, if_match=if_match)
        self._wrote()

    def close(self) -> None:
        self.inner.close()


def remote_contents(connector: Connector) -> dict[str, bytes | None]:
    """Every path under the connector's root with its bytes (None for folders), read through
    the connector itself: the same look at any remote."""
    found: dict[str, bytes | None] = {}
    for entry in connector.list_tree():
        if entry.is_folder:
            found[entry.path] = None
        else:
            with connector.open_read(entry.path) as stream:
                found[entry.path] = stream.read()
    return found


class World:
    """Archivist's side (`MemoryLocal`), a base and one remote, synced by planner + executor.

    The remote is any `Connector` (the in-memory one by default); changes "made in the cloud"
    are made directly on it, and `remote.writes` counts every remote-changing call. `store` is
    what the engine sees of the local side (the whole `MemoryLocal` unless a test narrows it).
    With `check_mirror`, every sync also checks that both sides hold the same tree.
    """

    def __init__(
        self,
        remote: Connector | None = None,
        *,
        stable_ids: bool = True,
        local: MemoryLocal | None = None,
        check_mirror: bool = False,
    ):
        self.remote = CountingConnector(
            MemoryConnector(stable_ids=stable_ids) if remote is None else remote
        )
        capabilities = self.remote.capabilities
        self.settings = SyncSettings(
            stable_ids=capabilities.stable_ids,
            case_sensitive=capabilities.case_sensitive,
            max_name_length=capabilities.max_name_length,
        )
        self.base = MemoryBase()
        self.check_mirror = check_mirror
        if local is None:
            self.local = MemoryLocal()
            self.customers = self.local.add_folder(None, "Customers", automatic=True)
            self.azure = self.local.add_folder(self.customers, "Azure Interior", automatic=True)
        else:
            self.local = local
            self.customers, self.azure = self.named("Customers"), self.named("Azure Interior")
        self.store: LocalStore = self.local

    @property
    def stable_ids(self) -> bool:
        return self.remote.capabilities.stable_ids

    def sync(self, **settings: object) -> list[str]:
        chosen = dataclasses.replace(self.settings, **settings)  # type: ignore[arg-type]
        report = sync_rounds(self.remote, self.store, self.base, chosen)
        assert report.converged, report.failed
        assert not report.failed
        again = plan(self.store.items(), self.listing(), self.base.all(), self.settings)
        assert again.operations == (), "a converged state must plan nothing"
        if self.check_mirror:
            self.assert_mirrored()
        return report.warnings

    def listing(self) -> dict[str, Entry]:
        return {entry.path: entry for entry in self.remote.list_tree()}

    def tree(self) -> dict[str, bytes | None]:
        return remote_contents(self.remote)

    def files(self) -> dict[str, bytes]:
        return {path: data for path, data in self.tree().items() if data is not None}

    def remote_put(self, path: str, data: bytes) -> None:
        self.remote.upload(path, io.BytesIO(data), len(data))

    def named(self, name: str) -> str:
        (key,) = [k for k, item in self.local.items().items() if item.name == name]
        return key

    def assert_mirrored(self) -> None:
        """Both sides hold the same tree: every synced local item is in the base at a remote
        path under its parent's, with the same kind and content, and the remote holds nothing
        else."""
        tree = self.tree()
        items = self.store.items()
        base = self.base.all()
        expected: set[str] = set()
        for key, item in items.items():
            if not _in_scope(items, key) or _stays_home(item, self.settings):
                continue
            known = base.get(key)
            assert known is not None and known.etag is not None, f"{item.name!r} is not synced"
            parent = "" if item.parent is None else base[item.parent].path
            assert parent_path(known.path) == parent, (known.path, "is not under", parent)
            assert _named_for(path_name(known.path), item.name), (known.path, item.name)
            assert known.path in tree, f"{known.path} is missing in the cloud"
            expected.add(known.path)
            data = tree[known.path]
            if item.kind is Kind.FOLDER:
                assert data is None, f"{known.path} should be a folder"
            elif key in self.local.content:
                assert data == self.local.content[key], f"{known.path} differs"
            else:
                assert data is not None and len(data) == item.size, f"{known.path} differs"
        assert set(tree) == expected, f"only in the cloud: {sorted(set(tree) - expected)}"


def _in_scope(items: Mapping[str, LocalItem], key: str) -> bool:
    current: str | None = key
    while current is not None:
        item = items.get(current)
        if item is None or not item.synced:
            return False
        current = item.parent
    return True


def _stays_home(item: LocalItem, settings: SyncSettings) -> bool:
    return item.kind is Kind.FILE and (
        item.size == 0
        or item.name.startswith("/")
        or item.mimetype in settings.non_synced_mimetypes
    )


def _named_for(remote: str, local: str) -> bool:
    wanted = remote_name(local)
    stem, dot, extension = wanted.rpartition(".")
    numbered = (
        re.escape(stem) + r" \(\d+\)" + re.escape(dot + extension)
        if dot and stem
        else re.escape(wanted) + r" \(\d+\)"
    )
    return remote == wanted or re.fullmatch(numbered, remote) is not None
