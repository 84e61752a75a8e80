"""An in-memory remote with real semantics (ETags, ids, preconditions): for tests and the demo.

It behaves like a well-behaved cloud: stable ids when asked for (`stable_ids=True`), a fresh ETag
for every write, SHA-256 hashes in listings, atomic create-only and If-Match writes.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, BinaryIO

from archivist.connectors.base import Capabilities, Entry, check_path, parent_path
from archivist.connectors.errors import AlreadyExists, Conflict, Fatal, NotFound, PreconditionFailed
from archivist.connectors.options import ConnectorType, Option

__all__ = ["CONNECTOR_TYPE", "MemoryConnector"]

CHUNK = 1 << 20


@dataclass
class _Node:
    is_folder: bool
    id: str
    etag: str
    content: bytes = b""
    modified: datetime | None = None


class MemoryConnector:
    def __init__(self, *, stable_ids: bool = True, case_sensitive: bool = True):
        self.capabilities = Capabilities(
            stable_ids=stable_ids,
            hash_types=frozenset({"sha256"}),
            mtime_precision_seconds=1e-6,
            case_sensitive=case_sensitive,
            server_side_move=True,
            conditional_writes=True,
        )
        self._nodes: dict[str, _Node] = {}
        self._lock = threading.RLock()
        self._counter = itertools.count(1)
        self.writes = 0
        """Remote-changing calls served (uploads, folders, moves, deletes)."""

    # --- helpers ---------------------------------------------------------------------------

    def _key(self, path: str) -> str:
        path = check_path(path)
        return path if self.capabilities.case_sensitive else path.casefold()

    def _entry(self, path: str, node: _Node) -> Entry:
        return Entry(
            path=path,
            is_folder=node.is_folder,
            size=len(node.content),
            id=node.id if self.capabilities.stable_ids else None,
            etag=node.etag,
            hashes={} if node.is_folder else {"sha256": hashlib.sha256(node.content).hexdigest()},
            modified=node.modified,
        )

    def _get(self, path: str) -> tuple[str, _Node]:
        found = self._nodes_by_key().get(self._key(path))
        if found is None:
            raise NotFound("no such item", path=path)
        return found

    def _nodes_by_key(self) -> dict[str, tuple[str, _Node]]:
        return {self._key(path): (path, node) for path, node in self._nodes.items()}

    def _parent_ready(self, path: str) -> None:
        parent = parent_path(path)
        if parent:
            _, node = self._get(parent)
            if not node.is_folder:
                raise Conflict("the parent is a file", path=parent)

    def _new_etag(self) -> str:
        return f"e{next(self._counter)}"

    def _check(self, path: str, if_match: str | None) -> None:
        if if_match is None:
            return
        try:
            _, node = self._get(path)
        except NotFound:
            raise PreconditionFailed("the item is gone", path=path) from None
        if node.etag != if_match:
            raise PreconditionFailed("the item changed", path=path)

    # --- contract --------------------------------------------------------------------------

    def list_tree(
        self, path: str = "", *, skip: Callable[[Entry], bool] | None = None
    ) -> Iterator[Entry]:
        with self._lock:
            if path:
                _, node = self._get(path)
                if not node.is_folder:
                    raise NotFound("not a folder", path=path)
            prefix = f"{self._key(path)}/" if path else ""
            entries = [
                self._entry(node_path, node)
                for node_path, node in self._nodes.items()
                if self._key(node_path).startswith(prefix)
            ]
        entries.sort(key=lambda entry: (entry.path.count("/"), entry.path))
        skipped: list[str] = []
        for entry in entries:
            if any(entry.path.startswith(f"{folder}/") for folder in skipped):
                continue
            yield entry
            if entry.is_folder and skip is not None and skip(entry):
                skipped.append(entry.path)

    def stat(self, path: str) -> Entry:
        with self._lock:
            node_path, node = self._get(path)
            return self._entry(node_path, node)

    def make_folder(self, path: str) -> Entry:
        with self._lock:
            path = check_path(path)
            if self._key(path) in self._nodes_by_key():
                raise AlreadyExists("already exists", path=path)
            self._parent_ready(path)
            node = _Node(True, f"id{next(self._counter)}", self._new_etag())
            self._nodes[path] = node
            self.writes += 1
            return self._entry(path, node)

    def upload(
        self,
        path: str,
        content: BinaryIO,
        size: int,
        *,
        if_match: str | None = None,
        if_absent: bool = False,
    ) -> Entry:
        path = check_path(path)
        if not path:
            raise Conflict("cannot write over the root", path=path)
        data = io.BytesIO()
        remaining = size
        while remaining:
            chunk = content.read(min(CHUNK, remaining))
            if not chunk:
                raise Fatal("the content ended before its declared size", path=path)
            data.write(chunk)
            remaining -= len(chunk)
        with self._lock:
            self._parent_ready(path)
            existing = self._nodes_by_key().get(self._key(path))
            if existing is not None and existing[1].is_folder:
                raise Conflict("a folder is in the way", path=path)
            if if_absent and existing is not None:
                raise AlreadyExists("already exists", path=path)
            self._check(path, if_match)
            if existing is not None:
                del self._nodes[existing[0]]
            node = _Node(
                False,
                existing[1].id if existing else f"id{next(self._counter)}",
                self._new_etag(),
                data.getvalue(),
                datetime.now(UTC),
            )
            self._nodes[existing[0] if existing else path] = node
            self.writes += 1
            return self._entry(existing[0] if existing else path, node)

    def open_read(self, path: str, *, offset: int = 0) -> AbstractContextManager[BinaryIO]:
        return self._reader(path, offset)

    @contextmanager
    def _reader(self, path: str, offset: int) -> Iterator[BinaryIO]:
        with self._lock:
            _, node = self._get(path)
            if node.is_folder:
                raise Conflict("this is a folder", path=path)
            data = node.content
        yield io.BytesIO(data[offset:])

    def move(self, source: str, target: str, *, if_match: str | None = None) -> Entry:
        with self._lock:
            source, target = check_path(source), check_path(target)
            old_path, node = self._get(source)
            self._check(source, if_match)
            if self._key(target) in self._nodes_by_key():
                raise AlreadyExists("the target exists", path=target)
            self._parent_ready(target)
            if node.is_folder and f"{target}/".startswith(f"{old_path}/"):
                raise Conflict("a folder cannot move into itself", path=target)
            moved: dict[str, _Node] = {}
            for node_path in list(self._nodes):
                if node_path == old_path or node_path.startswith(f"{old_path}/"):
                    moved[target + node_path[len(old_path) :]] = self._nodes.pop(node_path)
            self._nodes.update(moved)
            if not self.capabilities.stable_ids:
                node.id = f"id{next(self._counter)}"
            self.writes += 1
            return self._entry(target, node)

    def delete(self, path: str, *, if_match: str | None = None) -> None:
        with self._lock:
            old_path, _ = self._get(path)
            self._check(path, if_match)
            for node_path in list(self._nodes):
                if node_path == old_path or node_path.startswith(f"{old_path}/"):
                    del self._nodes[node_path]
            self.writes += 1

    def close(self) -> None:
        return None

    # --- for tests ---------------------------------------------------------------------------

    def contents(self) -> dict[str, bytes | None]:
        """Every path with its bytes (None for folders)."""
        with self._lock:
            return {
                path: None if node.is_folder else node.content for path, node in self._nodes.items()
            }


def _build(options: Mapping[str, Any]) -> MemoryConnector:
    return MemoryConnector(stable_ids=bool(options["stable_ids"]))


CONNECTOR_TYPE = ConnectorType(
    name="memory",
    label="In memory (tests and demos)",
    help="A remote kept in the server's memory: everything is lost when it stops.",
    options=(Option("stable_ids", "Keep item ids across moves.", "boolean", default=True),),
    build=_build,
)
