"""Applies planned operations to both sides and keeps the base and the observation honest.

`Executor.apply(op)` performs one operation; the base advances only after the effect is done and
verified (I3, I11). A refused precondition refreshes the observation of that path and re-raises:
the next plan decides again, nothing is overwritten (I13). `sync_rounds` observes once, then
plans and applies round after round on the updated observation until nothing is left.
"""

from __future__ import annotations

import dataclasses
import hashlib
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, suppress
from dataclasses import dataclass, field
from typing import BinaryIO, Protocol

from archivist.connectors.base import Connector, Entry, join_path, path_name
from archivist.connectors.errors import Conflict, ConnectorError, Fatal, NotFound
from archivist.sync.operations import Operation, OpKind
from archivist.sync.planner import Plan, plan
from archivist.sync.state import BaseItem, Kind, LocalItem, SyncSettings

__all__ = [
    "BaseStore",
    "Executor",
    "LocalStore",
    "MemoryBase",
    "RoundReport",
    "VerificationFailed",
    "sync_rounds",
]


PRESENT = "present"
"""The base ETag of an item the remote lists without one (S3 folders)."""


class VerificationFailed(Fatal):
    """The remote copy does not match what was sent: the local bytes are kept."""


class LocalStore(Protocol):
    """Archivist's side as the engine sees it (Django models in production, dicts in tests)."""

    def items(self) -> Mapping[str, LocalItem]: ...

    def read(self, key: str) -> AbstractContextManager[BinaryIO]:
        """The local bytes of a file (only called when `has_content`)."""
        ...

    def create_folder(self, parent: str, name: str) -> str:
        """A new manual folder under `parent`; returns its key."""
        ...

    def import_file(self, parent: str, name: str, entry: Entry) -> str:
        """A new attachment backed by the cloud copy `entry`; returns its key."""
        ...

    def follow_remote(self, key: str, entry: Entry) -> LocalItem:
        """The file's content is now the cloud's version `entry` (no local bytes)."""
        ...

    def store_content(self, key: str, stream: BinaryIO, size: int) -> LocalItem:
        """Bring the file's bytes home (reverse sync); returns the item with its new revision."""
        ...

    def move(self, key: str, parent: str, name: str) -> None: ...

    def archive(self, key: str, reason: str) -> None: ...

    def keep_conflict_copy(self, key: str) -> str:
        """A new file beside `key` holding its current local version; returns its key."""
        ...


class BaseStore(Protocol):
    def get(self, key: str) -> BaseItem | None: ...

    def put(self, item: BaseItem) -> None: ...

    def remove(self, key: str) -> None: ...

    def key_at(self, path: str) -> str | None: ...

    def all(self) -> Mapping[str, BaseItem]: ...

    def rewrite_below(self, key: str) -> None:
        """Folder `key` has a new path: the paths of the items below it follow (by parents)."""
        ...

    def forget_remote_below(self, key: str) -> None:
        """The items below folder `key` are no longer known to be on the remote (etag None)."""
        ...


@dataclass
class MemoryBase:
    """A dict-backed base: for tests and single-run tools."""

    items_by_key: dict[str, BaseItem] = field(default_factory=dict)

    def get(self, key: str) -> BaseItem | None:
        return self.items_by_key.get(key)

    def put(self, item: BaseItem) -> None:
        self.items_by_key[item.key] = item

    def remove(self, key: str) -> None:
        self.items_by_key.pop(key, None)

    def key_at(self, path: str) -> str | None:
        for item in self.items_by_key.values():
            if item.path == path and item.etag is not None:
                return item.key
        return None

    def all(self) -> Mapping[str, BaseItem]:
        return dict(self.items_by_key)

    def _below(self, key: str) -> list[str]:
        children: dict[str | None, list[str]] = {}
        for item in self.items_by_key.values():
            children.setdefault(item.parent, []).append(item.key)
        found, frontier = [], [key]
        while frontier:
            frontier = [child for parent in frontier for child in children.get(parent, [])]
            found.extend(frontier)
        return found

    def rewrite_below(self, key: str) -> None:
        for below in self._below(key):  # parents come before their children
            item = self.items_by_key[below]
            parent = self.items_by_key.get(item.parent) if item.parent else None
            if parent is not None:
                path = join_path(parent.path, path_name(item.path))
                self.items_by_key[below] = item.with_(path=path)

    def forget_remote_below(self, key: str) -> None:
        for below in self._below(key):
            self.items_by_key[below] = self.items_by_key[below].with_(etag=None, remote_id=None)


