"""Who is signed in: what the web app needs to decide which pages and buttons to offer.

The flags mirror the API's own permission classes (`api/permissions.py`), so the web app never
offers what the API would refuse.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from archivist.documents import roles
from archivist.documents.services import installation
from archivist.fleet.services import access as fleet_access


class CurrentUserSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField(help_text="Full name, or the username when there is none.")
    portal = serializers.BooleanField(help_text="A portal user: reaches only shares.")
    file_manager = serializers.BooleanField(
        help_text="Opens the file manager (File Manager Access or Administration)."
    )
    administrator = serializers.BooleanField(help_text="In the group Administration.")
    back_office = serializers.BooleanField(help_text="May sign in to the back office (/admin/).")
    fleet_user = serializers.BooleanField(
        help_text="Opens the fleet dashboard (Databases User or Databases Administrator)."
    )
    fleet_administrator = serializers.BooleanField(
        help_text="In the group Databases Administrator."
    )
    tags_enabled = serializers.BooleanField(help_text="Tags are turned on in Settings.")
    sharing_enabled = serializers.BooleanField(help_text="Sharing is turned on in Settings.")


def current_user(user: Any) -> dict[str, Any]:
    portal = roles.is_portal(user)
    switches = installation.current()
    return {
        "id": user.pk,
        "username": user.get_username(),
        "name": user.get_full_name() or user.get_username(),
        "portal": portal,
        "file_manager": not portal and roles.has_file_manager(user),
        "administrator": not portal and roles.is_administrator(user),
        "back_office": bool(user.is_active and user.is_staff),
        "fleet_user": not portal and fleet_access.is_fleet_user(user),
        "fleet_administrator": not portal and fleet_access.is_fleet_administrator(user),
        "tags_enabled": switches.tags_enabled,
        "sharing_enabled": switches.sharing_enabled,
    }


class CurrentUserView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["session"],
        responses=CurrentUserSerializer,
        summary="The signed-in user and what they may open",
        description="403 when nobody is signed in.",
    )
    def get(self, request: Request) -> Response:
        return Response(current_user(request.user))
