"""Streamed file and ZIP responses, shared by attachments, folders and tags.

Files are read from the blob store in chunks (memory stays flat for any size) and honour one
HTTP byte range (RFC 9110 §14): `bytes=0-99`, `bytes=100-`, `bytes=-100`. A range past the end
answers 416 with `Content-Range: bytes */size`; a malformed or multi-range header is ignored
(the whole file is sent, as the RFC allows), and so is a range whose `If-Range` no longer
matches. The ETag is the blob's SHA-256, so it changes exactly when the content does.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from django.http import HttpResponse, HttpResponseBase, StreamingHttpResponse
from rest_framework.exceptions import NotFound
from rest_framework.negotiation import DefaultContentNegotiation

from archivist.documents.blobstore import BlobMissing, default_store
from archivist.documents.blobstore.base import CHUNK
from archivist.documents.blobstore.local import LocalBlobStore
from archivist.documents.models import Attachment
from archivist.documents.services import archives
from archivist.documents.zipstream import ZipEntry

log = logging.getLogger("archivist.api.downloads")

# Served with every file: the browser must not guess another type, and a file opened in a
# tab runs no script and reaches no origin.
SAFETY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "sandbox",
    "Cache-Control": "private, no-cache",
}


class FileContentNegotiation(DefaultContentNegotiation):
    """Download endpoints answer whatever the client accepts (a file is a file); their error
    messages are JSON."""

    def select_renderer(self, request: Any, renderers: Any, format_suffix: Any = None) -> Any:
        return renderers[0], renderers[0].media_type


@dataclass(frozen=True)
class ByteRange:
    start: int
    end: int  # inclusive

    @property
    def length(self) -> int:
        return self.end - self.start + 1


class Unsatisfiable(Exception):
    """The requested range starts at or past the end of the file."""


def parse_range(header: str, size: int) -> ByteRange | None:
    """The one range a `Range` header asks for, None to send everything (no header, another
    unit, several ranges, bad syntax); Unsatisfiable when no byte of the file is in it."""
    unit, _, spec = header.strip().partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        return None
    first, dash, last = spec.strip().partition("-")
    first, last = first.strip(), last.strip()
    if not dash or not (first.isdigit() or first == "") or not (last.isdigit() or last == ""):
        return None
    if first == "":
        if last == "":
            return None
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise Unsatisfiable
        return ByteRange(max(0, size - suffix), size - 1)
    start = int(first)
    if last != "" and int(last) < start:
        return None
    if start >= size:
        raise Unsatisfiable
    return ByteRange(start, size - 1 if last == "" else min(int(last), size - 1))


class BlobPart:
    """`length` bytes of a local blob from `start`, as a file-like object opened on first use
    (a response whose body is never sent opens nothing) and as an iterable of chunks."""

    def __init__(self, store: LocalBlobStore, blob: str, start: int, length: int) -> None:
        self.store, self.blob, self.start, self.length = store, blob, start, length
        self._file: BinaryIO | None = None

    def _opened(self) -> BinaryIO:
        if self._file is None:
            self._file = self.store.open(self.blob)
            self._file.seek(self.start)
        return self._file

    def read(self, size: int = -1) -> bytes:
        return self._opened().read(size)

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._opened().seek(offset, whence)

    def tell(self) -> int:
        return self._opened().tell()

    def seekable(self) -> bool:
        return True

    def __iter__(self) -> Iterator[bytes]:
        remaining = self.length
        while remaining > 0 and (chunk := self._opened().read(min(CHUNK, remaining))):
            remaining -= len(chunk)
            yield chunk

    def close(self) -> None:
        if self._file is not None:
            self._file.close()


def file_response(request: Any, attachment: Attachment, *, inline: bool) -> HttpResponseBase:
    """The attachment's bytes, whole (200) or one range (206), as a download or inline."""
    blob, size = attachment.blob, attachment.size
    etag = f'"{blob}"'
    if request.method in ("GET", "HEAD") and etag in _etags(request.META.get("HTTP_IF_NONE_MATCH")):
        response: HttpResponseBase = HttpResponse(status=304)
        response["ETag"] = etag
        return response
    header = request.META.get("HTTP_RANGE", "")
    if_range = request.META.get("HTTP_IF_RANGE")
    try:
        byte_range = parse_range(header, size) if header and if_range in (None, etag) else None
    except Unsatisfiable:
        response = HttpResponse(
            b'{"detail": "the range starts past the end of the file"}',
            status=416,
            content_type="application/json",
        )
        response["Content-Range"] = f"bytes */{size}"
        response["Accept-Ranges"] = "bytes"
        return response
    start, length = (0, size) if byte_range is None else (byte_range.start, byte_range.length)
    status = 200 if byte_range is None else 206
    content_type = attachment.mimetype or "application/octet-stream"
    store = default_store()
    try:
        if isinstance(store, LocalBlobStore):
            store.size(blob)  # BlobMissing now, not while streaming
            part = BlobPart(store, blob, start, length)
            response = StreamingHttpResponse(part, status=status, content_type=content_type)
            # WSGI servers with wsgi.file_wrapper (waitress) send it from the file instead of
            # copying it through their output buffer
            response.file_to_stream = part  # type: ignore[attr-defined]
            response.block_size = CHUNK  # type: ignore[attr-defined]
        else:
            chunks = store.read_range(blob, start, length)
            response = StreamingHttpResponse(chunks, status=status, content_type=content_type)
    except BlobMissing:
        log.error("attachment %s: blob %s is missing from the blob store", attachment.pk, blob)
        raise NotFound(f"the content of {attachment.name!r} is missing from the store") from None
    if byte_range is not None:
        response["Content-Range"] = f"bytes {byte_range.start}-{byte_range.end}/{size}"
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = etag
    response["Content-Disposition"] = archives.content_disposition(
        attachment.name, "inline" if inline else "attachment"
    )
    for name, value in SAFETY_HEADERS.items():
        response[name] = value
    return response