class Executor:
    def __init__(
        self,
        connector: Connector,
        local: LocalStore,
        base: BaseStore,
        observation: dict[str, Entry],
    ):
        self.connector, self.local, self.base, self.observation = (
            connector,
            local,
            base,
            observation,
        )
        # Transfers run in parallel; bookkeeping (base, observation, local snapshot) is
        # serialised, and every other operation holds the lock throughout.
        self._lock = threading.RLock()

    # --- observation bookkeeping ---------------------------------------------------------------

    def _observe(self, entry: Entry) -> None:
        self.observation[entry.path] = entry

    def _unobserve(self, path: str) -> None:
        for known in [p for p in self.observation if p == path or p.startswith(f"{path}/")]:
            del self.observation[known]

    def _move_observed(self, old: str, new: str) -> None:
        moved = {
            new + p[len(old) :]: entry
            for p, entry in self.observation.items()
            if p == old or p.startswith(f"{old}/")
        }
        self._unobserve(old)
        for p, entry in moved.items():
            self.observation[p] = dataclasses.replace(entry, path=p)

    def refresh(self, path: str) -> None:
        """Look at one path again (after a refused precondition or an unknown outcome)."""
        try:
            entry = self.connector.stat(path)
        except NotFound:
            self._unobserve(path)
            return
        self._observe(entry)

    # --- operations ------------------------------------------------------------------------

    def apply(self, op: Operation) -> None:
        """Perform `op`; safe to call from several threads for the operations of one round."""
        handler = getattr(self, f"_{op.kind.value}")
        try:
            if op.kind in (OpKind.UPLOAD, OpKind.FETCH):
                handler(op)
            else:
                with self._lock:
                    handler(op)
        except Conflict:
            self.refused(op)
            raise

    def _item(self, key: str | None) -> LocalItem:
        assert key is not None
        item = self.local.items().get(key)
        if item is None:
            raise Conflict("the local item is gone", path=key)
        return item

    def _record(self, item: LocalItem, entry: Entry) -> None:
        self.base.put(
            BaseItem(
                key=item.key,
                kind=item.kind,
                parent=item.parent,
                name=item.name,
                path=entry.path,
                remote_id=entry.id,
                # None in the base means "not on the remote": an item the remote gives no
                # ETag (a folder on S3) is recorded as present all the same
                etag=entry.etag if entry.etag is not None else PRESENT,
                revision=item.revision,
                size=entry.size,
                sha256=item.sha256 if item.kind is Kind.FILE else None,
            )
        )

    def _make_folder(self, op: Operation) -> None:
        item = self._item(op.key)
        entry = self.connector.make_folder(op.path)
        self._observe(entry)
        if self.base.get(item.key) is not None:
            self.base.forget_remote_below(item.key)  # restored: its content goes back too
        self._record(item, entry)

    def _upload(self, op: Operation) -> None:
        item = self.upload_source(op)
        with self.local.read(item.key) as stream:
            entry = self.connector.upload(
                op.path, stream, item.size, if_match=op.etag, if_absent=op.etag is None
            )
        self.uploaded(item, entry)

    def upload_source(self, op: Operation) -> LocalItem:
        """The local file an upload sends (its first step, for senders outside `apply`)."""
        with self._lock:
            return self._item(op.key)

    def uploaded(self, item: LocalItem, entry: Entry) -> None:
        """Record an upload of `item` that the remote answered with `entry` (its last step)."""
        with self._lock:
            self._observe(entry)
            remote_hash = entry.hashes.get("sha256")
            if entry.size != item.size or (
                remote_hash and item.sha256 and remote_hash != item.sha256
            ):
                raise VerificationFailed(
                    "the cloud copy differs from what was sent", path=entry.path
                )
            self._record(item, entry)

    def refused(self, op: Operation) -> None:
        """A write of `op` met a changed remote: look at the paths it touches again."""
        with self._lock:
            for path in op.touches:
                self.refresh(path)

    def _move_remote(self, op: Operation) -> None:
        item = self._item(op.key)
        assert op.target is not None
        entry = self.connector.move(op.path, op.target, if_match=op.etag)
        self._move_observed(op.path, op.target)
        self._observe(entry)
        known = self.base.get(item.key)
        assert known is not None
        self.base.put(known.with_(parent=item.parent, name=item.name, path=entry.path))
        self.base.rewrite_below(item.key)

    def _delete_remote(self, op: Operation) -> None:
        with suppress(NotFound):  # already gone: the goal is reached
            self.connector.delete(op.path, if_match=op.etag)
        self._unobserve(op.path)
        assert op.key is not None
        self.base.remove(op.key)

    def _fetch(self, op: Operation) -> None:
        assert op.key is not None
        with self._lock:
            entry = self.observation.get(op.path)
        entry = entry or self.connector.stat(op.path)
        with self.connector.open_read(op.path) as stream:
            item = self.local.store_content(op.key, stream, entry.size)
        if item.size != entry.size:
            raise VerificationFailed("the fetched copy has the wrong size", path=op.path)
        with self._lock:
            known = self.base.get(op.key)
            assert known is not None
            self.base.put(known.with_(etag=op.etag, revision=item.revision, sha256=item.sha256))

    def _parent_key(self, op: Operation) -> str:
        if op.parent is None or op.parent not in self.local.items():
            raise Conflict("the parent folder is gone", path=op.path)
        return op.parent

    def _import_folder(self, op: Operation) -> None:
        entry = self.observation.get(op.path) or self.connector.stat(op.path)
        key = self.local.create_folder(self._parent_key(op), entry.name)
        self._record(self._item(key), entry)

    def _import_file(self, op: Operation) -> None:
        entry = self.observation.get(op.path) or self.connector.stat(op.path)
        key = self.local.import_file(self._parent_key(op), entry.name, entry)
        self._record(self._item(key), entry)

    def _update_local(self, op: Operation) -> None:
        entry = self.observation[op.path]
        assert op.key is not None
        self._record(self.local.follow_remote(op.key, entry), entry)

    def _keep_conflict(self, op: Operation) -> None:
        assert op.key is not None
        self.local.keep_conflict_copy(op.key)
        self._update_local(op)

    def _move_local(self, op: Operation) -> None:
        item = self._item(op.key)
        assert op.name is not None
        parent = self._parent_key(op)
        self.local.move(item.key, parent, op.name)
        known = self.base.get(item.key)
        assert known is not None
        self.base.put(known.with_(parent=parent, name=op.name, path=op.path))
        self.base.rewrite_below(item.key)

    def _archive_local(self, op: Operation) -> None:
        assert op.key is not None
        self.local.archive(op.key, op.reason)
        self.base.remove(op.key)

    def _link(self, op: Operation) -> None:
        """Both sides hold the same item: record it. A link never vouches for content that
        differs (a move made on both sides while the file was edited here keeps its edit)."""
        item = self._item(op.key)
        entry = self.observation[op.path]
        known = self.base.get(item.key)
        same = item.kind is Kind.FOLDER or (
            entry.size == item.size
            and item.sha256 is not None
            and entry.hashes.get("sha256") == item.sha256
        )
        if known is not None and not same:
            self.base.put(
                known.with_(parent=item.parent, name=item.name, path=entry.path, remote_id=entry.id)
            )
        else:
            self._record(item, entry)
        if known is not None and known.path != entry.path:
            self.base.rewrite_below(item.key)

    def _compare(self, op: Operation) -> None:
        """Read the remote file: the local one if the SHA-256 matches (recorded as synced);
        otherwise its hash joins the observation, so the next plan keeps both."""
        item = self._item(op.key)
        digest = hashlib.sha256()
        size = 0
        with self.connector.open_read(op.path) as stream:
            while chunk := stream.read(1 << 20):
                digest.update(chunk)
                size += len(chunk)
        entry = self.observation.get(op.path) or self.connector.stat(op.path)
        known = dataclasses.replace(entry, hashes={**entry.hashes, "sha256": digest.hexdigest()})
        self._observe(known)
        if size == item.size and digest.hexdigest() == item.sha256:
            self._record(item, known)

    def _forget(self, op: Operation) -> None:
        assert op.key is not None
        self.base.remove(op.key)


