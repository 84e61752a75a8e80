"""Operations the planner derives: what to do on which side. Disposable: re-planning rebuilds them.

Remote-side operations act at remote paths; local-side operations name local parents by the
remote path of a folder already in the base (the executor resolves it after earlier rounds).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["OpKind", "Operation", "Side"]


class Side(StrEnum):
    REMOTE = "remote"
    LOCAL = "local"
    BOOK = "book"  # bookkeeping only


class OpKind(StrEnum):
    # direct sync: Archivist → cloud
    MAKE_FOLDER = "make_folder"
    UPLOAD = "upload"
    MOVE_REMOTE = "move_remote"
    DELETE_REMOTE = "delete_remote"
    # backward sync: cloud → Archivist
    IMPORT_FOLDER = "import_folder"
    IMPORT_FILE = "import_file"
    UPDATE_LOCAL = "update_local"
    MOVE_LOCAL = "move_local"
    ARCHIVE_LOCAL = "archive_local"
    KEEP_CONFLICT = "keep_conflict"
    # reverse sync: bring the bytes home before the remote copy goes
    FETCH = "fetch"
    # identity: read the remote file to see whether it is the local one (no usable hash)
    COMPARE = "compare"
    # bookkeeping
    LINK = "link"
    FORGET = "forget"

    @property
    def side(self) -> Side:
        if self in _REMOTE:
            return Side.REMOTE
        if self in (OpKind.LINK, OpKind.FORGET, OpKind.COMPARE):
            return Side.BOOK
        return Side.LOCAL

    @property
    def priority(self) -> int:
        """Lower runs first: reverse and moves first (spec), then the rest."""
        return _PRIORITY.get(self, 5)


_REMOTE = frozenset({OpKind.MAKE_FOLDER, OpKind.UPLOAD, OpKind.MOVE_REMOTE, OpKind.DELETE_REMOTE})
_PRIORITY = {
    OpKind.FETCH: 0,
    OpKind.MOVE_REMOTE: 1,
    OpKind.MOVE_LOCAL: 1,
    OpKind.LINK: 2,
    OpKind.COMPARE: 2,
    OpKind.FORGET: 2,
    OpKind.MAKE_FOLDER: 3,
    OpKind.IMPORT_FOLDER: 3,
}


@dataclass(frozen=True, slots=True)
class Operation:
    """One step.

    `key` is the local item (None for an import); `path` the remote path acted on (the source
    of a move); `target` a move's destination; `etag` the precondition (the version observed);
    `parent` and `name` place a local item (imports, local moves); `reverse` marks reverse-sync
    work (its own retry budget); `reason` is for logs.
    """

    kind: OpKind
    key: str | None
    path: str
    target: str | None = None
    etag: str | None = None
    parent: str | None = None
    name: str | None = None
    reverse: bool = False
    reason: str = ""

    @property
    def id(self) -> str:
        return f"{self.kind.value}:{self.key or self.path}"

    @property
    def touches(self) -> tuple[str, ...]:
        return (self.path, self.target) if self.target is not None else (self.path,)
