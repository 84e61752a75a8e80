"""Manual folders: create anywhere readable, rename, move (never into itself, never above an
automatic folder), archive and restore with their content, extra security and notes; and the
folder uploads go to by default."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from archivist.documents import roles
from archivist.documents.models import Folder, FolderKind, UserPreference
from archivist.documents.services import folder_tree
from archivist.documents.services.access import (
    FolderAccess,
    can_manage_folder,
    can_write_folder,
    folder_access,
)
from archivist.documents.services.folder_tree import Place
from archivist.sources.names import sanitize_folder_name

MAX_NAME = 255


def clean_folder_name(name: Any) -> str:
    if not isinstance(name, str):
        raise ValidationError({"name": "a folder name is text"})
    cleaned = sanitize_folder_name(name, MAX_NAME)
    if not cleaned:
        raise ValidationError({"name": "the name is empty once unsafe characters are removed"})
    return cleaned


def create_folder(user: Any, name: Any, parent: Folder | None, *, notes: str = "") -> Folder:
    """A manual folder inside `parent` (or at the root), which the user must be able to write."""
    if not roles.has_file_manager(user) and parent is None:
        raise PermissionDenied("creating root folders needs File Manager Access")
    if parent is not None and not can_write_folder(user, parent):
        raise PermissionDenied("you cannot add folders here")
    folder = Folder(
        name=clean_folder_name(name),
        kind=FolderKind.MANUAL,
        parent=parent,
        notes=notes,
        created_by=user if user.is_authenticated else None,
    )
    folder.save()
    return folder


def rename_folder(user: Any, folder: Folder, name: Any) -> Folder:
    _require_manage(user, folder)
    folder.name = clean_folder_name(name)
    folder.save(update_fields=["name", "updated_at"])
    return folder


def move_folder(user: Any, folder: Folder, new_parent: Folder | None) -> Folder:
    """Drag-and-drop: the folder and everything inside go under `new_parent`. Refused when
    `new_parent` is the folder itself or inside it (checked under a lock on the moved folder,
    so two concurrent moves cannot build a cycle), or when the user cannot write there."""
    access = folder_access(user)
    _require_manage(user, folder, access)
    if new_parent is None and not roles.has_file_manager(user):
        raise PermissionDenied("moving folders to the root needs File Manager Access")
    if new_parent is not None and not can_write_folder(user, new_parent, access):
        raise PermissionDenied("you cannot move folders there")
    with transaction.atomic():
        # Lock the moved folder, the target and the target's ancestors in a fixed order, then
        # re-read paths: any concurrent move that could close a cycle with this one (moving
        # one of those ancestors) waits, and the cycle check below sees its result.
        ids = [folder.pk]
        if new_parent is not None:
            target_path = Folder.objects.filter(pk=new_parent.pk).values_list(
                "parent_path", flat=True
            )
            ancestors = Folder(parent_path=target_path.first() or "/").path_ids
            ids += [new_parent.pk, *ancestors]
        ids = sorted(set(ids))
        rows = Folder.objects.select_for_update().filter(pk__in=ids).order_by("pk")
        locked = {f.pk: f for f in rows}
        current = locked[folder.pk]
        target = locked.get(new_parent.pk) if new_parent is not None else None
        if target is not None:
            if target.pk == current.pk or f"/{current.pk}/" in target.subtree_prefix():
                raise ValidationError({"parent": "a folder cannot be moved inside itself"})
            if not target.active:
                raise ValidationError({"parent": "the target folder is archived"})
        place = Place(None, "/") if target is None else Place.inside(target.pk, target.parent_path)
        folder_tree.move_subtree(current.pk, current.parent_path, place)
    folder.refresh_from_db()
    return folder


def archive_folder(user: Any, folder: Folder) -> None:
    """Archives the folder and everything inside; `restore_folder` brings back the same set."""
    _require_manage(user, folder)
    with transaction.atomic():
        folder_tree.archive_subtrees([(folder.pk, folder.parent_path)], timezone.now())


def restore_folder(user: Any, folder: Folder) -> None:
    if folder.kind not in (FolderKind.MANUAL, FolderKind.DEFAULT) or not roles.has_file_manager(
        user
    ):
        raise PermissionDenied("only manual folders are restored by hand")
    if folder.parent is not None and not folder.parent.active:
        raise ValidationError({"parent": "restore the parent folder first"})
    access = folder_access(user, include_archived=True)
    if not access.can_read(folder.pk):
        raise PermissionDenied("you cannot read this folder")
    with transaction.atomic():
        folder_tree.restore_subtree(folder.pk, folder.parent_path, folder.archived_at)


def set_security(
    user: Any, folder: Folder, *, users: list[Any], groups: list[Group], notes: str | None = None
) -> Folder:
    """Extra security: only these users and groups (and only if they may read the parent)."""
    _require_manage(user, folder)
    with transaction.atomic():
        folder.users.set(users)
        folder.groups.set(groups)
        if notes is not None:
            folder.notes = notes
            folder.save(update_fields=["notes", "updated_at"])
    return folder


def default_upload_folder(user: Any, access: FolderAccess | None = None) -> Folder | None:
    """The folder "Upload to …" targets: the last one the user selected while it stays
    writable, else the first readable folder in tree order (spec "Files Manager Interface")."""
    access = access or folder_access(user)
    preference = UserPreference.objects.filter(user=user).select_related("last_folder").first()
    last = preference.last_folder if preference is not None else None
    if last is not None and can_write_folder(user, last, access):
        return last
    candidates = access.filter(Folder.objects.filter(active=True)).order_by(
        "parent_path", "sequence", "name", "pk"
    )
    return candidates.first()


def remember_folder(user: Any, folder: Folder) -> None:
    UserPreference.objects.update_or_create(user=user, defaults={"last_folder": folder})


def _require_manage(user: Any, folder: Folder, access: FolderAccess | None = None) -> None:
    if folder.kind in (FolderKind.RULE, FolderKind.RECORD):
        raise PermissionDenied("automatic folders follow their rules; change the rule instead")
    if not can_manage_folder(user, folder, access):
        raise PermissionDenied("you cannot change this folder")
