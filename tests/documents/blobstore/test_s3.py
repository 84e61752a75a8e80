"""What only the S3 store does: its key layout, server-side copies in parts, renewing old
blobs, servers without conditional writes, and errors a person can act on."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse

from archivist.documents.blobstore import BlobMissing, BlobStoreError
from archivist.documents.blobstore.s3 import S3BlobStore
from tests.documents.blobstore.conftest import s3_store
from tests.documents.blobstore.streams import GeneratedStream, sha256_of
from tests.peers.s3 import S3Peer

MIB = 1024 * 1024


class Calls:
    """Records the S3 operations a store sends (botocore's event hooks)."""

    def __init__(self, store: S3BlobStore) -> None:
        self.seen: list[tuple[str, dict[str, Any]]] = []
        store.client.meta.events.register("provide-client-params.s3.*", self._record)

    def _record(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        self.seen.append((model.name, dict(params)))

    def names(self) -> list[str]:
        return [name for name, _ in self.seen]


def test_objects_are_named_prefix_shard_digest(s3_server: S3Peer):
    store = s3_store(s3_server)
    info = store.put_bytes(b"layout")
    digest = hashlib.sha256(b"layout").hexdigest()
    assert store.prefix.endswith("/blobs/")
    body = s3_server.client().get_object(
        Bucket=s3_server.bucket, Key=f"{store.prefix}{digest[:2]}/{digest[2:4]}/{digest}"
    )["Body"]
    assert body.read() == b"layout"
    assert store.key(info.sha256) == f"{store.prefix}{digest[:2]}/{digest[2:4]}/{digest}"


def test_small_files_take_one_conditional_put_and_large_ones_a_multipart_upload(
    s3_server: S3Peer,
):
    store = s3_store(s3_server)
    calls = Calls(store)
    store.put_bytes(b"small")
    assert calls.names() == ["PutObject"]
    assert calls.seen[0][1]["IfNoneMatch"] == "*"
    calls.seen.clear()
    store.put_bytes(b"small")  # already there: the server answers 412
    assert calls.names() == ["PutObject", "HeadObject"]
    calls.seen.clear()
    store.put(GeneratedStream(2 * store.part_size + 5, seed=2))
    assert calls.names() == [
        "CreateMultipartUpload",
        "UploadPart",
        "UploadPart",
        "UploadPart",
        "CompleteMultipartUpload",
        "CopyObject",
        "DeleteObject",
    ]
    assert calls.seen[-2][1]["IfNoneMatch"] == "*"
    assert calls.seen[0][1]["Key"].startswith(f"{store.prefix}incoming/")


def test_blobs_over_the_copy_limit_are_copied_in_parts(s3_server: S3Peer):
    store = s3_store(s3_server)
    store.copy_limit, store.copy_part_size = 12 * MIB, 5 * MIB  # S3's 5 GiB, scaled down
    calls = Calls(store)
    size = 13 * MIB + 1
    info = store.put(GeneratedStream(size, seed=13))
    assert calls.names().count("UploadPartCopy") == 3
    assert "CopyObject" not in calls.names()
    assert (info.sha256, info.size) == (sha256_of(size, seed=13), size)
    with store.open(info.sha256) as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == info.sha256
    listing = s3_server.client().list_objects_v2(Bucket=s3_server.bucket, Prefix=store.prefix)
    assert [item["Key"] for item in listing["Contents"]] == [store.key(info.sha256)]


def test_storing_known_bytes_again_renews_an_old_blob(s3_server: S3Peer):
    store = s3_store(s3_server, refresh_after=dt.timedelta(0))  # every blob counts as old
    info = store.put_bytes(b"renewed")
    calls = Calls(store)
    store.put_bytes(b"renewed")
    assert calls.names() == ["PutObject", "HeadObject", "CopyObject"]
    copy = calls.seen[-1][1]
    assert copy["CopySource"]["Key"] == copy["Key"] == store.key(info.sha256)
    assert copy["MetadataDirective"] == "REPLACE"
    fresh = s3_store(s3_server)  # the default: renewed only when older than an hour
    fresh.put_bytes(b"fresh")
    calls = Calls(fresh)
    fresh.put_bytes(b"fresh")
    assert "CopyObject" not in calls.names()


def test_a_server_without_conditional_writes_gets_head_then_write(s3_server: S3Peer):
    store = s3_store(s3_server)

    def refuse_conditions(request: Any, **_: Any) -> AWSResponse | None:
        if "If-None-Match" in request.headers:
            body = b"<Error><Code>NotImplemented</Code><Message>no</Message></Error>"
            return AWSResponse(request.url, 501, {}, _Raw(body))
        return None

    store.client.meta.events.register("before-send.s3", refuse_conditions)
    calls = Calls(store)
    info = store.put_bytes(b"plain")
    assert calls.names() == ["PutObject", "HeadObject", "PutObject"]
    assert "IfNoneMatch" not in calls.seen[-1][1]
    calls.seen.clear()
    store.put_bytes(b"plain")  # the store remembers: no conditional write any more
    assert calls.names() == ["HeadObject"]
    assert store.size(info.sha256) == 5


def test_errors_name_the_problem(s3_server: S3Peer):
    missing_bucket = S3BlobStore(
        "no-such-bucket",
        endpoint_url=s3_server.endpoint_url,
        region=s3_server.region,
        path_style=True,
        access_key_id="testing",
        secret_access_key="testing",
    )
    with pytest.raises(BlobStoreError, match="bucket 'no-such-bucket' does not exist"):
        missing_bucket.put_bytes(b"x")
    with pytest.raises(BlobStoreError, match="does not exist"):
        list(missing_bucket.blobs())
    store = s3_store(s3_server)
    with pytest.raises(BlobMissing, match="s3://"):
        store.open("0" * 64)


def test_an_unreachable_server_is_a_blob_store_error(unused_port: int):
    store = S3BlobStore(
        "bucket",
        endpoint_url=f"http://127.0.0.1:{unused_port}",
        region="us-east-1",
        path_style=True,
        access_key_id="testing",
        secret_access_key="testing",
    )
    store.client.meta.config.retries = {"max_attempts": 0}
    with pytest.raises(BlobStoreError, match="S3 read of s3://bucket/"):
        store.exists("0" * 64)


class _Raw(io.BytesIO):
    def stream(self, **_: Any) -> Any:
        yield self.getvalue()


@pytest.fixture
def unused_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port
