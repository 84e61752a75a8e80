"""Attachments: upload files (streamed into the blob store), add URLs, rename, move between
folders and records, delete, tag and colour — each checked against folder access.

Names of uploads are made safe (no path, no NUL or control characters, no bidi overrides, at
most 255 characters with the extension kept); HTML in a name is kept as text and escaped
wherever it is shown. The stored mimetype comes from the content's magic bytes, then from the
extension — never from what the client claims.
"""

from __future__ import annotations

import codecs
import mimetypes
import os
import re
from collections.abc import Iterable, Sequence
from typing import Any, BinaryIO

import filetype
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import DEFAULT_DB_ALIAS, transaction

from archivist.documents.blobstore import default_store
from archivist.documents.blobstore.base import BlobTooLarge
from archivist.documents.models import Attachment, Folder, Tag
from archivist.documents.models.tags import COLOURS
from archivist.documents.prepared import PreparedInsert, PreparedQuery
from archivist.documents.services import installation
from archivist.documents.services.access import FolderAccess, can_write_folder, folder_access

MAX_NAME = 255
SNIFF_BYTES = 8192
PREVIEWABLE = frozenset(
    {"image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp", "application/pdf"}
)
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f]")
# The WHATWG MIME Sniffing standard's HTML signatures (after optional BOM and whitespace).
_HTML_SIGNATURE = re.compile(
    rb"(?:\xef\xbb\xbf)?[\t\n\x0c\r ]*<(?:!doctype html|html|head|script|iframe|h1|div|font|"
    rb"table|a|style|title|b|body|br|p|!--)(?:[ >]|$)",
    re.IGNORECASE,
)


# What an upload reads of its folder, in the model's field order (timestamps and paths cost
# more to load than all the rest); the lookup is compiled once (see `prepared`).
_UPLOAD_FOLDER_FIELDS = ("id", "name", "kind", "active")
_UPLOAD_FOLDER = PreparedQuery(
    lambda pk: Folder.objects.filter(pk=pk).order_by().values_list(*_UPLOAD_FOLDER_FIELDS),
    example=0,
)

_NEW_ATTACHMENT = PreparedInsert(Attachment)


class FileTooLarge(ValidationError):
    def __init__(self, limit: int) -> None:
        super().__init__({"file": f"the file is larger than the maximum of {limit} bytes"})
        self.limit = limit


def clean_file_name(name: Any) -> str:
    if not isinstance(name, str):
        raise ValidationError({"name": "a file name is text"})
    base = re.split(r"[/\\]", name)[-1]
    base = _UNSAFE.sub("", base).strip().strip(".")
    if not base:
        raise ValidationError({"name": "the name is empty once path and control characters go"})
    if len(base) > MAX_NAME:
        stem, extension = os.path.splitext(base)
        extension = extension if len(extension) <= 20 else ""
        base = stem[: MAX_NAME - len(extension)].rstrip() + extension
    return base


def sniff_mimetype(head: bytes, name: str) -> str:
    kind = filetype.guess(head) if head else None
    if kind is not None:
        return str(kind.mime)
    if _HTML_SIGNATURE.match(head):
        # Markup is HTML whatever its name says: an "image.png" holding a page must never be
        # served as an image (nor previewed inline).
        return "text/html"
    guessed = mimetypes.guess_type(name, strict=False)[0]
    if guessed:
        return guessed
    return "text/plain" if head and _looks_like_text(head) else "application/octet-stream"


def is_previewable(attachment: Attachment) -> bool:
    return attachment.is_file and attachment.mimetype in PREVIEWABLE


class _Head:
    """Passes a stream through while keeping its first bytes for sniffing."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.head = b""

    def read(self, size: int = -1) -> bytes:
        chunk = self.stream.read(size)
        if len(self.head) < SNIFF_BYTES:
            self.head += chunk[: SNIFF_BYTES - len(self.head)]
        return chunk


def upload_folder(pk: int) -> Folder | None:
    """The folder an upload names (None if there is none), with the fields `upload` and the
    new attachment's answer read; any other field loads when first read."""
    row = _UPLOAD_FOLDER.first(pk)
    return None if row is None else Folder.from_db(DEFAULT_DB_ALIAS, _UPLOAD_FOLDER_FIELDS, row)


def upload(user: Any, folder: Folder, name: Any, stream: BinaryIO) -> Attachment:
    """Stores the stream (memory stays flat for any size) and files it in `folder`, if the
    user may write there."""
    clean = clean_file_name(name)
    if not can_write_folder(user, folder):
        raise PermissionDenied("you cannot upload into this folder")
    return store_file(folder, clean, stream, author=user if user.is_authenticated else None)


