"""Portal shares: creating and changing them, their token URL, who may enter, what they hold,
and what visitors do there (download, upload, add folders and tags, chat), all logged.

A visitor reaches a share as one of its portal users (or an internal user), or with its token.
A share is closed when archived, past its expiry date, or — for token visitors — when the token
was regenerated or removed. A password protects the token URL: a token visitor unlocks the
share once (the caller remembers that, e.g. in the session, with `password_fingerprint`, so a
new password locks everyone out again); portal users, named on the share and signed in, are
not asked. A share with a download limit stops serving files when the limit is reached. An
upload-only share ("file drop") lets visitors upload and shows them nothing.

Visitors write only inside the shared folders (a shared folder's subtree, or the upload
folder): the folder of an attachment shared on its own is shown, but is not shared.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.crypto import salted_hmac

from archivist.documents import roles
from archivist.documents.models import (
    Attachment,
    Folder,
    FolderKind,
    Share,
    ShareAccess,
    ShareMessage,
    Tag,
)
from archivist.documents.services import attachments as attachment_service
from archivist.documents.services import installation
from archivist.documents.services.folder_tree import descendants_q
from archivist.documents.services.folders import clean_folder_name
from archivist.documents.services.listing import share_q, tag_subtree
from archivist.documents.services.tags import clean_tag_name

TOKEN_BYTES = 32
CLOSED_LINK = "this link has expired or was revoked"


class ShareClosed(PermissionDenied):
    """The share cannot be entered: archived, expired, revoked token or unknown token."""


class PasswordRequired(PermissionDenied):
    """A token visitor has not unlocked the share, or gave a wrong password."""


class TooManyGuesses(PermissionDenied):
    """Too many wrong passwords for this share from this address lately: wait `retry_after` s."""

    def __init__(self, retry_after: int):
        super().__init__("too many wrong passwords; try again later")
        self.retry_after = retry_after


class DownloadLimitReached(PermissionDenied):
    """The share has served as many downloads as its limit allows."""


class NotAnImage(ValidationError):
    """A slideshow view was asked of a file the slideshow does not show (only images)."""


@dataclass(frozen=True)
class Visit:
    """A visitor inside a share: `user` (None for a token visitor), `address` for the log."""

    share: Share
    user: Any
    address: str | None

    @property
    def is_internal(self) -> bool:
        return self.user is not None and roles.has_file_manager(self.user)


def generate_token(share: Share) -> str:
    """Sets a new token (the previous URL stops working at once) and returns it."""
    share.token = secrets.token_urlsafe(TOKEN_BYTES)
    share.token_created_at = timezone.now()
    share.save(update_fields=["token", "token_created_at", "updated_at"])
    return share.token


def revoke_token(share: Share) -> None:
    share.token = None
    share.token_created_at = None
    share.save(update_fields=["token", "token_created_at", "updated_at"])


def set_password(share: Share, password: str | None) -> None:
    if password is not None and len(password) < 6:
        raise ValidationError({"password": "use at least 6 characters"})
    share.password = make_password(password) if password else ""
    share.save(update_fields=["password", "updated_at"])


def expire_shares(today: dt.date | None = None) -> int:
    """Archives shares whose expiry date has passed (run by the scheduler)."""
    today = today or timezone.localdate()
    return Share.objects.filter(active=True, expires_on__lt=today).update(active=False)


def is_open(share: Share, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return share.active and (share.expires_on is None or share.expires_on >= today)


def share_by_token(token: str) -> Share:
    """The open share a token URL leads to; ShareClosed (one message for every case, so a
    guesser learns nothing) for an unknown, revoked, tampered or expired token."""
    if not isinstance(token, str) or not token or len(token) > 128:
        raise ShareClosed(CLOSED_LINK)
    share = Share.objects.filter(token=token).first()
    if share is None or not is_open(share):
        raise ShareClosed(CLOSED_LINK)
    return share


def enter_by_token(
    token: str, address: str | None, *, unlocked: str | None = None, user: Any = None
) -> Visit:
    """The visit for a token URL. `unlocked` is the fingerprint remembered when the visitor
    unlocked the share (see `unlock`); a share with a password refuses without the current one.
    `user`, when the visitor happens to be signed in, goes into the access log."""
    share = share_by_token(token)
    if share.password and unlocked != password_fingerprint(share):
        raise PasswordRequired("this share needs its password")
    visitor = user if user is not None and user.is_authenticated else None
    return Visit(share, visitor, address)


GUESS_LIMIT = 10
GUESS_WINDOW = dt.timedelta(minutes=15)
WRONG_PASSWORD = "wrong password"


def unlock(share: Share, password: Any, address: str | None, user: Any = None) -> str:
    """Checks the share's password; returns the fingerprint to remember for later visits.

    After `GUESS_LIMIT` wrong passwords from one address within `GUESS_WINDOW`, that address
    is refused (TooManyGuesses) until the window has passed, right password or not.
    """
    if share.password:
        since = timezone.now() - GUESS_WINDOW
        wrong = ShareAccess.objects.filter(
            share=share, action=ShareAccess.Action.DENIED, detail=WRONG_PASSWORD, at__gte=since
        )
        wrong = wrong.filter(address=address) if address else wrong.filter(address__isnull=True)
        recent = list(wrong.order_by("-at").values_list("at", flat=True)[:GUESS_LIMIT])
        if len(recent) >= GUESS_LIMIT:
            wait = recent[-1] + GUESS_WINDOW - timezone.now()
            raise TooManyGuesses(max(1, int(wait.total_seconds()) + 1))
    if share.password and not (
        isinstance(password, str) and password and check_password(password, share.password)
    ):
        _log(share, user, address, ShareAccess.Action.DENIED, detail=WRONG_PASSWORD)
        raise PasswordRequired("the password is not right")
    return password_fingerprint(share)


def password_fingerprint(share: Share) -> str:
    """Changes whenever the password changes (never reveals the hash)."""
    return salted_hmac("archivist.share-unlock", f"{share.pk}:{share.password}").hexdigest()


def enter_as_user(share: Share, user: Any, address: str | None) -> Visit:
    """The visit for a signed-in user: a portal user listed on the share (members of a listed
    user's company are not modelled: list each person), or an internal user (the back office's
    "Preview portal")."""
    if not is_open(share):
        raise ShareClosed("this share is closed")
    listed = share.partners.filter(pk=user.pk).exists()
    if not listed and not roles.has_file_manager(user):
        raise PermissionDenied("this share is not shared with you")
    return Visit(share, user, address)


def record_view(visit: Visit) -> None:
    """Logs that the visitor opened the share (once per page, not once per request)."""
    _log(visit.share, visit.user, visit.address, ShareAccess.Action.VIEW)


def shares_of(user: Any) -> QuerySet[Share]:
    """The portal "Shares" home: open shares listing this user."""
    today = timezone.localdate()
    return Share.objects.filter(partners=user, active=True).filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=today)
    )


def contents(visit: Visit) -> QuerySet[Attachment]:
    """What the visitor may see: the share's attachments (none for a file drop)."""
    if visit.share.upload_only and not visit.is_internal:
        return Attachment.objects.none()
    return Attachment.objects.filter(share_q([visit.share]), folder__active=True).distinct()


