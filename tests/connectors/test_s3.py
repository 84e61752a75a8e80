"""The S3 connector against two real peers: moto's server (fast) and SeaweedFS `weed mini`.

Each test works under its own key prefix of the peer's bucket, so tests are independent; what
a test leaves is removed after it. Tests that need no peer (options, error translation) run once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import socket
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from botocore.exceptions import (
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    ReadTimeoutError,
)

from archivist.connectors import connector_type
from archivist.connectors.base import SupportsPublicLinks, SupportsWebLinks
from archivist.connectors.errors import (
    AlreadyExists,
    AuthExpired,
    Conflict,
    ConnectorError,
    Fatal,
    NotFound,
    PermissionDenied,
    PreconditionFailed,
    QuotaExceeded,
    RateLimited,
    Transient,
)
from archivist.connectors.options import OptionError
from archivist.connectors.s3 import S3Connector, S3Settings
from archivist.connectors.s3.client import parse_timestamp
from archivist.connectors.s3.errors import translate
from archivist.connectors.s3.links import aws_console_url
from tests.connectors.contract.suite import ConnectorContract, PatternStream, paths, put, read
from tests.peers.s3 import S3Peer, s3_refusing_server, s3_server  # noqa: F401 (fixtures)
from tests.peers.seaweedfs import seaweedfs  # noqa: F401 (a session fixture)

MIB = 1024 * 1024


def make_connector(peer: S3Peer, **settings: Any) -> S3Connector:
    options: dict[str, Any] = {
        "bucket": peer.bucket,
        "prefix": f"t-{uuid.uuid4().hex[:12]}",
        "endpoint_url": peer.endpoint_url,
        "region": peer.region,
        "path_style": True,
        "access_key": peer.access_key_id,
        "secret_key": peer.secret_access_key,
        **settings,
    }
    return S3Connector(S3Settings(**options), max_attempts=1)


def keys(connector: S3Connector) -> set[str]:
    """Every key under the connector's root, relative to it (a look behind its back)."""
    root = f"{connector.settings.prefix}/"
    pages = connector.client.get_paginator("list_objects_v2").paginate(
        Bucket=connector.bucket, Prefix=root
    )
    return {item["Key"][len(root) :] for page in pages for item in page.get("Contents", ())}


def pending_uploads(connector: S3Connector) -> list[str]:
    listed = connector.client.list_multipart_uploads(
        Bucket=connector.bucket, Prefix=f"{connector.settings.prefix}/"
    )
    return [item["Key"] for item in listed.get("Uploads", ())]


def remove_everything(connector: S3Connector) -> None:
    root = f"{connector.settings.prefix}/"
    for key in pending_uploads(connector):
        uploads = connector.client.list_multipart_uploads(Bucket=connector.bucket, Prefix=key)
        for upload in uploads.get("Uploads", ()):
            connector.client.abort_multipart_upload(
                Bucket=connector.bucket, Key=upload["Key"], UploadId=upload["UploadId"]
            )
    found = sorted(keys(connector))
    for key in [key for key in found if not key.isprintable()]:  # XML cannot carry it
        connector.client.delete_object(Bucket=connector.bucket, Key=root + key)
    found = [key for key in found if key.isprintable()]
    for start in range(0, len(found), 1000):
        batch = [{"Key": root + key} for key in found[start : start + 1000]]
        connector.client.delete_objects(
            Bucket=connector.bucket, Delete={"Objects": batch, "Quiet": True}
        )


@contextmanager
def recorded_calls(connector: S3Connector) -> Iterator[list[str]]:
    """The S3 operations the connector calls inside the block, in order."""
    names: list[str] = []

    def record(model: Any, **_: Any) -> None:
        names.append(model.name)

    def record_direct(operation: str, url: str) -> None:
        names.append(operation)

    connector.client.meta.events.register("before-call.s3", record)
    if connector.direct is not None:
        connector.direct.listeners.append(record_direct)
    try:
        yield names
    finally:
        connector.client.meta.events.unregister("before-call.s3", record)
        if connector.direct is not None:
            connector.direct.listeners.remove(record_direct)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture
