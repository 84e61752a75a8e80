"""A record's page and its attachment box: the record's display name and fields; its folder,
the readable parts of that folder's subtree, and their attachments (spec "Attachment box").
Needs only read access to the record, not the file manager."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from archivist.api import objects
from archivist.api.folders import SourceUnavailable
from archivist.api.permissions import InternalUser
from archivist.api.serializers import AttachmentSerializer, FolderNodeSerializer, attachment_page
from archivist.documents.models import Folder
from archivist.documents.services import browse, listing, record_page
from archivist.documents.services.access import folder_access
from archivist.sources.errors import SourceError


class BoxQuery(serializers.Serializer):  # type: ignore[type-arg]
    folder = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="Only the attachments of this folder of the box (default: the whole box).",
    )
    order = serializers.CharField(default="name", help_text="name, created or size; -: reverse.")
    cursor = serializers.CharField(required=False, help_text="next_cursor of the previous page.")
    limit = serializers.IntegerField(default=100, help_text=f"1 to {listing.MAX_PAGE}.")


class BoxSerializer(serializers.Serializer):  # type: ignore[type-arg]
    folder = FolderNodeSerializer(help_text="The record's folder.")
    folders = FolderNodeSerializer(
        many=True, help_text="The readable folders of the box, the record's folder first."
    )
    attachments = AttachmentSerializer(many=True)
    next_cursor = serializers.CharField(allow_null=True)


class RecordBoxView(APIView):
    permission_classes = [InternalUser]

    @extend_schema(
        tags=["records"],
        parameters=[BoxQuery],
        responses={
            200: BoxSerializer,
            403: OpenApiResponse(description="The user cannot read the record."),
            404: OpenApiResponse(description="The record has no folder."),
        },
        summary="A record's attachment box",
    )
    def get(self, request: Request, source: str, model: str, record_id: str) -> Response:
        params = objects.query(BoxQuery, request)
        access = folder_access(request.user)
        folder = browse.record_folder(request.user, source, model, record_id, access)
        nodes = browse.folder_nodes(request.user, access=access, within=folder)
        shown = {node.id for node in nodes}
        selected = params.get("folder", folder.pk)
        if selected not in shown:
            raise serializers.ValidationError({"folder": f"folder {selected} is not in this box"})
        criteria = listing.AttachmentFilter(
            folders=[selected], include_subfolders="folder" not in params
        )
        rows = listing.attachments_queryset(request.user, criteria, access)
        page = listing.page(rows, params["order"], params.get("cursor"), params["limit"])
        body: dict[str, Any] = {
            "folder": nodes[0].as_json(),
            "folders": [node.as_json() for node in nodes],
            **_renamed(attachment_page(page.items, page.next_cursor)),
        }
        return Response(body)


def _renamed(page: dict[str, Any]) -> dict[str, Any]:
    return {"attachments": page["results"], "next_cursor": page["next_cursor"]}


class RecordFieldSerializer(serializers.Serializer):  # type: ignore[type-arg]
    name = serializers.CharField(help_text="The field's name in the source.")
    label = serializers.CharField(help_text="The name as a person reads it.")
    type = serializers.CharField(
        help_text="char, text, integer, float, boolean, date, datetime or many2one (whose value "
        "is the related record's display name)."
    )
    value = serializers.JSONField(allow_null=True)


class RecordPageSerializer(serializers.Serializer):  # type: ignore[type-arg]
    source = serializers.CharField()
    model = serializers.CharField()
    id = serializers.JSONField(help_text="The record's key (a number for integer keys).")
    display_name = serializers.CharField()
    folder = serializers.IntegerField(help_text="The record's folder: the top of its box.")
    fields = RecordFieldSerializer(
        many=True, help_text=f"At most {record_page.MAX_FIELDS} scalar fields, in column order."
    )


class RecordPageView(APIView):
    permission_classes = [InternalUser]

    @extend_schema(
        tags=["records"],
        responses={
            200: RecordPageSerializer,
            403: OpenApiResponse(description="The user cannot read the record."),
            404: OpenApiResponse(description="The record has no folder, or is gone."),
            503: OpenApiResponse(description="The record's source cannot be read."),
        },
        summary="A record's page",
        description="The record's display name and the scalar fields a person reads (text, "
        "numbers, dates, yes/no, many2one as the related display name), read from its source. "
        "Open to whoever may read the record's folder, as its attachment box.",
    )
    def get(self, request: Request, source: str, model: str, record_id: str) -> Response:
        try:
            page = record_page.record_page(request.user, source, model, record_id)
        except Folder.DoesNotExist as error:
            raise NotFound(str(error)) from None
        except SourceError as error:
            raise SourceUnavailable(str(error)) from error
        return Response(page.as_json())
