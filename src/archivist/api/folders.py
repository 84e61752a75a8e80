"""Folders: the readable tree (whole, one level, or a search), manual folders' life cycle,
archives, the default upload folder and the record a folder is linked to."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from archivist.api import objects
from archivist.api.downloads import FileContentNegotiation, zip_response
from archivist.api.fields import NameField, StrictSerializer
from archivist.api.permissions import FileManager, InternalUser
from archivist.api.serializers import (
    FolderDetailSerializer,
    FolderListSerializer,
    LinkedRecordSerializer,
)
from archivist.documents.models import Folder
from archivist.documents.services import archives, browse, listing
from archivist.documents.services import folders as folder_service
from archivist.documents.services.access import (
    FolderAccess,
    can_manage_folder,
    can_write_folder,
    folder_access,
)
from archivist.sources.errors import SourceError
from archivist.sync.services import cloud_links

TAG = ["folders"]


class SourceUnavailable(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "the record source cannot be read now"


class FolderQuery(serializers.Serializer):  # type: ignore[type-arg]
    parent = serializers.RegexField(
        r"^(root|\d+)$",
        required=False,
        help_text="Only the folders shown directly under this folder id, or under `root`.",
    )
    search = serializers.CharField(
        required=False, help_text="Folders whose name contains this text, and their parents."
    )
    archived = serializers.BooleanField(
        default=False, help_text="Include archived folders (to restore them)."
    )


class FolderCreate(StrictSerializer):
    name = NameField()
    parent = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    notes = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)


class FolderUpdate(StrictSerializer):
    name = NameField(required=False)
    notes = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    users = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=get_user_model().objects.all()
    )
    groups = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=Group.objects.all()
    )


class FolderMove(StrictSerializer):
    parent = serializers.IntegerField(
        allow_null=True, min_value=1, help_text="The new parent folder; null for the top."
    )


class ArchiveQuery(serializers.Serializer):  # type: ignore[type-arg]
    subfolders = serializers.BooleanField(default=False, help_text="Include subfolders (1).")


def detail(folder: Folder, access: FolderAccess, user: Any) -> dict[str, Any]:
    return {
        **browse.folder_node(folder, access).as_json(),
        "path": browse.readable_path(folder, access),
        "can_manage": can_manage_folder(user, folder, access),
        "can_write": can_write_folder(user, folder, access),
        "cloud": _cloud(folder),
    }


def _cloud(folder: Folder) -> dict[str, str | None] | None:
    synced = cloud_links.folder_cloud(folder.pk)
    return synced.as_json(f"/api/folders/{folder.pk}/open-in-cloud/") if synced else None


def _fresh(pk: int, user: Any) -> Response:
    access = folder_access(user, include_archived=True)
    return Response(detail(objects.readable_folder(pk, access), access, user))


class FolderListView(APIView):
    def get_permissions(self) -> list[Any]:
        return [FileManager()] if self.request.method == "GET" else [InternalUser()]

    @extend_schema(
        operation_id="folders_list",
        tags=TAG,
        parameters=[FolderQuery],
        responses=FolderListSerializer,
        summary="The folder tree as the user sees it",
        description="Readable folders in tree order, each under its nearest readable ancestor "
        "(`parent`). With `parent`, one level (lazy loading); with `search`, the matches and "
        "their parents. Needs File Manager Access.",
    )
    def get(self, request: Request) -> Response:
        params = objects.query(FolderQuery, request)
        archived = params["archived"]
        access = folder_access(request.user, include_archived=archived)
        found: dict[str, list[int]] = {"matches": [], "parents": []}
        ids: list[int] | None = None
        if params.get("search", "").strip():
            found = listing.search_folders(request.user, params["search"], access)
            wanted = set(found["matches"]) | set(found["parents"])
            ids = [pk for pk in access.tree().order if pk in wanted]
        elif "parent" in params:
            parent = None if params["parent"] == "root" else int(params["parent"])
            ids = access.tree().children.get(parent, [])
        nodes = browse.folder_nodes(request.user, access=access, ids=ids)
        return Response({"results": [node.as_json() for node in nodes], **found})

    @extend_schema(
        tags=TAG,
        request=FolderCreate,
        responses={201: FolderDetailSerializer},
        summary="Create a manual folder",
        description="At the top (File Manager Access) or inside any folder the user may write.",
    )
    def post(self, request: Request) -> Response:
        data = objects.body(FolderCreate, request)
        parent = objects.folder_field(data.get("parent"), "parent")
        folder = folder_service.create_folder(
            request.user, data["name"], parent, notes=data.get("notes", "")
        )
        access = folder_access(request.user)
        return Response(detail(folder, access, request.user), status=status.HTTP_201_CREATED)


class FolderDetailView(APIView):
    permission_classes = [InternalUser]

    @extend_schema(tags=TAG, responses=FolderDetailSerializer, summary="One folder")
    def get(self, request: Request, pk: int) -> Response:
        return _fresh(pk, request.user)

    @extend_schema(
        tags=TAG,
        request=FolderUpdate,
        responses=FolderDetailSerializer,
        summary="Rename a manual folder, change its notes or extra security",
        description="Automatic folders follow their rules: changing them is refused (403). "
        "`users` and `groups` replace the extra security (empty: open to the parent's readers).",
    )
    def patch(self, request: Request, pk: int) -> Response:
        folder = objects.readable_folder(pk, folder_access(request.user))
        data = objects.body(FolderUpdate, request)
        if not data:
            raise serializers.ValidationError(
                {"detail": "give at least one of name, notes, users, groups"}
            )
        with transaction.atomic():
            if "name" in data:
                folder_service.rename_folder(request.user, folder, data["name"])
            if {"notes", "users", "groups"} & set(data):
                folder_service.set_security(
                    request.user,
                    folder,
                    users=data.get("users", list(folder.users.all())),
                    groups=data.get("groups", list(folder.groups.all())),
                    notes=data.get("notes"),
                )
        return _fresh(pk, request.user)


class FolderMoveView(APIView):
    permission_classes = [InternalUser]

    @extend_schema(
        tags=TAG,
        request=FolderMove,
        responses=FolderDetailSerializer,
        summary="Move a manual folder (drag and drop)",
        description="Refused (400 on `parent`) when the target is the folder itself or inside "
        "it, even when two moves race.",
    )
    def post(self, request: Request, pk: int) -> Response:
        folder = objects.readable_folder(pk, folder_access(request.user))
        data = objects.body(FolderMove, request)
        parent = objects.folder_field(data["parent"], "parent")
        folder_service.move_folder(request.user, folder, parent)
        return _fresh(pk, request.user)


class FolderArchiveView(APIView):
    permission_classes = [InternalUser]

    @extend_schema(
        tags=TAG,
        request=None,
        responses=FolderDetailSerializer,
        summary="Archive a manual folder and everything inside",
    )
    def post(self, request: Request, pk: int) -> Response:
        folder = objects.readable_folder(pk, folder_access(request.user))
        folder_service.archive_folder(request.user, folder)
        return _fresh(pk, request.user)


class FolderRestoreView(APIView):
    permission_classes = [InternalUser]

    @extend_schema(
        tags=TAG,
        request=None,
        responses=FolderDetailSerializer,
        summary="Restore an archived manual folder with what was archived with it",
    )
    def post(self, request: Request, pk: int) -> Response:
        folder = objects.readable_folder(pk, folder_access(request.user, include_archived=True))
        folder_service.restore_folder(request.user, folder)
        return _fresh(pk, request.user)


class FolderZipView(APIView):
    permission_classes = [InternalUser]
    content_negotiation_class = FileContentNegotiation

    @extend_schema(
        tags=TAG,
        parameters=[ArchiveQuery],
        responses={
            (200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY, "A streamed ZIP."),
            400: OpenApiResponse(description="More files than ARCHIVIST_ZIP_MAX_FILES."),
        },
        summary="Download a folder as a ZIP",
        description="The readable attachments of the folder (and of its readable subfolders "
        "with `subfolders=1`), streamed.",
    )
    def get(self, request: Request, pk: int) -> Any:
        params = objects.query(ArchiveQuery, request)
        access = folder_access(request.user)
        folder = objects.readable_folder(pk, access)
        if not folder.active:
            raise NotFound(f"folder {pk} is archived")
        subfolders = params["subfolders"]
        criteria = listing.AttachmentFilter(folders=[pk], include_subfolders=subfolders)
        rows = listing.attachments_queryset(request.user, criteria, access)
        return zip_response(archives.folder_entries(folder, rows, subfolders), folder.name)


class DefaultFolderView(APIView):
    permission_classes = [FileManager]

    @extend_schema(
        tags=TAG,
        responses={200: FolderDetailSerializer, 404: OpenApiResponse(description="None.")},
        summary='The folder "Upload to …" targets',
        description="The last folder the user selected while it stays writable, else the "
        "first readable folder in tree order.",
    )
    def get(self, request: Request) -> Response:
        access = folder_access(request.user)
        folder = folder_service.default_upload_folder(request.user, access)
        if folder is None:
            raise NotFound("there is no folder you may upload to")
        return Response(detail(folder, access, request.user))


class FolderSelectView(APIView):
    permission_classes = [FileManager]

    @extend_schema(
        tags=TAG,
        request=None,
        responses=FolderDetailSerializer,
        summary="Remember the folder as the user's last selected (the default upload folder)",
    )
    def post(self, request: Request, pk: int) -> Response:
        access = folder_access(request.user)
        folder = objects.readable_folder(pk, access)
        if not can_write_folder(request.user, folder, access):
            raise serializers.ValidationError({"detail": f"folder {pk} is archived"})
        folder_service.remember_folder(request.user, folder)
        return Response(detail(folder, access, request.user))


class FolderRecordView(APIView):
    permission_classes = [InternalUser]

    @extend_schema(
        tags=TAG,
        responses={200: LinkedRecordSerializer, 503: OpenApiResponse(description="Unreadable.")},
        summary="Open the linked record",
        description="The record a record folder stands for, read from its source: display "
        "name and every column field. 404 for folders not linked to a record.",
    )
    def get(self, request: Request, pk: int) -> Response:
        access = folder_access(request.user)
        folder = objects.readable_folder(pk, access)
        try:
            record = browse.linked_record(request.user, folder, access)
        except Folder.DoesNotExist as error:
            raise NotFound(str(error)) from None
        except SourceError as error:
            raise SourceUnavailable(str(error)) from error
        return Response(record)
