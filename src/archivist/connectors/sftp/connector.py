"""A folder on an SSH server (a NAS) reached over SFTP, seen as a remote.

Uploads stream into a hidden temporary file next to the target, then take its place at once:
`posix-rename@openssh.com` replaces an existing file atomically; a create-only upload uses
`hardlink@openssh.com` (link(2) never replaces), falling back to the plain SFTP rename, which
refuses an existing target on OpenSSH and asyncssh. Preconditions are checked with a `stat`
just before that last step (SFTP has no conditional write).

ETags. SFTP version 3 gives no inode and whole-second modification times, so the ETag is
`mtime-size`, which alone would miss a same-size rewrite within the same second. Every write of
ours therefore gives the new file a modification time later than the file it replaces
(`max(server clock, previous + 1 s)`, set on the temporary file before the rename), so the ETags
of one path never repeat while Archivist writes it, not even over several quick rewrites.
What remains: a write by another program that keeps the size within the second of the previous
write goes unnoticed, and a file deleted and re-created with the same size in the same second
gets its old ETag back. Renames and moves keep the ETag (they keep mtime and size).

The entry an upload returns carries the SHA-256 of the bytes sent; listings carry no hash (SFTP
has none without reading the file), so `hash_types` is empty.
"""

from __future__ import annotations

import hashlib
import io
import logging
import posixpath
import stat as stat_module
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from typing import BinaryIO, TypeVar
from urllib.parse import quote

import paramiko

from archivist.connectors.base import (
    Capabilities,
    Entry,
    check_path,
    join_path,
    parent_path,
)
from archivist.connectors.errors import (
    AlreadyExists,
    Conflict,
    ConnectorError,
    Fatal,
    NotFound,
    PreconditionFailed,
    Transient,
)
from archivist.connectors.sftp.config import SftpSettings
from archivist.connectors.sftp.errors import SftpStatusError, Status, is_connection_error, translate
from archivist.connectors.sftp.pool import Session, SessionPool
from archivist.connectors.sftp.reader import RemoteReader
from archivist.connectors.sftp.session import StatusClient, open_transport

__all__ = ["TEMP_PREFIX", "SftpConnector", "etag_of"]

logger = logging.getLogger(__name__)

T = TypeVar("T")

TEMP_PREFIX = ".archivist-tmp-"
CHUNK = 1 << 20  # read from the source per write call (sent as pipelined 32 KiB requests)
READ_BUFFER = 256 * 1024
RETRIES = 2  # fresh sessions tried after a reused one turns out to be dead


