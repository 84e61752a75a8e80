"""Who sees which databases (spec "Security Model"), in one place for the API, admin and CLI.

- *Databases Administrator* (and superusers): every database, the settings, the API keys.
- *Databases User*: only the databases where their username or email is the login of a
  database user (case-insensitive), or where a database user is linked to them.
- anyone else: nothing.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from archivist.fleet.models import Database, DatabaseUser

DATABASES_USER = "Databases User"
DATABASES_ADMINISTRATOR = "Databases Administrator"

__all__ = [
    "DATABASES_ADMINISTRATOR",
    "DATABASES_USER",
    "is_fleet_administrator",
    "is_fleet_user",
    "visible_databases",
]


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_fleet_administrator(user: Any) -> bool:
    return _active(user) and bool(
        user.is_superuser or user.groups.filter(name=DATABASES_ADMINISTRATOR).exists()
    )


def is_fleet_user(user: Any) -> bool:
    """Databases User or Administrator: may open the fleet at all."""
    return _active(user) and bool(
        user.is_superuser
        or user.groups.filter(name__in=[DATABASES_USER, DATABASES_ADMINISTRATOR]).exists()
    )


def visible_databases(user: Any) -> QuerySet[Database]:
    """The databases `user` may see (an empty queryset for someone outside the fleet groups)."""
    if is_fleet_administrator(user):
        return Database.objects.all()
    if not is_fleet_user(user):
        return Database.objects.none()
    mine = Q(local_user=user) | Q(login__iexact=user.get_username())
    if user.email:
        mine |= Q(login__iexact=user.email)
    account = DatabaseUser.objects.filter(mine, database=OuterRef("pk"))
    return Database.objects.filter(Exists(account))