def shared_folders(visit: Visit) -> QuerySet[Folder]:
    """Folders shown in the share: its folders, their subfolders, and the folders of its
    attachments."""
    share = visit.share
    roots = list(share.folders.filter(active=True).values_list("pk", "parent_path"))
    selection = Q(pk__in=[pk for pk, _ in roots]) | Q(pk__in=contents(visit).values("folder_id"))
    for pk, parent_path in roots:
        selection |= descendants_q(f"{parent_path}{pk}/")
    return Folder.objects.filter(selection, active=True)


def writable_folders(visit: Visit) -> QuerySet[Folder]:
    """Where visitors may upload and add folders: the shared folders with their subfolders,
    and the upload folder."""
    share = visit.share
    selection = Q(pk__in=[share.upload_folder_id] if share.upload_folder_id else [])
    for pk, parent_path in share.folders.filter(active=True).values_list("pk", "parent_path"):
        selection |= Q(pk=pk) | descendants_q(f"{parent_path}{pk}/")
    return Folder.objects.filter(selection, active=True)


def shared_tags(visit: Visit) -> QuerySet[Tag]:
    ids = tag_subtree(visit.share.tags.values_list("pk", flat=True))
    ids |= set(Tag.objects.filter(attachments__in=contents(visit)).values_list("pk", flat=True))
    return Tag.objects.filter(pk__in=ids, active=True)