class SftpConnector:
    capabilities = Capabilities(
        stable_ids=False,
        hash_types=frozenset(),
        mtime_precision_seconds=1.0,
        case_sensitive=True,
        server_side_move=True,
        conditional_writes=False,
        real_folders=True,
        web_links=True,
    )

    def __init__(self, settings: SftpSettings):
        self.settings = settings
        self._pool = SessionPool(
            lambda: open_transport(settings),
            max_sessions=settings.max_sessions,
            timeout=settings.timeout,
        )
        self._root: str | None = None  # absolute, resolved with the first session
        self._hardlink = True  # until the server says it lacks hardlink@openssh.com

    def __repr__(self) -> str:
        s = self.settings
        return f"SftpConnector({s.username}@{s.host}:{s.port}, root={s.root or '~'!r})"

    # --- reading -------------------------------------------------------------------------

    def list_tree(
        self, path: str = "", *, skip: Callable[[Entry], bool] | None = None
    ) -> Iterator[Entry]:
        # `skip` is ignored: a folder's mtime changes only for its direct children, so it
        # cannot tell that nothing changed deeper down.
        return self._walk(check_path(path))

    def _walk(self, path: str) -> Iterator[Entry]:
        pending = [path]
        while pending:
            folder = pending.pop()
            for attrs in sorted(self._listdir(folder), key=lambda item: item.filename):
                if attrs.filename.startswith(TEMP_PREFIX) or not _syncable(attrs.st_mode):
                    continue
                entry = _entry(join_path(folder, attrs.filename), attrs)
                yield entry
                if entry.is_folder:
                    pending.append(entry.path)

    def _listdir(self, folder: str) -> list[paramiko.SFTPAttributes]:
        return self._call(folder, lambda client: client.listdir_attr(self._remote(folder)))

    def stat(self, path: str) -> Entry:
        path = check_path(path)
        return _entry(path, self._call(path, lambda client: client.lstat(self._remote(path))))

    def open_read(self, path: str, *, offset: int = 0) -> AbstractContextManager[BinaryIO]:
        return self._open_read(check_path(path), offset)

    @contextmanager
    def _open_read(self, path: str, offset: int) -> Iterator[BinaryIO]:
        def start(client: StatusClient) -> tuple[paramiko.SFTPAttributes, paramiko.SFTPFile]:
            attrs = client.stat(self._remote(path))
            if stat_module.S_ISDIR(attrs.st_mode or 0):
                raise Conflict("this is a folder, not a file", path=path)
            return attrs, client.open(self._remote(path), "rb")

        session, (attrs, handle) = self._start(path, start)
        reader = RemoteReader(
            session.client, handle, start=offset, size=attrs.st_size or 0, path=path
        )
        stream = io.BufferedReader(reader, buffer_size=READ_BUFFER)
        try:
            yield stream  # the caller's errors pass through untranslated; the reader's are ours
        finally:
            stream.close()
            self._pool.release(session, broken=reader.broken)

    # --- writing -------------------------------------------------------------------------

    def make_folder(self, path: str) -> Entry:
        path = check_path(path)
        if not path:
            raise AlreadyExists("the root folder exists", path=path)

        def start(client: StatusClient) -> SftpStatusError | None:
            try:
                client.mkdir(self._remote(path))
            except SftpStatusError as error:
                return error
            return None

        with self._session(path, start) as (session, refused):
            client = session.client
            if refused is not None:
                if refused.code == Status.NO_SUCH_FILE:
                    raise NotFound("the parent folder does not exist", path=parent_path(path))
                if _lstat(client, self._remote(path)) is not None:
                    raise AlreadyExists("something already exists there", path=path)
                raise translate(refused, path)
            return _entry(path, client.lstat(self._remote(path)))

    def upload(
        self,
        path: str,
        content: BinaryIO,
        size: int,
        *,
        if_match: str | None = None,
        if_absent: bool = False,
    ) -> Entry:
        path = check_path(path)
        if not path:
            raise Conflict("cannot write over the root folder", path=path)
        if size < 0:
            raise Fatal(f"a size cannot be negative ({size})", path=path)

        def start(client: StatusClient) -> tuple[str, paramiko.SFTPFile]:
            if if_match is not None or if_absent:  # fail before sending the content
                _check_write(path, _lstat(client, self._remote(path)), if_match, if_absent)
            temp = self._remote(join_path(parent_path(path), f"{TEMP_PREFIX}{uuid.uuid4().hex}"))
            try:
                return temp, client.open(temp, "wxb")
            except SftpStatusError as error:
                if error.code == Status.NO_SUCH_FILE:
                    message = "the parent folder does not exist"
                    raise NotFound(message, path=parent_path(path), cause=error) from error
                raise

        with self._session(path, start) as (session, (temp, handle)):
            client = session.client
            target = self._remote(path)
            try:
                with handle:
                    handle.set_pipelined(True)
                    digest = _send(content, handle, size, path)
                written = client.stat(temp)
                if written.st_size != size:
                    raise Transient(f"the server kept {written.st_size} of {size} bytes", path=path)
                current = _lstat(client, target)
                _check_write(path, current, if_match, if_absent)
                written = _stamp(client, temp, written, current)
                if if_absent:
                    self._link(client, temp, target, path)
                else:
                    _replace(client, temp, target, path)
            except BaseException as error:
                if not is_connection_error(error):
                    _discard(client, temp)
                raise
            return _entry(path, written, hashes={"sha256": digest})

    def move(self, source: str, target: str, *, if_match: str | None = None) -> Entry:
        source, target = check_path(source), check_path(target)
        if not source or not target:
            raise Conflict("the root folder cannot be moved", path=source or target)
        start = self._lstat_request(source)
        with self._session(source, start) as (session, attrs):
            client = session.client
            _check_present(source, attrs, if_match)
            assert attrs is not None
            if stat_module.S_ISDIR(attrs.st_mode or 0) and f"{target}/".startswith(f"{source}/"):
                raise Conflict("a folder cannot move into itself", path=target)
            parent = parent_path(target)
            if parent:
                folder = _lstat(client, self._remote(parent))
                if folder is None or not stat_module.S_ISDIR(folder.st_mode or 0):
                    raise NotFound("the target's parent folder does not exist", path=target)
            remote = self._remote(target)
            if _lstat(client, remote) is not None:
                raise AlreadyExists("the target already exists", path=target)
            try:
                client.rename(self._remote(source), remote)  # SFTP v3: never replaces
            except SftpStatusError as error:
                if _lstat(client, remote) is not None:
                    raise AlreadyExists("the target already exists", path=target) from error
                raise translate(error, source) from error
            return _entry(target, client.lstat(remote))

    def delete(self, path: str, *, if_match: str | None = None) -> None:
        path = check_path(path)
        if not path:
            raise Conflict("the root folder cannot be deleted", path=path)
        with self._session(path, self._lstat_request(path)) as (session, attrs):
            _check_present(path, attrs, if_match)
            assert attrs is not None
            remote = self._remote(path)
            if stat_module.S_ISDIR(attrs.st_mode or 0):
                _remove_tree(session.client, remote)
            else:
                session.client.remove(remote)

    def close(self) -> None:
        self._pool.close()

    # --- internals -----------------------------------------------------------------------

    def _link(self, client: StatusClient, temp: str, target: str, path: str) -> None:
        """Puts `temp` at `target` only if nothing is there (AlreadyExists otherwise)."""
        if self._hardlink:
            try:
                client.hardlink(temp, target)
            except SftpStatusError as error:
                if error.code == Status.OP_UNSUPPORTED:
                    self._hardlink = False
                elif _lstat(client, target) is not None:
                    raise AlreadyExists("the file already exists", path=path) from error
                # Otherwise the file system cannot link (FAT, some network mounts): rename.
            else:
                _discard(client, temp)
                return
        try:
            client.rename(temp, target)
        except SftpStatusError as error:
            if _lstat(client, target) is not None:
                raise AlreadyExists("the file already exists", path=path) from error
            raise

    def _lstat_request(self, path: str) -> Callable[[StatusClient], paramiko.SFTPAttributes | None]:
        return lambda client: _lstat(client, self._remote(path))

    def _call(self, path: str, request: Callable[[StatusClient], T]) -> T:
        with self._session(path, request) as (_, result):
            return result

    @contextmanager
    def _session(
        self, path: str, start: Callable[[StatusClient], T]
    ) -> Iterator[tuple[Session, T]]:
        """A checked-out session and the result of `start` on it, errors translated.

        `start` must be safe to repeat: when it fails because a pooled session's connection
        was dropped while idle, it runs again on a new connection (the transparent reconnect).
        """
        session, result = self._start(path, start)
        session.broken = False
        source_failure: Exception | None = None
        try:
            yield session, result
        except ConnectorError:
            raise
        except _SourceFailed as failed:
            source_failure = failed.original
        except Exception as error:
            session.broken = is_connection_error(error)
            raise translate(error, path) from error
        except BaseException:
            session.broken = True
            raise
        finally:
            self._pool.release(session, broken=session.broken)
        if source_failure is not None:
            raise source_failure  # the caller's stream failed, not the server

    def _start(self, path: str, start: Callable[[StatusClient], T]) -> tuple[Session, T]:
        for attempt in range(RETRIES + 1):
            session = self._pool.acquire()
            try:
                if self._root is None:
                    self._resolve_root(session.client)
                return session, start(session.client)
            except BaseException as error:
                broken = not isinstance(error, Exception) or is_connection_error(error)
                self._pool.release(session, broken=broken)
                if broken and session.reused and attempt < RETRIES:
                    logger.info("SFTP session to %s lost; reconnecting", self.settings.host)
                    continue
                if isinstance(error, Exception):
                    raise translate(error, path) from error
                raise
        raise AssertionError("unreachable")

    def web_link(self, path: str, *, folder: bool, remote_id: str = "") -> str:
        """An `sftp://` URL, which file managers (Files, Finder with a plug-in, WinSCP, Cyberduck)
        open after asking for the password; no request is made. A relative root is under the
        user's home, written `/~/` as the SFTP URI draft does."""
        s = self.settings
        root = self._root or s.root
        base = root if root.startswith("/") else f"/~/{root}" if root else "/~"
        full = posixpath.join(base, check_path(path)) if path else base
        host = f"[{s.host}]" if ":" in s.host else s.host
        port = "" if s.port == 22 else f":{s.port}"
        suffix = "/" if folder and not full.endswith("/") else ""
        return f"sftp://{quote(s.username, safe='')}@{host}{port}{quote(full)}{suffix}"

    def _resolve_root(self, client: StatusClient) -> None:
        root = self.settings.root
        if not root.startswith("/"):
            try:
                root = client.normalize(root or ".")
            except SftpStatusError as error:
                if error.code == Status.NO_SUCH_FILE:
                    message = "the remote root folder does not exist"
                    raise NotFound(message, path=self.settings.root, cause=error) from error
                raise
        self._root = root

    def _remote(self, path: str) -> str:
        assert self._root is not None, "the root is resolved when a session is checked out"
        if not path:
            return self._root
        return posixpath.join(self._root, path)


