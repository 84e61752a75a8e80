"""The folder rules a connection can sync: the connection form's rule picker searches them by
name (administrators only; rules themselves are edited in the back office)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from archivist.api.permissions import Administrator
from archivist.documents.models import FolderRule

__all__ = ["LIMIT", "RuleListView"]

LIMIT = 50


class RuleChoiceSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    model = serializers.CharField(help_text="The table whose records get folders.")
    source = serializers.CharField(source="source.name", help_text="The source's short name.")


class RuleListView(APIView):
    permission_classes = [Administrator]

    @extend_schema(
        tags=["sync"],
        parameters=[
            OpenApiParameter(
                "search", OpenApiTypes.STR, description="part of the rule's name or model"
            )
        ],
        responses=RuleChoiceSerializer(many=True),
        summary=f"Active folder rules, to assign to a connection ({LIMIT} at most, by name)",
    )
    def get(self, request: Request) -> Response:
        rules = FolderRule.objects.filter(active=True).select_related("source")
        search = str(request.query_params.get("search", "")).strip()[:100]
        if search:
            rules = rules.filter(Q(name__icontains=search) | Q(model__icontains=search))
        found = rules.order_by("name", "pk")[:LIMIT]
        return Response(RuleChoiceSerializer(found, many=True).data)
