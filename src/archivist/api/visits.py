"""Visiting a share (spec "Sharing in Portal"), by its token URL under `/api/visit/{token}/` (no
account needed) or as a signed-in portal user under `/api/portal/shares/{id}/`: the same
endpoints under both prefixes, and never anything outside the share.

A closed share (archived, expired, unknown, tampered or revoked token) answers 404
`{"detail": …, "code": "share_closed"}`; a token visitor who has not unlocked a share with a
password (`POST …/unlock/`, remembered in the session) gets 403 with code
`password_required`; past the download limit, 403 with code `download_limit_reached`. The
rules live in `documents.services.shares`.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import APIException, NotAuthenticated, PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from archivist.api import downloads, switches
from archivist.api import share_serializers as shapes
from archivist.api.shares import ZIP, zip_response
from archivist.documents.models import Attachment, Folder, Share, Tag
from archivist.documents.services import archives
from archivist.documents.services import shares as service

SESSION_KEY = "archivist.share-unlocks"  # {token: password fingerprint}
TAGS = ["visits"]
FILE = OpenApiResponse(OpenApiTypes.BINARY, description="The file (a link: a redirect to it).")


def _coded(code: int, detail: str, name: str) -> APIException:
    error = APIException({"detail": detail, "code": name})
    error.status_code = code
    return error


class VisitView(APIView):
    """Resolves the visit from the URL: `token`, or `share_id` for a signed-in user."""

    permission_classes = [AllowAny]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        switches.check_sharing()

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, service.ShareClosed):
            exc = _coded(404, str(exc), "share_closed")
        elif isinstance(exc, service.TooManyGuesses):
            wait = exc.retry_after
            exc = _coded(429, str(exc), "too_many_guesses")
            response = super().handle_exception(exc)
            response["Retry-After"] = str(wait)
            return response
        elif isinstance(exc, service.PasswordRequired):
            exc = _coded(403, str(exc), "password_required")
        elif isinstance(exc, service.DownloadLimitReached):
            exc = _coded(403, str(exc), "download_limit_reached")
        elif isinstance(exc, service.NotAnImage):
            exc = _coded(415, exc.messages[0], "not_an_image")
        return super().handle_exception(exc)

    @property
    def by_token(self) -> bool:
        return "token" in self.kwargs

    def share(self) -> Share:
        """The share the URL names, before any password check."""
        if self.by_token:
            return service.share_by_token(self.kwargs["token"])
        if not self.request.user.is_authenticated:
            raise NotAuthenticated()
        return get_object_or_404(Share, pk=self.kwargs["share_id"])

    def visit(self) -> service.Visit:
        request = self.request
        address = request.META.get("REMOTE_ADDR")
        if self.by_token:
            token = self.kwargs["token"]
            unlocked = request.session.get(SESSION_KEY, {}).get(token)
            return service.enter_by_token(token, address, unlocked=unlocked, user=request.user)
        return service.enter_as_user(self.share(), request.user, address)


class PortalSharesView(APIView):
    permission_classes = [IsAuthenticated]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        switches.check_sharing()

    @extend_schema(
        tags=TAGS,
        summary='The portal\'s "Shares": open shares listing you',
        responses=shapes.PortalShareSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        rows = service.shares_of(request.user)
        return Response(shapes.PortalShareSerializer(rows, many=True).data)


class SummaryView(VisitView):
    @extend_schema(
        tags=TAGS,
        summary="The share: name, what you may do, how much it holds",
        responses=shapes.SummarySerializer,
    )
    def get(self, request: Request, **_: Any) -> Response:
        visit = self.visit()
        service.record_view(visit)
        summary = service.summary(visit, by_token=self.by_token)
        return Response(shapes.SummarySerializer(summary).data)


class AttachmentsView(VisitView):
    @extend_schema(
        tags=TAGS,
        summary="The share's attachments: search, pick, sort, page",
        parameters=[shapes.AttachmentQuerySerializer],
        responses=shapes.AttachmentPageSerializer,
    )
    def get(self, request: Request, **_: Any) -> Response:
        visit = self.visit()
        query = shapes.AttachmentQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        q = query.validated_data
        criteria = service.VisitorFilter(
            text=q["search"],
            search_in=q["search_in"],
            folder=q.get("folder"),
            tag=q.get("tag"),
            order=q["order"],
        )
        rows = service.find(visit, criteria)
        items = rows.select_related("folder").prefetch_related("tags")
        items = items[q["offset"] : q["offset"] + q["limit"]]
        context = {"share": visit.share}
        page = shapes.VisitAttachmentSerializer(items, many=True, context=context).data
        return Response({"count": rows.count(), "items": page})


class DownloadView(VisitView):
    """Every request counts as a download (range requests included): a limit is a limit."""

    content_negotiation_class = downloads.FileContentNegotiation

    @extend_schema(
        tags=TAGS,
        summary="Download one attachment (counted and logged)",
        responses={200: FILE, 302: FILE},
    )
    def get(self, request: Request, attachment_id: int, **_: Any) -> HttpResponse:
        visit = self.visit()
        attachment = Attachment.objects.filter(pk=attachment_id).first()
        if attachment is None:
            raise PermissionDenied("this file is not in the share")
        service.download(visit, attachment)
        if not attachment.is_file:
            return HttpResponseRedirect(attachment.url)
        return downloads.file_response(request, attachment, inline=False)


class PreviewView(VisitView):
    """An image of the share inline, for the slideshow: logged as a view, never counted as a
    download (the share's download limit is for downloads)."""

    content_negotiation_class = downloads.FileContentNegotiation

    @extend_schema(
        tags=TAGS,
        summary="Show one image of the share inline (the slideshow; logged as a view)",
        responses={
            200: OpenApiResponse(OpenApiTypes.BINARY, description="The image, inline."),
            415: OpenApiResponse(description="Not an image: `code` not_an_image."),
        },
    )
    def get(self, request: Request, attachment_id: int, **_: Any) -> HttpResponse:
        visit = self.visit()
        attachment = Attachment.objects.filter(pk=attachment_id).first()
        if attachment is None:
            raise PermissionDenied("this file is not in the share")
        service.view_image(visit, attachment)
        return downloads.file_response(request, attachment, inline=True)


class ArchiveView(VisitView):
    """The whole share, one folder (`folder_id`) or one tag (`tag_id`) as a ZIP."""

    content_negotiation_class = downloads.FileContentNegotiation

    @extend_schema(
        tags=TAGS, summary="Download as a ZIP (the share, a folder or a tag)", responses=ZIP
    )
    def get(self, request: Request, **kwargs: Any) -> HttpResponse:
        visit = self.visit()
        folder_id, tag_id = kwargs.get("folder_id"), kwargs.get("tag_id")
        rows = service.archive_contents(visit, folder=folder_id, tag=tag_id)
        if folder_id is not None:
            folder = Folder.objects.get(pk=folder_id)
            label, entries = folder.name, lambda r: archives.folder_entries(folder, r, True)
        elif tag_id is not None:
            label, entries = Tag.objects.get(pk=tag_id).name, archives.by_folder_entries
        else:
            label, entries = visit.share.name, archives.by_folder_entries

        def count(files: int) -> None:
            service.download_many(visit, files, label)

        return zip_response(rows, label, entries, count)


def _tree(nodes: list[Any], matches: set[int], **context: Any) -> list[Any]:
    context.update(shown={node.pk for node in nodes}, matches=matches)
    return shapes.TreeNodeSerializer(nodes, many=True, context=context).data


class FoldersView(VisitView):
    @extend_schema(
        tags=TAGS,
        summary="The share's folders (when shown); search when allowed",
        parameters=[shapes.TreeQuerySerializer],
        responses=shapes.TreeNodeSerializer(many=True),
    )
    def get(self, request: Request, **_: Any) -> Response:
        visit = self.visit()
        folders, matches = service.visible_folders(visit, request.query_params.get("search", ""))
        writable = set(service.writable_folders(visit).values_list("pk", flat=True))
        addable = writable if visit.share.allow_add_folders else set()
        share = visit.share
        uploadable = writable if share.allow_upload or share.upload_only else set()
        target = service.upload_target(visit)
        context = {"addable": addable, "target": target.pk if target else None}
        context["writable"] = uploadable
        return Response(_tree(folders, matches, **context))

    @extend_schema(
        tags=TAGS,
        summary="Create a subfolder of a shared folder (when allowed)",
        request=shapes.NewChildSerializer,
        responses={201: shapes.TreeNodeSerializer},
    )
    def post(self, request: Request, **_: Any) -> Response:
        visit = self.visit()
        data = _valid(shapes.NewChildSerializer, request.data)
        parent = Folder.objects.filter(pk=data["parent"]).first()
        if parent is None:
            raise PermissionDenied("this folder is not shared")
        folder = service.add_folder(visit, parent, data["name"])
        uploads = visit.share.allow_upload or visit.share.upload_only
        node = _tree(
            [folder], set(), addable={folder.pk}, writable={folder.pk} if uploads else set()
        )[0]
        return Response({**node, "parent": parent.pk}, status=status.HTTP_201_CREATED)


class TagsView(VisitView):
    @extend_schema(
        tags=TAGS,
        summary="The share's tags (when shown); search when allowed",
        parameters=[shapes.TreeQuerySerializer],
        responses=shapes.TreeNodeSerializer(many=True),
    )
    def get(self, request: Request, **_: Any) -> Response:
        visit = self.visit()
        tags, matches = service.visible_tags(visit, request.query_params.get("search", ""))
        by_pk = {tag.pk: tag for tag in tags}

        def parents(tag: Tag) -> list[int]:
            chain = []
            while tag.parent_id in by_pk and tag.parent_id not in chain:
                chain.append(tag.parent_id)
                tag = by_pk[tag.parent_id]
            return chain

        addable = service.addable_tags(visit)
        return Response(_tree(tags, matches, parents=parents, addable=addable))

    @extend_schema(
        tags=TAGS,
        summary="Create a subtag of a shared tag (when allowed)",
        request=shapes.NewChildSerializer,
        responses={201: shapes.TreeNodeSerializer},
    )
    def post(self, request: Request, **_: Any) -> Response:
        visit = self.visit()
        data = _valid(shapes.NewChildSerializer, request.data)
        parent = Tag.objects.filter(pk=data["parent"]).first()
        if parent is None:
            raise PermissionDenied("this tag is not shared")
        tag = service.add_tag(visit, parent, data["name"])
        node = _tree([tag], set(), parents=lambda _: [], addable={tag.pk})[0]
        return Response({**node, "parent": parent.pk}, status=status.HTTP_201_CREATED)


class UploadView(VisitView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        tags=TAGS,
        summary="Upload files into a shared folder (when allowed)",
        request={"multipart/form-data": shapes.UploadSerializer},
        responses={201: shapes.UploadedSerializer(many=True)},
    )
    def post(self, request: Request, **_: Any) -> Response:
        visit = self.visit()
        data = _valid(shapes.UploadSerializer, request.data)
        folder = None
        if "folder" in data:
            folder = Folder.objects.filter(pk=data["folder"]).first()
            if folder is None:
                raise PermissionDenied("this folder is not shared for uploads")
        stored = [service.upload(visit, folder, item.name, item) for item in data["file"]]
        body = shapes.UploadedSerializer(stored, many=True).data
        return Response(body, status=status.HTTP_201_CREATED)


class MessagesView(VisitView):
    @extend_schema(
        tags=TAGS,
        summary="The share's chat (when shown)",
        responses=shapes.MessageSerializer(many=True),
    )
    def get(self, request: Request, **_: Any) -> Response:
        rows = service.messages(self.visit())
        return Response(shapes.MessageSerializer(rows, many=True).data)

    @extend_schema(
        tags=TAGS,
        summary="Write in the share's chat (`author_name`: token visitors)",
        request=shapes.MessageSerializer,
        responses={201: shapes.MessageSerializer},
    )
    def post(self, request: Request, **_: Any) -> Response:
        visit = self.visit()
        data = _valid(shapes.MessageSerializer, request.data)
        message = service.post_message(visit, data["body"], data.get("author_name", ""))
        return Response(shapes.MessageSerializer(message).data, status=status.HTTP_201_CREATED)


class UnlockView(VisitView):
    @extend_schema(
        tags=TAGS,
        summary="Give the share's password (remembered in the session)",
        request=shapes.UnlockSerializer,
        responses=shapes.UnlockedSerializer,
    )
    def post(self, request: Request, **_: Any) -> Response:
        share = self.share()
        if not self.by_token:
            self.visit()  # a portal user must be listed on the share
        password = _valid(shapes.UnlockSerializer, request.data)["password"]
        address = request.META.get("REMOTE_ADDR")
        fingerprint = service.unlock(share, password, address, request.user)
        if self.by_token:
            unlocks = request.session.get(SESSION_KEY, {})
            unlocks[self.kwargs["token"]] = fingerprint
            request.session[SESSION_KEY] = unlocks
        return Response({"unlocked": True})


def _valid(serializer_class: Any, data: Any) -> Any:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
