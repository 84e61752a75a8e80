"""Managing portal shares from the back office (spec "Sharing in Portal"): every user with File
Manager Access may create or change any share; what goes into a share must be readable by the
user who adds it, so a share never hands out what its author cannot see.

Partners are portal users only. Archiving a share archives its child shares too; a share past
its expiry date is restored only with a later date. Invitations email each partner the link to
the share. The mass action "Share" adds selected attachments to an existing share or to a new
one.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from archivist.documents import roles
from archivist.documents.models import Attachment, Folder, MassAction, Share, ShareMessage, Tag
from archivist.documents.services import mass_actions
from archivist.documents.services import shares as share_service
from archivist.documents.services.access import can_write_folder, folder_access

MAX_NAME = 255
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Contents:
    """Partners and shared items to set on a share; None leaves that list unchanged."""

    partners: Sequence[Any] | None = None
    folders: Sequence[Folder] | None = None
    tags: Sequence[Tag] | None = None
    attachments: Sequence[Attachment] | None = None


@dataclass(frozen=True)
class NewShare:
    """The mass action's "Create a new share" choice."""

    name: str
    partners: Sequence[Any] = ()
    access_by_token: bool = False
    expires_on: dt.date | None = None
    parent: Share | None = None


@dataclass(frozen=True)
class Invitations:
    sent: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # partners without an email address


def require_manager(user: Any) -> None:
    if not roles.has_file_manager(user):
        raise PermissionDenied("managing shares needs File Manager Access")


def clean_share_name(name: Any) -> str:
    """Control characters go; anything else (HTML included) is kept as text."""
    if not isinstance(name, str) or not _CONTROL.sub("", name).strip():
        raise ValidationError({"name": "a share needs a name"})
    return _CONTROL.sub("", name).strip()[:MAX_NAME]


def save_share(
    user: Any,
    share: Share | None,
    values: Mapping[str, Any],
    contents: Contents = Contents(),
    *,
    access_by_token: bool | None = None,
) -> Share:
    """Creates (`share` None) or changes a share: `values` are its own fields (name, parent,
    expiry, permissions, upload folder, notes…). Only newly added folders and attachments are
    checked against the user's access: items someone else shared stay when the list is sent
    back unchanged."""
    require_manager(user)
    creating = share is None
    share = share or Share(created_by=user)
    for name, value in values.items():
        setattr(share, name, value)
    share.name = clean_share_name(share.name)
    _check_parent(share)
    _check_expiry(share, changed=creating or "expires_on" in values)
    folder = share.upload_folder if "upload_folder" in values else None
    if folder is not None and not can_write_folder(user, folder):
        raise ValidationError({"upload_folder": "choose an active folder you can write"})
    with transaction.atomic():
        share.save()
        _set_contents(user, share, contents, creating=creating)
        _check_upload_target(share)
        if access_by_token is True and share.token is None:
            share_service.generate_token(share)
        elif access_by_token is False and share.token is not None:
            share_service.revoke_token(share)
    return share


def check_partners(users: Iterable[Any]) -> None:
    outsiders = sorted(user.get_username() for user in users if not roles.is_portal(user))
    if outsiders:
        raise ValidationError(
            {
                "partners": f"only portal users can be partners; not portal users: "
                f"{', '.join(outsiders)}"
            }
        )


def archive_share(user: Any, share: Share) -> int:
    """Archives the share and its child shares; returns how many were archived."""
    require_manager(user)
    return Share.objects.filter(pk__in=_subtree(share)).update(active=False)


def restore_share(user: Any, share: Share) -> int:
    """Restores the share and its child shares that have not expired."""
    require_manager(user)
    today = timezone.localdate()
    if share.expires_on is not None and share.expires_on < today:
        raise ValidationError(
            {
                "expires_on": f"the share expired on {share.expires_on:%Y-%m-%d}; set a later "
                "expiry date (or none) to restore it"
            }
        )
    if share.parent is not None and not share.parent.active:
        raise ValidationError({"parent": "restore the parent share first"})
    expired = Share.objects.filter(expires_on__lt=today)
    return Share.objects.filter(pk__in=_subtree(share)).exclude(pk__in=expired).update(active=True)


def invite(user: Any, share: Share, link_for: Callable[[Any], str], note: str = "") -> Invitations:
    """Emails every partner with an address the link to the share (one message each, so no
    partner sees the others' addresses). `link_for(partner)` gives the URL to send."""
    require_manager(user)
    if not share_service.is_open(share):
        raise ValidationError({"share": "the share is archived or expired; restore it first"})
    partners = list(share.partners.order_by("username"))
    if not partners:
        raise ValidationError({"partners": "the share has no partners to invite"})
    result = Invitations()
    messages = []
    for partner in partners:
        if not partner.email:
            result.skipped.append(partner.get_username())
            continue
        inviter = user.get_full_name() or user.get_username()
        body = f'{inviter} shares "{share.name}" with you:\n\n{link_for(partner)}\n'
        if share.expires_on is not None:
            body += f"\nThe share is open until {share.expires_on:%Y-%m-%d}.\n"
        if note.strip():
            body += f"\n{note.strip()}\n"
        messages.append(
            EmailMessage(
                subject=f"Shared with you: {share.name}",
                body=body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[partner.email],
            )
        )
        result.sent.append(partner.get_username())
    if messages:
        get_connection().send_messages(messages)
    return result


