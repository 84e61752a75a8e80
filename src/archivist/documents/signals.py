"""Keeps cached access trees honest: every change access depends on bumps the access version.

Folder writes of "Prepare folders" and of the services go through `folder_tree` (which bumps
the version itself); these receivers cover the rest — ORM saves of folders, extra-security
links, policies, rules, and users' group memberships (also when made in the back office).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed, post_delete, post_save

from archivist.documents.models import AccessPolicy, Folder, FolderRule
from archivist.documents.services.versions import bump_version


def _bump(**_: Any) -> None:
    bump_version()


def _bump_m2m(action: str, **_: Any) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        bump_version()


def connect() -> None:
    for model in (Folder, AccessPolicy, FolderRule):
        post_save.connect(_bump, sender=model, dispatch_uid=f"access-save-{model.__name__}")
        post_delete.connect(_bump, sender=model, dispatch_uid=f"access-delete-{model.__name__}")
    links = (Folder.users.through, Folder.groups.through, get_user_model().groups.through)
    for through in links:
        m2m_changed.connect(_bump_m2m, sender=through, dispatch_uid=f"access-m2m-{through}")
