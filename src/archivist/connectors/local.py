"""A folder on this machine or a mounted NAS share, seen as a remote.

Writes go to a hidden temporary file in the target folder, then are linked or renamed into
place, so a reader never sees a partial file. Identity is the inode (kept across renames and
moves). Preconditions are checked with a `stat` just before the write.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat as stat_module
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from archivist.connectors.base import Capabilities, Entry, check_path, join_path, parent_path
from archivist.connectors.errors import (
    AlreadyExists,
    Conflict,
    ConnectorError,
    Fatal,
    NotFound,
    PermissionDenied,
    PreconditionFailed,
    QuotaExceeded,
    Transient,
)
from archivist.connectors.options import ConnectorType, Option

__all__ = ["CONNECTOR_TYPE", "LocalConnector"]

TEMP_PREFIX = ".archivist-tmp-"
STALE_TEMP_SECONDS = 3600
CHUNK = 1 << 20


class LocalConnector:
    capabilities = Capabilities(
        stable_ids=True,
        hash_types=frozenset(),
        mtime_precision_seconds=1e-9,
        case_sensitive=True,
        server_side_move=True,
        conditional_writes=False,
        real_folders=True,
    )

    def __init__(self, root: str | Path):
        self.root = Path(root)
        if not self.root.is_dir():
            raise NotFound("the local root folder does not exist", path=str(root))

    def _real(self, path: str) -> Path:
        return self.root / check_path(path) if path else self.root

    def _entry(self, path: str, info: os.stat_result) -> Entry:
        is_folder = stat_module.S_ISDIR(info.st_mode)
        return Entry(
            path=path,
            is_folder=is_folder,
            size=0 if is_folder else info.st_size,
            id=f"{info.st_dev}:{info.st_ino}",
            etag=f"{info.st_ino:x}-{info.st_mtime_ns:x}-{info.st_size:x}",
            modified=datetime.fromtimestamp(info.st_mtime_ns / 1e9, UTC),
        )

    def list_tree(
        self, path: str = "", *, skip: Callable[[Entry], bool] | None = None
    ) -> Iterator[Entry]:
        start = self._real(path)
        with _translated(path):
            if not start.is_dir():
                raise NotFound("no such folder", path=path)
        pending = [path]
        while pending:
            folder = pending.pop()
            with _translated(folder):
                children = sorted(os.scandir(self._real(folder)), key=lambda item: item.name)
            for child in children:
                if child.name.startswith(TEMP_PREFIX):
                    _drop_if_stale(child)
                    continue
                if child.is_symlink():
                    continue
                child_path = join_path(folder, child.name)
                with _translated(child_path):
                    entry = self._entry(child_path, child.stat(follow_symlinks=False))
                yield entry
                if entry.is_folder and not (skip and skip(entry)):
                    pending.append(child_path)

    def stat(self, path: str) -> Entry:
        with _translated(path):
            return self._entry(path, self._real(path).lstat())

    def make_folder(self, path: str) -> Entry:
        with _translated(path):
            self._real(path).mkdir()
            return self.stat(path)

    def upload(
        self,
        path: str,
        content: BinaryIO,
        size: int,
        *,
        if_match: str | None = None,
        if_absent: bool = False,
    ) -> Entry:
        target = self._real(path)
        if not path:
            raise Conflict("cannot write over the root folder", path=path)
        temp = target.with_name(f"{TEMP_PREFIX}{uuid.uuid4().hex}")
        with _translated(path):
            if not target.parent.is_dir():
                raise NotFound("the parent folder does not exist", path=parent_path(path))
            if target.is_dir():
                raise Conflict("a folder is in the way", path=path)
            digest = hashlib.sha256()
            try:
                with temp.open("xb") as output:
                    _copy(content, output, size, digest, path)
                    output.flush()
                    os.fsync(output.fileno())
                if if_absent:
                    os.link(temp, target)  # fails if anything is there: create-only, atomic
                else:
                    if if_match is not None:
                        self._check_etag(path, if_match)
                    os.replace(temp, target)
            finally:
                temp.unlink(missing_ok=True)
            entry = self.stat(path)
        return Entry(**{**_fields(entry), "hashes": {"sha256": digest.hexdigest()}})

    def open_read(self, path: str, *, offset: int = 0) -> AbstractContextManager[BinaryIO]:
        return self._open_read(path, offset)

    @contextmanager
    def _open_read(self, path: str, offset: int) -> Iterator[BinaryIO]:
        real = self._real(path)
        with _translated(path):
            if real.is_dir():
                raise Conflict("this is a folder, not a file", path=path)
            stream = real.open("rb")
        with stream:
            if offset:
                stream.seek(offset)
            yield stream

    def move(self, source: str, target: str, *, if_match: str | None = None) -> Entry:
        old, new = self._real(source), self._real(target)
        if not source or not target:
            raise Conflict("the root folder cannot be moved", path=source or target)
        with _translated(source):
            if if_match is not None:
                self._check_etag(source, if_match)
            if not new.parent.is_dir():
                raise NotFound("the target's parent folder does not exist", path=target)
            if old.is_dir():
                if new.exists() or new.is_symlink():
                    raise AlreadyExists("the target already exists", path=target)
                if Path(target).is_relative_to(Path(source)):
                    raise Conflict("a folder cannot move into itself", path=target)
                old.rename(new)
            else:
                os.link(old, new)  # never replaces an existing target
                old.unlink()
            return self.stat(target)

    def delete(self, path: str, *, if_match: str | None = None) -> None:
        if not path:
            raise Conflict("the root folder cannot be deleted", path=path)
        real = self._real(path)
        with _translated(path):
            if if_match is not None:
                self._check_etag(path, if_match)
            if real.is_dir() and not real.is_symlink():
                shutil.rmtree(real)
            else:
                real.unlink()

    def close(self) -> None:
        return None

    def _check_etag(self, path: str, expected: str) -> None:
        try:
            current = self.stat(path).etag
        except NotFound:
            raise PreconditionFailed("the item is gone since it was observed", path=path) from None
        if current != expected:
            raise PreconditionFailed("the item changed since it was observed", path=path)


def _drop_if_stale(entry: os.DirEntry[str]) -> None:
    """A temporary file an hour old belongs to an upload that died (a killed process)."""
    try:
        if time.time() - entry.stat(follow_symlinks=False).st_mtime > STALE_TEMP_SECONDS:
            os.unlink(entry.path)
    except OSError:
        return  # another process removed it, or it is not ours to remove


def _copy(content: BinaryIO, output: BinaryIO, size: int, digest: Any, path: str) -> None:
    remaining = size
    while remaining > 0:
        chunk = content.read(min(CHUNK, remaining))
        if not chunk:
            raise Fatal(f"the content ended {remaining} bytes before its declared size", path=path)
        digest.update(chunk)
        output.write(chunk)
        remaining -= len(chunk)


def _fields(entry: Entry) -> dict[str, Any]:
    return {name: getattr(entry, name) for name in entry.__slots__}


@contextmanager
def _translated(path: str) -> Iterator[None]:
    try:
        yield
    except ConnectorError:
        raise
    except FileNotFoundError as error:
        raise NotFound("no such file or folder", path=path, cause=error) from error
    except FileExistsError as error:
        raise AlreadyExists("already exists", path=path, cause=error) from error
    except (IsADirectoryError, NotADirectoryError) as error:
        message = "a file and a folder are in each other's way"
        raise Conflict(message, path=path, cause=error) from error
    except PermissionError as error:
        raise PermissionDenied("permission denied", path=path, cause=error) from error
    except OSError as error:
        if error.errno == 28:  # ENOSPC
            raise QuotaExceeded("no space left", path=path, cause=error) from error
        if error.errno == 39:  # ENOTEMPTY
            raise AlreadyExists("the target already exists", path=path, cause=error) from error
        if error.errno == 36:  # ENAMETOOLONG
            raise Fatal("the name is too long", path=path, cause=error) from error
        raise Transient(f"file system error: {error.strerror}", path=path, cause=error) from error


def _build(options: Mapping[str, Any]) -> LocalConnector:
    return LocalConnector(options["path"])


CONNECTOR_TYPE = ConnectorType(
    name="local",
    label="Local path",
    help="A folder on the server running Archivist, or a NAS share mounted there.",
    options=(Option("path", "Absolute path of the folder to sync into.", "path", required=True),),
    build=_build,
)