def etag_of(attrs: paramiko.SFTPAttributes) -> str | None:
    """`mtime-size` in hex for files, `mtime` for folders; None without a modification time."""
    if attrs.st_mtime is None:
        return None
    mtime = int(attrs.st_mtime)
    if stat_module.S_ISDIR(attrs.st_mode or 0):
        return f"{mtime:x}"
    return f"{mtime:x}-{attrs.st_size or 0:x}"


def _syncable(mode: int | None) -> bool:
    """Files and folders; not symbolic links, devices or sockets (None: the server did not say)."""
    return mode is None or stat_module.S_ISDIR(mode) or stat_module.S_ISREG(mode)


def _entry(
    path: str, attrs: paramiko.SFTPAttributes, hashes: Mapping[str, str] | None = None
) -> Entry:
    is_folder = stat_module.S_ISDIR(attrs.st_mode or 0)
    modified = None
    if attrs.st_mtime is not None:
        modified = datetime.fromtimestamp(int(attrs.st_mtime), UTC)
    return Entry(
        path=path,
        is_folder=is_folder,
        size=0 if is_folder else attrs.st_size or 0,
        etag=etag_of(attrs),
        hashes=hashes or {},
        modified=modified,
    )


def _lstat(client: StatusClient, remote: str) -> paramiko.SFTPAttributes | None:
    try:
        return client.lstat(remote)
    except SftpStatusError as error:
        if error.code == Status.NO_SUCH_FILE:
            return None
        raise


