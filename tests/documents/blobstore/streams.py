"""Large upload streams made on demand: the bytes never exist in memory all at once."""

from __future__ import annotations

import hashlib
import io
import random
from collections.abc import Iterator

BLOCK = 64 * 1024


def blocks(size: int, seed: int) -> Iterator[bytes]:
    """`size` pseudo-random bytes in blocks; the same seed gives the same bytes."""
    rng = random.Random(seed)
    while size > 0:
        block = rng.randbytes(min(BLOCK, size))
        size -= len(block)
        yield block


def sha256_of(size: int, seed: int) -> str:
    digest = hashlib.sha256()
    for block in blocks(size, seed):
        digest.update(block)
    return digest.hexdigest()


class GeneratedStream(io.RawIOBase):
    """A raw binary stream over `blocks(size, seed)`, as an upload's body would be."""

    def __init__(self, size: int, seed: int) -> None:
        self._blocks = blocks(size, seed)
        self._block = b""
        self._position = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self._position >= len(self._block):
            self._block, self._position = next(self._blocks, b""), 0
        count = min(len(buffer), len(self._block) - self._position)
        buffer[:count] = self._block[self._position : self._position + count]
        self._position += count
        return count
