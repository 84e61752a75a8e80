"""The blob stores under test: every contract test runs against each `BACKENDS` entry."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from archivist.documents.blobstore import BlobStore, LocalBlobStore
from archivist.documents.blobstore.s3 import S3BlobStore
from tests.peers.s3 import S3Peer, s3_server  # noqa: F401 (a session fixture)

BACKENDS = ["local", "s3"]


@dataclass
class Backend:
    """A store plus a look behind its back: what it really holds."""

    store: BlobStore
    root: Path | None = None  # local
    peer: S3Peer | None = None  # s3

    def files(self) -> list[str]:
        """Every file or object the store holds, blobs and temporaries alike."""
        if isinstance(self.store, LocalBlobStore):
            return sorted(str(p.relative_to(self.store.root)) for p in _files(self.store.root))
        store = self._s3()
        listing = self._client().list_objects_v2(Bucket=store.bucket, Prefix=store.prefix)
        return sorted(item["Key"][len(store.prefix) :] for item in listing.get("Contents", ()))

    def leftovers(self) -> list[str]:
        """Temporary files, temporary objects and unfinished multipart uploads."""
        found = [name for name in self.files() if name.startswith("incoming/")]
        if isinstance(self.store, S3BlobStore):
            uploads = self._client().list_multipart_uploads(
                Bucket=self.store.bucket, Prefix=self.store.prefix
            )
            found += [f"upload {item['Key']}" for item in uploads.get("Uploads", ())]
        return found

    def _s3(self) -> S3BlobStore:
        assert isinstance(self.store, S3BlobStore)
        return self.store

    def _client(self) -> Any:
        assert self.peer is not None
        return self.peer.client()


def _files(root: Path) -> Iterator[Path]:
    return (path for path in root.rglob("*") if path.is_file()) if root.exists() else iter(())


def s3_store(peer: S3Peer, **options: Any) -> S3BlobStore:
    """A store on the moto server under a fresh key prefix (tests share the bucket)."""
    return S3BlobStore(
        peer.bucket,
        prefix=f"test-{uuid.uuid4().hex[:12]}/blobs",
        endpoint_url=peer.endpoint_url,
        region=peer.region,
        path_style=True,
        access_key_id=peer.access_key_id,
        secret_access_key=peer.secret_access_key,
        **options,
    )


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    if request.param == "local":
        return Backend(LocalBlobStore(tmp_path / "store"), root=tmp_path / "store")
    peer: S3Peer = request.getfixturevalue("s3_server")
    return Backend(s3_store(peer), peer=peer)


@pytest.fixture
def store(backend: Backend) -> BlobStore:
    return backend.store
