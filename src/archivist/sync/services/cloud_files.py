"""Files whose bytes live only in the cloud still download through Archivist, streamed.

After a sync an attachment may keep no local bytes (its `url` then points at
`/api/cloud/<connection>/<path>`); reading it opens the connection and streams the remote copy.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any, BinaryIO

from archivist.sync.models import CloudConnection, SyncItem
from archivist.sync.services.connections import open_connector

__all__ = ["CloudCopy", "CloudStream", "cloud_copy", "cloud_copy_at"]

CLOUD_PREFIX = "/api/cloud/"
CHUNK = 1 << 20


@dataclass(frozen=True)
class CloudCopy:
    connection: CloudConnection
    path: str
    etag: str | None
    attachment_id: int


def cloud_copy(attachment: Any) -> CloudCopy | None:
    """Where the cloud-only bytes of `attachment` are, or None (local bytes, or a web link)."""
    if attachment.blob or not str(attachment.url).startswith(CLOUD_PREFIX):
        return None
    item = SyncItem.objects.filter(key=f"file:{attachment.pk}").select_related("connection").first()
    if item is None:
        return None
    return CloudCopy(item.connection, item.path, item.etag, attachment.pk)


def cloud_copy_at(connection_id: int, path: str) -> CloudCopy | None:
    item = (
        SyncItem.objects.filter(connection_id=connection_id, path=path, key__startswith="file:")
        .select_related("connection")
        .first()
    )
    if item is None:
        return None
    return CloudCopy(item.connection, item.path, item.etag, int(item.key.partition(":")[2]))


class CloudStream:
    """The remote copy, opened at once (so errors come before any byte is sent), read in
    chunks, and closed with the connection when the response is done."""

    def __init__(self, copy: CloudCopy, offset: int = 0):
        self._exit = ExitStack()
        try:
            connector = open_connector(copy.connection)
            self._exit.callback(connector.close)
            self._stream: BinaryIO = self._exit.enter_context(
                connector.open_read(copy.path, offset=offset)
            )
        except BaseException:
            self._exit.close()
            raise

    def __iter__(self) -> Iterator[bytes]:
        try:
            while chunk := self._stream.read(CHUNK):
                yield chunk
        finally:
            self.close()

    def close(self) -> None:
        self._exit.close()
