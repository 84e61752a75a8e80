"""A 20 MB upload and download through the API keep Python's memory far below the file's
size: the request body is spooled to disk and streamed into the blob store, and the download
is streamed from it in chunks."""

from __future__ import annotations

import hashlib
import io
import os
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from archivist.documents.models import Attachment

pytestmark = pytest.mark.django_db

SIZE = 20 * 1024 * 1024
BOUNDARY = "archivist-test-boundary"


class MultipartBody(io.RawIOBase):
    """A multipart request body read lazily: form fields, then the file from disk, then the
    closing boundary (the test client would build the whole body in memory)."""

    def __init__(self, folder_id: int, path: Path) -> None:
        self.parts = [
            (
                f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="folder"\r\n\r\n'
                f'{folder_id}\r\n--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; '
                f'filename="{path.name}"\r\nContent-Type: application/octet-stream\r\n\r\n'
            ).encode(),
            path.open("rb"),
            f"\r\n--{BOUNDARY}--\r\n".encode(),
        ]
        self.length = len(self.parts[0]) + path.stat().st_size + len(self.parts[2])
        self.parts[0] = io.BytesIO(self.parts[0])
        self.parts[2] = io.BytesIO(self.parts[2])

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        while self.parts:
            chunk = self.parts[0].read(size if size >= 0 else 1024 * 1024)
            if chunk:
                return chunk
            self.parts.pop(0).close()
        return b""


def post(client: Any, body: MultipartBody) -> Any:
    return client.request(
        REQUEST_METHOD="POST",
        PATH_INFO="/api/attachments/",
        CONTENT_TYPE=f"multipart/form-data; boundary={BOUNDARY}",
        CONTENT_LENGTH=str(body.length),
        **{"wsgi.input": body},
    )


@pytest.fixture
def big_file(tmp_path: Path) -> tuple[Path, str]:
    path = tmp_path / "big.bin"
    digest = hashlib.sha256()
    with path.open("wb") as out:
        for _ in range(SIZE // (1024 * 1024)):
            chunk = os.urandom(1024 * 1024)
            digest.update(chunk)
            out.write(chunk)
    return path, digest.hexdigest()


def test_a_20_mb_upload_and_download_stream(clerk_api, order_folder, big_file):
    path, sha256 = big_file
    # Warm up (imports, caches, the first query of each kind) so that the peaks below measure
    # the transfer itself.
    small = path.with_name("small.bin")
    small.write_bytes(b"warm up")
    warmed = post(clerk_api, MultipartBody(order_folder.pk, small))
    b"".join(clerk_api.get(f"/api/attachments/{warmed.json()['id']}/download/").streaming_content)
    body = MultipartBody(order_folder.pk, path)
    tracemalloc.start()
    try:
        response = post(clerk_api, body)
        _, upload_peak = tracemalloc.get_traced_memory()
        assert response.status_code == 201, response.content
        created = response.json()
        assert created["size"] == SIZE and created["checksum"] == sha256
        tracemalloc.reset_peak()
        download = clerk_api.get(f"/api/attachments/{created['id']}/download/")
        received = hashlib.sha256()
        total = 0
        for chunk in download.streaming_content:
            received.update(chunk)
            total += len(chunk)
        _, download_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert total == SIZE and received.hexdigest() == sha256
    print(
        f"peak Python memory: upload {upload_peak / 2**20:.1f} MiB, "
        f"download {download_peak / 2**20:.1f} MiB, file {SIZE / 2**20:.0f} MiB"
    )
    assert upload_peak < SIZE / 4
    assert download_peak < SIZE / 4
    assert Attachment.objects.get(pk=created["id"]).blob == sha256
