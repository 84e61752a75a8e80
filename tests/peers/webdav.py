"""A Nextcloud-like WebDAV server for tests: wsgidav + cheroot in-process on 127.0.0.1, port 0.

Two shares of one wsgidav app, both behind basic auth for `USER`/`PASSWORD`:

- `/remote.php/dav/files/alice` behaves like Nextcloud where the connector relies on it: a stable
  `oc:fileid` that is never reused (kept across MOVE and overwrite, new on COPY), collision-free
  ETags, folder ETags that change when anything below changes (propagation), an atomic PUT
  (the body goes to a hidden `.part` file that replaces the target only when complete, as
  Nextcloud does), `X-OC-Mtime` honoured, and `OC-FileId`/`OC-ETag` headers on the PUT response.
  The OCS share API fake (`tests/peers/ocs.py`) is mounted beside it, like on a real server.
- `/plain` is a plain WebDAV share whose PUT writes in place (stock wsgidav): a truncated body
  leaves a truncated file, as on some NAS servers. It has no `oc:` properties and no
  propagation.

The server records every request (`WebDavPeer.requests`) so tests can count PROPFINDs.

Three wsgidav 4.4 behaviours are corrected so that the peer answers like Nextcloud and Apache
(each one was met by a test): the `Destination` header is split before it is
percent-decoded (else a name with `?` loses its end on MOVE); a folder's conditions are
checked once on the folder before a DELETE/MOVE changes anything (wsgidav re-checks them on
each member while deleting, so half a folder went before a 412); and on the Nextcloud share an
`If-Match` on a missing file is a 412, as in Sabre (wsgidav creates the file).
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import os
import re
import secrets
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock
from urllib.parse import unquote, urlparse

import pytest
from cheroot import wsgi
from wsgidav import request_server, util
from wsgidav.dav_error import HTTP_BAD_REQUEST, HTTP_PRECONDITION_FAILED, DAVError
from wsgidav.dav_provider import DAVNonCollection
from wsgidav.fs_dav_provider import FileResource, FilesystemProvider, FolderResource
from wsgidav.wsgidav_app import WsgiDAVApp

from tests.peers.ocs import OcsShares
from tests.peers.shared import shared

USER = "alice"
PASSWORD = "correct horse battery staple"
NEXTCLOUD_PREFIX = f"/remote.php/dav/files/{USER}"
PLAIN_PREFIX = "/plain"
OC = "{http://owncloud.org/ns}"
PART_FILE = re.compile(r"^\..*\.ocTransferId\d+\.part$")

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class Identities:
    """Nextcloud-like file ids and write versions, keyed by inode; ids are never reused."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._known: dict[tuple[int, int], list[int]] = {}  # (dev, ino) -> [fileid, version]
        self._ids = itertools.count(1000)

    def of(self, info: os.stat_result) -> tuple[int, int]:
        with self._lock:
            known = self._known.setdefault((info.st_dev, info.st_ino), [next(self._ids), 0])
            return known[0], known[1]

    def written(self, info: os.stat_result, replaced: os.stat_result | None = None) -> None:
        """A write happened: the new inode takes over the replaced file's id, version + 1."""
        with self._lock:
            key = (info.st_dev, info.st_ino)
            old = self._known.pop((replaced.st_dev, replaced.st_ino), None) if replaced else None
            current = old or self._known.get(key) or [next(self._ids), 0]
            self._known[key] = [current[0], current[1] + 1]

    def forget_tree(self, path: str) -> None:
        """Before deleting `path`: its inodes may be reused by new files with new ids."""
        infos = [os.lstat(path)]
        if os.path.isdir(path):
            for folder, names, files in os.walk(path):
                infos += [os.lstat(os.path.join(folder, name)) for name in names + files]
        with self._lock:
            for info in infos:
                self._known.pop((info.st_dev, info.st_ino), None)


class _CountingWriter:
    def __init__(self, stream: Any) -> None:
        self.stream, self.written = stream, 0

    def write(self, data: bytes) -> None:
        self.stream.write(data)
        self.written += len(data)

    def close(self) -> None:
        self.stream.close()


