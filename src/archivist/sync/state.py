"""The three states the planner compares, as plain frozen data (no Django here).

- **local**: what Archivist holds, one `LocalItem` per synced folder and file, keyed by a
  stable local key (`folder:12`, `file:34`);
- **remote**: the last observation of the connection's tree, `connectors.base.Entry` by path
  (relative to the connection's root folder);
- **base**: what both sides held when an item was last in sync, one `BaseItem` per local key.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum

from archivist.connectors.base import Entry

__all__ = ["BaseItem", "Entry", "Kind", "LocalItem", "SyncSettings"]

# The spec's defaults, always excluded from direct sync (backward sync takes every type).
DEFAULT_NON_SYNCED_MIMETYPES = frozenset(
    {
        "text/html",
        "text/css",
        "text/javascript",
        "application/javascript",
        "text/xml",
        "application/xml",
        "odoo.spreadsheet",
    }
)


class Kind(StrEnum):
    FOLDER = "folder"
    FILE = "file"


@dataclass(frozen=True, slots=True)
class LocalItem:
    """A folder or file of Archivist inside one connection's scope.

    `parent` is the key of the parent folder, None for a top folder of the connection (its
    remote parent is the connection's root). `revision` changes whenever a file's content
    changes here. `automatic` folders are named and placed by rules: the cloud cannot rename or
    move them. `has_content` is False once the bytes live only in the cloud. `synced` False
    means the item is leaving this connection (archived, out of scope, reset): reverse sync.
    """

    key: str
    kind: Kind
    parent: str | None
    name: str
    revision: str = ""
    size: int = 0
    sha256: str | None = None
    mimetype: str = ""
    automatic: bool = False
    has_content: bool = True
    synced: bool = True

    def with_(self, **changes: object) -> LocalItem:
        return replace(self, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class BaseItem:
    """What both sides held at the last sync of `key`.

    `parent` and `name` are the local placement then; `path`, `remote_id` and `etag` the remote
    one. `etag` None means "not known to be on the remote" (never uploaded, or its folder was
    deleted in the cloud and is being restored): its absence there is not a delete.
    """

    key: str
    kind: Kind
    parent: str | None
    name: str
    path: str
    remote_id: str | None = None
    etag: str | None = None
    revision: str = ""
    size: int = 0
    sha256: str | None = None

    def with_(self, **changes: object) -> BaseItem:
        return replace(self, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class SyncSettings:
    """Per-connection planning settings."""

    case_sensitive: bool = True
    stable_ids: bool = False
    non_synced_mimetypes: frozenset[str] = field(default=DEFAULT_NON_SYNCED_MIMETYPES)
    max_delete_ratio: float = 0.5
    """More deletes than this share of the synced items in one run stops the run…"""
    max_delete_floor: int = 20
    """…unless they are at most this many."""
    force_deletes: bool = False
    max_name_length: int = 255
