"""Finding attachments, folders and tags.

Attachments: filtered by selected folders (any of), tags (any of) and shares (any of) — the
three AND-ed, as the spec's file manager does — plus text search by name, folder, tag, author
and mimetype; sorted, and paged by keyset (a cursor, not an offset, so page 1,000 costs what
page 1 costs). Only attachments in folders the user may read are ever returned.

Folders and tags: search by name returns the matches and, separately, their ancestors, so a
tree can highlight the matches and mark the way to them.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from archivist.documents.models import Attachment, Folder, Share, Tag
from archivist.documents.services.access import FolderAccess, folder_access
from archivist.documents.services.folder_tree import descendants_q

ORDERS = {"name": "name", "created": "created_at", "size": "size"}
MAX_PAGE = 500


@dataclass(frozen=True)
class AttachmentFilter:
    folders: Sequence[int] = ()
    tags: Sequence[int] = ()
    shares: Sequence[int] = ()
    include_subfolders: bool = False
    name: str = ""
    folder_name: str = ""
    tag_name: str = ""
    author: str = ""
    mimetype: str = ""
    order: str = "name"  # name, created or size; "-" first for descending


@dataclass
class Page:
    items: list[Attachment]
    next_cursor: str | None
    total: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def attachments_queryset(
    user: Any, criteria: AttachmentFilter, access: FolderAccess | None = None
) -> QuerySet[Attachment]:
    access = access or folder_access(user)
    rows = access.filter(Attachment.objects.filter(folder__active=True), "folder_id")
    if criteria.folders:
        rows = rows.filter(folder_selection_q(criteria.folders, criteria.include_subfolders))
    if criteria.tags:
        rows = rows.filter(pk__in=Attachment.objects.filter(tags__in=criteria.tags).values("pk"))
    if criteria.shares:
        rows = rows.filter(share_q(Share.objects.filter(pk__in=criteria.shares)))
    if criteria.name:
        rows = rows.filter(name__icontains=criteria.name)
    if criteria.folder_name:
        rows = rows.filter(folder__name__icontains=criteria.folder_name)
    if criteria.tag_name:
        tagged = Attachment.objects.filter(tags__name__icontains=criteria.tag_name)
        rows = rows.filter(pk__in=tagged.values("pk"))
    if criteria.author:
        rows = rows.filter(
            Q(author__username__icontains=criteria.author)
            | Q(author__first_name__icontains=criteria.author)
            | Q(author__last_name__icontains=criteria.author)
        )
    if criteria.mimetype:
        rows = rows.filter(mimetype__istartswith=criteria.mimetype)
    return rows


def folder_selection_q(folder_ids: Iterable[int], include_subfolders: bool) -> Q:
    ids = list(folder_ids)
    selection = Q(folder_id__in=ids)
    if include_subfolders:
        for pk, parent_path in Folder.objects.filter(pk__in=ids).values_list("pk", "parent_path"):
            subtree = Folder.objects.filter(descendants_q(f"{parent_path}{pk}/")).values("pk")
            selection |= Q(folder_id__in=subtree)
    return selection


def share_q(shares: Iterable[Share]) -> Q:
    """Attachments a share holds: its own, those in its folders (and subfolders) and those with
    its tags (and subtags)."""
    selection = Q(pk__in=[])
    for share in shares:
        selection |= Q(pk__in=Attachment.objects.filter(shares=share).values("pk"))
        folder_ids = list(share.folders.values_list("pk", flat=True))
        if folder_ids:
            selection |= folder_selection_q(folder_ids, include_subfolders=True)
        tag_ids = tag_subtree(share.tags.values_list("pk", flat=True))
        if tag_ids:
            selection |= Q(pk__in=Attachment.objects.filter(tags__in=tag_ids).values("pk"))
    return selection


def tag_subtree(tag_ids: Iterable[int]) -> set[int]:
    found = set(tag_ids)
    level = set(found)
    while level:
        level = set(Tag.objects.filter(parent_id__in=level).values_list("pk", flat=True)) - found
        found |= level
    return found


def page(rows: QuerySet[Attachment], order: str, cursor: str | None, limit: int) -> Page:
    """One page in `order`, after `cursor` (from the previous page's `next_cursor`)."""
    if not 1 <= limit <= MAX_PAGE:
        raise ValidationError({"limit": f"a page holds 1 to {MAX_PAGE} attachments"})
    descending = order.startswith("-")
    key = ORDERS.get(order.lstrip("-"))
    if key is None:
        raise ValidationError(
            {"order": f"sort by one of {', '.join(ORDERS)} (prefix - to reverse)"}
        )
    if cursor:
        value, last_id = _decode(cursor, key)
        after = Q(**{f"{key}__lt" if descending else f"{key}__gt": value}) | Q(
            **{key: value, "pk__lt" if descending else "pk__gt": last_id}
        )
        rows = rows.filter(after)
    prefix = "-" if descending else ""
    items = list(
        rows.select_related("folder", "author")
        .prefetch_related("tags")
        .order_by(f"{prefix}{key}", f"{prefix}pk")[: limit + 1]
    )
    next_cursor = (
        _encode(getattr(items[limit - 1], key), items[limit - 1].pk) if len(items) > limit else None
    )
    return Page(items=items[:limit], next_cursor=next_cursor)


def search_folders(
    user: Any, text: str, access: FolderAccess | None = None
) -> dict[str, list[int]]:
    """Readable folders whose name contains `text`, and their readable ancestors."""
    access = access or folder_access(user)
    if not text.strip():
        return {"matches": [], "parents": []}
    matches = list(
        access.filter(Folder.objects.filter(active=True, name__icontains=text.strip()))
        .order_by("parent_path", "sequence", "name")
        .values_list("pk", "parent_path")[:1000]
    )
    parents: set[int] = set()
    for _, parent_path in matches:
        parents.update(p for p in _path_ids(parent_path) if access.can_read(p))
    return {"matches": [pk for pk, _ in matches], "parents": sorted(parents)}


def search_tags(text: str, *, include_archived: bool = False) -> dict[str, list[int]]:
    tags = Tag.objects.all() if include_archived else Tag.objects.filter(active=True)
    parents_of = dict(tags.values_list("pk", "parent_id"))
    matches = list(tags.filter(name__icontains=text.strip()).values_list("pk", flat=True))
    parents: set[int] = set()
    for pk in matches:
        current = parents_of.get(pk)
        while current is not None and current not in parents:
            parents.add(current)
            current = parents_of.get(current)
    return {"matches": matches, "parents": sorted(parents)}


def _path_ids(parent_path: str) -> list[int]:
    return [int(part) for part in parent_path.strip("/").split("/") if part]


def _encode(value: Any, pk: int) -> str:
    if isinstance(value, dt.datetime):
        value = value.isoformat()
    raw = json.dumps([value, pk]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str, key: str) -> tuple[Any, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value, pk = json.loads(raw)
        if key == "created_at":
            value = dt.datetime.fromisoformat(value)
        if not isinstance(pk, int):
            raise ValueError(pk)
    except (ValueError, TypeError):
        raise ValidationError({"cursor": "not a cursor from a previous page"}) from None
    return value, pk