def connector(peer: S3Peer) -> Iterator[S3Connector]:
    built = make_connector(peer)
    yield built
    remove_everything(built)
    built.close()


@pytest.fixture
def unreachable_connector() -> Iterator[S3Connector]:
    peer = S3Peer(endpoint_url=f"http://127.0.0.1:{closed_port()}", bucket="archivist-test")
    built = make_connector(peer)
    yield built
    built.close()


class S3Behaviour:
    """What the contract does not cover: S3's costs, multipart uploads, links, markers."""

    honours_if_match_on_complete = True
    verifies_checksums = True

    def test_a_small_upload_is_one_request(self, connector: S3Connector) -> None:
        with recorded_calls(connector) as calls:
            first = put(connector, "one.txt", b"one", if_absent=True)
            put(connector, "one.txt", b"two", if_match=first.etag)
            put(connector, "one.txt", b"three")
        assert calls == ["PutObject"] * 3

    def test_upload_returns_hashes_the_server_confirmed(self, connector: S3Connector) -> None:
        data = b"verified content"
        entry = put(connector, "hashed.txt", data)
        assert entry.hashes["md5"] == hashlib.md5(data).hexdigest()
        if self.verifies_checksums:
            assert entry.hashes["sha256"] == hashlib.sha256(data).hexdigest()
            assert connector.stat("hashed.txt").hashes["sha256"] == entry.hashes["sha256"]
        else:
            assert "sha256" not in entry.hashes  # the server ignored the checksum: not claimed

    def test_hashes_can_be_turned_off(self, peer: S3Peer) -> None:
        connector = make_connector(peer, md5_etags=False, sha256_checksums=False)
        try:
            assert connector.capabilities.hash_types == frozenset()
            assert put(connector, "plain.txt", b"plain").hashes == {}
            assert [e.hashes for e in connector.list_tree()] == [{}]
            assert connector.stat("plain.txt").hashes == {}
        finally:
            remove_everything(connector)
            connector.close()

    def test_a_no_change_listing_costs_only_list_calls(self, connector: S3Connector) -> None:
        connector.make_folder("a")
        for name in ("a/1.txt", "a/b/2.txt", "c.txt"):
            put(connector, name, b"x")
        with recorded_calls(connector) as calls:
            listed = paths(connector)
        assert calls == ["ListObjectsV2"]
        assert listed == {
            "a": True,
            "a/1.txt": False,
            "a/b": True,
            "a/b/2.txt": False,
            "c.txt": False,
        }

    def test_listed_times_are_utc_seconds(self, connector: S3Connector) -> None:
        put(connector, "timed.txt", b"t")
        (entry,) = connector.list_tree()
        assert entry.modified is not None
        assert entry.modified.tzinfo == dt.UTC
        assert entry.modified.microsecond == 0
        assert entry.modified == connector.stat("timed.txt").modified

    def test_folders_from_markers_and_from_prefixes(self, connector: S3Connector) -> None:
        connector.make_folder("marked")
        put(connector, "implicit/deep/file.txt", b"f")
        assert keys(connector) == {"marked/", "implicit/deep/file.txt"}
        assert connector.stat("marked").is_folder
        assert connector.stat("implicit").is_folder
        assert connector.stat("implicit/deep").is_folder
        assert paths(connector) == {
            "marked": True,
            "implicit": True,
            "implicit/deep": True,
            "implicit/deep/file.txt": False,
        }
        with pytest.raises(AlreadyExists):
            connector.make_folder("implicit")
        with pytest.raises(AlreadyExists):
            connector.make_folder("implicit/deep/file.txt")
        with pytest.raises(Conflict):
            read(connector, "marked")
        connector.delete("marked")
        with pytest.raises(NotFound):
            connector.stat("marked")

    def test_presigned_link_downloads_the_content(self, connector: S3Connector) -> None:
        assert isinstance(connector, SupportsPublicLinks)
        assert connector.capabilities.public_links
        data = b"%PDF-1.4 shared report"
        put(connector, "shared/report.pdf", data)
        link = connector.public_link("shared/report.pdf")
        response = httpx.get(link, trust_env=False)
        assert response.status_code == 200
        assert response.content == data
        assert response.headers["content-type"] == "application/pdf"
        with pytest.raises(NotFound):
            connector.public_link("shared/missing.pdf")
        with pytest.raises(Fatal, match="folder"):
            connector.public_link("shared")

    def test_open_in_cloud_files_presigned_folders_on_aws_only(
        self, connector: S3Connector
    ) -> None:
        assert isinstance(connector, SupportsWebLinks) and connector.capabilities.web_links
        put(connector, "open/plan ü.pdf", b"%PDF plan")
        link = connector.web_link("open/plan ü.pdf", folder=False)
        assert httpx.get(link, trust_env=False).content == b"%PDF plan"
        with pytest.raises(Fatal, match="no folder page"):
            connector.web_link("open", folder=True)  # not Amazon: its console is unknown

    def test_multipart_upload_with_a_precondition(self, peer: S3Peer) -> None:
        connector = make_connector(peer, multipart_threshold_mb=5)
        try:
            size = 11 * MIB
            source = PatternStream(size, seed=1)
            first = connector.upload("big.bin", source, size, if_absent=True)  # type: ignore[arg-type]
            assert first.etag is not None and first.etag.endswith("-3")
            assert "md5" not in first.hashes  # a multipart ETag is no MD5
            assert (
                first.hashes.get("sha256", source.digest.hexdigest()) == source.digest.hexdigest()
            )
            if self.verifies_checksums:
                assert "sha256" in first.hashes
            assert source.largest_read <= MIB
            with pytest.raises(AlreadyExists):
                connector.upload("big.bin", PatternStream(size, seed=2), size, if_absent=True)  # type: ignore[arg-type]
            with pytest.raises(PreconditionFailed):
                connector.upload("big.bin", PatternStream(size, seed=2), size, if_match="0" * 32)  # type: ignore[arg-type]
            assert connector.stat("big.bin").etag == first.etag
            second = connector.upload(
                "big.bin",
                PatternStream(size, seed=3),  # type: ignore[arg-type]
                size,
                if_match=first.etag,
            )
            assert second.etag != first.etag
            assert pending_uploads(connector) == []
        finally:
            remove_everything(connector)
            connector.close()

    def test_multipart_create_only_loses_a_race(self, peer: S3Peer) -> None:
        """Someone else creates the file while the parts go up: completion is refused."""
        connector = make_connector(peer, multipart_threshold_mb=5)
        try:
            stream = RacingStream(11 * MIB, lambda: put(connector, "race.bin", b"the winner"))
            with pytest.raises(AlreadyExists):
                connector.upload("race.bin", stream, 11 * MIB, if_absent=True)  # type: ignore[arg-type]
            assert stream.raced
            assert read(connector, "race.bin") == b"the winner"
            assert pending_uploads(connector) == []
        finally:
            remove_everything(connector)
            connector.close()

    def test_multipart_if_match_loses_a_race(self, peer: S3Peer) -> None:
        if not self.honours_if_match_on_complete:
            pytest.skip("this peer ignores If-Match on CompleteMultipartUpload")
        connector = make_connector(peer, multipart_threshold_mb=5)
        try:
            first = put(connector, "race.bin", b"version 1")
            stream = RacingStream(11 * MIB, lambda: put(connector, "race.bin", b"version 2"))
            with pytest.raises(PreconditionFailed):
                connector.upload("race.bin", stream, 11 * MIB, if_match=first.etag)  # type: ignore[arg-type]
            assert read(connector, "race.bin") == b"version 2"
            assert pending_uploads(connector) == []
        finally:
            remove_everything(connector)
            connector.close()

    def test_a_short_multipart_stream_leaves_the_old_object(self, peer: S3Peer) -> None:
        connector = make_connector(peer, multipart_threshold_mb=5)
        try:
            put(connector, "whole.bin", b"complete content")
            short = io.BytesIO(b"x" * (7 * MIB))
            with pytest.raises(ConnectorError, match="ended"):
                connector.upload("whole.bin", short, 11 * MIB)
            assert read(connector, "whole.bin") == b"complete content"
            assert pending_uploads(connector) == []
        finally:
            remove_everything(connector)
            connector.close()

    def test_folder_move_moves_markers_and_content(self, connector: S3Connector) -> None:
        connector.make_folder("old")
        connector.make_folder("old/empty")
        put(connector, "old/sub/deep.txt", b"deep")  # "sub" has no marker
        put(connector, "old/top.txt", b"top")
        put(connector, "older.txt", b"a sibling whose name starts like the folder")
        moved = connector.move("old", "new")
        assert moved.is_folder and moved.path == "new"
        assert keys(connector) == {
            "new/",
            "new/empty/",
            "new/sub/deep.txt",
            "new/top.txt",
            "older.txt",
        }
        assert paths(connector, "new") == {
            "new/empty": True,
            "new/sub": True,
            "new/sub/deep.txt": False,
            "new/top.txt": False,
        }
        with pytest.raises(Conflict):
            connector.move("new", "new/inside")
        connector.make_folder("taken")
        with pytest.raises(AlreadyExists):
            connector.move("new", "taken")
        with pytest.raises(AlreadyExists):
            connector.move("older.txt", "taken")
        assert read(connector, "new/sub/deep.txt") == b"deep"

    def test_a_failed_folder_move_is_undone(
        self, connector: S3Connector, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        connector.make_folder("src")
        for index in range(6):
            put(connector, f"src/{index}.txt", b"x")
        real_copy = connector._copy

        def failing_copy(source_key: str, *arguments: Any) -> Any:
            if source_key.endswith("/3.txt"):
                raise Transient("the connection dropped", path="src/3.txt")
            return real_copy(source_key, *arguments)

        monkeypatch.setattr(connector, "_copy", failing_copy)
        with pytest.raises(Transient):
            connector.move("src", "dst")
        assert keys(connector) == {"src/", *(f"src/{index}.txt" for index in range(6))}

    def test_a_large_move_copies_in_parts(self, connector: S3Connector) -> None:
        connector.copy_limit = 1 * MIB  # as if the file were over CopyObject's 5 GiB
        connector.copy_part_size = 5 * MIB
        size = 6 * MIB + 123
        connector.upload("large.bin", PatternStream(size), size)  # type: ignore[arg-type]
        moved = connector.move("large.bin", "moved.bin")
        assert moved.size == size
        assert moved.etag is not None and moved.etag.endswith("-2")
        digest = hashlib.sha256()
        with connector.open_read("moved.bin") as stream:
            while chunk := stream.read(MIB):
                digest.update(chunk)
        expected = PatternStream(size)
        while expected.read(MIB):
            pass
        assert digest.hexdigest() == expected.digest.hexdigest()
        assert keys(connector) == {"moved.bin"}

    def test_delete_of_a_folder_is_batched(self, connector: S3Connector) -> None:
        connector.delete_batch_size = 2  # as if 1,000 (S3's most per request) were 2
        connector.make_folder("bulk")
        for index in range(4):
            put(connector, f"bulk/{index}/file.txt", b"x")
        with recorded_calls(connector) as calls:
            connector.delete("bulk")
        assert calls == ["HeadObject", "ListObjectsV2"] + ["DeleteObjects"] * 3
        assert keys(connector) == set()

    def test_without_conditional_writes_a_head_checks_first(self, peer: S3Peer) -> None:
        connector = make_connector(peer, conditional_writes=False)
        try:
            assert not connector.capabilities.conditional_writes
            first = put(connector, "checked.txt", b"1")
            put(connector, "checked.txt", b"2")
            with recorded_calls(connector) as calls, pytest.raises(PreconditionFailed):
                put(connector, "checked.txt", b"3", if_match=first.etag)
            assert calls == ["HeadObject"]
            with pytest.raises(AlreadyExists):
                put(connector, "checked.txt", b"3", if_absent=True)
            assert read(connector, "checked.txt") == b"2"
        finally:
            remove_everything(connector)
            connector.close()

    def test_keys_no_path_can_reach_are_left_out(
        self, connector: S3Connector, caplog: pytest.LogCaptureFixture
    ) -> None:
        root = f"{connector.settings.prefix}/"
        for key in ("odd/bell\x07.txt", "odd/cafe\u0301.txt", "fine.txt", "bad\x07/a", "bad\x07/b"):
            connector.client.put_object(Bucket=connector.bucket, Key=root + key, Body=b"x")
        with caplog.at_level(logging.WARNING, logger="archivist.connectors.s3"):
            assert paths(connector) == {"odd": True, "fine.txt": False}
        assert "control characters" in caplog.text
        assert "NFC" in caplog.text
        assert caplog.text.count("bad") == 1  # once for the folder, not for each file in it
        connector.delete("odd")  # the folder, with what no path reaches
        assert keys(connector) == {"fine.txt", "bad\x07/a", "bad\x07/b"}

    def test_a_missing_bucket_is_fatal_and_says_so(self, peer: S3Peer) -> None:
        connector = make_connector(peer, bucket="no-such-bucket-here")
        try:
            with pytest.raises(Fatal, match="bucket") as raised:
                list(connector.list_tree())
            assert isinstance(raised.value.cause, ClientError)
        finally:
            connector.close()


class RacingStream(PatternStream):
    """A stream that lets a competing write happen once its first part has been read."""

    def __init__(self, size: int, compete: Any):
        super().__init__(size)
        self.compete = compete
        self.raced = False

    def read(self, n: int | None = -1) -> bytes:
        if not self.raced and self.position >= 5 * MIB:
            self.raced = True
            self.compete()
        return super().read(n)


class TestS3OnMoto(ConnectorContract, S3Behaviour):
    honours_if_match_on_complete = False  # moto 5.2 ignores it (SeaweedFS and AWS check it)
    verifies_checksums = False  # moto 5.2 ignores x-amz-checksum-sha256 and Content-MD5

    @pytest.fixture
    def peer(self, request: pytest.FixtureRequest) -> S3Peer:
        moto: S3Peer = request.getfixturevalue("s3_server")
        return moto

    @pytest.fixture
    def refused_connector(self, request: pytest.FixtureRequest) -> Iterator[S3Connector]:
        built = make_connector(request.getfixturevalue("s3_refusing_server"))
        yield built
        built.close()


class TestS3OnSeaweedFS(ConnectorContract, S3Behaviour):
    @pytest.fixture
    def peer(self, request: pytest.FixtureRequest) -> S3Peer:
        weed: S3Peer = request.getfixturevalue("seaweedfs")
        return weed

    @pytest.fixture
    def refused_connector(self, peer: S3Peer) -> Iterator[S3Connector]:
        built = make_connector(peer, secret_key="not-the-secret")
        yield built
        built.close()

    def test_listing_2500_objects_spans_pages_with_list_calls_only(
        self, connector: S3Connector
    ) -> None:
        root = f"{connector.settings.prefix}/"
        names = [f"bulk/d{index % 25:02}/f{index:04}.txt" for index in range(2500)]

        def create(name: str) -> None:
            connector.client.put_object(Bucket=connector.bucket, Key=root + name, Body=b"x")

        with ThreadPoolExecutor(16) as pool:
            list(pool.map(create, names))
        with recorded_calls(connector) as calls:
            listed = list(connector.list_tree())
        assert calls == ["ListObjectsV2"] * 3  # pages of 1,000 keys
        assert sorted(e.path for e in listed if not e.is_folder) == sorted(names)
        folders = [e.path for e in listed if e.is_folder]
        assert len(folders) == len(set(folders)) == 26
        order = [e.path for e in listed]
        for entry in listed:
            if "/" in entry.path:
                assert order.index(entry.path.rpartition("/")[0]) < order.index(entry.path)


# --- no peer needed ---------------------------------------------------------------------------


def test_the_declared_type_builds_a_connector() -> None:
    s3 = connector_type("s3")
    assert s3.label == "Amazon S3 / MinIO / S3-compatible"
    built = s3.connect(
        {
            "bucket": "archive",
            "prefix": "/Archivist/documents/",
            "endpoint_url": "http://127.0.0.1:9",
            "path_style": "yes",
            "access_key": "AKIA",
            "secret_key": "very-secret",
            "link_expiry_seconds": "3600",
        }
    )
    assert isinstance(built, S3Connector)
    assert built.settings.prefix == "Archivist/documents"
    assert built.settings.path_style is True
    assert built.settings.link_expiry_seconds == 3600
    assert "very-secret" not in repr(built) + repr(built.settings)
    assert [o.name for o in s3.options if o.secret] == ["secret_key"]
    assert not built.capabilities.real_folders
    built.close()


@pytest.mark.parametrize(
    ("raw", "option"),
    [
        ({}, "bucket: is required"),
        ({"bucket": "a"}, "bucket: expected"),
        ({"bucket": "has space"}, "bucket: expected"),
        ({"bucket": "b-1", "endpoint_url": "ftp://host"}, "endpoint_url: expected"),
        ({"bucket": "b-1", "link_expiry_seconds": "soon"}, "link_expiry_seconds: expected"),
        ({"bucket": "b-1", "link_expiry_seconds": "0"}, "link_expiry_seconds: expected 1 to"),
        ({"bucket": "b-1", "link_expiry_seconds": "999999"}, "link_expiry_seconds: expected"),
        ({"bucket": "b-1", "multipart_threshold_mb": "1"}, "multipart_threshold_mb: expected"),
        ({"bucket": "b-1", "access_key": "AKIA"}, "secret_key: is required"),
        ({"bucket": "b-1", "secret_key": "s"}, "access_key: is required"),
        ({"bucket": "b-1", "prefix": "a/../b"}, "prefix: a remote path may not"),
        ({"bucket": "b-1", "path_style": "maybe"}, "path_style: expected yes or no"),
        ({"bucket": "b-1", "folder": "x"}, "folder: unknown option"),
    ],
)
def test_bad_options_name_the_option(raw: dict[str, str], option: str) -> None:
    with pytest.raises(OptionError, match=f"^{option}"):
        connector_type("s3").connect(raw)


def _client_error(code: str, status: int, headers: dict[str, str] | None = None) -> ClientError:
    return ClientError(
        {
            "Error": {"Code": code, "Message": "said the server"},
            "ResponseMetadata": {"HTTPStatusCode": status, "HTTPHeaders": headers or {}},
        },
        "PutObject",
    )


@pytest.mark.parametrize(
    ("code", "status", "expected"),
    [
        ("NoSuchKey", 404, NotFound),
        ("404", 404, NotFound),
        ("PreconditionFailed", 412, PreconditionFailed),
        ("ConditionalRequestConflict", 409, Conflict),
        ("AccessDenied", 403, PermissionDenied),
        ("InvalidAccessKeyId", 403, AuthExpired),
        ("SignatureDoesNotMatch", 403, AuthExpired),
        ("ExpiredToken", 400, AuthExpired),
        ("403", 403, AuthExpired),
        ("SlowDown", 503, RateLimited),
        ("TooManyRequests", 429, RateLimited),
        ("ServiceUnavailable", 503, RateLimited),
        ("XMinioStorageFull", 507, QuotaExceeded),
        ("InternalError", 500, Transient),
        ("BadGateway", 502, Transient),
        ("RequestTimeout", 400, Transient),
        ("NoSuchBucket", 404, Fatal),
        ("InvalidArgument", 400, Fatal),
    ],
)
def test_client_errors_become_connector_errors(
    code: str, status: int, expected: type[ConnectorError]
) -> None:
    error = _client_error(code, status)
    translated = translate(error, action="upload", path="a.txt", bucket="b-1")
    assert type(translated) is expected
    assert translated.cause is error
    assert translated.path == "a.txt"


def test_rate_limits_carry_retry_after() -> None:
    error = _client_error("SlowDown", 503, {"retry-after": "7"})
    translated = translate(error, action="upload", path="a.txt", bucket="b-1")
    assert isinstance(translated, RateLimited)
    assert translated.retry_after == 7.0
    no_hint = translate(_client_error("SlowDown", 503), action="upload", path="a", bucket="b-1")
    assert isinstance(no_hint, RateLimited)
    assert no_hint.retry_after is None


def test_a_failed_create_only_precondition_is_already_exists() -> None:
    error = _client_error("PreconditionFailed", 412)
    translated = translate(
        error, action="upload", path="a", bucket="b-1", precondition=AlreadyExists
    )
    assert type(translated) is AlreadyExists


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (EndpointConnectionError(endpoint_url="http://127.0.0.1:9"), Transient),
        (ConnectTimeoutError(endpoint_url="http://127.0.0.1:9"), Transient),
        (ReadTimeoutError(endpoint_url="http://127.0.0.1:9"), Transient),
        (NoCredentialsError(), AuthExpired),
    ],
)
def test_transport_errors_become_connector_errors(
    error: Exception, expected: type[ConnectorError]
) -> None:
    assert type(translate(error, action="list", path="", bucket="b-1")) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-23T06:45:44.000Z", dt.datetime(2026, 11, 23, 6, 45, 44, tzinfo=dt.UTC)),
        ("2026-11-23T06:45:44Z", dt.datetime(2026, 11, 23, 6, 45, 44, tzinfo=dt.UTC)),
        ("2026-11-23T08:45:44+02:00", dt.datetime(2026, 11, 23, 6, 45, 44, tzinfo=dt.UTC)),
        ("Mon, 23 Nov 2026 06:45:44 GMT", dt.datetime(2026, 11, 23, 6, 45, 44, tzinfo=dt.UTC)),
    ],
)
def test_timestamps_of_listings_and_headers_are_read_as_aware_times(text, expected):
    parsed = parse_timestamp(text)
    assert parsed == expected and parsed.utcoffset() is not None


def test_amazon_folders_open_in_the_aws_console() -> None:
    settings = S3Settings(bucket="acme-docs", region="eu-west-3")
    assert aws_console_url(settings, "Archivist/Sales orders/") == (
        "https://s3.console.aws.amazon.com/s3/buckets/acme-docs"
        "?region=eu-west-3&prefix=Archivist%2FSales%20orders%2F"
    )
    aws = S3Settings(bucket="acme-docs", endpoint_url="https://s3.eu-west-3.amazonaws.com")
    assert aws_console_url(aws, "") == "https://s3.console.aws.amazon.com/s3/buckets/acme-docs"
    minio = S3Settings(bucket="acme-docs", endpoint_url="https://minio.example.com")
    with pytest.raises(Fatal, match="open its own console"):
        aws_console_url(minio, "Archivist/")
