"""Attachments: the file manager's listing, uploads (streamed, size-limited), links, reading,
changing and deleting one attachment, and downloading or previewing its file."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, NotFound
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from archivist.api import objects, uploads
from archivist.api.downloads import FileContentNegotiation, cloud_response, file_response
from archivist.api.fields import IdListField, NameField, StrictSerializer, check_name, id_list
from archivist.api.permissions import FileManager, InternalUser
from archivist.api.serializers import (
    AttachmentPageSerializer,
    AttachmentSerializer,
    new_attachment_json,
)
from archivist.documents.services import attachments as attachment_service
from archivist.documents.services import listing
from archivist.documents.services.access import folder_access
from archivist.documents.services.attachments import FileTooLarge
from archivist.sync.services.cloud_files import cloud_copy, cloud_copy_at

TAG = ["attachments"]
FILE_RESPONSES: dict[Any, Any] = {
    (200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY, "The file."),
    (206, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY, "One range."),
    416: OpenApiResponse(description="The range starts past the end of the file."),
}


class AttachmentQuery(serializers.Serializer):  # type: ignore[type-arg]
    """The file manager's filters: folders, tags and shares (each any of; the three AND-ed)."""

    folders = IdListField(required=False, help_text="Folder ids: in any of them.")
    subfolders = serializers.BooleanField(default=False, help_text="Folders include subfolders.")
    tags = IdListField(required=False, help_text="Tag ids: with any of them.")
    shares = IdListField(required=False, help_text="Share ids: in any of them.")
    name = serializers.CharField(required=False, help_text="Name contains.")
    folder_name = serializers.CharField(required=False, help_text="Folder name contains.")
    tag = serializers.CharField(required=False, help_text="A tag's name contains.")
    author = serializers.CharField(required=False, help_text="Author's login or name contains.")
    mimetype = serializers.CharField(required=False, help_text="Mimetype starts with.")
    order = serializers.CharField(default="name", help_text="name, created or size; -: reverse.")
    cursor = serializers.CharField(required=False, help_text="next_cursor of the previous page.")
    limit = serializers.IntegerField(default=50, help_text=f"1 to {listing.MAX_PAGE}.")


def criteria(params: dict[str, Any]) -> listing.AttachmentFilter:
    return listing.AttachmentFilter(
        folders=params.get("folders", ()),
        tags=params.get("tags", ()),
        shares=params.get("shares", ()),
        include_subfolders=params["subfolders"],
        name=params.get("name", ""),
        folder_name=params.get("folder_name", ""),
        tag_name=params.get("tag", ""),
        author=params.get("author", ""),
        mimetype=params.get("mimetype", ""),
        order=params["order"],
    )


def page_of(rows: Any, params: dict[str, Any]) -> dict[str, Any]:
    found = listing.page(rows, params["order"], params.get("cursor"), params["limit"])
    return {
        "results": AttachmentSerializer(found.items, many=True).data,
        "next_cursor": found.next_cursor,
    }


class UploadForm(serializers.Serializer):  # type: ignore[type-arg]
    file = serializers.FileField(allow_empty_file=True, use_url=False)
    folder = serializers.IntegerField(min_value=1)
    name = NameField(required=False, help_text="Default: the uploaded file's name.")


class LinkForm(StrictSerializer):
    name = NameField()
    url = serializers.CharField(max_length=2000, help_text="An http(s) link.")
    folder = serializers.IntegerField(min_value=1)


class AttachmentUpdate(StrictSerializer):
    name = NameField(required=False)
    folder = serializers.IntegerField(
        required=False, min_value=1, help_text="Move to this folder (also another record's)."
    )
    color = serializers.IntegerField(required=False, help_text="0 (none) to 11.")
    add_tags = id_list(required=False)
    remove_tags = id_list(required=False)


class NotPreviewable(APIException):
    status_code = status.HTTP_415_UNSUPPORTED_MEDIA_TYPE
    default_detail = "only images and PDF files are previewed; download this file instead"


class AttachmentListView(APIView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_permissions(self) -> list[Any]:
        return [FileManager()] if self.request.method == "GET" else [InternalUser()]

    def initialize_request(self, request: Any, *args: Any, **kwargs: Any) -> Request:
        # Before anything reads the body (the CSRF check may): the size limit comes first.
        self.upload_limit = uploads.install(request) if request.method == "POST" else None
        return super().initialize_request(request, *args, **kwargs)

    @extend_schema(
        operation_id="attachments_list",
        tags=TAG,
        parameters=[AttachmentQuery],
        responses=AttachmentPageSerializer,
        summary="Find attachments (the file manager's list)",
        description="Readable attachments matching the filters, one page at a time (keyset "
        "pagination). Needs File Manager Access.",
    )
    def get(self, request: Request) -> Response:
        params = objects.query(AttachmentQuery, request)
        rows = listing.attachments_queryset(request.user, criteria(params))
        return Response(page_of(rows, params))

    @extend_schema(
        tags=TAG,
        request={"multipart/form-data": UploadForm},
        responses={
            201: AttachmentSerializer,
            413: OpenApiResponse(description="Larger than ARCHIVIST_MAX_UPLOAD."),
        },
        summary="Upload a file into a folder",
        description="Streamed to the blob store; the mimetype is sniffed from the content.",
    )
    def post(self, request: Request) -> Response:
        form = request.data  # reads the body (if nothing did yet), through the size limit
        if self.upload_limit is not None and self.upload_limit.exceeded:
            raise FileTooLarge(settings.MAX_UPLOAD_BYTES)
        serializer = UploadForm(data=form)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        uploaded = data["file"]
        name = data.get("name") or _file_name(uploaded.name)
        folder = attachment_service.upload_folder(data["folder"])
        if folder is None:
            raise ValidationError({"folder": f"no folder {data['folder']}"})
        try:
            attachment = attachment_service.upload(request.user, folder, name, uploaded)
        finally:
            uploaded.close()
        return Response(new_attachment_json(attachment), status=status.HTTP_201_CREATED)


class AttachmentLinkView(APIView):
    permission_classes = [InternalUser]

    @extend_schema(
        tags=TAG,
        request=LinkForm,
        responses={201: AttachmentSerializer},
        summary="Add a link (URL attachment) to a folder",
    )
    def post(self, request: Request) -> Response:
        data = objects.body(LinkForm, request)
        folder = objects.folder_field(data["folder"], "folder")
        assert folder is not None
        attachment = attachment_service.add_url(request.user, folder, data["name"], data["url"])
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)


