"""The access version: a value changed by every change that folder access depends on, against
which computed access trees are cached (see `access.FolderAccess`).

The value is random rather than counted: a rolled-back transaction leaves the old value, and a
counter would then hand the next, different change a number a cache already knows."""

from __future__ import annotations

import secrets

from archivist.documents.models import AccessVersion


def current_version() -> int:
    value = AccessVersion.objects.filter(pk=1).values_list("value", flat=True).first()
    return int(value or 0)


def bump_version() -> None:
    """Something access depends on changed: every cached tree is stale."""
    value = secrets.randbits(62)
    if not AccessVersion.objects.filter(pk=1).update(value=value):
        AccessVersion.objects.update_or_create(pk=1, defaults={"value": value})