class PeerFile(FileResource):  # type: ignore[misc]
    """A file; with `provider.atomic_put` it may not exist yet (a PUT in progress)."""

    provider: PeerProvider

    def __init__(self, path: str, environ: dict[str, Any], file_path: str) -> None:
        DAVNonCollection.__init__(self, path, environ)
        self._file_path = file_path
        self.name = os.path.basename(file_path)
        self.file_stat = os.stat(file_path) if os.path.exists(file_path) else None
        self._writer: _CountingWriter | None = None
        self._part: str | None = None

    def get_content_length(self) -> int:
        return self.file_stat.st_size if self.file_stat else 0

    def get_creation_date(self) -> float | None:
        return self.file_stat.st_ctime if self.file_stat else None

    def get_last_modified(self) -> float | None:
        return self.file_stat.st_mtime if self.file_stat else None

    def get_etag(self) -> str | None:
        if self.file_stat is None:
            return None
        info = self.file_stat
        _, version = self.provider.identities.of(info)
        return f"{info.st_ino:x}-{info.st_mtime_ns:x}-{info.st_size:x}-{version:x}"

    def get_property_names(self, *, is_allprop: bool) -> list[str]:
        names: list[str] = super().get_property_names(is_allprop=is_allprop)
        return names + self.provider.extra_properties()

    def get_property_value(self, name: str) -> Any:
        if name.startswith(OC) and self.provider.nextcloud and self.file_stat:
            if name == f"{OC}fileid":
                return str(self.provider.identities.of(self.file_stat)[0])
            if name == f"{OC}size":
                return str(self.file_stat.st_size)
        return super().get_property_value(name)

    def begin_write(self, *, content_type: str | None = None) -> _CountingWriter:
        if not self.provider.atomic_put:
            self._writer = _CountingWriter(open(self._file_path, "wb"))  # noqa: SIM115
            return self._writer
        folder, name = os.path.split(self._file_path)
        self._part = os.path.join(folder, f".{name}.ocTransferId{secrets.randbelow(10**9)}.part")
        self._writer = _CountingWriter(open(self._part, "xb"))  # noqa: SIM115
        return self._writer

    def end_write(self, *, with_errors: bool) -> None:
        expected = int(self.environ.get("CONTENT_LENGTH") or -1)
        complete = self._writer is not None and self._writer.written == expected
        if not self.provider.atomic_put:
            self.file_stat = os.stat(self._file_path)
            self.provider.identities.written(self.file_stat)
            return
        assert self._part is not None
        if with_errors or not complete:
            os.unlink(self._part)
            if not with_errors:  # what Nextcloud answers to a body shorter than its length
                written = self._writer.written if self._writer else 0
                raise DAVError(HTTP_BAD_REQUEST, f"expected {expected} bytes, got {written}")
            return
        mtime = self.environ.get("HTTP_X_OC_MTIME", "")
        if mtime.isdigit():
            os.utime(self._part, ns=(int(mtime) * 10**9, int(mtime) * 10**9))
            self.environ["peer.mtime_accepted"] = True
        replaced = self.file_stat
        if self.environ.get("HTTP_IF_NONE_MATCH", "").strip() == "*":
            try:  # create-only, atomically: a concurrent create wins
                os.link(self._part, self._file_path)
            except FileExistsError:
                raise DAVError(HTTP_PRECONDITION_FAILED) from None
            finally:
                os.unlink(self._part)
        else:
            os.replace(self._part, self._file_path)
        self.file_stat = os.stat(self._file_path)
        self.provider.identities.written(self.file_stat, replaced)

    def delete(self) -> None:
        self.provider.identities.forget_tree(self._file_path)
        super().delete()


