"""The people and groups directory: who a folder's extra security, a connection's subscribers
or a fleet invitation can name. Searched by name, or read back by ids; 50 rows at most."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Q, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from archivist.api.fleet_serializers import PersonSerializer
from archivist.api.permissions import FileManager
from archivist.api.serializers import GroupRefSerializer
from archivist.documents import roles

__all__ = ["LIMIT", "GroupsView", "PeopleView", "find_people"]

LIMIT = 50
SEARCH = OpenApiParameter("search", OpenApiTypes.STR, description="part of the name")
IDS = OpenApiParameter("ids", OpenApiTypes.STR, description="comma-separated ids to read back")


def find_people(request: Request, *, internal_only: bool) -> list[dict[str, Any]]:
    """Active users matching `search` (username, name or email) and `ids`, by username."""
    rows = get_user_model().objects.filter(is_active=True)
    if internal_only:
        rows = rows.exclude(groups__name=roles.PORTAL)
    if search := _search(request):
        rows = rows.filter(
            Q(username__icontains=search)
            | Q(first_name__icontains=search)
            | Q(last_name__icontains=search)
            | Q(email__icontains=search)
        )
    return [
        {
            "id": person.pk,
            "username": person.get_username(),
            "name": person.get_full_name() or person.get_username(),
            "email": person.email,
        }
        for person in _with_ids(rows, request).order_by("username")[:LIMIT]
    ]


class PeopleView(APIView):
    permission_classes = [FileManager]

    @extend_schema(
        tags=["directory"],
        parameters=[SEARCH, IDS],
        responses=PersonSerializer(many=True),
        summary=f"Internal users, to name in a folder's security ({LIMIT} at most)",
    )
    def get(self, request: Request) -> Response:
        people = find_people(request, internal_only=True)
        return Response(PersonSerializer(people, many=True).data)


class GroupsView(APIView):
    permission_classes = [FileManager]

    @extend_schema(
        tags=["directory"],
        parameters=[SEARCH, IDS],
        responses=GroupRefSerializer(many=True),
        summary=f"Groups, to name in a folder's security ({LIMIT} at most)",
    )
    def get(self, request: Request) -> Response:
        rows = Group.objects.exclude(name=roles.PORTAL)
        if search := _search(request):
            rows = rows.filter(name__icontains=search)
        groups = _with_ids(rows, request).order_by("name")[:LIMIT]
        return Response(GroupRefSerializer(groups, many=True).data)


def _search(request: Request) -> str:
    return str(request.query_params.get("search", "")).strip()[:100]


def _with_ids(rows: QuerySet[Any], request: Request) -> QuerySet[Any]:
    ids = str(request.query_params.get("ids", "")).strip()
    if not ids:
        return rows
    try:
        wanted = [int(part) for part in ids.split(",")]
    except ValueError:
        raise ValidationError({"ids": "expected comma-separated ids, like 3,14"}) from None
    return rows.filter(pk__in=wanted)
