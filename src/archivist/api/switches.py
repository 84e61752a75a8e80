"""The installation's on/off switches as the API applies them (Settings page, "Documents").

Tags off: the tag endpoints still read (attachments keep their tags) but refuse every change.
Sharing off: managing shares is refused, and every visit (token link or portal) answers 403
with code `sharing_off`; no share is deleted, so turning sharing on again reopens them all.
"""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import APIException
from rest_framework.permissions import SAFE_METHODS, BasePermission

from archivist.documents.services import installation

TAGS_OFF = "Tags are turned off in Settings: an administrator can turn them on again."
SHARING_OFF = (
    "Sharing is turned off in Settings: shares and their links do not open until an "
    "administrator turns it on again."
)


class TagsTurnedOn(BasePermission):
    """Reads always; changes only while tags are on."""

    message = TAGS_OFF

    def has_permission(self, request: Any, view: Any) -> bool:
        return request.method in SAFE_METHODS or installation.current().tags_enabled


class SharingTurnedOn(BasePermission):
    message = SHARING_OFF

    def has_permission(self, request: Any, view: Any) -> bool:
        return installation.current().sharing_enabled


class SharingOff(APIException):
    status_code = 403
    default_code = "sharing_off"


def check_sharing() -> None:
    """For visitor endpoints (anyone with a link): 403 `{"detail", "code": "sharing_off"}`."""
    if not installation.current().sharing_enabled:
        raise SharingOff({"detail": SHARING_OFF, "code": "sharing_off"})