def cloud_response(attachment: Attachment, copy: Any, *, inline: bool) -> HttpResponseBase:
    """The bytes of a file kept only in the cloud, streamed from there (200, no ranges)."""
    from archivist.connectors.errors import ConnectorError
    from archivist.connectors.errors import NotFound as RemoteNotFound
    from archivist.sync.services.cloud_files import CloudStream

    try:
        stream = CloudStream(copy)
    except RemoteNotFound:
        raise NotFound(f"{attachment.name!r} is no longer in the cloud") from None
    except ConnectorError as error:
        response = HttpResponse(
            json.dumps({"detail": f"the cloud copy cannot be read now: {error}"}),
            status=502,
            content_type="application/json",
        )
        return response
    response = StreamingHttpResponse(
        stream, content_type=attachment.mimetype or "application/octet-stream"
    )
    response["Content-Length"] = str(attachment.size)
    if copy.etag:
        response["ETag"] = f'"{copy.etag.strip(chr(34))}"'
    response["Content-Disposition"] = archives.content_disposition(
        attachment.name, "inline" if inline else "attachment"
    )
    for name, value in SAFETY_HEADERS.items():
        response[name] = value
    return response


def zip_response(entries: list[ZipEntry], name: str) -> StreamingHttpResponse:
    """A streamed ZIP; refused (400, naming the limit) past ZIP_MAX_FILES entries before any
    byte is sent."""
    chunks = archives.stream(entries)
    response = StreamingHttpResponse(chunks, content_type="application/zip")
    response["Content-Disposition"] = archives.content_disposition(archives.archive_name(name))
    for header, value in SAFETY_HEADERS.items():
        response[header] = value
    return response


def _etags(header: str | None) -> set[str]:
    if not header:
        return set()
    return {tag.strip().removeprefix("W/") for tag in header.split(",")}
