"""The groups Archivist's permissions are built on (spec "Access Rights")."""

from __future__ import annotations

from typing import Any

FILE_MANAGER = "File Manager Access"  # may open the file manager and manage manual folders
ADMINISTRATION = "Administration"  # configures rules and sources; reads every folder
PORTAL = "Portal"  # external users: reach only the shares they are given


def is_administrator(user: Any) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.groups.filter(name=ADMINISTRATION).exists())
    )


def has_file_manager(user: Any) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and (
            user.is_superuser
            or user.groups.filter(name__in=[FILE_MANAGER, ADMINISTRATION]).exists()
        )
    )


def is_portal(user: Any) -> bool:
    return bool(
        user.is_authenticated
        and not user.is_staff
        and not user.is_superuser
        and user.groups.filter(name=PORTAL).exists()
    )
