"""Managing portal shares (spec "Sharing in Portal"): every user with File Manager Access (or
Administration) may create and change any share. The rules live in
`documents.services.share_admin` and `documents.services.shares`; this module only translates.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from archivist.api import downloads
from archivist.api import share_serializers as shapes
from archivist.api.permissions import FileManager
from archivist.api.share_serializers import ShareSerializer, access_url, portal_url
from archivist.api.switches import SharingTurnedOn
from archivist.documents.models import Attachment, Share, ShareAccess
from archivist.documents.services import archives, share_admin
from archivist.documents.services import shares as share_service
from archivist.documents.zipstream import ZipEntry

ZIP = OpenApiResponse(OpenApiTypes.BINARY, description="A ZIP archive, streamed.")
NO_CONTENT = OpenApiResponse(description="Done.")
TAGS = ["shares"]


def query_int(request: Request, name: str, *, default: int, low: int, high: int) -> int:
    """An integer query parameter; a 400 naming it when it is not one in [low, high]."""
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise serializers.ValidationError({name: f"a whole number from {low} to {high}"})
    return value


def zip_response(
    rows: QuerySet[Attachment],
    label: str,
    entries: Callable[[QuerySet[Attachment]], list[ZipEntry]],
    before: Callable[[int], None] | None = None,
) -> StreamingHttpResponse:
    """Streams `entries(rows)` as "`label`.zip". Archives over the size limit are refused from
    a count, before any entry is built; then `before(number of files)` may count or refuse
    the download."""
    files = rows.count()
    archives.check_count(files)
    if before is not None:
        before(files)
    return downloads.zip_response(entries(rows), label)


class ManageView(APIView):
    permission_classes = [FileManager, SharingTurnedOn]

    def share(self, pk: int) -> Share:
        return get_object_or_404(Share, pk=pk)


class ShareListView(ManageView):
    @extend_schema(
        tags=TAGS,
        summary="The share tree (flat, with parents); with `search`, matches and ancestors",
        parameters=[
            OpenApiParameter("search", str, description="Part of a share's name."),
            OpenApiParameter("archived", bool, description="Include archived shares."),
        ],
        responses=shapes.ShareListItemSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        archived = request.query_params.get("archived", "").lower() in ("1", "true")
        rows, matches = share_admin.search(
            request.query_params.get("search", ""), include_archived=archived
        )
        context = {"matches": matches}
        return Response(shapes.ShareListItemSerializer(rows, many=True, context=context).data)

    @extend_schema(
        tags=TAGS,
        summary="Create a share",
        request=ShareSerializer,
        responses={201: ShareSerializer},
    )
    def post(self, request: Request) -> Response:
        return _save(request, None, status.HTTP_201_CREATED)


class ShareDetailView(ManageView):
    @extend_schema(tags=TAGS, summary="A share with all its settings", responses=ShareSerializer)
    def get(self, request: Request, pk: int) -> Response:
        share = self.share(pk)
        return Response(ShareSerializer(share, context={"request": request}).data)

    @extend_schema(
        tags=TAGS,
        summary="Change a share's settings, partners and contents",
        request=ShareSerializer,
        responses=ShareSerializer,
    )
    def patch(self, request: Request, pk: int) -> Response:
        return _save(request, self.share(pk), status.HTTP_200_OK)


def _save(request: Request, share: Share | None, code: int) -> Response:
    serializer = ShareSerializer(
        share, data=request.data, partial=share is not None, context={"request": request}
    )
    serializer.is_valid(raise_exception=True)
    values = dict(serializer.validated_data)
    by_token = values.pop("access_by_token", None)
    contents = share_admin.Contents(
        **{
            key: values.pop(key)
            for key in ("partners", "folders", "tags", "attachments")
            if key in values
        }
    )
    saved = share_admin.save_share(request.user, share, values, contents, access_by_token=by_token)
    return Response(ShareSerializer(saved, context={"request": request}).data, status=code)


class ShareTokenView(ManageView):
    @extend_schema(
        tags=TAGS,
        summary="Make a new token URL (the previous one stops working)",
        request=None,
        responses=shapes.TokenSerializer,
    )
    def post(self, request: Request, pk: int) -> Response:
        share = self.share(pk)
        token = share_service.generate_token(share)
        return Response({"token": token, "access_url": access_url(request, share)})

    @extend_schema(tags=TAGS, summary="Remove the token URL", responses={204: NO_CONTENT})
    def delete(self, request: Request, pk: int) -> Response:
        share_service.revoke_token(self.share(pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class SharePasswordView(ManageView):
    @extend_schema(
        tags=TAGS,
        summary="Set or remove the password of the token URL",
        request=shapes.PasswordSerializer,
        responses={204: NO_CONTENT},
    )
    def post(self, request: Request, pk: int) -> Response:
        serializer = shapes.PasswordSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        share_service.set_password(self.share(pk), serializer.validated_data["password"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class ShareInviteView(ManageView):
    @extend_schema(
        tags=TAGS,
        summary="Email each partner the link to the share",
        request=shapes.InviteSerializer,
        responses=shapes.InvitationsSerializer,
    )
    def post(self, request: Request, pk: int) -> Response:
        serializer = shapes.InviteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        share = self.share(pk)
        result = share_admin.invite(
            request.user,
            share,
            lambda _: portal_url(request, share),
            serializer.validated_data["note"],
        )
        return Response({"sent": result.sent, "skipped": result.skipped})


class ShareArchiveView(ManageView):
    @extend_schema(
        tags=TAGS,
        summary="Archive a share and its child shares",
        request=None,
        responses=shapes.CountSerializer,
    )
    def post(self, request: Request, pk: int) -> Response:
        return Response({"changed": share_admin.archive_share(request.user, self.share(pk))})


class ShareRestoreView(ManageView):
    @extend_schema(
        tags=TAGS,
        summary="Restore a share and its child shares (unless expired)",
        request=None,
        responses=shapes.CountSerializer,
    )
    def post(self, request: Request, pk: int) -> Response:
        return Response({"changed": share_admin.restore_share(request.user, self.share(pk))})


class ShareAccessLogView(ManageView):
    @extend_schema(
        tags=TAGS,
        summary="Who opened, downloaded or uploaded what, and when (newest first)",
        parameters=[
            OpenApiParameter("action", str, enum=ShareAccess.Action.values),
            OpenApiParameter("limit", int, description="At most this many entries (1–1000)."),
        ],
        responses=shapes.AccessLogSerializer(many=True),
    )
    def get(self, request: Request, pk: int) -> Response:
        rows = self.share(pk).access_log.select_related("user")
        action = request.query_params.get("action")
        if action:
            rows = rows.filter(action=action)
        limit = query_int(request, "limit", default=100, low=1, high=1000)
        return Response(shapes.AccessLogSerializer(rows[:limit], many=True).data)


class ShareZipView(ManageView):
    content_negotiation_class = downloads.FileContentNegotiation

    @extend_schema(tags=TAGS, summary="Download the whole share as a ZIP", responses=ZIP)
    def get(self, request: Request, pk: int) -> StreamingHttpResponse:
        share = self.share(pk)
        rows = share_service.contents(share_service.Visit(share, request.user, None))
        return zip_response(rows, share.name, archives.by_folder_entries)


class ShareMessagesView(ManageView):
    @extend_schema(
        tags=TAGS, summary="The share's chat", responses=shapes.MessageSerializer(many=True)
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(shapes.MessageSerializer(self.share(pk).messages.all(), many=True).data)

    @extend_schema(
        tags=TAGS,
        summary="Answer in the share's chat",
        request=shapes.MessageSerializer,
        responses={201: shapes.MessageSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        serializer = shapes.MessageSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        body = serializer.validated_data["body"]
        message = share_admin.reply(request.user, self.share(pk), body)
        return Response(shapes.MessageSerializer(message).data, status=status.HTTP_201_CREATED)


class AddToShareView(ManageView):
    @extend_schema(
        tags=TAGS,
        summary='Mass action "Share": add attachments to a share',
        request=shapes.AddToShareSerializer,
        responses={200: ShareSerializer},
    )
    def post(self, request: Request) -> Response:
        serializer = shapes.AddToShareSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        new = None
        if "name" in data:
            new = share_admin.NewShare(
                name=data["name"],
                partners=data.get("partners", []),
                access_by_token=data["access_by_token"],
                expires_on=data.get("expires_on"),
            )
        share = share_admin.share_attachments(
            request.user,
            data["attachments"],
            share=data.get("share"),
            new=new,
            folders=data.get("folders", []),
            tags=data.get("tags", []),
        )
        if new is not None and data["invite"] and new.partners:
            share_admin.invite(request.user, share, lambda _: portal_url(request, share))
        return Response(ShareSerializer(share, context={"request": request}).data)