def reply(user: Any, share: Share, body: Any) -> ShareMessage:
    """An internal user's message in the share's chat (also when visitors do not see it)."""
    require_manager(user)
    return share_service.post_message(share_service.Visit(share, user, None), body)


def share_attachments(
    user: Any,
    attachments: Sequence[Attachment],
    *,
    share: Share | None = None,
    new: NewShare | None = None,
    folders: Sequence[Folder] = (),
    tags: Sequence[Tag] = (),
) -> Share:
    """The mass action "Share": adds the attachments (plus extra folders and tags) to an
    existing share, or to a new one."""
    require_manager(user)
    if not mass_actions.available(user).filter(kind=MassAction.Kind.SHARE).exists():
        raise PermissionDenied("the mass action Share is not available to you")
    if not attachments:
        raise ValidationError({"attachments": "select at least one attachment"})
    if (share is None) == (new is None):
        raise ValidationError({"share": "choose an existing share or name a new one, not both"})
    with transaction.atomic():
        if new is not None:
            values = {"name": new.name, "expires_on": new.expires_on, "parent": new.parent}
            contents = Contents(
                partners=new.partners, folders=folders, tags=tags, attachments=attachments
            )
            return save_share(user, None, values, contents, access_by_token=new.access_by_token)
        assert share is not None
        _require_readable(user, folders, attachments)
        share.attachments.add(*attachments)
        share.folders.add(*folders)
        share.tags.add(*tags)
        share.save(update_fields=["updated_at"])
    return share


def search(text: str, *, include_archived: bool = False) -> tuple[QuerySet[Share], set[int]]:
    """Shares whose name contains `text` together with their ancestors (so a tree shows the way
    to each match), and the ids of the matches."""
    shares = Share.objects.all() if include_archived else Share.objects.filter(active=True)
    if not text.strip():
        return shares, set()
    parents_of = dict(shares.values_list("pk", "parent_id"))
    matches = set(shares.filter(name__icontains=text.strip()).values_list("pk", flat=True))
    shown = set(matches)
    for pk in matches:
        current = parents_of.get(pk)
        while current is not None and current not in shown:
            shown.add(current)
            current = parents_of.get(current)
    return shares.filter(pk__in=shown), matches


def _set_contents(user: Any, share: Share, contents: Contents, *, creating: bool) -> None:
    if contents.partners is not None:
        check_partners(contents.partners)
        share.partners.set(contents.partners)
    new_folders = _added(share.folders.all(), contents.folders, creating)
    new_attachments = _added(share.attachments.all(), contents.attachments, creating)
    _require_readable(user, new_folders, new_attachments)
    if contents.folders is not None:
        share.folders.set(contents.folders)
    if contents.tags is not None:
        share.tags.set(contents.tags)
    if contents.attachments is not None:
        share.attachments.set(contents.attachments)


def _added(current: QuerySet[Any], wanted: Sequence[Any] | None, creating: bool) -> list[Any]:
    if wanted is None:
        return []
    present = set() if creating else set(current.values_list("pk", flat=True))
    return [item for item in wanted if item.pk not in present]


def _require_readable(
    user: Any, folders: Sequence[Folder], attachments: Sequence[Attachment]
) -> None:
    if not folders and not attachments:
        return
    access = folder_access(user)
    for folder in folders:
        if not access.can_read(folder.pk):
            raise PermissionDenied(f"you cannot read folder {folder.pk}")
    for attachment in attachments:
        if not access.can_read(attachment.folder_id):
            raise PermissionDenied(f"you cannot read attachment {attachment.pk}")


def _check_parent(share: Share) -> None:
    parent = share.parent
    seen: set[int] = set()
    while parent is not None and parent.pk not in seen:
        if share.pk is not None and parent.pk == share.pk:
            raise ValidationError({"parent": "a share cannot be inside itself"})
        seen.add(parent.pk)
        parent = parent.parent


def _check_expiry(share: Share, *, changed: bool) -> None:
    if changed and share.expires_on is not None and share.expires_on < timezone.localdate():
        raise ValidationError({"expires_on": "the expiry date is in the past"})


def _check_upload_target(share: Share) -> None:
    uploads = share.allow_upload or share.upload_only
    if uploads and share.upload_folder is None and not share.folders.filter(active=True).exists():
        raise ValidationError(
            {"upload_folder": "uploads need a target: choose an upload folder or share a folder"}
        )


def _subtree(share: Share) -> set[int]:
    found = {share.pk}
    level = {share.pk}
    while level:
        level = set(Share.objects.filter(parent_id__in=level).values_list("pk", flat=True)) - found
        found |= level
    return found
