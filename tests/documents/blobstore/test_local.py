"""What only the local store promises: its folder layout and its temporary files."""

from __future__ import annotations

import errno
import hashlib
import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from archivist.documents.blobstore import LocalBlobStore, local


def test_blobs_are_sharded_by_their_first_four_hex_digits(tmp_path: Path):
    store = LocalBlobStore(tmp_path)
    info = store.put_bytes(b"layout")
    digest = hashlib.sha256(b"layout").hexdigest()
    assert (tmp_path / digest[:2] / digest[2:4] / digest).read_bytes() == b"layout"
    assert store.path(info.sha256) == tmp_path / digest[:2] / digest[2:4] / digest
    assert os.listdir(tmp_path / "incoming") == []


def test_a_failing_stream_leaves_no_temporary_file(tmp_path: Path):
    class Broken(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
            raise ConnectionResetError("the client went away")

    store = LocalBlobStore(tmp_path)
    with pytest.raises(ConnectionResetError):
        store.put(Broken())
    assert [path for path in tmp_path.rglob("*") if path.is_file()] == []


def test_storing_known_bytes_again_renews_the_blob(tmp_path: Path):
    """A de-duplicated upload must not be collected before its row is saved."""
    store = LocalBlobStore(tmp_path)
    info = store.put_bytes(b"renewed")
    long_ago = 1_000_000_000  # 2001
    os.utime(store.path(info.sha256), (long_ago, long_ago))
    assert next(store.blobs()).modified.year == 2001
    store.put_bytes(b"renewed")
    assert next(store.blobs()).modified.year > 2001


def test_files_that_are_not_blobs_are_not_listed(tmp_path: Path):
    store = LocalBlobStore(tmp_path)
    info = store.put_bytes(b"real")
    wrong_shard = tmp_path / "00" / "00" / info.sha256
    wrong_shard.parent.mkdir(parents=True)
    wrong_shard.write_bytes(b"real")
    (tmp_path / info.sha256[:2] / info.sha256[2:4] / "notes.txt").write_text("x")
    (tmp_path / "incoming" / ("f" * 64)).write_bytes(b"upload in progress")
    (tmp_path / "zz").mkdir()
    assert [blob.sha256 for blob in store.blobs()] == [info.sha256]


def test_an_empty_or_missing_root_lists_nothing(tmp_path: Path):
    assert list(LocalBlobStore(tmp_path / "absent").blobs()) == []
    assert list(LocalBlobStore(tmp_path / "absent").blobs("ab")) == []


def test_a_failing_fsync_stores_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    def failing(descriptor: int) -> None:
        raise OSError(errno.EIO, "the disk failed")

    store = LocalBlobStore(tmp_path)
    monkeypatch.setattr(os, "fsync", failing)
    with pytest.raises(OSError, match="the disk failed"):
        store.put_bytes(b"never durable")
    assert [path for path in tmp_path.rglob("*") if path.is_file()] == []


def test_new_shard_folders_are_made_durable_in_their_parents(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    synced: list[Path] = []
    monkeypatch.setattr(local, "_fsync_folder", synced.append)
    store = LocalBlobStore(tmp_path)
    shard = store.path(store.put_bytes(b"first of its shard").sha256).parent
    assert synced == [shard, shard.parent, tmp_path]
    synced.clear()
    store.put_bytes(b"first of its shard")  # stored: its entry is made sure of all the same
    assert synced == [shard]


@pytest.mark.skipif(shutil.which("fincore") is None, reason="needs util-linux's fincore")
def test_a_stored_blob_leaves_the_page_cache_to_what_is_read(tmp_path: Path):
    """An upload's pages are clean once fsync'ed: they are handed back rather than kept, so
    uploads do not push the database's pages out of memory (and reuse the memory they free)."""
    store = LocalBlobStore(tmp_path)
    content = os.urandom(4 * 1024 * 1024)
    path = store.path(store.put_bytes(content).sha256)

    def cached() -> int:
        shown = subprocess.run(
            ["fincore", "--bytes", "--noheadings", "--output", "RES", str(path)],
            capture_output=True,
            text=True,
            check=True,
        )
        return int(shown.stdout)

    assert cached() < len(content) // 4
    assert path.read_bytes() == content, "read back whole, from the disk"
    assert cached() == len(content), "reading caches it as usual"