@dataclass
class RoundReport:
    rounds: int = 0
    applied: int = 0
    failed: list[tuple[Operation, ConnectorError]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    converged: bool = False


def observe(connector: Connector, previous: Mapping[str, Entry] | None = None) -> dict[str, Entry]:
    """List the remote. With the `previous` observation, folders whose ETag did not change are
    not descended into where the connector can skip them (Nextcloud folder ETags change when
    anything below changes): their content is taken from `previous`."""
    if not previous or not connector.capabilities.folder_etags_cover_content:
        return {entry.path: entry for entry in connector.list_tree()}
    skipped: list[str] = []

    def unchanged(folder: Entry) -> bool:
        before = previous.get(folder.path)
        same = before is not None and before.is_folder and before.etag == folder.etag
        if same and folder.etag:
            skipped.append(folder.path)
            return True
        return False

    seen = {entry.path: entry for entry in connector.list_tree(skip=unchanged)}
    listed_below = {path.rpartition("/")[0] for path in seen}
    for folder in skipped:
        if folder in listed_below:
            continue  # the connector listed it anyway: what it said is current
        prefix = f"{folder}/"
        for path, entry in previous.items():
            if path.startswith(prefix):
                seen.setdefault(path, entry)
    return seen


def sync_rounds(
    connector: Connector,
    local: LocalStore,
    base: BaseStore,
    settings: SyncSettings,
    *,
    max_rounds: int = 50,
    observation: dict[str, Entry] | None = None,
    on_round: Callable[[Plan], Iterator[Operation]] | None = None,
) -> RoundReport:
    """Observe the remote once, then plan and apply rounds until the plan is empty.

    Failed operations are reported, and their items left for the next run; the other items go
    on (one stuck item never blocks the rest). `on_round` may choose which operations of a
    round to run and in which order (tests shuffle and cut rounds short).
    """
    seen = observe(connector) if observation is None else observation
    executor = Executor(connector, local, base, seen)
    report = RoundReport()
    failed_ids: set[str] = set()
    while report.rounds < max_rounds:
        current = plan(local.items(), seen, base.all(), settings)
        report.warnings.extend(current.warnings)
        todo = [op for op in current.operations if op.id not in failed_ids]
        if not todo:
            report.converged = not current.operations and not current.deferred
            break
        report.rounds += 1
        for op in on_round(current) if on_round else todo:
            if op.id in failed_ids:
                continue
            try:
                executor.apply(op)
                report.applied += 1
            except ConnectorError as error:
                report.failed.append((op, error))
                if not isinstance(error, Conflict):
                    failed_ids.add(op.id)
    return report
