"""Open in Cloud: a redirect to a synced file or folder in its cloud, for whoever may read it.

The redirect is computed at the click (see `sync.services.cloud_links`): a presigned S3 URL
is fresh, and a Nextcloud public link ("Use Public URLs") is made only for items opened.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponseRedirect
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import APIException, NotFound
from rest_framework.request import Request
from rest_framework.views import APIView

from archivist.api import objects
from archivist.api.permissions import InternalUser
from archivist.documents.services.access import folder_access
from archivist.sync.services import cloud_links
from archivist.sync.services.scope import file_key, folder_key

__all__ = ["AttachmentInCloudView", "FolderInCloudView"]

RESPONSES = {
    302: OpenApiResponse(description="To the item in its cloud (Location)."),
    403: OpenApiResponse(description="The user may not read the item."),
    404: OpenApiResponse(description="No such item, or it is not synced."),
    409: OpenApiResponse(description="Synced, but its cloud has no place to open it."),
    503: OpenApiResponse(description="The cloud could not make the link now."),
}


class NoCloudLink(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "no_cloud_link"


class CloudUnreachable(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "cloud_unreachable"


def _redirect(key: str) -> HttpResponseRedirect:
    try:
        url = cloud_links.open_in_cloud(key)
    except cloud_links.NotSynced as error:
        raise NotFound(str(error)) from None
    except cloud_links.NoCloudLink as error:
        raise NoCloudLink(str(error)) from None
    except cloud_links.CloudUnreachable as error:
        raise CloudUnreachable(str(error)) from None
    response = HttpResponseRedirect(url)
    response["Cache-Control"] = "no-store"  # presigned URLs expire; ask again at each click
    response["Referrer-Policy"] = "no-referrer"
    return response


class AttachmentInCloudView(APIView):
    permission_classes = [InternalUser]

    @extend_schema(
        tags=["attachments"], responses=RESPONSES, summary="Open a synced file in its cloud"
    )
    def get(self, request: Request, pk: int) -> Any:
        objects.readable_attachment(pk, folder_access(request.user), details=False)
        return _redirect(file_key(pk))


class FolderInCloudView(APIView):
    permission_classes = [InternalUser]

    @extend_schema(
        tags=["folders"], responses=RESPONSES, summary="Open a synced folder in its cloud"
    )
    def get(self, request: Request, pk: int) -> Any:
        objects.readable_folder(pk, folder_access(request.user))
        return _redirect(folder_key(pk))