@dataclass(frozen=True)
class VisitorFilter:
    """What a visitor asks of the attachment list: `text` searched in the attachments' names,
    their tags' names or their folder's name (`search_in`); a folder or a tag picked in the
    share's trees (with its subfolders or subtags); order by name or folder ("-" reverses)."""

    text: str = ""
    search_in: str = "name"
    folder: int | None = None
    tag: int | None = None
    order: str = "name"


SEARCH_IN = ("name", "tag", "folder")
VISITOR_ORDERS = {"name": ("name", "pk"), "folder": ("folder__name", "name", "pk")}


def find(visit: Visit, criteria: VisitorFilter) -> QuerySet[Attachment]:
    """The share's attachments matching `criteria`; sorting and searching work whatever the
    share shows (spec)."""
    rows = contents(visit)
    if criteria.folder is not None:
        folder = shared_folders(visit).filter(pk=criteria.folder).first()
        if folder is None:
            raise PermissionDenied("this folder is not in the share")
        subtree = Folder.objects.filter(descendants_q(folder.subtree_prefix())).values("pk")
        rows = rows.filter(Q(folder_id=folder.pk) | Q(folder_id__in=subtree))
    if criteria.tag is not None:
        if not shared_tags(visit).filter(pk=criteria.tag).exists():
            raise PermissionDenied("this tag is not in the share")
        rows = rows.filter(
            pk__in=Attachment.objects.filter(tags__in=tag_subtree([criteria.tag])).values("pk")
        )
    text = criteria.text.strip()
    if text and criteria.search_in not in SEARCH_IN:
        raise ValidationError({"search_in": f"search in one of {', '.join(SEARCH_IN)}"})
    if text and criteria.search_in == "name":
        rows = rows.filter(name__icontains=text)
    elif text and criteria.search_in == "folder":
        rows = rows.filter(folder__name__icontains=text)
    elif text:
        tagged = Attachment.objects.filter(tags__name__icontains=text, tags__active=True)
        rows = rows.filter(pk__in=tagged.values("pk"))
    keys = VISITOR_ORDERS.get(criteria.order.lstrip("-"))
    if keys is None:
        raise ValidationError({"order": "sort by name or folder (prefix - to reverse)"})
    prefix = "-" if criteria.order.startswith("-") else ""
    return rows.order_by(*(prefix + key for key in keys))


def visible_folders(visit: Visit, search: str = "") -> tuple[list[Folder], set[int]]:
    """The share's folder tree when it shows folders; with `search` (when allowed) only the
    matching folders and their ancestors. Returns the folders and the ids of the matches."""
    if not visit.share.show_folders:
        raise PermissionDenied("this share does not show folders")
    if search.strip() and not visit.share.allow_search_folders:
        raise PermissionDenied("this share does not allow searching folders")
    folders = list(shared_folders(visit).order_by("parent_path", "sequence", "name", "pk"))
    return _matching(folders, search, lambda folder: folder.path_ids[::-1])


def visible_tags(visit: Visit, search: str = "") -> tuple[list[Tag], set[int]]:
    """The share's tags when it shows tags; with `search` (when allowed) only the matching
    tags and their ancestors."""
    if not visit.share.show_tags:
        raise PermissionDenied("this share does not show tags")
    if search.strip() and not visit.share.allow_search_tags:
        raise PermissionDenied("this share does not allow searching tags")
    tags = list(shared_tags(visit))
    parents = {tag.pk: tag.parent_id for tag in tags}

    def ancestors(tag: Tag) -> list[int]:
        chain, current = [], tag.parent_id
        while current is not None and current in parents and current not in chain:
            chain.append(current)
            current = parents[current]
        return chain

    return _matching(tags, search, ancestors)


def _matching(items: list[Any], search: str, ancestors: Any) -> tuple[list[Any], set[int]]:
    text = search.strip().lower()
    if not text:
        return items, set()
    matches = {item.pk for item in items if text in item.name.lower()}
    shown = set(matches)
    for item in items:
        if item.pk in matches:
            shown.update(ancestors(item))
    return [item for item in items if item.pk in shown], matches


