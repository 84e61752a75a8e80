"""Uploads whose request body is the file itself: `POST /api/folders/{id}/files/?name=…`.

For programs and the web app alike: no multipart framing to build or parse, and the body goes
from the socket to the blob store in chunks (hashed on the way), never through a form parser
or a temporary upload file. `curl --data-binary @report.pdf "…/files/?name=report.pdf"`.
"""

from __future__ import annotations

from typing import Any, BinaryIO

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, NotFound
from rest_framework.parsers import BaseParser, DataAndFiles
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from archivist.api import objects
from archivist.api.fields import NameField
from archivist.api.permissions import InternalUser
from archivist.api.serializers import new_attachment_json
from archivist.documents.services import attachments as attachment_service
from archivist.documents.services.attachments import FileTooLarge

__all__ = ["FolderFilesView"]


class RawUploadQuery(serializers.Serializer):  # type: ignore[type-arg]
    name = NameField(help_text="The file's name.")


class BadLength(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "Content-Length must be the body's size in bytes"


class FormBody(APIException):
    status_code = status.HTTP_415_UNSUPPORTED_MEDIA_TYPE
    default_detail = (
        "the body must be the file itself, with its own Content-Type (for example "
        "application/octet-stream), not a form; forms go to POST /api/attachments/"
    )


FORMS = ("multipart/form-data", "application/x-www-form-urlencoded")


class UnreadBody(BaseParser):
    """Leaves the body to the view. DRF parses a body when anything asks for form data (the
    CSRF check of a signed-in browser does): this parser answers "no form" without reading."""

    media_type = "*/*"

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        return DataAndFiles({}, {})  # type: ignore[no-untyped-call]


class FolderFilesView(APIView):
    permission_classes = [InternalUser]
    parser_classes = [UnreadBody]

    @extend_schema(
        tags=["attachments"],
        parameters=[RawUploadQuery],
        request={"application/octet-stream": OpenApiTypes.BINARY},
        responses={
            201: OpenApiResponse(description="The new attachment (as GET /api/attachments/{id}/)."),
            413: OpenApiResponse(description="Larger than ARCHIVIST_MAX_UPLOAD."),
        },
        summary="Upload a file into a folder, the request body being the file",
        description="Streamed to the blob store; the mimetype is sniffed from the content (the "
        "request's Content-Type is not trusted).",
    )
    def post(self, request: Request, pk: int) -> Response:
        if str(request.content_type).split(";")[0].strip().lower() in FORMS:
            raise FormBody()  # Django may read a form body on its own: never take it as a file
        name = objects.query(RawUploadQuery, request)["name"]
        length = _content_length(request)
        if length > settings.MAX_UPLOAD_BYTES:
            raise FileTooLarge(settings.MAX_UPLOAD_BYTES)  # before reading a byte
        folder = attachment_service.upload_folder(pk)
        if folder is None:
            raise NotFound(f"no folder {pk}")
        body: BinaryIO = request._request  # Django's request reads the body, to Content-Length
        attachment = attachment_service.upload(request.user, folder, name, body)
        return Response(new_attachment_json(attachment), status=status.HTTP_201_CREATED)


def _content_length(request: Request) -> int:
    """The body's size; none given means no body (HTTP/1.1: no length, no chunks, no body)."""
    raw = request.META.get("CONTENT_LENGTH") or "0"
    try:
        length = int(raw)
    except ValueError:
        raise BadLength() from None
    if length < 0:
        raise BadLength()
    return length
