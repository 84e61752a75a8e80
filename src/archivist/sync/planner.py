"""The pure planner: `plan(local, remote, base, settings) → Plan`. No Django, no I/O.

It decides every create, upload, move, delete, import and conflict of one round, following the
spec (folder structure: Archivist wins; file content: the cloud wins; simultaneous rename or move:
Archivist wins) and the safety rules of DESIGN.md:

- a delete never beats a concurrent edit (an edited file is re-sent or re-imported, not deleted);
- a folder deleted in the cloud is recreated and its files restored from local bytes;
- manual folders and files renamed or moved in the cloud are followed; automatic folders get
  their rule-given place back (with a warning);
- the losing side of a content conflict is kept as a copy;
- an empty remote listing over a non-empty base, or more deletes than the guard allows, refuses
  to plan at all;
- the operations of one round are independent (any order, any concurrency): whatever depends on
  another operation of the round (a child of a folder being created, moved or deleted) waits for
  the next round, which the engine plans after applying this one.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from archivist.connectors.base import Entry, join_path, parent_path, path_name
from archivist.sync.operations import Operation, OpKind
from archivist.sync.state import BaseItem, Kind, LocalItem, SyncSettings

__all__ = [
    "DeleteGuardTripped",
    "Plan",
    "PlanRefused",
    "RemoteLooksEmpty",
    "plan",
    "remote_name",
]

STRUCTURAL = frozenset(
    {
        OpKind.MAKE_FOLDER,
        OpKind.MOVE_REMOTE,
        OpKind.DELETE_REMOTE,
        OpKind.IMPORT_FOLDER,
        OpKind.MOVE_LOCAL,
        OpKind.ARCHIVE_LOCAL,
    }
)


class PlanRefused(Exception):
    """The observed state looks unsafe to act on; nothing is planned."""


class RemoteLooksEmpty(PlanRefused):
    def __init__(self, synced: int):
        super().__init__(
            f"the remote listing is empty but {synced} items were synced: refusing to treat "
            "that as deletes (check the connection's root folder and credentials)"
        )


class DeleteGuardTripped(PlanRefused):
    def __init__(self, deletes: int, limit: int):
        super().__init__(
            f"this run would delete {deletes} items, more than the guard allows ({limit}); "
            "check what happened, then run with force_deletes to go ahead"
        )
        self.deletes, self.limit = deletes, limit


@dataclass(frozen=True, slots=True)
class Plan:
    operations: tuple[Operation, ...]
    warnings: tuple[str, ...] = ()
    deferred: int = 0
    """Operations held back until an operation of this round is done."""

    def __bool__(self) -> bool:
        return bool(self.operations) or bool(self.deferred)


def plan(
    local: Mapping[str, LocalItem],
    remote: Mapping[str, Entry],
    base: Mapping[str, BaseItem],
    settings: SyncSettings | None = None,
) -> Plan:
    return _Planner(local, remote, base, settings or SyncSettings()).run()


def remote_name(name: str, max_bytes: int = 255) -> str:
    """The name a local item gets on the remote: NFC, no `/`, no control characters, not `.`."""
    if (
        name.isascii()  # most names: nothing to change (and NFC is the identity on ASCII)
        and name.isprintable()
        and "/" not in name
        and len(name) <= max_bytes
        and name.strip() == name
        and name not in ("", ".", "..")
    ):
        return name
    clean = "".join(
        "_" if char == "/" else char
        for char in unicodedata.normalize("NFC", name)
        if ord(char) >= 32 and char != "\x7f"
    ).strip()
    if clean in ("", ".", ".."):
        clean = "_"
    if len(clean.encode()) > max_bytes:
        stem, dot, extension = clean.rpartition(".")
        suffix = f".{extension}" if dot and stem and len(extension) <= 16 else ""
        body = clean[: len(clean) - len(suffix)] if suffix else clean
        while len((body + suffix).encode()) > max_bytes:
            body = body[:-1]
        clean = body + suffix
    return clean


def _numbered(name: str, number: int) -> str:
    stem, dot, extension = name.rpartition(".")
    if dot and stem:
        return f"{stem} ({number}).{extension}"
    return f"{name} ({number})"


class _Planner:
    def __init__(
        self,
        local: Mapping[str, LocalItem],
        remote: Mapping[str, Entry],
        base: Mapping[str, BaseItem],
        settings: SyncSettings,
    ):
        self.local, self.remote, self.base, self.settings = local, remote, base, settings
        # Per-item structures are what a plan costs in memory (a run holds one entry per tracked
        # item in each): only what cannot be looked up again is kept, and nothing for an item
        # that stays where it is.
        self.remote_of: dict[str, Entry] = {}
        self.key_at_path: dict[str, str] = {}
        self.adopted: set[str] = set()
        """Remote paths taken by a link or compare (claimed without a base item)."""
        self.desired: dict[str, str] = {}
        """Where an in-scope item belongs, when that is not its matched remote path."""
        self.links: dict[str, Entry] = {}
        self.compare: dict[str, Entry] = {}
        self.ops: list[Operation] = []
        self.warnings: list[str] = []
        self.deletes = 0
        self._scope: dict[str, bool] = {}  # folder key → in scope (see `_in_scope`)
        self.children: dict[str, list[str]] = defaultdict(list)
        for path in remote:
            if path:
                self.children[parent_path(path)].append(path)

    # --- matching --------------------------------------------------------------------------

    def _match(self) -> None:
        if self.settings.stable_ids:
            by_id = {entry.id: entry for entry in self.remote.values() if entry.id}
            for key, item in self.base.items():
                found = by_id.get(item.remote_id) if item.remote_id else None
                if found and found.is_folder == (item.kind is Kind.FOLDER):
                    self._claim(key, found)
        for key, item in self.base.items():
            if key in self.remote_of or item.etag is None:
                continue
            found = self.remote.get(item.path)
            if found is None or found.path in self.key_at_path:
                continue
            if found.is_folder != (item.kind is Kind.FOLDER):
                continue
            # Under stable ids, another id at our path is the same file rewritten through a
            # temporary file (a new inode) when our id is nowhere else: ids found elsewhere were
            # claimed by the pass above.
            self._claim(key, found)

    def _claim(self, key: str, entry: Entry) -> None:
        self.remote_of[key] = entry
        self.key_at_path[entry.path] = key

    def _claimed(self, path: str) -> bool:
        return path in self.key_at_path or path in self.adopted

    # --- desired remote paths --------------------------------------------------------------

    def _in_scope(self, key: str) -> bool:
        """The item and all its parents are here and synced (a leaving parent takes it along)."""
        known = self._scope.get(key)
        if known is not None:
            return known
        chain: list[str] = []
        current: str | None = key
        answer = True
        while current is not None:
            known = self._scope.get(current)
            if known is not None:
                answer = known
                break
            item = self.local.get(current)
            if item is None or not item.synced or current in chain:
                answer = False
                break
            chain.append(current)
            current = item.parent
        if chain and self.local[key].kind is Kind.FILE:
            del chain[0]  # only folders are asked again (as parents): no entry per file
        for walked in chain:  # each below the next: all share the answer
            self._scope[walked] = answer
        return answer

    def _inside(self, key: str, ancestor: str) -> bool:
        """`key` is `ancestor` or below it here (following the cloud would make a cycle)."""
        seen: set[str] = set()
        current: str | None = key
        while current is not None and current not in seen:
            if current == ancestor:
                return True
            seen.add(current)
            item = self.local.get(current)
            current = item.parent if item else None
        return False

    def _place(self) -> None:
        by_parent: dict[str | None, list[LocalItem]] = defaultdict(list)
        for item in self.local.values():
            if self._in_scope(item.key):
                by_parent[item.parent].append(item)
        pending: list[str | None] = [None]
        while pending:
            parent = pending.pop()
            folder_path = "" if parent is None else self._target(parent)
            self._name_children(folder_path, by_parent.get(parent, []))
            pending.extend(
                child.key for child in by_parent.get(parent, []) if child.kind is Kind.FOLDER
            )

    def _fold(self, name: str) -> str:
        return name if self.settings.case_sensitive else name.casefold()

    def _name_children(self, folder_path: str, items: list[LocalItem]) -> None:
        limit = self.settings.max_name_length
        occupied = {
            self._fold(path_name(path)): path for path in self.children.get(folder_path, [])
        }
        group = {item.key for item in items}
        used: set[str] = set()

        def current(item: LocalItem) -> str | None:
            """The synced name to keep when it is still the item's name (or a numbered one)."""
            known = self.base.get(item.key)
            seen = self.remote_of.get(item.key)
            if known is None or seen is None or parent_path(seen.path) != folder_path:
                return None
            wanted, have = remote_name(item.name, limit), seen.name
            if have == wanted or any(have == _numbered(wanted, n) for n in range(2, 100)):
                return have
            return None

        kept_names = {item.key: current(item) for item in items}

        def keeps_name(item: LocalItem) -> tuple[int, str]:
            return (0 if kept_names[item.key] is not None else 1, item.key)

        def free(item: LocalItem, folded: str) -> bool:
            if folded in used:
                return False
            path = occupied.get(folded)
            if path is None:
                return True
            holder = self.key_at_path.get(path)
            if holder is None:
                if path in self.adopted:
                    return False
                entry = self.remote[path]
                if self._may_link(item, entry):
                    return True
                if self._may_be_same(item, entry):
                    self.compare[item.key] = entry
                    return True
                return False
            # held by this item, or by a sibling that will make room; never by a stranger
            return holder == item.key or holder in group

        for item in sorted(items, key=keeps_name):
            wanted = remote_name(item.name, limit)
            candidate, number = wanted, 1
            kept = kept_names[item.key]
            if kept is not None and free(item, self._fold(kept)):
                candidate = kept
            while not free(item, self._fold(candidate)):
                number += 1
                candidate = _numbered(wanted, number)
            folded = self._fold(candidate)
            used.add(folded)
            if kept is None or candidate != kept:  # else the item stays at its remote path
                self.desired[item.key] = join_path(folder_path, candidate)
            path = occupied.get(folded)
            if path is not None and self.key_at_path.get(path) is None:
                if item.key not in self.compare:
                    self.links[item.key] = self.remote[path]
                self.adopted.add(path)

    def _target(self, key: str) -> str:
        """The remote path an in-scope item belongs at (after `_place`)."""
        path = self.desired.get(key)
        return self.remote_of[key].path if path is None else path

    def _may_be_same(self, item: LocalItem, entry: Entry) -> bool:
        """Same size, but the remote gives no SHA-256 to tell: read it to find out (an upload
        whose answer was lost, or a crash before its bookkeeping, leaves exactly this)."""
        return (
            item.kind is Kind.FILE
            and not entry.is_folder
            and entry.size == item.size
            and item.sha256 is not None
            and "sha256" not in entry.hashes
        )

    def _may_link(self, item: LocalItem, entry: Entry) -> bool:
        """An item may adopt an unknown remote item at its path when they are the same."""
        if item.kind is Kind.FOLDER:
            return entry.is_folder
        return (
            not entry.is_folder
            and entry.size == item.size
            and item.sha256 is not None
            and entry.hashes.get("sha256") == item.sha256
        )

    # --- decisions -------------------------------------------------------------------------

    def _emit(self, kind: OpKind, key: str | None, path: str, **fields: object) -> None:
        self.ops.append(Operation(kind, key, path, **fields))  # type: ignore[arg-type]

    def _remote_descendants(self, path: str) -> bool:
        return bool(self.children.get(path))

    def _excluded(self, item: LocalItem) -> bool:
        return item.kind is Kind.FILE and (
            item.size == 0
            or item.name.startswith("/")
            or item.mimetype in self.settings.non_synced_mimetypes
        )

    def _decide(self, key: str) -> None:
        item, known, seen = self.local.get(key), self.base.get(key), self.remote_of.get(key)
        if item is None or not self._in_scope(key):
            self._leave(key, item, known, seen)
        elif known is None:
            self._create(item)
        elif seen is None:
            self._restore(item, known)
        else:
            self._update(item, known, seen)

    def _leave(
        self, key: str, item: LocalItem | None, known: BaseItem | None, seen: Entry | None
    ) -> None:
        """Deleted here (item None) or leaving the connection (reverse sync)."""
        if known is None:
            return
        if seen is None:
            if item is not None and item.kind is Kind.FILE and not item.has_content:
                self.warnings.append(f"{known.path}: gone from the cloud before it came back")
                self._emit(OpKind.ARCHIVE_LOCAL, key, known.path, reason="lost in the cloud")
            else:
                self._emit(OpKind.FORGET, key, known.path, reason="gone on both sides")
            return
        reverse = item is not None
        if seen.is_folder:
            if not self._remote_descendants(seen.path):
                self._emit(OpKind.DELETE_REMOTE, key, seen.path, reverse=reverse)
                self.deletes += 0 if reverse else 1
            return
        if reverse:
            assert item is not None
            changed_there = seen.etag != known.etag
            if changed_there and item.has_content and item.revision != known.revision:
                self._emit(OpKind.KEEP_CONFLICT, key, seen.path, etag=seen.etag, reverse=True)
            elif changed_there or not item.has_content:
                self._emit(OpKind.FETCH, key, seen.path, etag=seen.etag, reverse=True)
            else:
                self._emit(OpKind.DELETE_REMOTE, key, seen.path, etag=seen.etag, reverse=True)
            return
        if seen.etag == known.etag:
            self._emit(OpKind.DELETE_REMOTE, key, seen.path, etag=seen.etag)
            self.deletes += 1
        else:
            self.warnings.append(f"{seen.path}: deleted here but changed in the cloud; kept")
            self._emit(OpKind.FORGET, key, seen.path, reason="changed in the cloud: re-import")

    def _create(self, item: LocalItem) -> None:
        path = self._target(item.key)
        if item.key in self.compare:
            self._emit(OpKind.COMPARE, item.key, path, etag=self.compare[item.key].etag)
        elif item.key in self.links:
            self._emit(OpKind.LINK, item.key, path, etag=self.links[item.key].etag)
        elif item.kind is Kind.FOLDER:
            self._emit(OpKind.MAKE_FOLDER, item.key, path)
        elif item.has_content and not self._excluded(item):
            self._emit(OpKind.UPLOAD, item.key, path)

    def _restore(self, item: LocalItem, known: BaseItem) -> None:
        path = self._target(item.key)
        if item.key in self.compare:
            self._emit(OpKind.COMPARE, item.key, path, etag=self.compare[item.key].etag)
            return
        if item.key in self.links:
            self._emit(OpKind.LINK, item.key, path, etag=self.links[item.key].etag)
            return
        if item.kind is Kind.FOLDER:
            if known.etag is not None:
                self.warnings.append(f"{path}: deleted in the cloud; recreated with its files")
            self._emit(OpKind.MAKE_FOLDER, item.key, path, reason="restore")
            return
        if self._excluded(item):
            self._emit(OpKind.FORGET, item.key, known.path, reason="no longer synced type")
            return
        parent_there = item.parent is None or item.parent in self.remote_of
        edited = item.revision != known.revision
        if known.etag is not None and parent_there and not edited:
            self._emit(OpKind.ARCHIVE_LOCAL, item.key, known.path, reason="deleted in the cloud")
            self.deletes += 1
        elif item.has_content:
            self._emit(OpKind.UPLOAD, item.key, path, reason="restore")
        else:
            self.warnings.append(f"{known.path}: gone from the cloud and no copy is kept here")
            self._emit(OpKind.ARCHIVE_LOCAL, item.key, known.path, reason="lost in the cloud")

    def _update(self, item: LocalItem, known: BaseItem, seen: Entry) -> None:
        path = self._target(item.key)
        moved_here = (item.parent, item.name) != (known.parent, known.name)
        remote_parent = parent_path(seen.path)
        remote_parent_key = self.key_at_path.get(remote_parent) if remote_parent else None
        parent_known = remote_parent == "" or remote_parent_key is not None
        moved_there = not parent_known or (remote_parent_key, seen.name) != (
            known.parent,
            path_name(known.path),
        )
        if moved_here and seen.path == path:
            self._emit(OpKind.LINK, item.key, path, etag=seen.etag)  # same move on both sides
            return
        if moved_here or (not moved_there and seen.path != path):
            if moved_there:
                self.warnings.append(f"{seen.path}: moved on both sides; Archivist's place wins")
            self._move_remote(item, seen, path, "")
            return
        if moved_there:
            follow = item.kind is Kind.FILE or not item.automatic
            target_parent = self.local.get(remote_parent_key) if remote_parent_key else None
            if (
                follow
                and target_parent is not None
                and self._in_scope(target_parent.key)
                and not self._inside(target_parent.key, item.key)
            ):
                parent = target_parent.key
                self._emit(OpKind.MOVE_LOCAL, item.key, seen.path, parent=parent, name=seen.name)
            elif remote_parent and not self._claimed(remote_parent) and follow:
                return  # moved into a new cloud folder: imported first, followed next round
            elif seen.path == path:
                self._emit(OpKind.LINK, item.key, path, etag=seen.etag)
            else:
                self.warnings.append(
                    f"{seen.path}: moved or renamed in the cloud; put back where Archivist has it"
                )
                self._move_remote(item, seen, path, "restore place")
            return
        if item.kind is Kind.FILE:
            self._content(item, known, seen)

    def _move_remote(self, item: LocalItem, seen: Entry, target: str, reason: str) -> None:
        etag = seen.etag if item.kind is Kind.FILE else None
        occupant = self.remote.get(target)
        if occupant is not None and occupant.path != seen.path:
            # a swap or a cycle of renames: step aside to a unique temporary name first
            token = hashlib.sha256(item.key.encode()).hexdigest()[:8]
            target = join_path(parent_path(target), f".{path_name(target)}.~{token}")
            if target == seen.path:
                return  # already stepped aside: wait for the occupant to move
        self._emit(OpKind.MOVE_REMOTE, item.key, seen.path, target=target, etag=etag, reason=reason)

    def _content(self, item: LocalItem, known: BaseItem, seen: Entry) -> None:
        changed_here = item.revision != known.revision
        changed_there = seen.etag != known.etag
        same = _same_content(item, seen)
        if changed_here and changed_there:
            if same:
                self._emit(OpKind.LINK, item.key, seen.path, etag=seen.etag)
            elif self._may_be_same(item, seen):
                self._emit(OpKind.COMPARE, item.key, seen.path, etag=seen.etag)
            else:
                self.warnings.append(f"{seen.path}: changed on both sides; the cloud wins")
                self._emit(OpKind.KEEP_CONFLICT, item.key, seen.path, etag=seen.etag)
        elif changed_here:
            if item.has_content and not self._excluded(item):
                self._emit(OpKind.UPLOAD, item.key, seen.path, etag=seen.etag)
        elif changed_there:
            kind = OpKind.LINK if same else OpKind.UPDATE_LOCAL
            self._emit(kind, item.key, seen.path, etag=seen.etag)

    def _imports(self) -> None:
        for path in sorted(path for path in self.remote if path and not self._claimed(path)):
            parent = parent_path(path)
            parent_key = self.key_at_path.get(parent) if parent else None
            if parent_key is None or self.local.get(parent_key) is None:
                continue  # top level of the root, or inside a folder imported this round
            entry = self.remote[path]
            kind = OpKind.IMPORT_FOLDER if entry.is_folder else OpKind.IMPORT_FILE
            self._emit(kind, None, path, etag=entry.etag, parent=parent_key, name=entry.name)

    # --- round ------------------------------------------------------------------------------

    def _independent(self, ops: Iterable[Operation]) -> tuple[list[Operation], int]:
        """Keep the operations that do not depend on another operation of this round.

        An operation under a folder that another operation of the round creates, moves or
        deletes waits; so does a create whose parent is missing or whose path is still taken.
        Only operations that can run this round hold others back (so a cross move of two
        folders resolves one folder per round instead of blocking both).
        """
        ops = list(ops)
        ready = [op for op in ops if self._parent_ready(op)]
        active = ready
        for _ in range(8):
            roots: set[str] = set()
            for op in active:
                if op.kind in STRUCTURAL and self._is_folder(op):
                    roots.update(_moved_paths(op))
            kept = [
                op for op in ready if not any(_under_any(path, roots) for path in _moved_paths(op))
            ]
            if kept == active:
                break
            active = kept
        return active, len(ops) - len(active)

    def _is_folder(self, op: Operation) -> bool:
        if op.kind in (OpKind.MAKE_FOLDER, OpKind.IMPORT_FOLDER):
            return True
        item = self.local.get(op.key) if op.key else None
        if item is not None:
            return item.kind is Kind.FOLDER
        entry = self.remote.get(op.path)
        return entry is not None and entry.is_folder

    def _parent_ready(self, op: Operation) -> bool:
        creates = op.kind is OpKind.MAKE_FOLDER or (op.kind is OpKind.UPLOAD and op.etag is None)
        if creates and self._occupied(op.path):
            return False  # a sibling still has to make room
        if op.kind in (OpKind.MAKE_FOLDER, OpKind.UPLOAD):
            where = parent_path(op.path)
        elif op.kind is OpKind.MOVE_REMOTE:
            assert op.target is not None
            where = parent_path(op.target)
        else:
            return True
        entry = self.remote.get(where)
        return where == "" or (entry is not None and entry.is_folder)

    def _occupied(self, path: str) -> bool:
        if path in self.remote:
            return True
        if self.settings.case_sensitive:
            return False
        folded = path.casefold()
        return any(other.casefold() == folded for other in self.children.get(parent_path(path), []))

    def run(self) -> Plan:
        synced = sum(1 for item in self.base.values() if item.etag is not None)
        if not self.remote and synced:
            raise RemoteLooksEmpty(synced)
        self._match()
        self._place()
        keys = [key for key in self.base if key not in self.local]  # a list: sets cost more
        keys.extend(self.local)
        keys.sort()
        for key in keys:
            self._decide(key)
        del keys
        self._imports()
        limit = max(self.settings.max_delete_floor, int(self.settings.max_delete_ratio * synced))
        if self.deletes > limit and not self.settings.force_deletes:
            raise DeleteGuardTripped(self.deletes, limit)
        kept, deferred = self._independent(self.ops)
        kept.sort(key=lambda op: (op.kind.priority, op.path.count("/"), op.path))
        return Plan(tuple(kept), tuple(self.warnings), deferred)


def _moved_paths(op: Operation) -> tuple[str, ...]:
    return op.touches


def _under_any(path: str, roots: set[str]) -> bool:
    while path:
        path = parent_path(path)
        if path in roots:
            return True
    return False


def _same_content(item: LocalItem, entry: Entry) -> bool:
    return (
        item.sha256 is not None
        and entry.size == item.size
        and entry.hashes.get("sha256") == item.sha256
    )
