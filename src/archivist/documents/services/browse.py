"""What a user browses: the folder tree as they see it, a record's attachment box, and the
record a folder is linked to.

The tree holds only readable folders, each shown under its nearest readable ancestor, so a
user who cannot read a folder's parents sees it at the top (the spec's "flat structure").
Siblings come by sequence, then name. Everything is computed from one query on the folders
plus the access computation (set-based; see `access.py`), whatever the size of the tree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import F

from archivist.documents.models import Folder, FolderKind
from archivist.documents.models.lookups import AnyOf
from archivist.documents.services.access import FolderAccess, VisibleTree, folder_access
from archivist.documents.services.folder_tree import descendants_q
from archivist.documents.services.sources import open_source
from archivist.documents.services.tree import record_id_value
from archivist.sources.schema import FieldType

MANUAL_KINDS = (FolderKind.MANUAL, FolderKind.DEFAULT)


@dataclass(frozen=True)
class FolderNode:
    id: int
    name: str
    kind: str
    parent: int | None  # the nearest readable ancestor (None: shown at the top)
    sequence: int
    record: dict[str, Any] | None  # {source, model, id} for a record folder
    active: bool
    has_children: bool
    notes: str | None  # manual and default folders only
    security: dict[str, Any] | None  # manual and default folders only

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def folder_nodes(
    user: Any,
    *,
    access: FolderAccess | None = None,
    include_archived: bool = False,
    within: Folder | None = None,
    ids: Sequence[int] | None = None,
) -> list[FolderNode]:
    """Readable folders as nodes: `ids` in that order, or `within`'s visible subtree (with
    `within` at the top), or the whole visible tree, depth first. The tree's shape comes from
    the user's cached visible tree; only the listed folders' details are read."""
    access = access or folder_access(user, include_archived=include_archived)
    tree = access.tree()
    if ids is None and within is not None:
        ids = _subtree_order(tree, within.pk) if within.pk in tree.parent else []
    wanted = list(tree.order if ids is None else ids)
    if not wanted:
        return []
    details = {
        row[0]: row
        for row in Folder.objects.filter(AnyOf(F("pk"), wanted))
        .values_list(
            "pk", "name", "kind", "sequence", "source__name", "model", "record_id", "active",
            "notes",
        )
        .iterator(chunk_size=5000)
    }  # fmt: skip
    security = _security([pk for pk, row in details.items() if row[2] in MANUAL_KINDS])
    nodes: list[FolderNode] = []
    for pk in wanted:
        if pk not in details:
            continue
        _, name, kind, sequence, source, model, record_id, active, notes = details[pk]
        manual = kind in MANUAL_KINDS
        nodes.append(
            FolderNode(
                id=pk,
                name=name,
                kind=kind,
                parent=None if within is not None and pk == within.pk else tree.parent.get(pk),
                sequence=sequence,
                record=(
                    {"source": source, "model": model, "id": record_id_value(record_id)}
                    if kind == FolderKind.RECORD
                    else None
                ),
                active=active,
                has_children=bool(tree.children.get(pk)),
                notes=notes if manual else None,
                security=security.get(pk, _OPEN) if manual else None,
            )
        )
    return nodes


def _subtree_order(tree: VisibleTree, top: int) -> list[int]:
    order: list[int] = []
    stack = [top]
    while stack:
        pk = stack.pop()
        order.append(pk)
        stack.extend(reversed(tree.children.get(pk, [])))
    return order


def record_folder(
    user: Any, source: str, model: str, record_id: str, access: FolderAccess | None = None
) -> Folder:
    """The active folder of a record, if the user may read the record (PermissionDenied) and
    it has one (Folder.DoesNotExist)."""
    folder = (
        Folder.objects.filter(
            kind=FolderKind.RECORD,
            source__name=source,
            model=model,
            record_id=record_id,
            active=True,
        )
        .select_related("source")
        .first()
    )
    if folder is None:
        raise Folder.DoesNotExist(f"record {source}/{model}/{record_id} has no folder")
    access = access or folder_access(user)
    if not access.can_read(folder.pk):
        raise PermissionDenied(f"you cannot read record {source}/{model}/{record_id}")
    return folder


def linked_record(user: Any, folder: Folder, access: FolderAccess | None = None) -> dict[str, Any]:
    """The record a record folder stands for, read from its source: display name and every
    column field (binary ones left out). PermissionDenied when the user cannot read the folder
    (so the record); Folder.DoesNotExist when the folder is not linked to a record or the
    record is gone. SourceError when the source cannot be read."""
    access = access or folder_access(user)
    if not access.can_read(folder.pk):
        raise PermissionDenied("you cannot read this folder")
    if folder.kind != FolderKind.RECORD or folder.source is None:
        raise Folder.DoesNotExist(f"folder {folder.pk} is not linked to a record")
    source = open_source(folder.source)
    described = source.schema()[folder.model]
    names = [
        name
        for name, field in described.fields.items()
        if field.column is not None and field.type is not FieldType.BINARY
    ]
    key = source.key_from_text(folder.model, folder.record_id)
    rows = source.read(folder.model, [key], names)
    if not rows:
        raise Folder.DoesNotExist(
            f"record {folder.source.name}/{folder.model}/{folder.record_id} no longer exists"
        )
    fields = {name: value for name, value in rows[0].items() if name != "id"}
    return {
        "source": folder.source.name,
        "model": folder.model,
        "id": record_id_value(folder.record_id),
        "display_name": source.display_names(folder.model, [key]).get(key, ""),
        "fields": fields,
    }


_OPEN: dict[str, Any] = {"restricted": False, "users": [], "groups": []}


def _security(folder_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Extra security of manual folders: who besides the parent's readers is let in."""
    if not folder_ids:
        return {}
    wanted = set(folder_ids)
    summary: dict[int, dict[str, Any]] = {}

    def entry(pk: int) -> dict[str, Any]:
        return summary.setdefault(pk, {"restricted": True, "users": [], "groups": []})

    for pk, user_id, username in Folder.users.through.objects.values_list(
        "folder_id", "user_id", "user__username"
    ).order_by("user__username"):
        if pk in wanted:
            entry(pk)["users"].append({"id": user_id, "username": username})
    for pk, group_id, name in Folder.groups.through.objects.values_list(
        "folder_id", "group_id", "group__name"
    ).order_by("group__name"):
        if pk in wanted:
            entry(pk)["groups"].append({"id": group_id, "name": name})
    return summary


def folder_node(folder: Folder, access: FolderAccess) -> FolderNode:
    """One folder as `folder_nodes` would show it (the user must be able to read it)."""
    children = Folder.objects.filter(descendants_q(folder.subtree_prefix()))
    if folder.active:
        children = children.filter(active=True)
    manual = folder.kind in MANUAL_KINDS
    return FolderNode(
        id=folder.pk,
        name=folder.name,
        kind=folder.kind,
        parent=access.visible_parent(folder),
        sequence=folder.sequence,
        record=(
            {
                "source": folder.source.name if folder.source else None,
                "model": folder.model,
                "id": record_id_value(folder.record_id),
            }
            if folder.kind == FolderKind.RECORD
            else None
        ),
        active=folder.active,
        has_children=any(
            access.can_read(pk) for pk in children.values_list("pk", flat=True).iterator()
        ),
        notes=folder.notes if manual else None,
        security=_security([folder.pk]).get(folder.pk, _OPEN) if manual else None,
    )


def readable_path(folder: Folder, access: FolderAccess) -> list[int]:
    """The folder's readable ancestors, top first (its breadcrumbs)."""
    return [pk for pk in folder.path_ids if access.can_read(pk)]
