"""The access version: a value changed by every change that folder access depends on, against
which computed access trees are cached (see `access.FolderAccess`).

The value is random rather than counted: a rolled-back transaction leaves the old value, and a
counter would then hand the next, different change a number a cache already knows."""

from __future__ import annotations

import secrets

from archivist.documents.models import AccessVersion
from archivist.documents.prepared import PreparedQuery

# read by every request that checks folder access: compiled once (see `prepared`)
_VERSION = PreparedQuery(
    lambda pk: AccessVersion.objects.filter(pk=pk).order_by().values_list("value"), example=0
)


def current_version() -> int:
    row = _VERSION.first(1)
    return int(row[0] or 0) if row is not None else 0


def bump_version() -> None:
    """Something access depends on changed: every cached tree is stale."""
    value = secrets.randbits(62)
    if not AccessVersion.objects.filter(pk=1).update(value=value):
        AccessVersion.objects.update_or_create(pk=1, defaults={"value": value})