def _check_present(path: str, attrs: paramiko.SFTPAttributes | None, if_match: str | None) -> None:
    if attrs is None:
        if if_match is not None:
            raise PreconditionFailed("the item is gone since it was observed", path=path)
        raise NotFound("no such file or folder", path=path)
    if if_match is not None and etag_of(attrs) != if_match:
        raise PreconditionFailed("the item changed since it was observed", path=path)


def _check_write(
    path: str,
    current: paramiko.SFTPAttributes | None,
    if_match: str | None,
    if_absent: bool,
) -> None:
    if current is not None and stat_module.S_ISDIR(current.st_mode or 0):
        raise Conflict("a folder is in the way", path=path)
    if if_absent and current is not None:
        raise AlreadyExists("the file already exists", path=path)
    if if_match is not None:
        _check_present(path, current, if_match)


def _stamp(
    client: StatusClient,
    temp: str,
    written: paramiko.SFTPAttributes,
    current: paramiko.SFTPAttributes | None,
) -> paramiko.SFTPAttributes:
    """Makes the new file's ETag differ from the replaced one's, and keeps its permissions."""
    if current is None:
        return written
    if current.st_mode is not None and written.st_mode is not None:
        permissions = stat_module.S_IMODE(current.st_mode)
        if permissions != stat_module.S_IMODE(written.st_mode):
            client.chmod(temp, permissions)
            written.st_mode = stat_module.S_IFMT(written.st_mode) | permissions
    previous, new = current.st_mtime, written.st_mtime
    if previous is not None and new is not None and new <= previous:
        mtime = int(previous) + 1
        client.utime(temp, (written.st_atime or mtime, mtime))
        written.st_mtime = mtime
    return written


def _replace(client: StatusClient, temp: str, target: str, path: str) -> None:
    try:
        client.posix_rename(temp, target)
    except SftpStatusError as error:
        current = _lstat(client, target)
        if current is not None and stat_module.S_ISDIR(current.st_mode or 0):
            raise Conflict("a folder is in the way", path=path) from error
        if error.code == Status.OP_UNSUPPORTED:
            raise Fatal(
                "the server lacks posix-rename@openssh.com, so a file cannot be replaced "
                "atomically; use an OpenSSH-based SFTP server",
                path=path,
                cause=error,
            ) from error
        raise


class _SourceFailed(Exception):
    """Carries an error of the caller's content stream past the SFTP error translation."""

    def __init__(self, original: Exception):
        super().__init__(str(original))
        self.original = original


def _send(content: BinaryIO, handle: paramiko.SFTPFile, size: int, path: str) -> str:
    """Sends `size` bytes of `content`; the SHA-256 of what was sent."""
    digest = hashlib.sha256()
    remaining = size
    while remaining > 0:
        try:
            chunk = content.read(min(CHUNK, remaining))
        except Exception as error:
            raise _SourceFailed(error) from error
        if not chunk:
            raise Fatal(f"the content ended {remaining} bytes before its declared size", path=path)
        digest.update(chunk)
        handle.write(chunk)
        remaining -= len(chunk)
    return digest.hexdigest()


def _discard(client: StatusClient, temp: str) -> None:
    """Removes a temporary file; a failure is logged (the file stays hidden from listings)."""
    try:
        client.remove(temp)
    except (OSError, EOFError, paramiko.SSHException) as error:
        logger.warning("could not remove the temporary file %s: %s", temp, error)


def _remove_tree(client: StatusClient, remote: str) -> None:
    """Deletes a folder and its content, children first."""
    for attrs in client.listdir_attr(remote):
        child = posixpath.join(remote, attrs.filename)
        if stat_module.S_ISDIR(attrs.st_mode or 0):
            _remove_tree(client, child)
        else:
            client.remove(child)
    client.rmdir(remote)
