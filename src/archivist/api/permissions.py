"""Who may call the documents API (spec "Access Rights").

Internal users (anyone logged in who is not a portal user) reach the record attachment box,
attachments of folders they may read, mail and their API token; the file manager's own
endpoints (the folder tree, tags, mass actions, listing beyond a record's box) also need the
group File Manager Access or Administration. Portal users reach nothing here: they use shares.
What a user may do with a given folder or attachment is decided by the services.
"""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission

from archivist.documents import roles


class InternalUser(BasePermission):
    message = "this needs an internal user account (portal users reach documents through shares)"

    def has_permission(self, request: Any, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.is_active and not roles.is_portal(user))


class FileManager(InternalUser):
    message = "the file manager needs the group File Manager Access or Administration"

    def has_permission(self, request: Any, view: Any) -> bool:
        return super().has_permission(request, view) and roles.has_file_manager(request.user)


class Administrator(InternalUser):
    message = "this needs the group Administration"

    def has_permission(self, request: Any, view: Any) -> bool:
        return super().has_permission(request, view) and roles.is_administrator(request.user)
