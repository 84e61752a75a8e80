"""Which folders and files a connection syncs, as the planner's `LocalItem`s.

A folder is synced to the connection assigned to it (directly, or through the rule that made
it), else to its parent's; children inherit. Archived folders and what leaves a connection's
scope but was synced before are included with `synced=False`: reverse sync brings them home.
Attachments without local bytes that were never synced (plain web links) are not sync items.
"""

from __future__ import annotations

from collections.abc import Iterable

from archivist.documents.models import Attachment, Folder, FolderKind
from archivist.sync.models import CloudConnection, FolderConnection, RuleConnection, SyncItem
from archivist.sync.state import Kind, LocalItem

__all__ = ["connection_of_folders", "file_key", "folder_key", "local_items"]


def folder_key(folder_id: int) -> str:
    return f"folder:{folder_id}"


def file_key(attachment_id: int) -> str:
    return f"file:{attachment_id}"


def connection_of_folders() -> dict[int, int]:
    """Folder id → connection id for every synced folder (inheritance applied)."""
    direct = dict(FolderConnection.objects.values_list("folder_id", "connection_id"))
    by_rule = dict(RuleConnection.objects.values_list("rule_id", "connection_id"))
    rows = Folder.objects.values_list("id", "parent_id", "rule_id")
    parent_of: dict[int, int | None] = {}
    own: dict[int, int] = {}
    for folder_id, parent_id, rule_id in rows:
        parent_of[folder_id] = parent_id
        if folder_id in direct:
            own[folder_id] = direct[folder_id]
        elif rule_id is not None and rule_id in by_rule:
            own[folder_id] = by_rule[rule_id]
    resolved: dict[int, int | None] = {}

    def resolve(folder_id: int) -> int | None:
        chain: list[int] = []
        current: int | None = folder_id
        found: int | None = None
        while current is not None and current not in resolved:
            if current in own:
                found = own[current]
                break
            chain.append(current)
            current = parent_of.get(current)
        else:
            found = resolved.get(current) if current is not None else None
        for item in chain:
            resolved[item] = found
        if current is not None and current in own:
            resolved[current] = own[current]
        return resolved.get(folder_id, found)

    for folder_id in parent_of:
        resolve(folder_id)
    return {folder: conn for folder, conn in resolved.items() if conn is not None}


def local_items(connection: CloudConnection) -> dict[str, LocalItem]:
    mine = {f for f, c in connection_of_folders().items() if c == connection.pk}
    known = set(SyncItem.objects.filter(connection=connection).values_list("key", flat=True))
    known_folders = {int(key[7:]) for key in known if key.startswith("folder:")}
    known_files = {int(key[5:]) for key in known if key.startswith("file:")}
    reset = connection.state == "reset"
    folders = Folder.objects.filter(id__in=mine | known_folders).values_list(
        "id", "parent_id", "name", "kind", "active"
    )
    items: dict[str, LocalItem] = {}
    folder_synced: dict[int, bool] = {}
    rows = list(folders)
    keys = {row[0]: folder_key(row[0]) for row in rows}  # one string, also as every parent
    for folder_id, parent_id, name, kind, active in rows:
        synced = folder_id in mine and active and not reset
        folder_synced[folder_id] = synced
        key = keys[folder_id]
        items[key] = LocalItem(
            key=key,
            kind=Kind.FOLDER,
            parent=keys.get(parent_id) if parent_id is not None else None,
            name=name,
            automatic=kind != FolderKind.MANUAL,
            synced=synced,
        )
    attachments = Attachment.objects.filter(folder_id__in=list(keys)).values_list(
        "id", "folder_id", "name", "blob", "url", "size", "mimetype"
    )
    mimetypes: dict[str, str] = {}  # a few, each shared by many files
    for attachment_id, folder_id, name, blob, url, size, mimetype in attachments:
        if not blob and attachment_id not in known_files:
            continue  # a web link: nothing to sync
        key = file_key(attachment_id)
        digest = blob or None
        items[key] = LocalItem(
            key=key,
            kind=Kind.FILE,
            parent=keys[folder_id],
            name=name,
            revision=digest or url,
            size=size,
            sha256=digest,
            mimetype=mimetypes.setdefault(mimetype, mimetype),
            has_content=bool(blob),
            synced=folder_synced.get(folder_id, False),
        )
    return items


def drop_missing(keys: Iterable[str], items: dict[str, LocalItem]) -> list[str]:
    return [key for key in keys if key not in items]
