"""Tags: create, rename, move (never inside itself), archive and restore, colour and notes."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from archivist.documents import roles
from archivist.documents.models import Tag
from archivist.documents.models.tags import COLOURS
from archivist.sources.names import sanitize_folder_name


def _require(user: Any) -> None:
    if not roles.has_file_manager(user):
        raise PermissionDenied("managing tags needs File Manager Access")


def clean_tag_name(name: Any) -> str:
    if not isinstance(name, str) or not sanitize_folder_name(name):
        raise ValidationError({"name": "a tag needs a name"})
    return sanitize_folder_name(name)


def create_tag(user: Any, name: Any, parent: Tag | None = None, *, color: int = 0) -> Tag:
    _require(user)
    _check_colour(color)
    if parent is not None and not parent.active:
        raise ValidationError({"parent": "the parent tag is archived"})
    return Tag.objects.create(name=clean_tag_name(name), parent=parent, color=color)


def update_tag(
    user: Any,
    tag: Tag,
    *,
    name: Any = None,
    color: Any = None,
    notes: Any = None,
) -> Tag:
    _require(user)
    if name is not None:
        tag.name = clean_tag_name(name)
    if color is not None:
        _check_colour(color)
        tag.color = color
    if notes is not None:
        if not isinstance(notes, str):
            raise ValidationError({"notes": "notes are text"})
        tag.notes = notes
    tag.save()
    return tag


def move_tag(user: Any, tag: Tag, parent: Tag | None) -> Tag:
    """Puts `tag` (and its subtags) under `parent`, never inside itself. The tag and the new
    parent's ancestors are locked before the check, so two concurrent moves cannot build a
    cycle (the later one sees the earlier one's result)."""
    _require(user)
    with transaction.atomic():
        ids = {tag.pk}
        if parent is not None:
            ids |= {parent.pk, *_chain(parent.pk, dict(Tag.objects.values_list("pk", "parent_id")))}
        list(Tag.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
        if parent is not None:
            parents_of = dict(Tag.objects.values_list("pk", "parent_id"))
            if parent.pk == tag.pk or tag.pk in _chain(parent.pk, parents_of):
                raise ValidationError({"parent": "a tag cannot be moved inside itself"})
            if not Tag.objects.filter(pk=parent.pk, active=True).exists():
                raise ValidationError({"parent": "the parent tag is archived"})
        tag.parent = parent
        tag.save(update_fields=["parent", "updated_at"])
    return tag


def _chain(tag_id: int, parents_of: dict[int, int | None]) -> list[int]:
    """Ancestors of a tag, nearest first (stops at a loop, should one exist)."""
    chain: list[int] = []
    current = parents_of.get(tag_id)
    while current is not None and current not in chain:
        chain.append(current)
        current = parents_of.get(current)
    return chain


def archive_tag(user: Any, tag: Tag) -> int:
    """Archives the tag and its subtags (attachments keep them; they are hidden)."""
    _require(user)
    ids = _subtree(tag)
    return Tag.objects.filter(pk__in=ids).update(active=False)


def restore_tag(user: Any, tag: Tag) -> int:
    _require(user)
    if tag.parent is not None and not tag.parent.active:
        raise ValidationError({"parent": "restore the parent tag first"})
    return Tag.objects.filter(pk__in=_subtree(tag)).update(active=True)


def _subtree(tag: Tag) -> set[int]:
    from archivist.documents.services.listing import tag_subtree

    return tag_subtree([tag.pk])


def _check_colour(color: Any) -> None:
    if isinstance(color, bool) or not isinstance(color, int) or not 0 <= color < COLOURS:
        raise ValidationError({"color": f"a colour is a number from 0 to {COLOURS - 1}"})