def store_file(folder: Folder, name: Any, stream: BinaryIO, *, author: Any = None) -> Attachment:
    """Stores the stream and files it in `folder` — no permission check: callers check (a
    user's folder access, or a share's upload permission)."""
    clean = clean_file_name(name)
    if not folder.active:
        raise ValidationError({"folder": "the folder is archived"})
    head = _Head(stream)
    limit = settings.MAX_UPLOAD_BYTES
    try:
        blob = default_store().put(head, max_size=limit)  # type: ignore[arg-type]
    except BlobTooLarge:
        raise FileTooLarge(limit) from None
    return _NEW_ATTACHMENT.create(
        name=clean,
        folder=folder,
        blob=blob.sha256,
        size=blob.size,
        mimetype=sniff_mimetype(head.head, clean),
        author=author,
    )


def add_url(user: Any, folder: Folder, name: Any, url: Any) -> Attachment:
    clean = clean_file_name(name)
    if not isinstance(url, str) or len(url) > 2000:
        raise ValidationError({"url": "a link of at most 2,000 characters"})
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ValidationError({"url": f"{url[:100]!r} is not an http(s) link"}) from None
    if not can_write_folder(user, folder):
        raise PermissionDenied("you cannot add links to this folder")
    return Attachment.objects.create(
        name=clean, folder=folder, url=url, author=user if user.is_authenticated else None
    )


def readable_attachments(user: Any, access: FolderAccess | None = None) -> Any:
    access = access or folder_access(user)
    return access.filter(Attachment.objects.filter(folder__active=True), "folder_id")


def require_readable(user: Any, attachments: Iterable[Attachment], access: FolderAccess) -> None:
    for attachment in attachments:
        if not access.can_read(attachment.folder_id):
            raise PermissionDenied(f"you cannot read attachment {attachment.pk}")


def rename(user: Any, attachment: Attachment, name: Any) -> Attachment:
    access = folder_access(user)
    _require_writable(user, [attachment], access)
    attachment.name = clean_file_name(name)
    attachment.save(update_fields=["name", "updated_at"])
    return attachment


def move(user: Any, attachments: Sequence[Attachment], folder: Folder) -> int:
    """Moves attachments to another folder — also to another record's folder (spec:
    "re-attaching items between objects")."""
    access = folder_access(user)
    _require_writable(user, attachments, access)
    if not can_write_folder(user, folder, access):
        raise PermissionDenied("you cannot move attachments into this folder")
    return Attachment.objects.filter(pk__in=[a.pk for a in attachments]).update(folder=folder)


def delete(user: Any, attachments: Sequence[Attachment]) -> int:
    """Deletes attachments; their bytes stay in the blob store until garbage collection."""
    access = folder_access(user)
    _require_writable(user, attachments, access)
    with transaction.atomic():
        _, per_model = Attachment.objects.filter(pk__in=[a.pk for a in attachments]).delete()
    return per_model.get(Attachment._meta.label, 0)


def update_tags(
    user: Any,
    attachments: Sequence[Attachment],
    *,
    add: Sequence[Tag] = (),
    remove: Sequence[Tag] = (),
) -> None:
    if (add or remove) and not installation.current().tags_enabled:
        raise PermissionDenied(
            "Tags are turned off in Settings: an administrator can turn them on again."
        )
    access = folder_access(user)
    _require_writable(user, attachments, access)
    if any(not tag.active for tag in add):
        raise ValidationError({"tags": "archived tags cannot be added"})
    through = Attachment.tags.through
    with transaction.atomic():
        if remove:
            through.objects.filter(
                attachment_id__in=[a.pk for a in attachments], tag_id__in=[t.pk for t in remove]
            ).delete()
        through.objects.bulk_create(
            [through(attachment_id=a.pk, tag_id=t.pk) for a in attachments for t in add],
            ignore_conflicts=True,
        )


def set_colour(user: Any, attachments: Sequence[Attachment], colour: Any) -> None:
    if isinstance(colour, bool) or not isinstance(colour, int) or not 0 <= colour < COLOURS:
        raise ValidationError({"color": f"a colour is a number from 0 to {COLOURS - 1}"})
    access = folder_access(user)
    _require_writable(user, attachments, access)
    Attachment.objects.filter(pk__in=[a.pk for a in attachments]).update(color=colour)


def _require_writable(user: Any, attachments: Iterable[Attachment], access: FolderAccess) -> None:
    folders = {a.folder_id for a in attachments}
    for folder in Folder.objects.filter(pk__in=folders):
        if not can_write_folder(user, folder, access):
            raise PermissionDenied(f"you cannot change attachments in folder {folder.pk}")


def _looks_like_text(head: bytes) -> bool:
    try:  # incremental: a character cut at the end of the head is not an error
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return b"\x00" not in head