@dataclass(frozen=True)
class Summary:
    """What a visitor's page shows at the top: the share, how it was entered, what the visitor
    may do, and how much there is."""

    share: Share
    access: str  # "token", "portal" or "internal"
    can_download: bool
    can_upload: bool
    can_add_tags: bool  # the share allows it and tags are turned on in Settings
    upload_target: Folder | None
    attachments: int
    folders: int | None  # None: the share does not show folders (tags, messages alike)
    tags: int | None
    messages: int | None
    downloads_left: int | None  # None: no limit


def summary(visit: Visit, *, by_token: bool) -> Summary:
    share = visit.share
    internal = visit.is_internal
    left = None
    if share.download_limit is not None and not internal:
        left = max(share.download_limit - share.download_count, 0)
    return Summary(
        share=share,
        access="internal" if internal else ("token" if by_token else "portal"),
        can_download=(not share.upload_only or internal) and left != 0,
        can_upload=share.allow_upload or share.upload_only,
        can_add_tags=share.allow_add_tags and installation.current().tags_enabled,
        upload_target=upload_target(visit),
        attachments=contents(visit).count(),
        folders=shared_folders(visit).count() if share.show_folders else None,
        tags=shared_tags(visit).count() if share.show_tags else None,
        messages=share.messages.count() if share.show_chat or internal else None,
        downloads_left=left,
    )


def download(visit: Visit, attachment: Attachment, *, archive: bool = False) -> None:
    """Checks and counts a download (the caller streams the bytes)."""
    if not contents(visit).filter(pk=attachment.pk).exists():
        _log(visit.share, visit.user, visit.address, ShareAccess.Action.DENIED, attachment)
        raise PermissionDenied("this file is not in the share")
    _count_download(visit)
    action = ShareAccess.Action.ARCHIVE if archive else ShareAccess.Action.DOWNLOAD
    _log(visit.share, visit.user, visit.address, action, attachment)


def view_image(visit: Visit, attachment: Attachment) -> None:
    """Checks and logs a slideshow view of an image of the share (the caller streams it
    inline). A view is logged as `view` and never counted against the download limit; it is
    refused where a download would be (a file outside the share, a file drop, a spent limit)
    and in a share without the slideshow."""
    share = visit.share
    if not contents(visit).filter(pk=attachment.pk).exists():
        _log(share, visit.user, visit.address, ShareAccess.Action.DENIED, attachment)
        raise PermissionDenied("this file is not in the share")
    if not share.slideshow and not visit.is_internal:
        raise PermissionDenied("this share has no slideshow")
    spent = share.download_limit is not None and share.download_count >= share.download_limit
    if spent and not visit.is_internal:
        raise DownloadLimitReached("this share's download limit is reached")
    if not attachment.is_file or not attachment.mimetype.startswith("image/"):
        raise NotAnImage({"attachment": "the slideshow shows images only; download this file"})
    if attachment.mimetype not in attachment_service.PREVIEWABLE:
        raise NotAnImage({"attachment": f"{attachment.mimetype} images are not shown inline"})
    _log(share, visit.user, visit.address, ShareAccess.Action.VIEW, attachment)


def download_many(visit: Visit, files: int, label: str = "") -> None:
    """Checks and counts an archive of `files` files as one download (the caller streams it)."""
    if visit.share.upload_only and not visit.is_internal:
        raise PermissionDenied("this share only takes uploads")
    _count_download(visit)
    detail = f"{label}: {files} files" if label else f"{files} files"
    _log(visit.share, visit.user, visit.address, ShareAccess.Action.ARCHIVE, detail=detail)


def archive_contents(
    visit: Visit, *, folder: int | None = None, tag: int | None = None
) -> QuerySet[Attachment]:
    """What a ZIP of the whole share, of one of its folders (with subfolders) or of one of its
    tags (with subtags) holds; a folder's or tag's only when the share shows them (spec)."""
    if folder is not None and not visit.share.show_folders:
        raise PermissionDenied("this share does not show folders")
    if tag is not None and not visit.share.show_tags:
        raise PermissionDenied("this share does not show tags")
    return find(visit, VisitorFilter(folder=folder, tag=tag))


