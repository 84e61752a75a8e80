"""Sending existing attachments by email without copying them into the record's attachment
box (spec "Adding Existing Attachments to Messages"): files only, never URL attachments."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email

from archivist.documents.blobstore import default_store
from archivist.documents.models import Attachment
from archivist.documents.services.access import folder_access
from archivist.documents.services.listing import AttachmentFilter, attachments_queryset

MAX_TOTAL_BYTES = 25 * 1024 * 1024  # what common mail servers accept


def attachable(user: Any, criteria: AttachmentFilter | None = None) -> Any:
    """The attachments a user may pick for a message: readable files (synced ones included),
    narrowed by the file manager's filters when `criteria` is given."""
    access = folder_access(user)
    if criteria is not None:
        return attachments_queryset(user, criteria, access).exclude(blob="")
    return access.filter(
        Attachment.objects.filter(folder__active=True).exclude(blob=""), "folder_id"
    )


def send_with_attachments(
    user: Any,
    *,
    to: Sequence[str],
    subject: str,
    body: str,
    attachment_ids: Sequence[int],
) -> int:
    """Sends one email with the chosen attachments; returns the number of messages sent."""
    if not to:
        raise ValidationError({"to": "give at least one recipient"})
    for address in to:
        try:
            validate_email(address)
        except ValidationError:
            raise ValidationError({"to": f"{address!r} is not an email address"}) from None
    chosen = list(Attachment.objects.filter(pk__in=attachment_ids))
    if len(chosen) != len(set(attachment_ids)):
        raise ValidationError({"attachments": "some attachments do not exist"})
    allowed = set(attachable(user).filter(pk__in=attachment_ids).values_list("pk", flat=True))
    for attachment in chosen:
        if not attachment.blob:
            raise ValidationError({"attachments": f"{attachment.name!r} is a link, not a file"})
        if attachment.pk not in allowed:
            raise PermissionDenied(f"you cannot read {attachment.name!r}")
    if sum(a.size for a in chosen) > MAX_TOTAL_BYTES:
        raise ValidationError({"attachments": "together the files exceed 25 MB"})
    message = EmailMessage(
        subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=list(to)
    )
    store = default_store()
    for attachment in chosen:
        with store.open(attachment.blob) as handle:
            message.attach(attachment.name, handle.read(), attachment.mimetype or None)
    return message.send()
