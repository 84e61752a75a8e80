"""Tags: the tree (and a search in it), create, change (name, colour, notes, parent), archive
and restore, and a tag's attachments as a ZIP. All need File Manager Access."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from archivist.api import objects
from archivist.api.downloads import FileContentNegotiation, zip_response
from archivist.api.fields import NameField, StrictSerializer
from archivist.api.permissions import FileManager
from archivist.api.serializers import TagListSerializer, TagSerializer
from archivist.api.switches import TagsTurnedOn
from archivist.documents.models import Tag
from archivist.documents.services import archives, listing
from archivist.documents.services import tags as tag_service

TAG = ["tags"]


class TagQuery(serializers.Serializer):  # type: ignore[type-arg]
    search = serializers.CharField(
        required=False, help_text="Tags whose name contains this text, and their parents."
    )
    archived = serializers.BooleanField(default=False, help_text="Include archived tags.")


class TagCreate(StrictSerializer):
    name = NameField(max_length=100)
    parent = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    color = serializers.IntegerField(required=False, default=0, help_text="0 (none) to 11.")
    notes = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)


class TagUpdate(StrictSerializer):
    name = NameField(max_length=100, required=False)
    parent = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, help_text="Move under this tag; null: top."
    )
    color = serializers.IntegerField(required=False, help_text="0 (none) to 11.")
    notes = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)


def _one(tag: Tag) -> dict[str, Any]:
    return dict(TagSerializer(Tag.objects.get(pk=tag.pk)).data)


class TagListView(APIView):
    permission_classes = [FileManager, TagsTurnedOn]

    @extend_schema(
        operation_id="tags_list",
        tags=TAG,
        parameters=[TagQuery],
        responses=TagListSerializer,
        summary="The tag tree (flat, with parents), or a search in it",
    )
    def get(self, request: Request) -> Response:
        params = objects.query(TagQuery, request)
        archived = params["archived"]
        tags = Tag.objects.all() if archived else Tag.objects.filter(active=True)
        found: dict[str, list[int]] = {"matches": [], "parents": []}
        if params.get("search", "").strip():
            found = listing.search_tags(params["search"], include_archived=archived)
            tags = tags.filter(pk__in=[*found["matches"], *found["parents"]])
        listed = list(tags)
        children = Tag.objects.filter(parent__in=listed)
        if not archived:
            children = children.filter(active=True)
        parents = set(children.values_list("parent_id", flat=True))
        results = TagSerializer(listed, many=True, context={"parents": parents}).data
        return Response({"results": results, **found})

    @extend_schema(tags=TAG, request=TagCreate, responses={201: TagSerializer}, summary="New tag")
    def post(self, request: Request) -> Response:
        data = objects.body(TagCreate, request)
        parent = objects.tag_field(data.get("parent"), "parent")
        with transaction.atomic():
            tag = tag_service.create_tag(request.user, data["name"], parent, color=data["color"])
            if data.get("notes"):
                tag_service.update_tag(request.user, tag, notes=data["notes"])
        return Response(_one(tag), status=status.HTTP_201_CREATED)


class TagDetailView(APIView):
    permission_classes = [FileManager, TagsTurnedOn]

    @extend_schema(tags=TAG, responses=TagSerializer, summary="One tag")
    def get(self, request: Request, pk: int) -> Response:
        return Response(_one(objects.tag(pk)))

    @extend_schema(
        tags=TAG,
        request=TagUpdate,
        responses=TagSerializer,
        summary="Rename, recolour, annotate or move a tag",
        description="A tag cannot be moved inside itself (400 on `parent`). All or nothing.",
    )
    def patch(self, request: Request, pk: int) -> Response:
        tag = objects.tag(pk)
        data = objects.body(TagUpdate, request)
        with transaction.atomic():
            tag_service.update_tag(
                request.user,
                tag,
                name=data.get("name"),
                color=data.get("color"),
                notes=data.get("notes"),
            )
            if "parent" in data:
                parent = objects.tag_field(data["parent"], "parent")
                tag_service.move_tag(request.user, tag, parent)
        return Response(_one(tag))


class TagArchiveView(APIView):
    permission_classes = [FileManager, TagsTurnedOn]

    @extend_schema(
        tags=TAG,
        request=None,
        responses=TagSerializer,
        summary="Archive a tag and its subtags (attachments keep them, hidden)",
    )
    def post(self, request: Request, pk: int) -> Response:
        tag = objects.tag(pk)
        tag_service.archive_tag(request.user, tag)
        return Response(_one(tag))


class TagRestoreView(APIView):
    permission_classes = [FileManager, TagsTurnedOn]

    @extend_schema(
        tags=TAG, request=None, responses=TagSerializer, summary="Restore a tag and its subtags"
    )
    def post(self, request: Request, pk: int) -> Response:
        tag = objects.tag(pk)
        tag_service.restore_tag(request.user, tag)
        return Response(_one(tag))


class TagZipView(APIView):
    permission_classes = [FileManager]
    content_negotiation_class = FileContentNegotiation

    @extend_schema(
        tags=TAG,
        responses={
            (200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY, "A streamed ZIP."),
            400: OpenApiResponse(description="More files than ARCHIVIST_ZIP_MAX_FILES."),
        },
        summary="Download the readable attachments with this tag as a ZIP",
        description="One directory per folder.",
    )
    def get(self, request: Request, pk: int) -> Any:
        tag = objects.tag(pk)
        rows = listing.attachments_queryset(request.user, listing.AttachmentFilter(tags=[pk]))
        return zip_response(archives.by_folder_entries(rows), tag.name)
