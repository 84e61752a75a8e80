"""The groups Archivist's permissions are built on (spec "Access Rights")."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group

from archivist.documents.prepared import PreparedQuery

FILE_MANAGER = "File Manager Access"  # may open the file manager and manage manual folders
ADMINISTRATION = "Administration"  # configures rules and sources; reads every folder
PORTAL = "Portal"  # external users: reach only the shares they are given

# asked on nearly every request: compiled once (see `prepared`)
_GROUP_NAMES = PreparedQuery(
    lambda user_id: Group.objects.filter(user=user_id).order_by().values_list("name"), example=0
)


def group_names(user: Any) -> frozenset[str]:
    """The user's group names, read once per user object — a request's user, so one query
    however many checks a request makes (as Django caches permissions on the user object)."""
    cached: frozenset[str] | None = getattr(user, "_archivist_groups", None)
    if cached is None:
        cached = frozenset(name for (name,) in _GROUP_NAMES.rows(user.pk))
        user._archivist_groups = cached
    return cached


def forget_groups(user: Any) -> None:
    """After changing the groups of this very user object."""
    user.__dict__.pop("_archivist_groups", None)


def is_administrator(user: Any) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or ADMINISTRATION in group_names(user))
    )


def has_file_manager(user: Any) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or not group_names(user).isdisjoint({FILE_MANAGER, ADMINISTRATION}))
    )


def is_portal(user: Any) -> bool:
    return bool(
        user.is_authenticated
        and not user.is_staff
        and not user.is_superuser
        and PORTAL in group_names(user)
    )
