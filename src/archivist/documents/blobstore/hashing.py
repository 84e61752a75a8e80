"""Reading an upload once: hash, count and size limit in one pass."""

from __future__ import annotations

import hashlib
from typing import BinaryIO

from archivist.documents.blobstore.base import CHUNK, BlobTooLarge


class HashingReader:
    """Reads a stream with `read(n)` only, hashing (SHA-256) and counting what passes through.

    Raises BlobTooLarge as soon as more than `max_size` bytes were read; the caller then drops
    whatever it had written. The last chunk read is hashed by `hexdigest()`, not by `read`: a
    caller can start flushing what it wrote (the disk's work) before asking for the digest, and
    hash that chunk meanwhile (hashing releases the GIL).
    """

    def __init__(self, stream: BinaryIO, max_size: int | None = None) -> None:
        if max_size is not None and max_size < 0:
            raise ValueError(f"max_size must be 0 or more, got {max_size}")
        self._stream = stream
        self._digest = hashlib.sha256()
        self._unhashed = b""
        self._max_size = max_size
        self.size = 0

    def read(self, size: int) -> bytes:
        chunk = self._stream.read(size)
        if chunk is None:  # a non-blocking raw stream: None is "nothing yet", not the end
            raise ValueError("the upload stream is non-blocking; blob stores need a blocking one")
        if not chunk:
            return b""
        self.size += len(chunk)
        if self._max_size is not None and self.size > self._max_size:
            raise BlobTooLarge(self._max_size)
        self._digest.update(self._unhashed)
        self._unhashed = bytes(chunk)
        return self._unhashed

    def read_part(self, size: int, into: bytearray) -> bytearray:
        """Fills `into` (emptied first, so one buffer's memory serves every part) with up to
        `size` bytes; fewer only at the end of the stream."""
        into.clear()
        while len(into) < size and (chunk := self.read(min(CHUNK, size - len(into)))):
            into += chunk
        return into

    def hexdigest(self) -> str:
        """The SHA-256 of everything read so far."""
        self._digest.update(self._unhashed)
        self._unhashed = b""
        return self._digest.hexdigest()