class PeerFolder(FolderResource):  # type: ignore[misc]
    provider: PeerProvider

    def support_etag(self) -> bool:
        return True

    def get_etag(self) -> str:
        info = os.stat(self._file_path)
        fileid, _ = self.provider.identities.of(info)
        if not self.provider.nextcloud:  # a plain server: the folder's own stat only
            return f"{info.st_ino:x}-{info.st_mtime_ns:x}"
        # Propagation computed rather than stored: anything changed below changes this value.
        digest = hashlib.sha1(str(fileid).encode(), usedforsecurity=False)
        for folder, names, files in os.walk(self._file_path):
            names.sort()
            for name in sorted(names + files):
                child = os.lstat(os.path.join(folder, name))
                relative = os.path.relpath(os.path.join(folder, name), self._file_path)
                digest.update(f"{relative}\0{child.st_ino}\0{child.st_mtime_ns}\0".encode())
                digest.update(f"{child.st_size}\0{self.provider.identities.of(child)}".encode())
        return digest.hexdigest()[:24]

    def get_property_names(self, *, is_allprop: bool) -> list[str]:
        names: list[str] = super().get_property_names(is_allprop=is_allprop)
        return names + self.provider.extra_properties()

    def get_property_value(self, name: str) -> Any:
        if name.startswith(OC) and self.provider.nextcloud:
            if name == f"{OC}fileid":
                return str(self.provider.identities.of(os.stat(self._file_path))[0])
            if name == f"{OC}size":
                return str(_tree_size(self._file_path))
        return super().get_property_value(name)

    def get_member_names(self) -> list[str]:
        names: list[str] = super().get_member_names()
        return [name for name in names if not PART_FILE.match(name)]

    def create_empty_resource(self, name: str) -> PeerFile:
        if not self.provider.atomic_put:
            resource: PeerFile = super().create_empty_resource(name)
            return resource
        if "HTTP_IF_MATCH" in self.environ:  # Sabre: If-Match on a missing resource is 412
            raise DAVError(HTTP_PRECONDITION_FAILED, "If-Match given and the file does not exist")
        path = util.join_uri(self.path, name)  # created by end_write, once complete
        return PeerFile(path, self.environ, self.provider._loc_to_file_path(path, self.environ))

    def delete(self) -> None:
        self.provider.identities.forget_tree(self._file_path)
        super().delete()

    # wsgidav checks the request's conditions again on every member while it deletes or moves a
    # folder member by member, after some are gone (the folder's ETag has changed by then, so
    # half the folder goes and the rest fails), and applies If-Match to each member. Nextcloud
    # and Apache check the folder once, before changing anything: so does the peer.

    def handle_delete(self) -> bool:
        self.delete()
        return True

    def handle_move(self, dest_path: str) -> bool:
        if self.provider.exists(dest_path, self.environ):
            return False  # replacing a target: wsgidav's own way
        self.move_recursive(dest_path)
        return True


class PeerProvider(FilesystemProvider):  # type: ignore[misc]
    def __init__(self, root: Path, identities: Identities, *, nextcloud: bool) -> None:
        super().__init__(str(root), readonly=False, fs_opts={})
        self.identities = identities
        self.nextcloud = nextcloud
        self.atomic_put = nextcloud

    def extra_properties(self) -> list[str]:
        return [f"{OC}fileid", f"{OC}size"] if self.nextcloud else []

    def get_resource_inst(self, path: str, environ: dict[str, Any]) -> Any:
        file_path = self._loc_to_file_path(path, environ)
        if not os.path.exists(file_path) or os.path.islink(file_path):
            return None
        if os.path.isdir(file_path):
            return PeerFolder(path, environ, file_path)
        return PeerFile(path, environ, file_path)


def _tree_size(path: str) -> int:
    return sum(
        os.lstat(os.path.join(folder, name)).st_size
        for folder, _, files in os.walk(path)
        for name in files
    )


@dataclass
class WebDavPeer:
    """Where the server is; `nextcloud_root`/`plain_root` are the shares' folders on disk."""

    base_url: str
    nextcloud_root: Path
    plain_root: Path
    ocs: OcsShares
    requests: list[tuple[str, str]] = field(default_factory=list)
    user: str = USER
    password: str = PASSWORD

    def new_root(self, share: str = "nextcloud") -> tuple[str, Path]:
        """A fresh empty folder on a share: (its WebDAV URL, its path on disk)."""
        name = f"t-{secrets.token_hex(6)}"
        prefix, root = (
            (NEXTCLOUD_PREFIX, self.nextcloud_root)
            if share == "nextcloud"
            else (PLAIN_PREFIX, self.plain_root)
        )
        (root / name).mkdir()
        return f"{self.base_url}{prefix}/{name}", root / name

    def requests_under(self, url: str) -> list[tuple[str, str]]:
        path = url.removeprefix(self.base_url)
        return [(method, target) for method, target in self.requests if target.startswith(path)]


