"""ZIP downloads of a folder (with or without subfolders), a tag, a share or a selection,
streamed: entries are read one at a time, so memory stays flat for any size. Link attachments
become `.url` shortcuts. More than ARCHIVIST_ZIP_MAX_FILES files is refused up front."""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from archivist.documents.blobstore import default_store
from archivist.documents.models import Attachment, Folder
from archivist.documents.zipstream import ZipEntry, stream_zip


def folder_entries(
    folder: Folder, attachments: QuerySet[Attachment], subfolders: bool
) -> list[ZipEntry]:
    """Paths relative to `folder`: its own files at the top, subfolders as directories."""
    names = dict(
        Folder.objects.filter(pk__in=attachments.values("folder_id")).values_list("pk", "name")
    )
    paths: dict[int, tuple[str, ...]] = {}
    if subfolders:
        within = Folder.objects.filter(pk__in=attachments.values("folder_id")).values_list(
            "pk", "parent_path"
        )
        all_ids = {int(p) for _, path in within for p in path.strip("/").split("/") if p}
        names.update(Folder.objects.filter(pk__in=all_ids).values_list("pk", "name"))
        for pk, path in within:
            ids = [int(p) for p in path.strip("/").split("/") if p] + [pk]
            below = ids[ids.index(folder.pk) + 1 :] if folder.pk in ids else []
            paths[pk] = tuple(names[i] for i in below)
    return [_entry(attachment, paths.get(attachment.folder_id, ())) for attachment in attachments]


def flat_entries(attachments: QuerySet[Attachment] | Sequence[Attachment]) -> list[ZipEntry]:
    return [_entry(attachment, ()) for attachment in attachments]


def by_folder_entries(attachments: QuerySet[Attachment]) -> list[ZipEntry]:
    """One directory per folder name (for a share or a tag spanning folders)."""
    return [_entry(a, (a.folder.name,)) for a in attachments.select_related("folder")]


def check_count(count: int) -> None:
    """Refuses an archive of more than ARCHIVIST_ZIP_MAX_FILES files (callers with a queryset
    check its count before building entries)."""
    limit = settings.ZIP_MAX_FILES
    if count > limit:
        raise ValidationError(
            {
                "attachments": f"an archive holds at most {limit} files; this one would hold "
                f"{count}: select fewer"
            }
        )


def stream(entries: list[ZipEntry]) -> Iterator[bytes]:
    check_count(len(entries))
    return stream_zip(entries, max_entries=settings.ZIP_MAX_FILES)


def _entry(attachment: Attachment, folders: tuple[str, ...]) -> ZipEntry:
    if attachment.blob:
        store = default_store()
        return ZipEntry(
            path=(*folders, attachment.name),
            open=lambda blob=attachment.blob: store.open(blob),
            size=attachment.size,
            modified=attachment.updated_at,
        )
    shortcut = f"[InternetShortcut]\r\nURL={attachment.url}\r\n".encode()
    return ZipEntry(
        path=(*folders, f"{attachment.name}.url"),
        open=lambda data=shortcut: io.BytesIO(data),
        size=len(shortcut),
        modified=attachment.updated_at,
    )


def content_disposition(name: str, disposition: str = "attachment") -> str:
    """`attachment; filename=…` (or `inline; …`) safe for any name (RFC 6266 with an ASCII
    fallback): quotes, backslashes and control characters never reach the quoted fallback, so
    a stored name cannot break or extend the header."""
    from urllib.parse import quote

    ascii_name = "".join(
        char for char in name.encode("ascii", "ignore").decode() if char.isprintable()
    )
    ascii_name = ascii_name.replace('"', "").replace("\\", "").strip() or "download"
    return f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def archive_name(label: Any) -> str:
    text = str(label).strip() or "archive"
    return f"{text}.zip"
