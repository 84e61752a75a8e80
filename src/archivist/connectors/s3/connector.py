"""A bucket (or a folder inside one) on AWS S3 or an S3-compatible server, seen as a remote tree.

Paths map to keys under the configured prefix. Folders are key prefixes; `make_folder` also
writes a zero-byte marker `path/` so an empty folder survives. What each operation costs:

- `list_tree`: the ListObjectsV2 pages only (1,000 keys each), no HEAD per object;
- `upload` of a file up to `multipart_threshold_mb`: one PUT, its ETag taken from the response;
  larger files go in parts, one part in memory at a time;
- `stat`: a HEAD, plus a one-key listing when the path is a folder;
- `move`: HEAD, target check, CopyObject, DeleteObject (S3 has no rename); a folder's keys are
  copied in parallel, then deleted in batches of 1,000.

Preconditions are sent to the server (If-Match, If-None-Match: *, and on copies
x-amz-copy-source-if-match); with `conditional_writes` off they are checked with a HEAD just
before instead. Moves and deletes always look first (a DeleteObject of a missing key succeeds,
and not every server honours preconditions on copies), so they never replace an existing target
and never delete a source that changed after it was copied.

What S3 cannot give, and how it shows:

- no stable ids, and `Entry.modified` is the upload time (to the second), not a file's mtime;
- `md5` only for objects sent in one part (a multipart ETag is no MD5); `sha256` from `upload`
  and `stat` only where the server verified and kept the checksum we sent (SeaweedFS, AWS);
- a folder move copies then deletes, so it is not atomic: a failed copy undoes the copies made,
  but a crash in between leaves both trees (the next listing shows them);
- a file `a` and a folder `a/…` can exist side by side; `stat`, `move` and `delete` take the
  file; parents need not exist for `make_folder`, `upload` or `move`;
- keys that are not valid paths (control characters, `a//b`, names not in NFC) are left out of
  listings, with a warning;
- if a create-only PUT's answer is lost and botocore retries it, the retry sees our own object
  and reports AlreadyExists: the planner then finds the file with the expected MD5.
"""

from __future__ import annotations

import contextlib
import io
import logging
import mimetypes
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager
from typing import Any, BinaryIO

from botocore.exceptions import ClientError

from archivist.connectors.base import Capabilities, Entry, check_path
from archivist.connectors.errors import (
    AlreadyExists,
    Conflict,
    ConnectorError,
    Fatal,
    NotFound,
    PreconditionFailed,
)
from archivist.connectors.s3.client import MAX_CONNECTIONS, credentials, new_client
from archivist.connectors.s3.config import S3Settings
from archivist.connectors.s3.direct import direct_put
from archivist.connectors.s3.errors import error_code, http_status, translate, translated
from archivist.connectors.s3.links import aws_console_url
from archivist.connectors.s3.listing import bare_etag, file_entry, folder_entry, quoted, tree
from archivist.connectors.s3.signing import EMPTY_SHA256
from archivist.connectors.s3.transfer import (
    CHUNK,
    Block,
    ObjectReader,
    Target,
    copy_in_parts,
    part_size,
    read_exactly,
    upload_in_parts,
)

__all__ = ["S3Connector"]

log = logging.getLogger(__name__)

MIB = 1024 * 1024
MAX_KEY_BYTES = 1024
_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_CONDITION_HEADERS = {"IfMatch": "If-Match", "IfNoneMatch": "If-None-Match"}
_TYPES = mimetypes.MimeTypes()  # initialised now: guess_type is then safe from any thread