def _router(dav: WsgiApp, ocs: WsgiApp, peer: WebDavPeer, identities: Identities) -> WsgiApp:
    """Sends OCS and public-link URLs to the OCS fake, the rest to wsgidav; records requests
    and adds the headers Nextcloud puts on a PUT response."""

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        peer.requests.append((environ["REQUEST_METHOD"], path))
        if path.startswith(("/ocs/", "/s/")):
            return ocs(environ, start_response)
        if environ["REQUEST_METHOD"] != "PUT" or not path.startswith(NEXTCLOUD_PREFIX):
            return dav(environ, start_response)

        def nextcloud_headers(status: str, headers: list[tuple[str, str]], *args: Any) -> Any:
            target = peer.nextcloud_root / path.removeprefix(NEXTCLOUD_PREFIX).strip("/")
            if status.startswith("2") and target.is_file():
                etag = next((value for name, value in headers if name.lower() == "etag"), "")
                fileid, _ = identities.of(target.stat())
                headers += [("OC-ETag", etag), ("OC-FileId", f"{fileid:08d}ocpeer")]
                if environ.get("peer.mtime_accepted"):
                    headers.append(("X-OC-MTime", "accepted"))
            return start_response(status, headers, *args)

        return dav(environ, nextcloud_headers)

    return app


def _dav_app(nextcloud_root: Path, plain_root: Path, identities: Identities) -> WsgiApp:
    config = {
        "host": "127.0.0.1",
        "port": 0,
        "provider_mapping": {
            NEXTCLOUD_PREFIX: PeerProvider(nextcloud_root, identities, nextcloud=True),
            PLAIN_PREFIX: PeerProvider(plain_root, identities, nextcloud=False),
        },
        "simple_dc": {"user_mapping": {"*": {USER: {"password": PASSWORD}}}},
        "http_authenticator": {
            "accept_basic": True,
            "accept_digest": False,
            "default_to_digest": False,
        },
        "dir_browser": {"enable": False},
        "property_manager": True,  # dead properties, in memory
        "lock_storage": True,
        "verbose": 1,
        "logging": {"enable": False},
    }
    app: WsgiApp = WsgiDAVApp(config)
    return app


def _destination_decoded_after_split() -> Any:
    """wsgidav 4.4 percent-decodes the Destination header before splitting the URL, so a name
    with an encoded `?` loses its end on MOVE; Nextcloud and Apache decode the path after
    splitting. This makes the peer do the same while it runs."""

    def split_then_decode(url: str, allow_fragments: bool = True) -> Any:
        parts = urlparse(url, allow_fragments=False)
        return parts._replace(path=unquote(parts.path))

    return mock.patch.multiple(request_server, unquote=str, urlparse=split_then_decode)


@contextmanager
def wsgidav_server() -> Iterator[WebDavPeer]:
    """Starts the server on empty shares, yields where it is, stops it."""
    with ExitStack() as stack:
        folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="archivist-webdav-"))
        nextcloud_root, plain_root = Path(folder, "nextcloud"), Path(folder, "plain")
        nextcloud_root.mkdir()
        plain_root.mkdir()
        identities = Identities()
        ocs = OcsShares(nextcloud_root, USER, PASSWORD)
        peer = WebDavPeer("", nextcloud_root, plain_root, ocs)
        app = _router(_dav_app(nextcloud_root, plain_root, identities), ocs, peer, identities)
        server = wsgi.Server(("127.0.0.1", 0), app, numthreads=32, server_name="peer")
        stack.enter_context(_destination_decoded_after_split())
        server.prepare()
        host, port = server.bind_addr[:2]
        peer.base_url = f"http://{host}:{port}"
        thread = threading.Thread(target=server.serve, name="wsgidav-peer", daemon=True)
        thread.start()
        try:
            yield peer
        finally:
            server.stop()
            thread.join(timeout=10)


@pytest.fixture(scope="session")
def webdav_server() -> Iterator[WebDavPeer]:
    """The wsgidav server, one per test process whichever modules use it."""
    logging.getLogger("wsgidav").setLevel(logging.CRITICAL)
    with shared("wsgidav", wsgidav_server) as peer:
        yield peer
