"""Finding the objects a request names: 404 when it does not exist, 403 when the user may not
read it; an id in a request body that names nothing is a 400 on that field."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework.exceptions import NotFound

from archivist.documents.models import Attachment, Folder, Tag
from archivist.documents.services.access import FolderAccess


def readable_folder(pk: int, access: FolderAccess) -> Folder:
    folder = Folder.objects.select_related("source").filter(pk=pk).first()
    if folder is None:
        raise NotFound(f"no folder {pk}")
    if not access.can_read(folder.pk):
        raise PermissionDenied(f"you cannot read folder {pk}")
    return folder


def readable_attachment(pk: int, access: FolderAccess, *, details: bool = True) -> Attachment:
    """The attachment, if its folder is readable. `details=False` (downloads, previews) leaves
    out the author and tags: one small query on the hot path of file transfers."""
    rows = Attachment.objects.select_related("folder")
    if details:
        rows = rows.select_related("author").prefetch_related("tags")
    attachment = next(iter(rows.filter(pk=pk)[:1]), None)
    if attachment is None:
        raise NotFound(f"no attachment {pk}")
    if not attachment.folder.active or not access.can_read(attachment.folder_id):
        raise PermissionDenied(f"you cannot read attachment {pk}")
    return attachment


def tag(pk: int) -> Tag:
    found = Tag.objects.filter(pk=pk).first()
    if found is None:
        raise NotFound(f"no tag {pk}")
    return found


def folder_field(pk: int | None, field: str) -> Folder | None:
    """The folder a body field names (None stays None)."""
    if pk is None:
        return None
    folder = Folder.objects.filter(pk=pk).first()
    if folder is None:
        raise ValidationError({field: f"no folder {pk}"})
    return folder


def tag_field(pk: int | None, field: str) -> Tag | None:
    if pk is None:
        return None
    found = Tag.objects.filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: f"no tag {pk}"})
    return found


def tags_field(ids: Sequence[int], field: str) -> list[Tag]:
    tags = list(Tag.objects.filter(pk__in=ids))
    missing = sorted(set(ids) - {t.pk for t in tags})
    if missing:
        raise ValidationError({field: f"no tag {', '.join(map(str, missing))}"})
    return tags


def attachments_field(ids: Sequence[int], field: str, access: FolderAccess) -> list[Attachment]:
    """The attachments a body names, in the order given; all must exist and be readable."""
    if not ids:
        raise ValidationError({field: "select at least one attachment"})
    found = {a.pk: a for a in Attachment.objects.select_related("folder").filter(pk__in=set(ids))}
    missing = sorted(set(ids) - set(found))
    if missing:
        raise ValidationError({field: f"no attachment {', '.join(map(str, missing))}"})
    ordered = [found[pk] for pk in dict.fromkeys(ids)]
    for attachment in ordered:
        if not attachment.folder.active or not access.can_read(attachment.folder_id):
            raise PermissionDenied(f"you cannot read attachment {attachment.pk}")
    return ordered


def query(serializer_class: Any, request: Any) -> dict[str, Any]:
    """Validated query parameters (400 naming the parameter otherwise)."""
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def body(serializer_class: Any, request: Any, **kwargs: Any) -> dict[str, Any]:
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
