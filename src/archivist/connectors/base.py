"""The connector contract: what the sync engine needs from any remote storage.

A connector sees a tree of folders and files under its configured root. Paths are relative to
that root, `/`-separated, without a leading or trailing slash; `""` is the root itself. Every
method is blocking and thread-safe (the executor runs many at once); provider errors leave
through `archivist.connectors.errors` only.

Writes carry preconditions so that nothing observed stale is overwritten:

- `upload(..., if_absent=True)` creates only: an existing item raises `AlreadyExists`;
- `upload(..., if_match=etag)` replaces only that version: another raises `PreconditionFailed`;
- `move` and `delete` accept `if_match` the same way (a connector that cannot check it on the
  server checks it with a `stat` just before, and says so with `Capabilities.conditional_writes`).

Optional abilities are separate protocols (`SupportsPublicLinks`, `SupportsWebLinks`,
`SupportsChangeFeed`), found with `isinstance`; the engine has a fallback for each.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import BinaryIO, Protocol, runtime_checkable

from archivist.connectors.errors import Fatal

__all__ = [
    "Capabilities",
    "ChangePage",
    "Connector",
    "Entry",
    "SupportsChangeFeed",
    "SupportsPublicLinks",
    "SupportsWebLinks",
    "check_path",
    "join_path",
    "parent_path",
    "path_name",
]

MAX_SEGMENT = 255


@dataclass(frozen=True, slots=True)
class Entry:
    """One remote item as observed.

    `id` is the provider's stable identity (kept across renames and moves) or None where the
    provider has none (S3, SFTP, plain WebDAV). `etag` is the token a later write's precondition
    compares with. `hashes` maps a hash name of `Capabilities.hash_types` to its lowercase hex
    digest. `modified` is timezone-aware UTC, or None.
    """

    path: str
    is_folder: bool
    size: int = 0
    id: str | None = None
    etag: str | None = None
    hashes: Mapping[str, str] = field(default_factory=dict)
    modified: datetime | None = None

    def __post_init__(self) -> None:
        # A sync run holds an Entry per remote item: no dict for zero or one hash (memory).
        if len(self.hashes) <= 1 and not isinstance(self.hashes, OneHash):
            object.__setattr__(self, "hashes", OneHash.of(self.hashes))

    @property
    def name(self) -> str:
        return path_name(self.path)


class OneHash(Mapping[str, str]):
    """An immutable mapping of at most one hash name to its digest (smaller than a dict)."""

    __slots__ = ("_digest", "_name")

    def __init__(self, name: str | None = None, digest: str = "") -> None:
        self._name, self._digest = name, digest

    @classmethod
    def of(cls, hashes: Mapping[str, str]) -> OneHash:
        if not hashes:
            return _NO_HASHES
        ((name, digest),) = hashes.items()
        return cls(name, digest)

    def __getitem__(self, name: str) -> str:
        if name != self._name or self._name is None:
            raise KeyError(name)
        return self._digest

    def __iter__(self) -> Iterator[str]:
        return iter(() if self._name is None else (self._name,))

    def __len__(self) -> int:
        return 0 if self._name is None else 1

    def __repr__(self) -> str:
        return repr(dict(self))


_NO_HASHES = OneHash()


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What a connector can do, so the engine picks the right strategy."""

    stable_ids: bool = False
    """`Entry.id` survives renames and moves: remote moves can be followed."""
    hash_types: frozenset[str] = frozenset()
    """Hashes the listing gives without reading content (e.g. {"md5"} or {"sha256"})."""
    mtime_precision_seconds: float | None = None
    """Resolution of `Entry.modified`, None when the remote keeps no modification time."""
    case_sensitive: bool = True
    """False when `a.txt` and `A.txt` are the same item."""
    server_side_move: bool = False
    """`move` is one cheap remote call; otherwise it copies and deletes (S3)."""
    conditional_writes: bool = False
    """The server itself checks `if_match`/`if_absent` atomically (else a stat just before)."""
    real_folders: bool = True
    """Folders are items of their own; False for key stores where folders are key prefixes."""
    folder_etags_cover_content: bool = False
    """A folder's ETag changes whenever anything below it changes (Nextcloud, ownCloud): an
    unchanged folder need not be listed again."""
    change_feed: bool = False
    """The connector implements `SupportsChangeFeed`."""
    public_links: bool = False
    """The connector implements `SupportsPublicLinks`."""
    web_links: bool = False
    """The connector implements `SupportsWebLinks`."""
    max_name_length: int = MAX_SEGMENT


