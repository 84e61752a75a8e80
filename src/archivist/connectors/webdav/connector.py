"""The WebDAV connector: generic servers (Apache, NAS), Nextcloud and ownCloud.

Listing: PROPFIND `Depth: 1` folder by folder, top-down (`Depth: infinity` is often disabled),
a few folders at a time, parents first. With the nextcloud/owncloud flavour a folder's ETag
changes when anything below it changes, so `skip(folder)` is honoured there; a generic server's
folder ETag (Apache's, for one) only reflects the folder's own entries, so skip is ignored.

Uploads, and why they differ by flavour (measured on Apache 2.4 mod_dav_fs and wsgidav 4.4):

- nextcloud/owncloud: one `PUT` on the target, with `If-None-Match: *` (create-only) or
  `If-Match` (replace that version), and `X-OC-Mtime`. These servers write the body to a
  `.part` file and rename it into place only once complete, so a short body leaves the old
  content; a PUT keeps the file's `oc:fileid`, its versions and its shares (a MOVE onto the
  target would replace all three). The answer's `ETag`/`OC-FileId`/`X-OC-MTime` headers make
  the returned entry without a second request: 1 request per upload.
- generic: the body goes to a hidden temporary name in the target's folder, then a `MOVE` puts
  it in place (`Overwrite: F` for create-only). Servers that write a PUT in place (stock
  wsgidav, some NAS firmwares) would otherwise keep a truncated file when the stream breaks,
  and readers would see a partial file during every upload. A replace first reads the target
  (one PROPFIND: it must be a file with the expected ETag, so nothing is uploaded for nothing
  and a folder is never replaced), then the MOVE carries the WebDAV `If: <target> (["etag"])`
  condition so the server checks it atomically. Requests: create 3 (PUT, MOVE, PROPFIND),
  replace 4 (PROPFIND, PUT, MOVE, PROPFIND). When the stream ends early, up to 8 MiB of
  missing bytes are sent as zeros so that the server finishes the request, and the temporary
  file is then deleted (deleting it after a cut connection would race the server, which may
  still be writing it); a larger gap cuts the connection, and a temporary file the server
  kept stays hidden from listings.

Preconditions: `If-Match` for nextcloud/owncloud (their ETags are strong); the WebDAV `If`
header, tagged with the item's own path, for generic servers: Apache makes an ETag weak (`W/`)
for a second after a write and then refuses every `If-Match` on it, while `If` compares weakly.
ETags are normalised to their strong, quoted form (`"abc"`), so the same version keeps the same
`Entry.etag` when Apache's weak ETag turns strong.
"""

from __future__ import annotations

import io
import re
import time
import unicodedata
import uuid
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import BinaryIO

import httpx

from archivist.connectors.base import Capabilities, Entry, check_path, join_path, parent_path
from archivist.connectors.errors import (
    AlreadyExists,
    Conflict,
    ConnectorError,
    Fatal,
    NotFound,
    PreconditionFailed,
)
from archivist.connectors.options import OptionError
from archivist.connectors.webdav.client import DavClient, RootUrl, error_for
from archivist.connectors.webdav.errors import error_for_status, translated
from archivist.connectors.webdav.links import internal_link
from archivist.connectors.webdav.ocs import ShareApi
from archivist.connectors.webdav.propfind import MultistatusParser, Resource, propfind_body

__all__ = ["TEMP_PREFIX", "Flavour", "WebDavConnector", "WebDavConnectorWithLinks", "normal_etag"]

TEMP_PREFIX = ".archivist-upload-"
CHUNK = 1 << 20
PAD_SHORT_UPLOADS = 8 * CHUNK
"""A short stream missing at most this much is padded, not cut (see `_Body`)."""
LISTING_WORKERS = 4
_LEADING_DIGITS = re.compile(r"\d+")


class Flavour(StrEnum):
    GENERIC = "generic"
    NEXTCLOUD = "nextcloud"
    OWNCLOUD = "owncloud"


