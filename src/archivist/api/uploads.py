"""Receiving uploads: the size limit is enforced while the request is read, before anything
reaches the blob store.

Django's own handlers then spool each file to a temporary file (anything over
FILE_UPLOAD_MAX_MEMORY_SIZE), which the blob store reads in chunks: an upload of any size never
sits in memory.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict

# Room for the multipart framing and the small form fields around a file of the maximum size.
FORM_OVERHEAD = 64 * 1024


class UploadLimit(FileUploadHandler):
    """The first upload handler of an upload view. A request announcing more than the limit
    (plus the form's overhead) is not read at all; a file is dropped, with its temporary file,
    as soon as it passes the limit. `exceeded` then tells the view to answer 413."""

    def __init__(self, request: Any = None) -> None:
        super().__init__(request)
        self.limit: int = settings.MAX_UPLOAD_BYTES
        self.exceeded = False

    def handle_raw_input(
        self,
        input_data: Any,
        META: Any,
        content_length: int,
        boundary: Any,
        encoding: str | None = None,
    ) -> tuple[QueryDict, MultiValueDict[str, Any]] | None:
        if content_length > self.limit + FORM_OVERHEAD:
            self.exceeded = True
            return QueryDict(), MultiValueDict()
        return None

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if start + len(raw_data) > self.limit:
            self.exceeded = True
            raise StopUpload(connection_reset=True)  # the parser closes the temporary files
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler makes the file


def install(request: Any) -> UploadLimit:
    """Puts the limit first among the request's upload handlers (before the body is read)."""
    handler = UploadLimit(request)
    request.upload_handlers.insert(0, handler)
    return handler
