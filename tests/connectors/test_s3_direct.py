"""The direct PUT of small uploads and the direct listing: signed requests a real S3 server
accepts (the contract suite runs every small upload and listing through them on moto and
SeaweedFS), listings read exactly as botocore reads them, retries of throttling and 5xx, errors
shaped as botocore's, and botocore sending instead where the direct path would differ."""

from __future__ import annotations

import hashlib
import io
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError, HTTPClientError

from archivist.connectors.errors import RateLimited
from archivist.connectors.s3 import S3Connector
from archivist.connectors.s3.config import S3Settings
from archivist.connectors.s3.direct import DirectPut
from tests.peers.s3 import S3Peer, moto_server, s3_server  # noqa: F401 (a session fixture)
from tests.peers.seaweedfs import seaweedfs  # noqa: F401 (a session fixture)


class Scripted(BaseHTTPRequestHandler):
    """Answers PUTs from a script of (status, body) and keeps what it was sent."""

    script: list[tuple[int, bytes]] = []
    received: list[tuple[str, dict[str, str], bytes]] = []

    def do_PUT(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((self.path, dict(self.headers.items()), body))
        status, answer = self.script.pop(0)
        self.send_response(status)
        if status < 300:
            self.send_header("ETag", f'"{hashlib.md5(body).hexdigest()}"')
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def do_GET(self) -> None:
        self.received.append((self.path, dict(self.headers.items()), b""))
        status, answer = self.script.pop(0)
        self.send_response(status)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def scripted() -> Iterator[tuple[str, type[Scripted]]]:
    handler = type("Handler", (Scripted,), {"script": [], "received": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/bucket/", handler
    server.shutdown()
    server.server_close()


def direct(base: str, attempts: int = 3) -> DirectPut:
    return DirectPut(
        base, "us-east-1", Credentials("key", "secret"), max_attempts=attempts, pool_size=2
    )


def error(code: str) -> bytes:
    return f"<Error><Code>{code}</Code><Message>said {code}</Message></Error>".encode()


def test_throttling_and_server_errors_are_sent_again(scripted, monkeypatch):
    base, server = scripted
    monkeypatch.setattr("archivist.connectors.s3.direct.random.uniform", lambda a, b: 0)
    server.script[:] = [(503, error("SlowDown")), (500, error("InternalError")), (200, b"")]
    answer = direct(base).put("a b/ü.txt", b"content", {"Content-Type": "text/plain"})
    assert answer["etag"] == f'"{hashlib.md5(b"content").hexdigest()}"'
    assert len(server.received) == 3
    path, headers, body = server.received[-1]
    assert path == "/bucket/a%20b/%C3%BC.txt" and body == b"content"
    assert headers["Authorization"].startswith("AWS4-HMAC-SHA256 Credential=key/")
    assert headers["X-Amz-Content-SHA256"] == hashlib.sha256(b"content").hexdigest()


def test_errors_come_back_as_botocore_errors_after_the_last_attempt(scripted, monkeypatch):
    base, server = scripted
    monkeypatch.setattr("archivist.connectors.s3.direct.random.uniform", lambda a, b: 0)
    server.script[:] = [(503, error("SlowDown"))] * 2
    with pytest.raises(ClientError) as raised:
        direct(base, attempts=2).put("k", b"x", {})
    assert raised.value.response["Error"] == {"Code": "SlowDown", "Message": "said SlowDown"}
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 503
    server.script[:] = [(412, b"")]  # a failed precondition is final, and may have no body
    with pytest.raises(ClientError) as raised:
        direct(base).put("k", b"x", {"If-None-Match": "*"})
    assert raised.value.response["Error"]["Code"] == "412"
    assert len(server.received) == 3


def test_no_answer_is_an_http_client_error(monkeypatch):
    monkeypatch.setattr("archivist.connectors.s3.direct.random.uniform", lambda a, b: 0)
    with pytest.raises(HTTPClientError):
        direct("http://127.0.0.1:9/bucket/", attempts=2).put("k", b"x", {})


def test_the_connector_translates_the_direct_paths_errors(scripted, monkeypatch):
    base, server = scripted
    monkeypatch.setattr("archivist.connectors.s3.direct.random.uniform", lambda a, b: 0)
    connector = S3Connector(
        S3Settings(
            bucket="bucket",
            endpoint_url=base.removesuffix("/bucket/"),
            path_style=True,
            access_key="key",
            secret_key="secret",
        ),
        max_attempts=1,
    )
    assert connector.direct is not None and connector.direct.base == base
    server.script[:] = [(503, error("SlowDown"))]
    with pytest.raises(RateLimited):
        connector.upload("file.txt", io.BytesIO(b"x"), 1)
    connector.close()


def test_botocore_sends_when_a_proxy_is_configured_or_keys_are_unknown(monkeypatch):
    with moto_server() as peer:
        settings = S3Settings(
            bucket=peer.bucket,
            endpoint_url=peer.endpoint_url,
            path_style=True,
            access_key=peer.access_key_id,
            secret_key=peer.secret_access_key,
        )
        connector = S3Connector(settings)
        assert connector.direct is not None
        connector.close()
        monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
        proxied = S3Connector(settings)
        assert proxied.direct is None
        proxied.close()
        monkeypatch.delenv("HTTPS_PROXY")
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
        monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
        keyless = S3Connector(S3Settings(bucket=peer.bucket, endpoint_url=peer.endpoint_url))
        assert keyless.direct is None
        keyless.close()


TRICKY = ["a+b.txt", "100% sure.txt", "two  spaces/ü é.txt", "amp&er=1?.txt", '<t> &amp; "q".txt']


@pytest.mark.parametrize("peer_name", ["s3_server", "seaweedfs"])
def test_listings_read_every_name_as_botocore_does(peer_name, request):
    peer: S3Peer = request.getfixturevalue(peer_name)
    prefix = f"listing-{uuid.uuid4().hex[:8]}"
    settings = S3Settings(
        bucket=peer.bucket,
        prefix=prefix,
        endpoint_url=peer.endpoint_url,
        path_style=True,
        access_key=peer.access_key_id,
        secret_key=peer.secret_access_key,
    )
    connector = S3Connector(settings)
    connector.list_page_size = 2  # pages of two keys: the continuation tokens are used
    for name in TRICKY:
        connector.upload(name, io.BytesIO(name.encode()), len(name.encode()))
    assert connector.direct is not None
    pages: list[str] = []
    connector.direct.listeners.append(lambda operation, url: pages.append(operation))

    listed = {entry.path: entry for entry in connector.list_tree()}

    assert {path for path, entry in listed.items() if not entry.is_folder} == set(TRICKY)
    assert pages.count("ListObjectsV2") >= 3, "paged, and sent directly"
    client = peer.client()
    botocore_pages = client.get_paginator("list_objects_v2").paginate(
        Bucket=peer.bucket, Prefix=f"{prefix}/"
    )
    for item in (item for page in botocore_pages for item in page["Contents"]):
        entry = listed[item["Key"].removeprefix(f"{prefix}/")]
        assert entry.size == item["Size"] and entry.etag == item["ETag"].strip('"')
        assert entry.modified == item["LastModified"].replace(microsecond=0)
    connector.close()


def test_a_garbled_listing_is_an_http_client_error(scripted, monkeypatch):
    base, server = scripted
    monkeypatch.setattr("archivist.connectors.s3.direct.random.uniform", lambda a, b: 0)
    server.script[:] = [(200, b"<ListBucketResult><Contents><Key>a")]
    with pytest.raises(HTTPClientError):
        direct(base, attempts=1).list_page("", None, 1000)
    path = server.received[-1][0]
    assert path.startswith("/bucket?list-type=2&encoding-type=url&max-keys=1000&prefix=")
