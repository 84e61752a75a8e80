"""Blobs as objects in an S3 bucket (AWS, MinIO, SeaweedFS, Ceph…): `<prefix>ab/cd/<sha256>`.

`put` hashes while it uploads, so the final name is known only at the end:

- a stream shorter than one part (8 MiB) is read into memory and sent with one PUT straight to
  its final key (its digest is known before sending);
- a longer one goes to a temporary key `<prefix>incoming/<uuid>` by multipart upload (8 MiB
  parts, one in memory at a time; larger past 8 GB, as S3 allows 10,000 parts), is copied
  server-side to its final key (in parts past S3's 5 GiB copy limit), and the temporary object
  is deleted.

Either way the final key is written only if absent: with `If-None-Match: *` where the server
supports conditional writes (a 412 then means "already stored"), else after a HEAD. A server
that ignores the header overwrites the key with identical bytes, which is harmless. An existing
blob older than `refresh_after` is renewed (copied onto itself) so garbage collection's grace
period protects the new reference (see `base.REFRESH_AFTER`).

Errors from botocore become `BlobMissing` or `BlobStoreError` (see `s3_errors`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import Any, BinaryIO, cast

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from archivist.documents.blobstore.base import (
    CHUNK,
    REFRESH_AFTER,
    BlobInfo,
    BlobMissing,
    BlobStoreError,
    StoredBlob,
    check_digest,
    check_prefix,
    check_range,
)
from archivist.documents.blobstore.hashing import HashingReader
from archivist.documents.blobstore.s3_errors import error_code, http_status, translated_errors

MIB = 1024 * 1024
# What servers without conditional writes answer to If-None-Match on a PUT or copy.
_NO_CONDITIONAL_WRITES = {"NotImplemented", "InvalidArgument", "InvalidRequest", "501"}

Write = Callable[[dict[str, str]], None]


class S3BlobStore:
    """A `BlobStore` in one bucket under a key prefix.

    Credentials come from boto3's usual chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY,
    AWS_PROFILE, instance roles…) unless given explicitly. `path_style` addresses the bucket
    in the path (`http://host/bucket/key`), which most self-hosted servers need.
    """

    part_size = 8 * MIB
    copy_limit = 5 * 1024 * MIB  # the largest object one CopyObject can copy
    copy_part_size = 512 * MIB

    def __init__(
        self,
        bucket: str,
        *,
        prefix: str = "",
        endpoint_url: str | None = None,
        region: str | None = None,
        path_style: bool = False,
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
        session_token: str | None = None,
        refresh_after: dt.timedelta = REFRESH_AFTER,
    ) -> None:
        self.bucket = bucket
        self.prefix = f"{prefix.strip('/')}/" if prefix.strip("/") else ""
        self.endpoint_url = endpoint_url
        self.refresh_after = refresh_after
        self._keys = re.compile(
            re.escape(self.prefix) + r"([0-9a-f]{2})/([0-9a-f]{2})/(\1\2[0-9a-f]{60})"
        )
        self._conditional_writes: bool | None = None  # None: not known yet
        session = boto3.session.Session(
            aws_access_key_id=access_key_id,
            aws_secret_access_key=secret_access_key,
            aws_session_token=session_token,
            region_name=region,
        )
        self.client: Any = session.client(
            "s3",
            endpoint_url=endpoint_url,
            config=Config(
                s3={"addressing_style": "path" if path_style else "auto"},
                retries={"mode": "standard"},
                # boto3's default CRC trailers (since 1.36) break many S3-compatible servers.
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
            ),
        )

    def __repr__(self) -> str:
        where = f", endpoint_url={self.endpoint_url!r}" if self.endpoint_url else ""
        return f"S3BlobStore('s3://{self.bucket}/{self.prefix}'{where})"

    def key(self, sha256: str) -> str:
        """The object key of a blob; ValueError for a bad digest."""
        check_digest(sha256)
        return f"{self.prefix}{sha256[:2]}/{sha256[2:4]}/{sha256}"

    # -- writing ---------------------------------------------------------------------------

    def put(self, stream: BinaryIO, *, max_size: int | None = None) -> BlobInfo:
        reader = HashingReader(stream, max_size)
        part = reader.read_part(self.part_size, bytearray())
        if len(part) < self.part_size:
            key = self.key(reader.hexdigest())
            with translated_errors(self.bucket, "put", key):
                self._store_once(key, len(part), lambda extra: self._put_object(key, part, extra))
            return BlobInfo(reader.hexdigest(), reader.size)
        temporary = f"{self.prefix}incoming/{uuid.uuid4().hex}"
        with translated_errors(self.bucket, "upload", temporary):
            upload = self.client.create_multipart_upload(Bucket=self.bucket, Key=temporary)
            upload_id: str = upload["UploadId"]
            with self._aborting(temporary, upload_id):
                parts: list[dict[str, Any]] = []
                while part:
                    number = len(parts) + 1
                    sent = self.client.upload_part(
                        Bucket=self.bucket,
                        Key=temporary,
                        UploadId=upload_id,
                        PartNumber=number,
                        Body=part,
                    )
                    parts.append({"PartNumber": number, "ETag": sent["ETag"]})
                    # S3 allows 10,000 parts: from the 1,000th on, parts double every 1,000.
                    part_size = self.part_size << min(len(parts) // 1000, 7)
                    part = reader.read_part(part_size, part)  # reuses the memory
                self.client.complete_multipart_upload(
                    Bucket=self.bucket,
                    Key=temporary,
                    UploadId=upload_id,
                    MultipartUpload={"Parts": parts},
                )
        key = self.key(reader.hexdigest())
        try:
            with translated_errors(self.bucket, "copy", key):
                self._store_once(
                    key, reader.size, lambda extra: self._copy(temporary, key, extra, reader.size)
                )
        finally:
            with translated_errors(self.bucket, "delete", temporary):
                self.client.delete_object(Bucket=self.bucket, Key=temporary)
        return BlobInfo(reader.hexdigest(), reader.size)

    def put_bytes(self, content: bytes) -> BlobInfo:
        return self.put(io.BytesIO(content))

    def _put_object(self, key: str, body: bytearray, extra: dict[str, str]) -> None:
        self.client.put_object(Bucket=self.bucket, Key=key, Body=body, **extra)

    def _store_once(self, key: str, size: int, write: Write) -> None:
        """Writes `key` unless it exists; an existing old object is renewed instead."""
        for _attempt in range(3):
            if self._conditional_writes is not False:
                try:
                    write({"IfNoneMatch": "*"})
                    self._conditional_writes = True
                    return
                except ClientError as error:
                    if error_code(error) in _NO_CONDITIONAL_WRITES:
                        self._conditional_writes = False
                    elif http_status(error) not in (409, 412):  # 409: a concurrent write of it
                        raise
            head = self._head(key)
            if head is not None:
                self._refresh_if_old(key, size, head["LastModified"])
                return
            if self._conditional_writes is False:
                write({})
                return
            # Stored a moment ago and gone now (collected): write it again.
        raise BlobStoreError(f"s3://{self.bucket}/{key} kept appearing and disappearing")

    def _refresh_if_old(self, key: str, size: int, modified: dt.datetime) -> None:
        if dt.datetime.now(dt.UTC) - modified >= self.refresh_after:
            self._copy(key, key, {}, size)

    def _copy(self, source: str, target: str, extra: dict[str, str], size: int) -> None:
        """Server-side copy; onto itself it renews the object's LastModified."""
        if size > self.copy_limit:
            self._copy_in_parts(source, target, size, extra)
            return
        renew = {"MetadataDirective": "REPLACE"} if source == target else {}
        self.client.copy_object(
            Bucket=self.bucket,
            Key=target,
            CopySource={"Bucket": self.bucket, "Key": source},
            **renew,
            **extra,
        )

    def _copy_in_parts(self, source: str, target: str, size: int, extra: dict[str, str]) -> None:
        upload_id = self.client.create_multipart_upload(Bucket=self.bucket, Key=target)["UploadId"]
        with self._aborting(target, upload_id):
            parts = []
            for number, start in enumerate(range(0, size, self.copy_part_size), start=1):
                end = min(start + self.copy_part_size, size) - 1
                copied = self.client.upload_part_copy(
                    Bucket=self.bucket,
                    Key=target,
                    UploadId=upload_id,
                    PartNumber=number,
                    CopySource={"Bucket": self.bucket, "Key": source},
                    CopySourceRange=f"bytes={start}-{end}",
                )
                parts.append({"PartNumber": number, "ETag": copied["CopyPartResult"]["ETag"]})
            self.client.complete_multipart_upload(
                Bucket=self.bucket,
                Key=target,
                UploadId=upload_id,
                MultipartUpload={"Parts": parts},
                **extra,
            )

    @contextlib.contextmanager
    def _aborting(self, key: str, upload_id: str) -> Iterator[None]:
        """Aborts the multipart upload when the block fails (nothing is left behind)."""
        try:
            yield
        except BaseException as error:
            try:
                self.client.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id)
            except (ClientError, BotoCoreError) as abort_error:
                error.add_note(f"aborting the upload of {key} failed too: {abort_error}")
            raise

    # -- reading ---------------------------------------------------------------------------

    def open(self, sha256: str) -> BinaryIO:
        key = self.key(sha256)
        with translated_errors(self.bucket, "read", key):
            return cast(BinaryIO, self.client.get_object(Bucket=self.bucket, Key=key)["Body"])

    def read_range(self, sha256: str, start: int, length: int) -> Iterator[bytes]:
        check_range(start, length)
        key = self.key(sha256)
        if length == 0:
            self.size(sha256)
            return iter(())
        with translated_errors(self.bucket, "read", key):
            try:
                response = self.client.get_object(
                    Bucket=self.bucket, Key=key, Range=f"bytes={start}-{start + length - 1}"
                )
            except ClientError as error:
                if error_code(error) == "InvalidRange":  # start at or past the end
                    return iter(())
                raise
        body = response["Body"]
        # A server that ignores Range answers 200 with the whole object.
        skip = 0 if response.get("ContentRange") else start
        return self._range_chunks(key, body, skip, length)

    def _range_chunks(self, key: str, body: Any, skip: int, length: int) -> Iterator[bytes]:
        with contextlib.closing(body), translated_errors(self.bucket, "read", key):
            yield from _cut(body.iter_chunks(CHUNK), skip, length)

    def size(self, sha256: str) -> int:
        head = self._head(self.key(sha256))
        if head is None:
            raise BlobMissing(f"no blob {sha256} in s3://{self.bucket}/{self.prefix}")
        return int(head["ContentLength"])

    def exists(self, sha256: str) -> bool:
        return self._head(self.key(sha256)) is not None

    def delete(self, sha256: str) -> None:
        key = self.key(sha256)
        with translated_errors(self.bucket, "delete", key):
            self.client.delete_object(Bucket=self.bucket, Key=key)

    def blobs(self, prefix: str = "") -> Iterator[StoredBlob]:
        check_prefix(prefix)
        paginator = self.client.get_paginator("list_objects_v2")
        listed = self.prefix + _shard_path(prefix)
        with translated_errors(self.bucket, "list", listed):
            for page in paginator.paginate(Bucket=self.bucket, Prefix=listed):
                for item in page.get("Contents", ()):
                    match = self._keys.fullmatch(item["Key"])
                    if match and match[3].startswith(prefix):
                        modified = item["LastModified"].astimezone(dt.UTC)
                        yield StoredBlob(match[3], int(item["Size"]), modified)

    def _head(self, key: str) -> dict[str, Any] | None:
        with translated_errors(self.bucket, "read", key):
            try:
                head: dict[str, Any] = self.client.head_object(Bucket=self.bucket, Key=key)
            except ClientError as error:
                if http_status(error) == 404:
                    return None
                raise
        return head


def _cut(chunks: Iterable[bytes], skip: int, length: int) -> Iterator[bytes]:
    """The bytes [skip, skip + length) of a stream of chunks."""
    for chunk in chunks:
        if skip >= len(chunk):
            skip -= len(chunk)
            continue
        piece = chunk[skip : skip + length]
        skip = 0
        length -= len(piece)
        yield piece
        if length <= 0:
            return


def _shard_path(prefix: str) -> str:
    """The key prefix under which blobs whose digest starts with `prefix` are listed."""
    if len(prefix) >= 4:
        return f"{prefix[:2]}/{prefix[2:4]}/{prefix}"
    if len(prefix) >= 2:
        return f"{prefix[:2]}/{prefix[2:]}"
    return prefix