class WebDavConnector:
    """A WebDAV folder as a remote; see the module docstring for the strategy per flavour."""

    def __init__(
        self,
        url: str,
        username: str,
        password: str,
        *,
        flavour: str = Flavour.GENERIC,
        verify_tls: bool = True,
        timeout: float = 60.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        try:
            self.flavour = Flavour(flavour)
        except ValueError:
            choices = ", ".join(Flavour)
            raise OptionError("flavour", f"expected one of {choices}, got {flavour!r}") from None
        self.owncloud_like = self.flavour is not Flavour.GENERIC
        self.capabilities = Capabilities(
            stable_ids=self.owncloud_like,
            folder_etags_cover_content=self.owncloud_like,
            hash_types=frozenset(),  # oc:checksums exist only for files uploaded with one
            mtime_precision_seconds=1.0,
            case_sensitive=True,
            server_side_move=True,
            conditional_writes=True,
            real_folders=True,
            web_links=True,
        )
        self.root = RootUrl(url)
        self._dav = DavClient(
            self.root,
            username,
            password,
            verify_tls=verify_tls,
            timeout=timeout,
            transport=transport,
        )
        self._propfind_body = propfind_body(owncloud=self.owncloud_like)

    # --- reading ----------------------------------------------------------------------

    def list_tree(
        self, path: str = "", *, skip: Callable[[Entry], bool] | None = None
    ) -> Iterator[Entry]:
        start = check_path(path)
        return self._walk(start, skip if self.owncloud_like else None)

    def _walk(self, start: str, skip: Callable[[Entry], bool] | None) -> Iterator[Entry]:
        pending, listing = deque([start]), deque[Future[list[Entry]]]()
        with ThreadPoolExecutor(LISTING_WORKERS, thread_name_prefix="webdav-list") as pool:
            try:
                while pending or listing:
                    while pending and len(listing) < 2 * LISTING_WORKERS:
                        folder = pending.popleft()
                        listing.append(pool.submit(self._children, folder, folder == start))
                    for entry in listing.popleft().result():
                        yield entry
                        if entry.is_folder and not (skip and skip(entry)):
                            pending.append(entry.path)
            finally:
                for future in listing:
                    future.cancel()

    def _children(self, folder: str, first: bool = False) -> list[Entry]:
        try:
            resources = self._dav.propfind(folder, self._propfind_body, depth=1, folder=True)
        except (NotFound, Conflict, Fatal) as error:
            if not first or not folder:
                raise
            # The start may be a file: Apache answers 400 to "file/", others 404 or 409.
            if not self.stat(folder).is_folder:
                raise Conflict("this is a file, not a folder", path=folder) from error
            raise
        own = _nfc(self.root.decoded(folder).rstrip("/"))
        itself = next((r for r in resources if _nfc(r.href.rstrip("/")) == own), None)
        if itself is None and resources:  # a proxy rewrote the paths: the folder comes first
            itself = resources[0]
        if itself is None or not itself.is_collection:
            raise Conflict("this is a file, not a folder", path=folder)
        children = []
        for resource in resources:
            if resource is itself:
                continue
            if resource.status is not None and not 200 <= resource.status < 300:
                raise error_for_status(resource.status, "PROPFIND", resource.href, path=folder)
            name = _nfc(resource.href.rstrip("/").rpartition("/")[2])
            if name and not name.startswith(TEMP_PREFIX):
                children.append(self._entry(join_path(folder, name), resource))
        return sorted(children, key=lambda entry: entry.path)

    def stat(self, path: str) -> Entry:
        path = check_path(path)
        resources = self._dav.propfind(path, self._propfind_body, depth=0)
        if not resources:
            raise NotFound("the server listed nothing for this path", path=path)
        return self._entry(path, resources[0])

    def _stat_or_none(self, path: str) -> Entry | None:
        try:
            return self.stat(path)
        except NotFound:
            return None

    def open_read(self, path: str, *, offset: int = 0) -> AbstractContextManager[BinaryIO]:
        return self._open_read(check_path(path), offset)

    @contextmanager
    def _open_read(self, path: str, offset: int) -> Iterator[BinaryIO]:
        url = self.root.url(path)
        headers = {"Accept-Encoding": "identity"}
        if offset:
            headers["Range"] = f"bytes={offset}-"
        with translated("GET", url, path=path):
            request = self._dav.http.build_request("GET", url, headers=headers)
            response = self._dav.http.send(request, stream=True)
        try:
            if response.status_code == 416 and offset:  # the offset is the end of the file
                yield io.BytesIO(b"")
                return
            if response.status_code not in (200, 206):
                with translated("GET", url, path=path):
                    response.read()
                raise error_for(response, path)
            skip = offset if response.status_code == 200 else 0  # Range ignored: skip ourselves
            yield io.BufferedReader(_ResponseReader(response, path, skip), 64 * 1024)
        finally:
            response.close()

    # --- writing ----------------------------------------------------------------------

    def make_folder(self, path: str) -> Entry:
        path = check_path(path)
        if not path:
            raise AlreadyExists("the root folder exists", path=path)
        response = self._dav.send("MKCOL", path)
        if response.status_code == 405:
            raise AlreadyExists("something already exists at this path", path=path)
        if response.status_code == 409:
            raise NotFound("the parent folder does not exist", path=parent_path(path))
        if response.status_code not in (200, 201):
            raise error_for(response, path)
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
        path = check_path(path)
        if not path:
            raise Conflict("cannot write over the root folder", path=path)
        if size < 0:
            raise Fatal(f"a size cannot be negative ({size})", path=path)
        if self.owncloud_like:
            return self._put_in_place(path, content, size, if_match, if_absent)
        return self._put_then_move(path, content, size, if_match, if_absent)

    def _put_in_place(
        self, path: str, content: BinaryIO, size: int, if_match: str | None, if_absent: bool
    ) -> Entry:
        mtime = int(time.time())
        headers = {"Content-Length": str(size), "X-OC-Mtime": str(mtime)}
        if if_absent:
            headers["If-None-Match"] = "*"
        elif if_match is not None:
            headers["If-Match"] = normal_etag(if_match) or if_match
        response = self._dav.send(
            "PUT", path, headers=headers, content=_chunks(content, size, path)
        )
        if response.status_code == 412:
            raise self._refused(path, if_absent)
        if response.status_code in (405, 409):
            raise self._folder_or_missing_parent(path)
        if response.status_code not in (200, 201, 204):
            raise error_for(response, path)
        return self._entry_from_put(path, size, mtime, response) or self.stat(path)

    def _put_then_move(
        self, path: str, content: BinaryIO, size: int, if_match: str | None, if_absent: bool
    ) -> Entry:
        if not if_absent:
            current = self._stat_or_none(path)
            if current is not None and current.is_folder:
                raise Conflict("a folder is in the way", path=path)
            if if_match is not None and (current is None or current.etag != normal_etag(if_match)):
                raise PreconditionFailed("the file changed since it was observed", path=path)
        temp = join_path(parent_path(path), f"{TEMP_PREFIX}{uuid.uuid4().hex}")
        body = _Body(content, size, path, pad_up_to=PAD_SHORT_UPLOADS)
        try:
            response = self._dav.send(
                "PUT", temp, headers={"Content-Length": str(size)}, content=body
            )
        except ConnectorError as error:
            self._discard(temp, error)  # a server writing in place may keep a partial file
            raise
        if response.status_code in (404, 409):
            raise NotFound("the parent folder does not exist", path=parent_path(path))
        if response.status_code not in (200, 201, 204):
            raise self._discard(temp, error_for(response, path))
        try:
            body.raise_if_short()
        except Fatal as short:
            raise self._discard(temp, short) from None
        headers = {"Destination": self.root.url(path), "Overwrite": "F" if if_absent else "T"}
        if if_match is not None:
            headers["If"] = self._if_header(path, if_match, folder=False)
        response = self._dav.send("MOVE", temp, headers=headers)
        if response.status_code == 412:
            raise self._discard(temp, self._refused(path, if_absent))
        if response.status_code == 409:
            missing = NotFound("the parent folder does not exist", path=parent_path(path))
            raise self._discard(temp, missing)
        if response.status_code not in (200, 201, 204):
            raise self._discard(temp, error_for(response, path))
        return self.stat(path)

    def move(self, source: str, target: str, *, if_match: str | None = None) -> Entry:
        source, target = check_path(source), check_path(target)
        if not source or not target:
            raise Conflict("the root folder cannot be moved", path=source or target)
        if target.startswith(f"{source}/"):
            raise Conflict("a folder cannot move into itself", path=target)
        headers = {"Destination": self.root.url(target), "Overwrite": "F"}
        if if_match is not None:
            headers.update(self._precondition(source, if_match))
        response = self._dav.send("MOVE", source, headers=headers)
        if response.status_code == 412:
            if if_match is not None and self._stat_or_none(target) is None:
                raise PreconditionFailed("the item changed since it was observed", path=source)
            raise AlreadyExists("the target already exists", path=target)
        if response.status_code == 409:
            raise NotFound("the target's parent folder does not exist", path=parent_path(target))
        _raise_for_multistatus(response, source)
        if response.status_code not in (200, 201, 204):
            raise error_for(response, source)
        return self.stat(target)

    def delete(self, path: str, *, if_match: str | None = None) -> None:
        path = check_path(path)
        if not path:
            raise Conflict("the root folder cannot be deleted", path=path)
        headers = self._precondition(path, if_match) if if_match is not None else {}
        response = self._dav.send("DELETE", path, headers=headers)
        _raise_for_multistatus(response, path)
        if response.status_code not in (200, 204):
            raise error_for(response, path)

    def web_link(self, path: str, *, folder: bool, remote_id: str = "") -> str:
        """The item's page for a signed-in person (see `links`); no request is made."""
        return internal_link(
            self.root,
            check_path(path),
            folder=folder,
            remote_id=remote_id,
            owncloud_like=self.owncloud_like,
        )

    def close(self) -> None:
        self._dav.close()

    # --- helpers ------------------------------------------------------------------------

    def _entry(self, path: str, resource: Resource) -> Entry:
        return Entry(
            path=path,
            is_folder=resource.is_collection,
            size=0 if resource.is_collection else resource.size or 0,
            id=resource.fileid if self.owncloud_like else None,
            etag=normal_etag(resource.etag),
            hashes=resource.hashes,
            modified=resource.modified,
        )

    def _entry_from_put(
        self, path: str, size: int, mtime: int, response: httpx.Response
    ) -> Entry | None:
        """The new entry from Nextcloud's PUT answer headers, or None if they are missing."""
        etag = normal_etag(response.headers.get("OC-ETag") or response.headers.get("ETag"))
        fileid = _LEADING_DIGITS.match(response.headers.get("OC-FileId", ""))
        if etag is None or fileid is None:
            return None
        accepted = response.headers.get("X-OC-MTime", "").lower() == "accepted"
        return Entry(
            path=path,
            is_folder=False,
            size=size,
            id=str(int(fileid.group())),
            etag=etag,
            modified=datetime.fromtimestamp(mtime, UTC) if accepted else None,
        )

    def _precondition(self, path: str, etag: str) -> dict[str, str]:
        """The header that makes the server refuse the request unless `path` has `etag`."""
        if self.owncloud_like:
            return {"If-Match": normal_etag(etag) or etag}
        current = self.stat(path)  # the tag must name a folder with its trailing slash
        if current.etag != normal_etag(etag):
            raise PreconditionFailed("the item changed since it was observed", path=path)
        return {"If": self._if_header(path, etag, folder=current.is_folder)}

    def _if_header(self, path: str, etag: str, *, folder: bool) -> str:
        return f"<{self.root.encoded(path, folder=folder)}> ([{normal_etag(etag)}])"

    def _refused(self, path: str, if_absent: bool) -> Conflict:
        if if_absent:
            return AlreadyExists("something already exists at this path", path=path)
        return PreconditionFailed("the file changed since it was observed", path=path)

    def _folder_or_missing_parent(self, path: str) -> ConnectorError:
        """What a 405/409 to a PUT means: a folder in the way, or no parent folder."""
        current = self._stat_or_none(path)
        if current is not None and current.is_folder:
            return Conflict("a folder is in the way", path=path)
        return NotFound("the parent folder does not exist", path=parent_path(path))

    def _discard(self, temp: str, error: ConnectorError) -> ConnectorError:
        """Deletes an upload's temporary file after `error`; returns `error` to raise."""
        try:
            response = self._dav.send("DELETE", temp)
            if response.status_code not in (200, 204, 404):
                raise error_for(response, temp)
        except ConnectorError as cleanup:
            error.add_note(f"the temporary file {temp!r} could not be deleted: {cleanup}")
        return error


class _ResponseReader(io.RawIOBase):
    """A streamed GET body as a raw binary stream (skipping `skip` leading bytes)."""

    def __init__(self, response: httpx.Response, path: str, skip: int) -> None:
        self._response, self._path, self._skip = response, path, skip
        self._chunks = response.iter_bytes(CHUNK)
        self._pending, self._offset = memoryview(b""), 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while self._offset >= len(self._pending):
            with translated("GET", str(self._response.request.url), path=self._path):
                chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            dropped = min(self._skip, len(chunk))
            self._skip -= dropped
            self._pending, self._offset = memoryview(chunk), dropped
        size = min(len(buffer), len(self._pending) - self._offset)
        buffer[:size] = self._pending[self._offset : self._offset + size]
        self._offset += size
        return size


def normal_etag(value: str | None) -> str | None:
    """`W/"abc"`, `"abc"` and `abc` all become `"abc"`; None or empty stays None."""
    if not value or not value.strip():
        return None
    value = value.strip().removeprefix("W/")
    return (
        value if value.startswith('"') and value.endswith('"') and len(value) > 1 else f'"{value}"'
    )


def _chunks(content: BinaryIO, size: int, path: str) -> Iterator[bytes]:
    """The upload body: `size` bytes in reads of at most 1 MiB; a short stream raises."""
    return iter(_Body(content, size, path, pad_up_to=0))


class _Body:
    """An upload body read in chunks of at most 1 MiB; `missing` counts bytes the stream lacked.

    With `pad_up_to`, a stream that ends early is completed with zero bytes (if at most that
    many are missing) instead of cutting the connection: the server then finishes the request,
    so the temporary file it wrote can be deleted without racing the server's own handling of
    an aborted request. The caller must check `missing` and discard what was written.
    """

    def __init__(self, content: BinaryIO, size: int, path: str, *, pad_up_to: int) -> None:
        self.content, self.size, self.path, self.pad_up_to = content, size, path, pad_up_to
        self.missing = 0

    def __iter__(self) -> Iterator[bytes]:
        remaining = self.size
        while remaining > 0:
            chunk = self.content.read(min(CHUNK, remaining))
            if not chunk:
                self.missing = remaining
                if remaining > self.pad_up_to:
                    self.raise_if_short()
                yield from _zeros(remaining)
                return
            remaining -= len(chunk)
            yield chunk

    def raise_if_short(self) -> None:
        if self.missing:
            message = f"the content ended {self.missing} bytes before its declared size"
            raise Fatal(message, path=self.path)


def _zeros(count: int) -> Iterator[bytes]:
    while count > 0:
        yield bytes(min(CHUNK, count))
        count -= CHUNK


def _raise_for_multistatus(response: httpx.Response, path: str) -> None:
    """A 207 to DELETE/MOVE lists the members that failed: raise for the first one."""
    if response.status_code != 207:
        return
    request = response.request
    with translated(request.method, str(request.url), path=path):
        parser = MultistatusParser()
        failures = [*parser.feed(response.content), *parser.close()]
    for failure in failures:
        if failure.status is not None and failure.status >= 300:
            raise error_for_status(failure.status, request.method, failure.href, path=path)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


class WebDavConnectorWithLinks(WebDavConnector):
    """A Nextcloud/ownCloud connector that also makes public links (`SupportsPublicLinks`)."""

    def __init__(
        self,
        url: str,
        username: str,
        password: str,
        *,
        flavour: str = Flavour.NEXTCLOUD,
        verify_tls: bool = True,
        timeout: float = 60.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        super().__init__(
            url,
            username,
            password,
            flavour=flavour,
            verify_tls=verify_tls,
            timeout=timeout,
            transport=transport,
        )
        if not self.owncloud_like:
            self.close()
            raise OptionError("use_public_urls", "needs the nextcloud or owncloud flavour")
        try:
            self._shares = ShareApi(self.root, self._dav.http)
        except OptionError:
            self.close()
            raise
        self.capabilities = replace(self.capabilities, public_links=True)

    def public_link(self, path: str) -> str:
        return self._shares.public_link(check_path(path))

    def web_link(self, path: str, *, folder: bool, remote_id: str = "") -> str:
        """With "Use Public URLs": the page of the item's public link (made when missing)."""
        return self._shares.share_page(check_path(path))
