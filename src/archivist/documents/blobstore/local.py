"""Blobs as files under a folder: `root/ab/cd/<sha256>`, sharded by the digest's first four
hex digits so no folder grows past a few thousand entries.

A write streams into a temporary file in `root/incoming`, is fsync'ed, then renamed into place
with `os.replace` (atomic on one file system), so a blob exists whole or not at all; writing
content that is already stored only renews the existing file's modification time (see
`base.REFRESH_AFTER`). A new blob's pages leave the page cache once it is durable.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import BinaryIO

from archivist.documents.blobstore.base import (
    CHUNK,
    BlobInfo,
    BlobMissing,
    StoredBlob,
    check_digest,
    check_prefix,
    check_range,
)
from archivist.documents.blobstore.hashing import HashingReader

INCOMING = "incoming"


def _flushing_threads() -> ThreadPoolExecutor:
    """Threads that wait for the disk (fsync releases the GIL) while uploads hash their last
    chunk."""
    return ThreadPoolExecutor(max_workers=8, thread_name_prefix="blob-fsync")


_flushing = _flushing_threads()


def _new_flushing_threads() -> None:
    global _flushing  # a forked child has none of its parent's threads: the pool would hang
    _flushing = _flushing_threads()


os.register_at_fork(after_in_child=_new_flushing_threads)


class LocalBlobStore:
    """A `BlobStore` on the local file system (or any mounted one that supports rename)."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)

    def __repr__(self) -> str:
        return f"LocalBlobStore({str(self.root)!r})"

    def path(self, sha256: str) -> Path:
        """Where the blob lives (whether or not it exists); ValueError for a bad digest."""
        check_digest(sha256)
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, stream: BinaryIO, *, max_size: int | None = None) -> BlobInfo:
        reader = HashingReader(stream, max_size)
        handle, temporary = self._temporary_file()
        try:
            with os.fdopen(handle, "wb") as out:
                while chunk := reader.read(CHUNK):
                    out.write(chunk)
                out.flush()
                # The disk flushes the file while the last chunk is hashed (on its own
                # descriptor: this one closes before the flush may have ended).
                flushing = _flushing.submit(_fsync_and_close, os.dup(out.fileno()))
                info = BlobInfo(reader.hexdigest(), reader.size)
                target = self.path(info.sha256)
            try:
                # already stored: young again, so the grace period covers it; the copy
                # just written is dropped without waiting for the disk
                os.utime(target)
            except FileNotFoundError:
                flushing.result()
                self._place(temporary, target)
            else:
                os.unlink(temporary)
                # Another upload of the same bytes may have renamed it in and not fsync'ed its
                # folder yet: a row naming it must not commit before that entry is durable.
                _fsync_folder(target.parent)
        except BaseException:
            if os.path.exists(temporary):
                os.unlink(temporary)
            raise
        return info

    def _temporary_file(self) -> tuple[int, str]:
        # Folders are made when found missing, not made sure of first: that would cost a
        # system call or two on every upload, for folders that nearly always exist.
        incoming = self.root / INCOMING
        try:
            return tempfile.mkstemp(dir=incoming, prefix="upload-")
        except FileNotFoundError:
            incoming.mkdir(parents=True, exist_ok=True)
            return tempfile.mkstemp(dir=incoming, prefix="upload-")

    def _place(self, temporary: str, target: Path) -> None:
        """Renames a written and fsync'ed temporary file to `target` and makes the rename
        durable: the folder's entry (and new folders' entries in their parents) fsync'ed."""
        made: list[Path] = []
        try:
            os.replace(temporary, target)
        except FileNotFoundError:  # the first blob of its shard
            made = _make_folders(target.parent, self.root)
            os.replace(temporary, target)
        for folder in (target.parent, *made):
            _fsync_folder(folder)

    def put_bytes(self, content: bytes) -> BlobInfo:
        return self.put(io.BytesIO(content))

    def open(self, sha256: str) -> BinaryIO:
        try:
            return self.path(sha256).open("rb")
        except FileNotFoundError:
            raise BlobMissing(f"no blob {sha256} in {self.root}") from None

    def read_range(self, sha256: str, start: int, length: int) -> Iterator[bytes]:
        check_range(start, length)
        self.size(sha256)  # BlobMissing now, not at the first chunk
        return self._chunks(sha256, start, length)

    def _chunks(self, sha256: str, start: int, length: int) -> Iterator[bytes]:
        with self.open(sha256) as handle:
            handle.seek(start)
            remaining = length
            while remaining > 0 and (chunk := handle.read(min(CHUNK, remaining))):
                remaining -= len(chunk)
                yield chunk

    def size(self, sha256: str) -> int:
        try:
            return self.path(sha256).stat().st_size
        except FileNotFoundError:
            raise BlobMissing(f"no blob {sha256} in {self.root}") from None

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def delete(self, sha256: str) -> None:
        self.path(sha256).unlink(missing_ok=True)

    def blobs(self, prefix: str = "") -> Iterator[StoredBlob]:
        check_prefix(prefix)
        for outer in _shards(self.root, prefix[:2]):
            for inner in _shards(outer, prefix[2:4]):
                with os.scandir(inner) as entries:
                    for entry in entries:
                        name = entry.name
                        if not name.startswith(prefix) or not _belongs(name, outer, inner):
                            continue
                        try:
                            stat = entry.stat()
                        except FileNotFoundError:  # collected or replaced meanwhile
                            continue
                        modified = dt.datetime.fromtimestamp(stat.st_mtime, dt.UTC)
                        yield StoredBlob(name, stat.st_size, modified)