def upload_target(visit: Visit) -> Folder | None:
    """The folder "Upload to …" targets by default: the upload folder, else the shared folder
    with the smallest sequence (spec "Sharing in Portal")."""
    share = visit.share
    if share.upload_folder is not None and share.upload_folder.active:
        return share.upload_folder
    return (
        share.folders.filter(active=True).order_by("sequence", "parent_path", "name", "pk").first()
    )


def upload(visit: Visit, folder: Folder | None, name: Any, stream: Any) -> Attachment:
    share = visit.share
    if not share.allow_upload and not share.upload_only:
        raise PermissionDenied("uploads are not allowed in this share")
    if folder is not None and not writable_folders(visit).filter(pk=folder.pk).exists():
        raise PermissionDenied("this folder is not shared for uploads")
    target = folder or upload_target(visit)
    if target is None:
        raise ValidationError({"folder": "this share has no folder to upload into"})
    attachment = attachment_service.store_file(target, name, stream, author=visit.user)
    with transaction.atomic():
        if not contents(Visit(share, None, None)).filter(pk=attachment.pk).exists():
            share.attachments.add(attachment)
    _log(share, visit.user, visit.address, ShareAccess.Action.UPLOAD, attachment)
    return attachment


def add_folder(visit: Visit, parent: Folder, name: Any) -> Folder:
    """A manual subfolder of a shared folder (so visitors never change the main tree)."""
    if not visit.share.allow_add_folders:
        raise PermissionDenied("adding folders is not allowed in this share")
    if not writable_folders(visit).filter(pk=parent.pk).exists():
        raise PermissionDenied("this folder is not shared")
    folder = Folder(
        name=clean_folder_name(name), kind=FolderKind.MANUAL, parent=parent, created_by=visit.user
    )
    folder.save()
    return folder


def add_tag(visit: Visit, parent: Tag, name: Any) -> Tag:
    """A subtag of a shared tag (never while tags are turned off in Settings)."""
    if not installation.current().tags_enabled:
        raise PermissionDenied("tags are turned off: no tag can be added")
    if not visit.share.allow_add_tags:
        raise PermissionDenied("adding tags is not allowed in this share")
    if not parent.active or parent.pk not in addable_tags(visit):
        raise PermissionDenied("this tag is not shared")
    return Tag.objects.create(name=clean_tag_name(name), parent=parent)


def addable_tags(visit: Visit) -> set[int]:
    """Tags visitors may create subtags in: the shared tags and their subtags (none while tags
    are turned off in Settings)."""
    if not visit.share.allow_add_tags or not installation.current().tags_enabled:
        return set()
    return tag_subtree(visit.share.tags.filter(active=True).values_list("pk", flat=True))


def messages(visit: Visit) -> QuerySet[ShareMessage]:
    if not visit.share.show_chat and not visit.is_internal:
        raise PermissionDenied("the chat is off for this share")
    return visit.share.messages.all()


def post_message(visit: Visit, body: Any, author_name: Any = "") -> ShareMessage:
    """A chat message; internal users answer from the back office even while visitors do not
    see the chat."""
    if not visit.share.show_chat and not visit.is_internal:
        raise PermissionDenied("the chat is off for this share")
    if not isinstance(body, str) or not body.strip() or len(body) > 10_000:
        raise ValidationError({"body": "a message of 1 to 10,000 characters"})
    author = visit.user
    return ShareMessage.objects.create(
        share=visit.share,
        author=author,
        author_name=(author.get_full_name() or author.username)
        if author
        else (author_name.strip()[:255] if isinstance(author_name, str) else ""),
        body=body.strip(),
    )


def _count_download(visit: Visit) -> None:
    share = visit.share
    if visit.is_internal or share.download_limit is None:
        return
    counted = Share.objects.filter(pk=share.pk, download_count__lt=share.download_limit).update(
        download_count=F("download_count") + 1
    )
    if not counted:
        _log(share, visit.user, visit.address, ShareAccess.Action.DENIED, detail="limit reached")
        raise DownloadLimitReached("this share's download limit is reached")


def _log(
    share: Share,
    user: Any,
    address: str | None,
    action: str,
    attachment: Attachment | None = None,
    detail: str = "",
) -> None:
    ShareAccess.objects.create(
        share=share,
        user=user if user is not None and user.is_authenticated else None,
        address=address,
        action=action,
        attachment=attachment,
        detail=(detail or (attachment.name if attachment else ""))[:255],
    )
