"""The blob-store contract (`blobstore/base.py`), run against every store in `BACKENDS`:
the local folder and S3 on a real moto server."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import random
import tracemalloc

import pytest

from archivist.documents.blobstore import BlobMissing, BlobStore, BlobTooLarge
from archivist.documents.blobstore.base import CHUNK
from archivist.documents.blobstore.s3 import S3BlobStore
from tests.documents.blobstore.conftest import Backend
from tests.documents.blobstore.streams import GeneratedStream, sha256_of

MIB = 1024 * 1024
EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
BAD_DIGESTS = [
    "",
    "../../etc/passwd",
    "0" * 63,
    "0" * 65,
    "A" * 64,  # upper case
    "g" * 64,
    "../" + "0" * 61,
    "00/00/" + "0" * 58,
]


def read(store: BlobStore, sha256: str) -> bytes:
    with store.open(sha256) as handle:
        return handle.read()


def test_round_trip(store: BlobStore):
    content = b"The quick brown fox\n" * 1000
    info = store.put(io.BytesIO(content))
    assert info.sha256 == hashlib.sha256(content).hexdigest()
    assert info.size == len(content)
    assert store.exists(info.sha256)
    assert store.size(info.sha256) == len(content)
    assert read(store, info.sha256) == content
    assert store.put_bytes(content) == info


def test_the_same_bytes_twice_are_stored_once(backend: Backend):
    first = backend.store.put_bytes(b"twice")
    second = backend.store.put(io.BytesIO(b"twice"))
    assert first == second
    assert backend.files() == [f"{first.sha256[:2]}/{first.sha256[2:4]}/{first.sha256}"]
    assert backend.leftovers() == []


def test_an_empty_file(store: BlobStore):
    info = store.put(io.BytesIO(b""))
    assert (info.sha256, info.size) == (EMPTY_SHA256, 0)
    assert read(store, EMPTY_SHA256) == b""
    assert store.size(EMPTY_SHA256) == 0
    assert list(store.read_range(EMPTY_SHA256, 0, 10)) == []
    assert [(blob.sha256, blob.size) for blob in store.blobs()] == [(EMPTY_SHA256, 0)]


def test_binary_content_comes_back_byte_for_byte(store: BlobStore):
    content = bytes(range(256)) * 64 + b"\x00\r\n\x1a\xff\xfe" + random.Random(7).randbytes(5000)
    info = store.put_bytes(content)
    assert read(store, info.sha256) == content


@pytest.mark.parametrize("delta", [-1, 0, 1])
def test_sizes_around_one_upload_part(store: BlobStore, delta: int):
    """S3 sends a single PUT below one part and a multipart upload from one part on."""
    size = S3BlobStore.part_size + delta
    info = store.put(GeneratedStream(size, seed=size))
    assert (info.sha256, info.size) == (sha256_of(size, seed=size), size)
    with store.open(info.sha256) as handle:
        digest = hashlib.sha256()
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    assert digest.hexdigest() == info.sha256


def test_a_50_mb_stream_is_stored_with_flat_memory(backend: Backend):
    store = backend.store
    store.put_bytes(b"warm-up: the S3 client loads its models on first use")
    size = 50 * MIB
    tracemalloc.start()
    try:
        info = store.put(GeneratedStream(size, seed=50))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * MIB, f"peak Python memory {peak / MIB:.1f} MiB for a 50 MiB stream"
    assert (info.sha256, info.size) == (sha256_of(size, seed=50), size)
    assert store.size(info.sha256) == size
    assert backend.leftovers() == []


@pytest.mark.parametrize("size", [11, 20 * MIB])
def test_over_max_size_nothing_is_stored(backend: Backend, size: int):
    with pytest.raises(BlobTooLarge) as raised:
        backend.store.put(GeneratedStream(size, seed=1), max_size=size - 1)
    assert raised.value.limit == size - 1
    assert backend.files() == []
    assert backend.leftovers() == []


def test_exactly_max_size_is_stored(store: BlobStore):
    info = store.put(io.BytesIO(b"x" * 10), max_size=10)
    assert info.size == 10
    assert store.put(io.BytesIO(b""), max_size=0).size == 0


def test_read_range(store: BlobStore):
    content = random.Random(3).randbytes(3 * CHUNK + 123)
    sha256 = store.put_bytes(content).sha256
    size = len(content)

    def read_range(start: int, length: int) -> bytes:
        return b"".join(store.read_range(sha256, start, length))

    assert read_range(0, 10) == content[:10]
    assert read_range(CHUNK - 5, 10) == content[CHUNK - 5 : CHUNK + 5]  # across a chunk edge
    assert read_range(size // 2, 2 * CHUNK) == content[size // 2 : size // 2 + 2 * CHUNK]
    assert read_range(size - 10, 10) == content[-10:]
    assert read_range(0, size) == content
    assert read_range(size - 5, 100) == content[-5:]  # cut at the end
    assert read_range(size, 10) == b""
    assert read_range(size + 100, 10) == b""
    assert read_range(7, 0) == b""
    with pytest.raises(ValueError):
        store.read_range(sha256, -1, 10)


def test_a_missing_blob(store: BlobStore):
    missing = hashlib.sha256(b"never stored").hexdigest()
    assert not store.exists(missing)
    with pytest.raises(BlobMissing):
        store.open(missing)
    with pytest.raises(BlobMissing):
        store.size(missing)
    with pytest.raises(BlobMissing):
        store.read_range(missing, 0, 10)  # at the call, not at the first chunk
    with pytest.raises(BlobMissing):
        store.read_range(missing, 0, 0)
    store.delete(missing)  # no error


@pytest.mark.parametrize("digest", BAD_DIGESTS)
def test_a_bad_digest_is_a_value_error(store: BlobStore, digest: str):
    for call in (
        store.open,
        store.size,
        store.exists,
        store.delete,
        lambda d: store.read_range(d, 0, 1),
    ):
        with pytest.raises(ValueError, match="SHA-256"):
            call(digest)


@pytest.mark.parametrize("prefix", ["A", "0g", "../", "0" * 65, "/"])
def test_a_bad_listing_prefix_is_a_value_error(store: BlobStore, prefix: str):
    with pytest.raises(ValueError, match="prefix"):
        list(store.blobs(prefix))


def test_blobs_lists_exactly_what_was_stored(store: BlobStore):
    rng = random.Random(11)
    before = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    stored = {}
    for index in range(40):
        info = store.put_bytes(rng.randbytes(index * 7))
        stored[info.sha256] = info.size
    listed = list(store.blobs())
    assert {blob.sha256: blob.size for blob in listed} == stored
    assert len(listed) == len(stored)
    for blob in listed:
        assert blob.modified.utcoffset() == dt.timedelta(0)
        assert before < blob.modified < before + dt.timedelta(hours=1)
    some = sorted(stored)[5]
    for prefix in ("", some[:1], some[:2], some[:3], some[:4], some[:5], some):
        expected = {sha256 for sha256 in stored if sha256.startswith(prefix)}
        assert {blob.sha256 for blob in store.blobs(prefix)} == expected, prefix
    absent = sorted({f"{n:02x}" for n in range(256)} - {sha256[:2] for sha256 in stored})[0]
    assert list(store.blobs(absent)) == []


def test_delete(store: BlobStore):
    kept, gone = store.put_bytes(b"kept"), store.put_bytes(b"gone")
    store.delete(gone.sha256)
    store.delete(gone.sha256)
    assert not store.exists(gone.sha256)
    assert [blob.sha256 for blob in store.blobs()] == [kept.sha256]
    assert store.put_bytes(b"gone") == gone  # stored again after a delete
    assert read(store, gone.sha256) == b"gone"
