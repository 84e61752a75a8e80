"""Mass actions on a selection of attachments: which ones a user is offered (configured in the
back office, per group) and running them. A custom action writes its configured values."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet

from archivist.documents import roles
from archivist.documents.models import Attachment, Folder, MassAction, Tag
from archivist.documents.services import attachments as attachment_service
from archivist.documents.services import installation

CUSTOM_KEYS = {"color", "folder", "add_tags", "remove_tags"}


def available(user: Any) -> QuerySet[MassAction]:
    if not roles.has_file_manager(user):
        return MassAction.objects.none()
    groups = list(user.groups.values_list("pk", flat=True))
    actions = MassAction.objects.filter(active=True)
    switches = installation.current()  # actions of a feature turned off in Settings go too
    if not switches.tags_enabled:
        actions = actions.exclude(kind=MassAction.Kind.UPDATE_TAGS)
    if not switches.sharing_enabled:
        actions = actions.exclude(kind=MassAction.Kind.SHARE)
    if roles.is_administrator(user):
        return actions
    return actions.filter(Q(groups__isnull=True) | Q(groups__in=groups)).distinct()


def check_custom_values(values: Any) -> dict[str, Any]:
    """Validates what a custom action writes; errors name the key."""
    if not isinstance(values, dict) or not values:
        raise ValidationError({"values": "a custom action writes at least one value"})
    unknown = sorted(set(values) - CUSTOM_KEYS)
    if unknown:
        raise ValidationError(
            {"values": f"unknown key(s) {', '.join(unknown)}; use {', '.join(sorted(CUSTOM_KEYS))}"}
        )
    for key in ("add_tags", "remove_tags"):
        ids = values.get(key, [])
        if not isinstance(ids, list) or not all(isinstance(i, int) for i in ids):
            raise ValidationError({"values": f"{key} is a list of tag ids"})
        missing = set(ids) - set(Tag.objects.filter(pk__in=ids).values_list("pk", flat=True))
        if missing:
            raise ValidationError({"values": f"{key}: no tag {sorted(missing)}"})
    if "folder" in values and not Folder.objects.filter(pk=values["folder"]).exists():
        raise ValidationError({"values": f"folder: no folder {values['folder']!r}"})
    return values


def run(
    user: Any, action: MassAction, attachments: Sequence[Attachment], params: dict[str, Any]
) -> dict[str, Any]:
    """Runs a write action (download, slideshow and share are served by their own endpoints,
    which check `available` too). Returns a summary. All or nothing: when one change is
    refused, none of the action's changes stay."""
    if not available(user).filter(pk=action.pk).exists():
        raise PermissionDenied("this action is not available to you")
    if not attachments:
        raise ValidationError({"attachments": "select at least one attachment"})
    with transaction.atomic():
        return _run(user, action, attachments, params)


def _run(
    user: Any, action: MassAction, attachments: Sequence[Attachment], params: dict[str, Any]
) -> dict[str, Any]:
    kind = action.kind
    if kind == MassAction.Kind.UPDATE_FOLDER:
        folder = _folder(params.get("folder"))
        return {"moved": attachment_service.move(user, attachments, folder)}
    if kind == MassAction.Kind.UPDATE_TAGS:
        add, remove = _tags(params.get("add_tags", [])), _tags(params.get("remove_tags", []))
        attachment_service.update_tags(user, attachments, add=add, remove=remove)
        return {"updated": len(attachments)}
    if kind == MassAction.Kind.DELETE:
        return {"deleted": attachment_service.delete(user, attachments)}
    if kind == MassAction.Kind.CUSTOM:
        values = check_custom_values(action.values)
        if "color" in values:
            attachment_service.set_colour(user, attachments, values["color"])
        if "add_tags" in values or "remove_tags" in values:
            attachment_service.update_tags(
                user,
                attachments,
                add=_tags(values.get("add_tags", [])),
                remove=_tags(values.get("remove_tags", [])),
            )
        if "folder" in values:
            attachment_service.move(user, attachments, _folder(values["folder"]))
        return {"updated": len(attachments)}
    raise ValidationError({"action": f"{action.name} is run from its own endpoint"})


def _folder(value: Any) -> Folder:
    folder = Folder.objects.filter(pk=value).first() if isinstance(value, int) else None
    if folder is None:
        raise ValidationError({"folder": "choose the folder to move to"})
    return folder


def _tags(values: Any) -> list[Tag]:
    if not isinstance(values, list) or not all(isinstance(v, int) for v in values):
        raise ValidationError({"tags": "a list of tag ids"})
    tags = list(Tag.objects.filter(pk__in=values))
    if len(tags) != len(set(values)):
        raise ValidationError({"tags": "some tags do not exist"})
    return tags