@dataclass(frozen=True, slots=True)
class ChangePage:
    """A page of changes since a cursor: `changed` entries, `deleted` paths, the next cursor."""

    changed: tuple[Entry, ...]
    deleted: tuple[str, ...]
    cursor: str
    has_more: bool = False


class Connector(Protocol):
    """A remote tree of folders and files. See the module docstring for the shared rules."""

    capabilities: Capabilities

    def list_tree(
        self, path: str = "", *, skip: Callable[[Entry], bool] | None = None
    ) -> Iterator[Entry]:
        """Every item under `path` (not `path` itself), parents before their children.

        `skip(folder_entry)` returning True tells the connector it may leave that folder's
        content out (the caller keeps its previous observation): WebDAV uses it with folder
        ETags. Connectors that list flat may ignore it. A missing `path` raises NotFound; a
        listing that fails midway raises, never ends early as if the tree were smaller.
        """
        ...

    def stat(self, path: str) -> Entry:
        """The item at `path`, or NotFound."""
        ...

    def make_folder(self, path: str) -> Entry:
        """Create the folder `path` whose parent exists; AlreadyExists if anything is there."""
        ...

    def upload(
        self,
        path: str,
        content: BinaryIO,
        size: int,
        *,
        if_match: str | None = None,
        if_absent: bool = False,
    ) -> Entry:
        """Write `size` bytes read from `content` at `path`, atomically, streamed.

        Readers see the old content or the new, never a part. Returns the new entry (with the
        new ETag and, where the remote computes them, hashes). A folder at `path` raises
        Conflict. The parent folder must exist on connectors with real folders (NotFound).
        """
        ...

    def open_read(self, path: str, *, offset: int = 0) -> AbstractContextManager[BinaryIO]:
        """A streamed reader of the file at `path`, from byte `offset`; NotFound if missing."""
        ...

    def move(self, source: str, target: str, *, if_match: str | None = None) -> Entry:
        """Rename or move `source` (file or folder with its content) to `target`.

        The target's parent must exist; an existing target raises AlreadyExists (never
        replaced). Returns the entry at `target`.
        """
        ...

    def delete(self, path: str, *, if_match: str | None = None) -> None:
        """Delete the file or the folder with all its content; NotFound if already gone."""
        ...

    def close(self) -> None:
        """Release connections; the connector is not used afterwards."""
        ...


@runtime_checkable
class SupportsPublicLinks(Protocol):
    def public_link(self, path: str) -> str:
        """A URL anyone can open to download the item (created on the remote if needed)."""
        ...


@runtime_checkable
class SupportsWebLinks(Protocol):
    def web_link(self, path: str, *, folder: bool, remote_id: str = "") -> str:
        """Where a person opens the item in the remote's own interface ("Open in Cloud"): a page
        that asks them to sign in there, or a link that works for a limited time. `remote_id` is
        the item's `Entry.id` when known. Fatal, naming why, when the item has no such place."""
        ...


@runtime_checkable
class SupportsChangeFeed(Protocol):
    def start_cursor(self) -> str:
        """A cursor meaning "now": changes after this call will be reported."""
        ...

    def changes(self, cursor: str) -> ChangePage:
        """Changes since `cursor`; an expired cursor raises Conflict (the caller re-lists)."""
        ...


def check_path(path: str, *, max_segment: int = MAX_SEGMENT) -> str:
    """`path` if it is a valid relative remote path, NFC-normalised; Fatal naming the problem."""
    if path == "":
        return path
    if "\x00" in path:
        raise Fatal("a remote path may not contain a NUL character", path=repr(path))
    if path.startswith("/") or path.endswith("/"):
        raise Fatal("a remote path may not start or end with '/'", path=path)
    # listings check every path: the common cases (ASCII, printable, short) skip the slow tests
    normal = path if path.isascii() else unicodedata.normalize("NFC", path)
    printable = normal.isprintable()
    for segment in normal.split("/"):
        if segment in ("", ".", ".."):
            raise Fatal(f"a remote path may not contain the segment {segment!r}", path=path)
        if not printable and any(ord(char) < 32 for char in segment):
            raise Fatal("a remote path may not contain control characters", path=repr(path))
        if len(segment) * 4 > max_segment and len(segment.encode()) > max_segment:
            raise Fatal(f"a name may not be longer than {max_segment} bytes", path=path)
    return normal


def join_path(parent: str, name: str) -> str:
    return f"{parent}/{name}" if parent else name


def parent_path(path: str) -> str:
    return path.rpartition("/")[0]


def path_name(path: str) -> str:
    return path.rpartition("/")[2]
