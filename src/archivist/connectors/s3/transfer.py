"""Moving bytes: streamed multipart uploads and copies, and the reader of a GET's body.

A multipart upload holds one part in memory at a time; whatever goes wrong (a short stream, a
failed precondition on completion, an interrupt), the upload is aborted so that no invisible
parts are left billed in the bucket, and the object that was there stays as it was.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, BinaryIO

from botocore.exceptions import BotoCoreError, ClientError

from archivist.connectors.errors import Conflict, Fatal, PreconditionFailed
from archivist.connectors.s3.errors import translated

__all__ = [
    "CHUNK",
    "Block",
    "ObjectReader",
    "Target",
    "Uploaded",
    "copy_in_parts",
    "part_size",
    "read_exactly",
    "upload_in_parts",
]

MIB = 1024 * 1024
CHUNK = MIB  # the largest single read from a caller's stream or a response body
MAX_PARTS = 10_000
MAX_OBJECT = 5 * 1024 * 1024 * MIB  # 5 TiB, S3's largest object


@dataclass(frozen=True, slots=True)
class Block:
    """Bytes read from the caller's stream with the digests S3 wants (base64) and we keep."""

    data: bytearray
    md5: bytes
    sha256: bytes

    @classmethod
    def of(cls, data: bytearray) -> Block:
        return cls(data, hashlib.md5(data).digest(), hashlib.sha256(data).digest())

    @property
    def md5_base64(self) -> str:
        return base64.b64encode(self.md5).decode()

    @property
    def sha256_base64(self) -> str:
        return base64.b64encode(self.sha256).decode()


def read_exactly(content: BinaryIO, size: int, path: str) -> bytearray:
    """`size` bytes from `content` in reads of at most CHUNK; Fatal if it ends sooner."""
    buffer = bytearray(size)  # filled in place: one copy of the part in memory, not two
    position = 0
    while position < size:
        chunk = content.read(min(CHUNK, size - position))
        if not chunk:
            missing = size - position
            raise Fatal(f"the content ended {missing} bytes before its declared size", path=path)
        buffer[position : position + len(chunk)] = chunk[: size - position]
        position += len(chunk)
    return buffer