class S3Connector:
    """The `Connector` for S3; also `SupportsPublicLinks` (presigned GET URLs)."""

    copy_limit = 5 * 1024 * MIB  # the largest object one CopyObject copies
    copy_part_size = 512 * MIB
    list_page_size = 1000
    delete_batch_size = 1000  # the most DeleteObjects takes
    move_workers = 16

    def __init__(self, settings: S3Settings, *, max_attempts: int = 3):
        """`max_attempts` counts botocore's own tries per request; the queue retries the rest."""
        self.settings = settings
        self.bucket = settings.bucket
        self.capabilities = Capabilities(
            stable_ids=False,
            hash_types=frozenset({"md5"}) if settings.md5_etags else frozenset(),
            mtime_precision_seconds=1.0,  # upload time, to the second (as HEAD gives it)
            case_sensitive=True,
            server_side_move=False,
            conditional_writes=settings.conditional_writes,
            real_folders=False,
            change_feed=False,
            public_links=True,
            web_links=True,
        )
        self._root = f"{settings.prefix}/" if settings.prefix else ""
        self._warned_etags = False
        self.client: Any = new_client(settings, max_attempts=max_attempts)
        # small uploads skip botocore's client machinery (None: botocore sends them too)
        self.direct = direct_put(
            self.client,
            self.bucket,
            credentials(settings),
            max_attempts=max_attempts,
            pool_size=MAX_CONNECTIONS,
        )

    def __repr__(self) -> str:
        where = (
            f", endpoint_url={self.settings.endpoint_url!r}" if self.settings.endpoint_url else ""
        )
        return f"S3Connector('s3://{self.bucket}/{self._root}'{where})"

    # -- listing and stat ---------------------------------------------------------------------

    def list_tree(
        self, path: str = "", *, skip: Callable[[Entry], bool] | None = None
    ) -> Iterator[Entry]:
        """One flat listing of every key below `path`; `skip` is not needed and ignored."""
        path, key = self._locate(path)
        prefix = f"{key}/" if path else self._root

        def objects() -> Iterator[Mapping[str, Any]]:
            empty = True
            for item in self._objects(prefix, path):
                empty = False
                yield item
            if empty and path:
                raise NotFound("no such folder", path=path)

        yield from tree(objects(), root=self._root, under=path, md5_etags=self.settings.md5_etags)

    def stat(self, path: str) -> Entry:
        path, key = self._locate(path)
        if not path:
            self._any_object(self._root, path)  # a missing bucket or refused keys show here
            return folder_entry(path)
        head = self._head(path, key)
        if head is not None:
            return file_entry(path, head, md5_etags=self.settings.md5_etags)
        if self._any_object(f"{key}/", path):
            return folder_entry(path)
        raise NotFound("no such file or folder", path=path)

    # -- writing ------------------------------------------------------------------------------

    def make_folder(self, path: str) -> Entry:
        """Writes the marker `path/`; AlreadyExists for a marker, keys below, or a file there."""
        path, key = self._locate(path)
        if not path:
            raise AlreadyExists("the root folder always exists", path=path)
        if self._head(path, key) is not None:
            raise AlreadyExists("a file of that name is there", path=path)
        if self._any_object(f"{key}/", path):
            raise AlreadyExists("the folder already exists", path=path)
        with self._translated("make folder", path, precondition=AlreadyExists):
            if self.direct is not None:
                conditions = self._if_absent().items()
                headers = {_CONDITION_HEADERS[name]: value for name, value in conditions}
                self.direct.put(f"{key}/", b"", headers, sha256=EMPTY_SHA256)
            else:
                self.client.put_object(
                    Bucket=self.bucket, Key=f"{key}/", Body=b"", **self._if_absent()
                )
        return folder_entry(path)

    def upload(
        self,
        path: str,
        content: BinaryIO,
        size: int,
        *,
        if_match: str | None = None,
        if_absent: bool = False,
    ) -> Entry:
        path, key = self._locate(path)
        if not path:
            raise Conflict("cannot write over the root folder", path=path)
        if size < 0:
            raise Fatal(f"a file cannot have {size} bytes", path=path)
        if if_absent and if_match is not None:
            raise Fatal("if_absent and if_match exclude each other", path=path)
        precondition = AlreadyExists if if_absent else PreconditionFailed
        large = size > self.settings.multipart_threshold
        if (if_absent or if_match is not None) and (large or not self.settings.conditional_writes):
            # Large: fail before sending gigabytes (the server checks again on completion).
            self._check_before_write(path, key, if_match=if_match, if_absent=if_absent)
        conditions: dict[str, str] = {}
        if self.settings.conditional_writes:
            conditions = self._if_absent() if if_absent else {}
            if if_match is not None:
                conditions["IfMatch"] = quoted(if_match)
        content_type = _TYPES.guess_type(path)[0] or "application/octet-stream"
        if large:
            uploaded = upload_in_parts(
                Target(self.client, self.bucket, key, path),
                content,
                size,
                part_bytes=part_size(size, self.settings.multipart_threshold),
                options={"ContentType": content_type},
                conditions=conditions,
                precondition=precondition,
                checksums=self.settings.sha256_checksums,
            )
            hashes = {"sha256": uploaded.sha256} if uploaded.sha256 else {}
            return self._written(path, size, uploaded.response.get("ETag"), hashes)
        block = Block.of(read_exactly(content, size, path))
        extra = {"ChecksumSHA256": block.sha256_base64} if self.settings.sha256_checksums else {}
        with self._translated("upload", path, precondition=precondition):
            if self.direct is not None:
                response = self._put_directly(key, block, content_type, conditions)
            else:
                response = self.client.put_object(
                    Bucket=self.bucket,
                    Key=key,
                    Body=block.data,
                    ContentType=content_type,
                    ContentMD5=block.md5_base64,
                    **extra,
                    **conditions,
                )
        hashes = {}
        etag = bare_etag(response.get("ETag"))
        if self.settings.md5_etags and etag is not None:
            if etag == block.md5.hex():
                hashes["md5"] = etag
            else:
                self._warn_etags_are_not_md5(path)
        if response.get("ChecksumSHA256") == block.sha256_base64:  # the server checked it
            hashes["sha256"] = block.sha256.hex()
        return self._written(path, size, etag, hashes)

    def _put_directly(
        self, key: str, block: Block, content_type: str, conditions: Mapping[str, str]
    ) -> dict[str, str | None]:
        """The PutObject above, sent by DirectPut; its answer in botocore's names."""
        assert self.direct is not None
        headers = {"Content-Type": content_type, "Content-MD5": block.md5_base64}
        if self.settings.sha256_checksums:
            headers["x-amz-checksum-sha256"] = block.sha256_base64
        headers.update((_CONDITION_HEADERS[name], value) for name, value in conditions.items())
        answer = self.direct.put(key, block.data, headers, sha256=block.sha256.hex())
        return {"ETag": answer.get("etag"), "ChecksumSHA256": answer.get("x-amz-checksum-sha256")}

    def _written(self, path: str, size: int, etag: object, hashes: Mapping[str, str]) -> Entry:
        etag = bare_etag(etag)
        if etag is None:  # a server that sends no ETag with its answer: ask for it
            return self.stat(path)
        return Entry(path=path, is_folder=False, size=size, etag=etag, hashes=dict(hashes))

    def _check_before_write(
        self, path: str, key: str, *, if_match: str | None, if_absent: bool
    ) -> None:
        head = self._head(path, key)
        if if_absent and head is not None:
            raise AlreadyExists("the item already exists", path=path)
        if if_match is not None:
            if head is None:
                raise PreconditionFailed("the item is gone since it was observed", path=path)
            if bare_etag(head.get("ETag")) != bare_etag(if_match):
                raise PreconditionFailed("the item changed since it was observed", path=path)

    def _warn_etags_are_not_md5(self, path: str) -> None:
        if not self._warned_etags:
            self._warned_etags = True
            log.warning(
                "s3://%s/%s: the server's ETag is not the MD5 of the content (encrypted "
                "bucket?); turn off md5_etags for this connection",
                self.bucket,
                self._root + path,
            )

    # -- reading ------------------------------------------------------------------------------

    def open_read(self, path: str, *, offset: int = 0) -> AbstractContextManager[BinaryIO]:
        path, key = self._locate(path)
        if offset < 0:
            raise Fatal(f"cannot read from offset {offset}", path=path)
        return self._reading(path, key, offset)

    @contextlib.contextmanager
    def _reading(self, path: str, key: str, offset: int) -> Iterator[BinaryIO]:
        ranged = {"Range": f"bytes={offset}-"} if offset else {}
        with self._translated("read", path):
            try:
                response = self.client.get_object(Bucket=self.bucket, Key=key, **ranged)
            except ClientError as error:
                if error_code(error) == "InvalidRange":  # at or past the end
                    response = None
                elif http_status(error) == 404 and self._any_object(f"{key}/", path):
                    raise Conflict("this is a folder, not a file", path=path) from error
                else:
                    raise
        if response is None:
            yield io.BytesIO(b"")
            return
        raw = ObjectReader(response["Body"], path=path, bucket=self.bucket)
        with io.BufferedReader(raw, CHUNK) as stream:
            if offset and not response.get("ContentRange"):
                raw.skip(offset)  # the server ignored Range and sent everything
            yield stream

    # -- moving and deleting ------------------------------------------------------------------

    def move(self, source: str, target: str, *, if_match: str | None = None) -> Entry:
        source, source_key = self._locate(source)
        target, target_key = self._locate(target)
        if not source or not target:
            raise Conflict("the root folder cannot be moved", path=source or target)
        head = self._head(source, source_key)
        if head is None:
            return self._move_folder(source, source_key, target, target_key, if_match)
        etag = bare_etag(head.get("ETag")) or ""
        if if_match is not None and bare_etag(if_match) != etag:
            raise PreconditionFailed("the item changed since it was observed", path=source)
        self._refuse_existing(target, target_key)
        size = int(head.get("ContentLength", 0))
        copied = self._copy(source_key, etag, size, target, target_key)
        try:
            with self._translated("move", source):
                self.client.delete_object(Bucket=self.bucket, Key=source_key, **self._if(etag))
        except PreconditionFailed:
            # Changed after the copy: keep the new version where it is, undo the copy.
            self._delete_keys([(target_key, bare_etag(copied.get("ETag")))], target)
            raise
        return file_entry(
            target,
            {**copied, "Size": size, "ChecksumSHA256": None},
            md5_etags=self.settings.md5_etags,
        )

    def _move_folder(
        self, source: str, source_key: str, target: str, target_key: str, if_match: str | None
    ) -> Entry:
        objects = list(self._objects(f"{source_key}/", source))
        if not objects:
            raise NotFound("no such file or folder", path=source)
        if if_match is not None:
            raise PreconditionFailed("a folder on S3 has no ETag to match", path=source)
        if target == source or target.startswith(f"{source}/"):
            raise Conflict("a folder cannot move into itself", path=target)
        self._refuse_existing(target, target_key)
        rests = [item["Key"][len(source_key) :] for item in objects]  # "/sub/a.txt", "/"…
        copies = [
            (item, target_key + rest, (target + rest).rstrip("/"))
            for item, rest in zip(objects, rests, strict=True)
        ]
        self._copy_all(copies)
        self._delete_keys([(item["Key"], bare_etag(item.get("ETag"))) for item in objects], source)
        return folder_entry(target)

    def _copy_all(self, copies: Sequence[tuple[Mapping[str, Any], str, str]]) -> None:
        """Copies every (object, new key, new path); on a failure undoes every copy made.

        Folder markers are written first, parents first, and without If-None-Match: SeaweedFS
        cannot copy a marker, and a file copied first would already have made the folder
        there (its implicit directory answers like a marker). Files are copied in parallel.
        """
        markers = sorted((new_key for _, new_key, _ in copies if new_key.endswith("/")), key=len)
        written: list[tuple[str, str | None]] = []
        for new_key in markers:
            with self._translated("move", new_key[len(self._root) :].rstrip("/")):
                response = self.client.put_object(Bucket=self.bucket, Key=new_key, Body=b"")
            written.append((new_key, bare_etag(response.get("ETag"))))

        def copy(item: Mapping[str, Any], new_key: str, new_path: str) -> tuple[str, str | None]:
            etag = bare_etag(item.get("ETag")) or ""
            copied = self._copy(item["Key"], etag, int(item.get("Size", 0)), new_path, new_key)
            return new_key, bare_etag(copied.get("ETag"))

        files = [arguments for arguments in copies if not arguments[1].endswith("/")]
        workers = max(1, min(self.move_workers, len(files)))
        with ThreadPoolExecutor(workers, thread_name_prefix="s3-move") as pool:
            futures: list[Future[tuple[str, str | None]]] = [
                pool.submit(copy, *arguments) for arguments in files
            ]
            for future in futures:
                if future.exception() is not None:
                    for pending in futures:
                        pending.cancel()
                    break
        failures = [
            error
            for future in futures
            if not future.cancelled() and (error := future.exception()) is not None
        ]
        if failures:
            done = [f.result() for f in futures if not f.cancelled() and f.exception() is None]
            try:
                self._delete_keys(written + done, copies[0][2])
            except ConnectorError as undo_error:
                failures[0].add_note(f"undoing the copies made so far failed too: {undo_error}")
            raise failures[0]

    def _copy(
        self, source_key: str, etag: str, size: int, target: str, target_key: str
    ) -> Mapping[str, Any]:
        """Server-side copy of one object that must still have `etag`; the copy's ETag/time."""
        if size > self.copy_limit:
            return copy_in_parts(
                Target(self.client, self.bucket, target_key, target),
                source_key,
                quoted(etag),
                size,
                part_bytes=part_size(size, self.copy_part_size),
                conditions=self._if_absent(),
                precondition=AlreadyExists,
            )
        with self._translated("move", target):
            try:
                response = self.client.copy_object(
                    Bucket=self.bucket,
                    Key=target_key,
                    CopySource={"Bucket": self.bucket, "Key": source_key},
                    CopySourceIfMatch=quoted(etag),
                    **self._if_absent(),
                )
            except ClientError as error:
                if http_status(error) != 412:
                    raise
                # Which precondition failed: the target's (exists now) or the source's?
                if self._head(target, target_key) is not None:
                    raise AlreadyExists("the target already exists", path=target) from error
                raise PreconditionFailed(
                    "the item changed since it was observed", path=target, cause=error
                ) from error
        result: Mapping[str, Any] = response.get("CopyObjectResult", {})
        return result

    def _refuse_existing(self, path: str, key: str) -> None:
        if self._head(path, key) is not None or self._any_object(f"{key}/", path):
            raise AlreadyExists("the target already exists", path=path)

    def delete(self, path: str, *, if_match: str | None = None) -> None:
        path, key = self._locate(path)
        if not path:
            raise Conflict("the root folder cannot be deleted", path=path)
        head = self._head(path, key)
        if head is not None:
            if if_match is not None and bare_etag(if_match) != bare_etag(head.get("ETag")):
                raise PreconditionFailed("the item changed since it was observed", path=path)
            extra = self._if(if_match) if if_match is not None else {}
            with self._translated("delete", path):
                self.client.delete_object(Bucket=self.bucket, Key=key, **extra)
            return
        objects = list(self._objects(f"{key}/", path))
        if not objects:
            raise NotFound("no such file or folder", path=path)
        if if_match is not None:
            raise PreconditionFailed("a folder on S3 has no ETag to match", path=path)
        self._delete_keys([(item["Key"], None) for item in objects], path)

    def _delete_keys(self, keys: Sequence[tuple[str, str | None]], path: str) -> None:
        """Deletes (key, ETag or None) in batches; a key that changed since is kept (412)."""
        conditional = self.settings.conditional_writes
        # DeleteObjects is XML: a key with a character XML 1.0 cannot carry goes alone.
        alone = [(key, etag) for key, etag in keys if _XML_UNSAFE.search(key)]
        batched = [(key, etag) for key, etag in keys if not _XML_UNSAFE.search(key)]
        for key, etag in alone:
            extra = self._if(etag) if etag else {}
            with self._translated("delete", key[len(self._root) :]):
                self.client.delete_object(Bucket=self.bucket, Key=key, **extra)
        size = self.delete_batch_size
        for start in range(0, len(batched), size):
            batch = [
                {"Key": key, **({"ETag": quoted(etag)} if etag and conditional else {})}
                for key, etag in batched[start : start + size]
            ]
            with self._translated("delete", path):
                response = self.client.delete_objects(
                    Bucket=self.bucket, Delete={"Objects": batch, "Quiet": True}
                )
            for failure in response.get("Errors", ()):
                if failure.get("Code") == "NoSuchKey":
                    continue  # gone already
                error = ClientError({"Error": failure}, "DeleteObjects")
                where = str(failure.get("Key", ""))[len(self._root) :] or path
                raise translate(error, action="delete", path=where, bucket=self.bucket)

    # -- links ---------------------------------------------------------------------------------

    def public_link(self, path: str) -> str:
        """A presigned GET URL, valid for `link_expiry_seconds` (S3 has no permanent links)."""
        path, key = self._locate(path)
        if not path or self._head(path, key) is None:
            if not path or self._any_object(f"{key}/", path):
                raise Fatal("S3 cannot link to a folder: link each file", path=path)
            raise NotFound("no such file", path=path)
        return self.web_link(path, folder=False)

    def close(self) -> None:
        self.client.close()
        if self.direct is not None:
            self.direct.close()

    # -- helpers ------------------------------------------------------------------------------

    def web_link(self, path: str, *, folder: bool, remote_id: str = "") -> str:
        """A file: a presigned GET URL (`link_expiry_seconds`), signed here without a request.
        A folder: the AWS console's page of its prefix; other S3 servers have no such page."""
        path, key = self._locate(path)
        if folder:
            return aws_console_url(self.settings, f"{key}/" if path else self._root)
        with self._translated("link", path):
            url = self.client.generate_presigned_url(
                "get_object",
                Params={"Bucket": self.bucket, "Key": key},
                ExpiresIn=self.settings.link_expiry_seconds,
            )
        return str(url)

    def _locate(self, path: str) -> tuple[str, str]:
        """The checked, NFC path and its object key; Fatal before any request if invalid."""
        path = check_path(path)
        key = self._root + path
        if len(key.encode()) >= MAX_KEY_BYTES:  # room for a folder marker's "/"
            raise Fatal(f"S3 keys are limited to {MAX_KEY_BYTES} bytes", path=path)
        return path, key

    def _translated(
        self, action: str, path: str, *, precondition: type[Conflict] = PreconditionFailed
    ) -> AbstractContextManager[None]:
        return translated(action, path, bucket=self.bucket, precondition=precondition)

    def _if_absent(self) -> dict[str, str]:
        return {"IfNoneMatch": "*"} if self.settings.conditional_writes else {}

    def _if(self, etag: str) -> dict[str, str]:
        return {"IfMatch": quoted(etag)} if self.settings.conditional_writes else {}

    def _head(self, path: str, key: str) -> Mapping[str, Any] | None:
        """The object's HEAD response, None if there is no such object."""
        extra = {"ChecksumMode": "ENABLED"} if self.settings.sha256_checksums else {}
        with self._translated("stat", path):
            try:
                head: Mapping[str, Any] = self.client.head_object(
                    Bucket=self.bucket, Key=key, **extra
                )
            except ClientError as error:
                if http_status(error) == 404:
                    return None
                raise
        return head

    def _any_object(self, prefix: str, path: str) -> bool:
        with self._translated("list", path):
            if self.direct is not None:
                return bool(self.direct.list_page(prefix, None, 1)[0])
            page = self.client.list_objects_v2(Bucket=self.bucket, Prefix=prefix, MaxKeys=1)
        return bool(page.get("Contents"))

    def _objects(self, prefix: str, path: str) -> Iterator[Mapping[str, Any]]:
        if self.direct is not None:
            yield from self._objects_directly(prefix, path)
            return
        paginator = self.client.get_paginator("list_objects_v2")
        pages = paginator.paginate(
            Bucket=self.bucket, Prefix=prefix, PaginationConfig={"PageSize": self.list_page_size}
        )
        with self._translated("list", path):
            for page in pages:
                yield from page.get("Contents", ())

    def _objects_directly(self, prefix: str, path: str) -> Iterator[Mapping[str, Any]]:
        assert self.direct is not None
        token: str | None = None
        while True:
            with self._translated("list", path):
                objects, token = self.direct.list_page(prefix, token, self.list_page_size)
            yield from objects
            if token is None:
                return