def _shards(folder: Path, prefix: str) -> Iterator[Path]:
    """The two-hex-digit subfolders of `folder` that can hold digests starting with `prefix`."""
    if len(prefix) == 2:
        if (folder / prefix).is_dir():
            yield folder / prefix
        return
    if not folder.is_dir():
        return
    with os.scandir(folder) as entries:
        shards = [
            Path(entry.path)
            for entry in entries
            if len(entry.name) == 2
            and entry.name.startswith(prefix)
            and _is_hex(entry.name)
            and entry.is_dir()
        ]
    yield from shards


def _belongs(name: str, outer: Path, inner: Path) -> bool:
    """A blob file sits in the shard its digest names (other files are not blobs)."""
    try:
        check_digest(name)
    except ValueError:
        return False
    return name[:2] == outer.name and name[2:4] == inner.name


def _is_hex(text: str) -> bool:
    return all(char in "0123456789abcdef" for char in text)


def _make_folders(folder: Path, root: Path) -> list[Path]:
    """Makes `folder` and its missing parents up to `root`; the folders whose entry lists
    changed (each new folder's parent), whose fsync makes the new folders durable."""
    missing = []
    while folder != root and not folder.is_dir():
        missing.append(folder)
        folder = folder.parent
    for new in reversed(missing):
        new.mkdir(exist_ok=True)
    return [new.parent for new in missing]


def _fsync_and_close(descriptor: int) -> None:
    try:
        os.fsync(descriptor)
        _drop_cached_pages(descriptor)
    finally:
        os.close(descriptor)


def _drop_cached_pages(descriptor: int) -> None:
    """Hands a durable file's pages back to the kernel, as object stores write with O_DIRECT:
    an upload is rarely read again soon, and kept in the page cache it would push out what is
    (the database's pages). The next upload then writes into memory just freed instead of
    fresh pages; on a VM whose free memory goes back to its host, a fresh megabyte costs the
    write about 1.5 ms (0.3 ms otherwise, measured on this project's machines). The pages are
    clean after the fsync, so nothing is written; where the system cannot drop them, they stay."""
    # no posix_fadvise (macOS), or a file system without it
    with contextlib.suppress(AttributeError, OSError):
        os.posix_fadvise(descriptor, 0, 0, os.POSIX_FADV_DONTNEED)


def _fsync_folder(folder: Path) -> None:
    """Makes the rename itself durable (POSIX: the folder's entry list is fsync'ed)."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
