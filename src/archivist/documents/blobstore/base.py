"""The blob-store contract: content-addressed storage of file bytes.

A blob is named by the SHA-256 of its bytes (64 lower-case hex characters; anything else is a
ValueError, so a digest can never name a path outside the store). Writing the same bytes twice
stores them once. Blobs are immutable; only garbage collection deletes them (see
`archivist.documents.services.blob_gc`), and only when no attachment or default file refers to
them and they are older than a grace period, so an upload whose database row is not committed
yet is never collected. Putting bytes that are already stored makes that blob young again (its
modified time becomes at most `REFRESH_AFTER` old), so a de-duplicated upload is protected by
the grace period too.

Errors: `BlobMissing` (no such blob), `BlobTooLarge` (over a size limit; nothing stored),
`BlobStoreError` (the storage itself failed: unreachable, denied, misconfigured). All three are
`OSError`s or `ValueError`s a caller can show as they are.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO, Protocol

CHUNK = 1024 * 1024
"""Bytes read or written at a time by the stores (memory stays flat for any blob size)."""

REFRESH_AFTER = dt.timedelta(hours=1)
"""Re-putting a blob older than this renews its modified time (garbage collection's grace must
be longer than this plus the time between a `put` and the commit of the row that refers to it)."""

_SHA256 = re.compile(r"[0-9a-f]{64}")
_HEX_PREFIX = re.compile(r"[0-9a-f]{0,64}")


@dataclass(frozen=True)
class BlobInfo:
    sha256: str
    size: int


@dataclass(frozen=True)
class StoredBlob:
    sha256: str
    size: int
    modified: dt.datetime  # aware, UTC


class BlobTooLarge(ValueError):
    """The stream was longer than the allowed maximum; nothing was stored."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the file is larger than the allowed {limit} bytes")
        self.limit = limit


class BlobMissing(FileNotFoundError):
    """No blob with that digest."""


class BlobStoreError(OSError):
    """The storage failed (unreachable, access denied, missing bucket…); the message says which
    store and operation, and the cause is chained."""


def check_digest(sha256: str) -> str:
    """The digest itself if it is 64 lower-case hex characters, else ValueError."""
    if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
        raise ValueError(f"{sha256!r} is not a SHA-256 digest (64 lower-case hex characters)")
    return sha256


def check_prefix(prefix: str) -> str:
    """The prefix itself if it is at most 64 lower-case hex characters, else ValueError."""
    if not isinstance(prefix, str) or not _HEX_PREFIX.fullmatch(prefix):
        raise ValueError(f"{prefix!r} is not a digest prefix (up to 64 lower-case hex characters)")
    return prefix


def check_range(start: int, length: int) -> None:
    if start < 0 or length < 0:
        raise ValueError(f"invalid byte range: start {start}, length {length}")


class BlobStore(Protocol):
    def put(self, stream: BinaryIO, *, max_size: int | None = None) -> BlobInfo:
        """Stores the stream's bytes, read with `stream.read(n)` in chunks (memory stays flat for
        any size). Raises BlobTooLarge (storing nothing) past `max_size` bytes. A blob exists
        whole or not at all: readers never see a partial blob."""
        ...

    def put_bytes(self, content: bytes) -> BlobInfo: ...

    def open(self, sha256: str) -> BinaryIO:
        """A readable binary stream of the blob (BlobMissing if absent); close it after use."""
        ...

    def read_range(self, sha256: str, start: int, length: int) -> Iterator[bytes]:
        """Chunks of bytes [start, start + length) — for HTTP Range requests. A range past the
        end is cut at the end (nothing at all when `start` is at or past it). BlobMissing is
        raised by the call itself, before any chunk is read."""
        ...

    def size(self, sha256: str) -> int:
        """The blob's size in bytes (BlobMissing if absent)."""
        ...

    def exists(self, sha256: str) -> bool: ...

    def delete(self, sha256: str) -> None:
        """Removes a blob (no error if absent). Only garbage collection calls this."""
        ...

    def blobs(self, prefix: str = "") -> Iterator[StoredBlob]:
        """Every stored blob whose digest starts with `prefix` (hex), in any order; uploads in
        progress are not listed."""
        ...
