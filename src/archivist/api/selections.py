"""A selection of attachments (the file manager's checked cards, or a drag and drop): change
them all at once, download them as one ZIP, or list the images to show in a slideshow."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from archivist.api import objects
from archivist.api.downloads import FileContentNegotiation, zip_response
from archivist.api.fields import IdListField, StrictSerializer, id_list
from archivist.api.permissions import InternalUser
from archivist.documents.services import archives
from archivist.documents.services import attachments as attachment_service
from archivist.documents.services.access import folder_access

TAG = ["attachments"]
CHANGES = ("move", "add_tags", "remove_tags", "color", "delete")


class BulkChange(StrictSerializer):
    ids = id_list(help_text="The selected attachments.")
    move = serializers.IntegerField(required=False, min_value=1, help_text="Target folder id.")
    add_tags = id_list(required=False)
    remove_tags = id_list(required=False)
    color = serializers.IntegerField(required=False, help_text="0 (none) to 11.")
    delete = serializers.BooleanField(required=False, help_text="Delete them (alone).")

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        asked = [change for change in CHANGES if data.get(change) not in (None, False)]
        if not asked:
            raise serializers.ValidationError(
                {"detail": f"give at least one change: {', '.join(CHANGES)}"}
            )
        if data.get("delete") and len(asked) > 1:
            raise serializers.ValidationError({"delete": "deleting goes alone"})
        return data


class BulkResult(serializers.Serializer):  # type: ignore[type-arg]
    updated = serializers.IntegerField(required=False)
    deleted = serializers.IntegerField(required=False)


class Selection(StrictSerializer):
    ids = id_list(help_text="The selected attachments, in order.")


class SlideshowQuery(serializers.Serializer):  # type: ignore[type-arg]
    ids = IdListField(help_text="The selected attachments, in order.")


class SlideshowSerializer(serializers.Serializer):  # type: ignore[type-arg]
    results = serializers.ListField(
        child=serializers.IntegerField(), help_text="The images among them, in order."
    )


class BulkView(APIView):
    permission_classes = [InternalUser]

    @extend_schema(
        tags=TAG,
        request=BulkChange,
        responses=BulkResult,
        summary="Change or delete selected attachments",
        description="Move, tag, untag, colour (together), or delete. All or nothing: one "
        "attachment the user may not change refuses the whole request.",
    )
    def post(self, request: Request) -> Response:
        user = request.user
        data = objects.body(BulkChange, request)
        chosen = objects.attachments_field(data["ids"], "ids", folder_access(user))
        if data.get("delete"):
            return Response({"deleted": attachment_service.delete(user, chosen)})
        with transaction.atomic():
            if "move" in data:
                target = objects.folder_field(data["move"], "move")
                assert target is not None
                attachment_service.move(user, chosen, target)
            if "color" in data:
                attachment_service.set_colour(user, chosen, data["color"])
            if "add_tags" in data or "remove_tags" in data:
                attachment_service.update_tags(
                    user,
                    chosen,
                    add=objects.tags_field(data.get("add_tags", []), "add_tags"),
                    remove=objects.tags_field(data.get("remove_tags", []), "remove_tags"),
                )
        return Response({"updated": len(chosen)})


class SelectionZipView(APIView):
    permission_classes = [InternalUser]
    content_negotiation_class = FileContentNegotiation

    @extend_schema(
        tags=TAG,
        request=Selection,
        responses={
            (200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY, "A streamed ZIP."),
            400: OpenApiResponse(description="More files than ARCHIVIST_ZIP_MAX_FILES."),
        },
        summary="Download selected attachments as one ZIP (the mass action Download)",
    )
    def post(self, request: Request) -> Any:
        data = objects.body(Selection, request)
        chosen = objects.attachments_field(data["ids"], "ids", folder_access(request.user))
        return zip_response(archives.flat_entries(chosen), "attachments")


class SlideshowView(APIView):
    permission_classes = [InternalUser]

    @extend_schema(
        tags=TAG,
        parameters=[SlideshowQuery],
        responses=SlideshowSerializer,
        summary="The images of a selection, in order (the mass action Slideshow)",
        description="Show each with /api/attachments/{id}/preview/.",
    )
    def get(self, request: Request) -> Response:
        params = objects.query(SlideshowQuery, request)
        chosen = objects.attachments_field(params["ids"], "ids", folder_access(request.user))
        images = [
            a.pk
            for a in chosen
            if attachment_service.is_previewable(a) and a.mimetype.startswith("image/")
        ]
        return Response({"results": images})