class AttachmentDetailView(APIView):
    permission_classes = [InternalUser]

    @extend_schema(tags=TAG, responses=AttachmentSerializer, summary="One attachment")
    def get(self, request: Request, pk: int) -> Response:
        attachment = objects.readable_attachment(pk, folder_access(request.user))
        return Response(AttachmentSerializer(attachment).data)

    @extend_schema(
        tags=TAG,
        request=AttachmentUpdate,
        responses=AttachmentSerializer,
        summary="Rename, move, colour or tag an attachment",
        description="All changes or none.",
    )
    def patch(self, request: Request, pk: int) -> Response:
        user = request.user
        attachment = objects.readable_attachment(pk, folder_access(user))
        data = objects.body(AttachmentUpdate, request)
        with transaction.atomic():
            if "name" in data:
                attachment_service.rename(user, attachment, data["name"])
            if "folder" in data:
                target = objects.folder_field(data["folder"], "folder")
                assert target is not None
                attachment_service.move(user, [attachment], target)
            if "color" in data:
                attachment_service.set_colour(user, [attachment], data["color"])
            if "add_tags" in data or "remove_tags" in data:
                attachment_service.update_tags(
                    user,
                    [attachment],
                    add=objects.tags_field(data.get("add_tags", []), "add_tags"),
                    remove=objects.tags_field(data.get("remove_tags", []), "remove_tags"),
                )
        return Response(
            AttachmentSerializer(objects.readable_attachment(pk, folder_access(user))).data
        )

    @extend_schema(tags=TAG, responses={204: None}, summary="Delete an attachment")
    def delete(self, request: Request, pk: int) -> Response:
        attachment = objects.readable_attachment(pk, folder_access(request.user))
        attachment_service.delete(request.user, [attachment])
        return Response(status=status.HTTP_204_NO_CONTENT)


class AttachmentDownloadView(APIView):
    permission_classes = [InternalUser]
    content_negotiation_class = FileContentNegotiation

    @extend_schema(
        tags=TAG,
        responses={**FILE_RESPONSES, 302: OpenApiResponse(description="A link: its URL.")},
        summary="Download the file (HTTP Range supported); a link redirects",
    )
    def get(self, request: Request, pk: int) -> Any:
        attachment = objects.readable_attachment(pk, folder_access(request.user), details=False)
        if not attachment.is_file:
            copy = cloud_copy(attachment)
            if copy is not None:
                return cloud_response(attachment, copy, inline=False)
            return HttpResponseRedirect(attachment.url)
        return file_response(request, attachment, inline=False)


class AttachmentPreviewView(APIView):
    permission_classes = [InternalUser]
    content_negotiation_class = FileContentNegotiation

    @extend_schema(
        tags=TAG,
        responses={**FILE_RESPONSES, 415: OpenApiResponse(description="Not an image or PDF.")},
        summary="The file inline, for images and PDF files only",
        description="Sent with X-Content-Type-Options: nosniff and a sandboxing "
        "Content-Security-Policy; any other type answers 415.",
    )
    def get(self, request: Request, pk: int) -> Any:
        attachment = objects.readable_attachment(pk, folder_access(request.user), details=False)
        copy = cloud_copy(attachment)
        if copy is not None and attachment.mimetype in attachment_service.PREVIEWABLE:
            return cloud_response(attachment, copy, inline=True)
        if not attachment_service.is_previewable(attachment):
            raise NotPreviewable()
        return file_response(request, attachment, inline=True)


class CloudFileView(APIView):
    """`/api/cloud/<connection>/<path>`: the link a cloud-only attachment carries."""

    permission_classes = [InternalUser]
    content_negotiation_class = FileContentNegotiation

    @extend_schema(
        tags=TAG,
        responses=FILE_RESPONSES,
        summary="Download a file kept only in the cloud, by its cloud path",
    )
    def get(self, request: Request, connection: int, path: str) -> Any:
        copy = cloud_copy_at(connection, path)
        if copy is None:
            raise NotFound(f"no synced file at {path!r}")
        attachment = objects.readable_attachment(copy.attachment_id, folder_access(request.user))
        return cloud_response(attachment, copy, inline=False)


def _file_name(name: str) -> str:
    """The uploaded file's own name, held to the rules of the `name` field (on `file`)."""
    try:
        check_name(name)
        if len(name) > attachment_service.MAX_NAME:
            raise serializers.ValidationError(
                f"the file's name has more than {attachment_service.MAX_NAME} characters; "
                "give a shorter one in `name`"
            )
    except serializers.ValidationError as error:
        raise serializers.ValidationError({"file": error.detail}) from None
    return name