def part_size(size: int, threshold: int) -> int:
    """Parts of `threshold` bytes, larger (in whole MiB) when S3's 10,000 parts would not do."""
    if size > MAX_OBJECT:
        raise Fatal(f"S3 objects are limited to 5 TiB; this file has {size} bytes")
    needed = -(-size // MAX_PARTS)
    return max(threshold, -(-needed // MIB) * MIB)


@dataclass(frozen=True, slots=True)
class Target:
    """Where a multipart transfer goes: the client, bucket, object key and the caller's path."""

    client: Any
    bucket: str
    key: str
    path: str

    @contextlib.contextmanager
    def translated(
        self, action: str, precondition: type[Conflict] = PreconditionFailed
    ) -> Iterator[None]:
        with translated(action, self.path, bucket=self.bucket, precondition=precondition):
            yield

    def start(self, **options: Any) -> str:
        with self.translated("upload"):
            created = self.client.create_multipart_upload(
                Bucket=self.bucket, Key=self.key, **options
            )
        return str(created["UploadId"])

    def complete(
        self,
        upload_id: str,
        parts: list[dict[str, Any]],
        conditions: Mapping[str, str],
        precondition: type[Conflict],
    ) -> Mapping[str, Any]:
        with self.translated("upload", precondition):
            done: Mapping[str, Any] = self.client.complete_multipart_upload(
                Bucket=self.bucket,
                Key=self.key,
                UploadId=upload_id,
                MultipartUpload={"Parts": parts},
                **conditions,
            )
        return done

    @contextlib.contextmanager
    def aborted_on_failure(self, upload_id: str) -> Iterator[None]:
        """Aborts the multipart upload when the block fails, whatever the failure."""
        try:
            yield
        except BaseException as error:
            try:
                self.client.abort_multipart_upload(
                    Bucket=self.bucket, Key=self.key, UploadId=upload_id
                )
            except (ClientError, BotoCoreError) as abort_error:
                error.add_note(f"aborting the multipart upload of {self.key} failed: {abort_error}")
            raise


@dataclass(frozen=True, slots=True)
class Uploaded:
    """What a multipart upload returns: the response and our SHA-256 if the server checked it."""

    response: Mapping[str, Any]
    sha256: str | None


def upload_in_parts(
    target: Target,
    content: BinaryIO,
    size: int,
    *,
    part_bytes: int,
    options: Mapping[str, str],
    conditions: Mapping[str, str],
    precondition: type[Conflict],
    checksums: bool,
) -> Uploaded:
    """Streams `size` bytes of `content` as a multipart upload, one part in memory at a time.

    With `checksums`, every part carries its SHA-256 for the server to verify; when the server
    confirms each one, the whole file's SHA-256 (computed here from the same bytes) is returned
    as verified. The preconditions are checked on completion, atomically.
    """
    if checksums:
        options = {**options, "ChecksumAlgorithm": "SHA256"}
    upload_id = target.start(**options)
    whole = hashlib.sha256()
    verified = checksums
    parts: list[dict[str, Any]] = []
    with target.aborted_on_failure(upload_id):
        remaining = size
        while remaining > 0:
            block = Block.of(read_exactly(content, min(part_bytes, remaining), target.path))
            remaining -= len(block.data)
            whole.update(block.data)
            number = len(parts) + 1
            extra = {"ChecksumSHA256": block.sha256_base64} if checksums else {}
            with target.translated("upload"):
                sent = target.client.upload_part(
                    Bucket=target.bucket,
                    Key=target.key,
                    UploadId=upload_id,
                    PartNumber=number,
                    Body=block.data,
                    ContentMD5=block.md5_base64,
                    **extra,
                )
            verified = verified and sent.get("ChecksumSHA256") == block.sha256_base64
            parts.append({"PartNumber": number, "ETag": sent["ETag"], **extra})
        response = target.complete(upload_id, parts, conditions, precondition)
    return Uploaded(response, whole.hexdigest() if verified else None)


def copy_in_parts(
    target: Target,
    source_key: str,
    source_etag: str,
    size: int,
    *,
    part_bytes: int,
    conditions: Mapping[str, str],
    precondition: type[Conflict],
) -> Mapping[str, Any]:
    """Server-side copy of an object too large for one CopyObject (over 5 GiB)."""
    upload_id = target.start()
    with target.aborted_on_failure(upload_id):
        parts: list[dict[str, Any]] = []
        for number, start in enumerate(range(0, size, part_bytes), start=1):
            end = min(start + part_bytes, size) - 1
            with target.translated("copy"):
                copied = target.client.upload_part_copy(
                    Bucket=target.bucket,
                    Key=target.key,
                    UploadId=upload_id,
                    PartNumber=number,
                    CopySource={"Bucket": target.bucket, "Key": source_key},
                    CopySourceIfMatch=source_etag,
                    CopySourceRange=f"bytes={start}-{end}",
                )
            parts.append({"PartNumber": number, "ETag": copied["CopyPartResult"]["ETag"]})
        return target.complete(upload_id, parts, conditions, precondition)


class ObjectReader(io.RawIOBase):
    """A GET response body as a raw stream whose errors are connector errors."""

    def __init__(self, body: Any, *, path: str, bucket: str):
        super().__init__()
        self._body = body
        self._path = path
        self._bucket = bucket

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        with translated("read", self._path, bucket=self._bucket):
            data: bytes = self._body.read(min(len(view), CHUNK))
        view[: len(data)] = data
        return len(data)

    def readall(self) -> bytes:
        chunks = []
        while chunk := self.read(CHUNK):
            chunks.append(chunk)
        return b"".join(chunks)

    def skip(self, count: int) -> None:
        """Discards `count` bytes (for servers that answer a Range request with everything)."""
        while count > 0:
            chunk = self.read(min(CHUNK, count))
            if not chunk:
                return
            count -= len(chunk)

    def close(self) -> None:
        if not self.closed:
            self._body.close()
        super().close()
