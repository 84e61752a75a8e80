"""Content-addressed blob stores: a blob is named by the SHA-256 of its bytes."""

from archivist.documents.blobstore.local import BlobInfo, LocalBlobStore, default_store

__all__ = ["BlobInfo", "LocalBlobStore", "default_store"]
