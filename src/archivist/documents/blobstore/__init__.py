"""Content-addressed blob stores: a blob is named by the SHA-256 of its bytes.

The store is chosen by the setting `ARCHIVIST_BLOB_STORE` (`settings.BLOB_STORE`):

- `local` (the default): files under `settings.BLOB_ROOT` (`$ARCHIVIST_HOME/blobs`);
- `s3://bucket/prefix?endpoint_url=http://host:9000&region=eu-west-1&path_style=true`: objects
  in an S3 bucket (every query option is optional; credentials come from boto3's environment).
"""

from __future__ import annotations

import functools
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from django.conf import settings

from archivist.documents.blobstore.base import (
    BlobInfo,
    BlobMissing,
    BlobStore,
    BlobStoreError,
    BlobTooLarge,
    StoredBlob,
)
from archivist.documents.blobstore.local import LocalBlobStore

SETTING = "ARCHIVIST_BLOB_STORE"
_S3_OPTIONS = {"endpoint_url", "region", "path_style"}
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off", ""}

__all__ = [
    "BlobInfo",
    "BlobMissing",
    "BlobStore",
    "BlobStoreError",
    "BlobTooLarge",
    "LocalBlobStore",
    "StoredBlob",
    "blob_store_for",
    "blob_store_from_settings",
    "blob_store_setting",
    "default_store",
]


def blob_store_from_settings() -> BlobStore:
    """The store `settings.BLOB_STORE` names; ValueError (naming the setting) if malformed."""
    return blob_store_for(*blob_store_setting())


def blob_store_setting() -> tuple[str, str]:
    """`settings.BLOB_STORE` and `settings.BLOB_ROOT`: what `blob_store_for` takes (a process
    without Django's settings, such as a sync sender, opens the same store from them)."""
    return str(getattr(settings, "BLOB_STORE", "local") or "local"), str(settings.BLOB_ROOT)


def blob_store_for(value: str, root: str) -> BlobStore:
    """The store a `BLOB_STORE` value names (`root` is the local store's folder)."""
    value = value.strip() or "local"
    if value == "local":
        return LocalBlobStore(Path(root))
    if value.startswith("s3://"):
        return _s3_store(value)
    raise ValueError(f"{SETTING} must be 'local' or an s3://bucket/prefix URL, got {value!r}")


def default_store() -> BlobStore:
    """The configured store (kept under this name for its many callers)."""
    return blob_store_from_settings()


@functools.lru_cache(maxsize=8)
def _s3_store(url: str) -> BlobStore:
    """One store (one boto3 client, which is thread-safe) per configured URL."""
    from archivist.documents.blobstore.s3 import S3BlobStore

    parts = urlsplit(url)
    bucket = parts.netloc
    if not bucket or "@" in bucket or ":" in bucket:
        raise ValueError(
            f"{SETTING}: {url!r} must be s3://bucket/prefix (credentials go in "
            "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, the server in ?endpoint_url=)"
        )
    try:
        query = parse_qs(parts.query, keep_blank_values=True, strict_parsing=bool(parts.query))
    except ValueError:
        raise ValueError(f"{SETTING}: malformed query {parts.query!r} in {url!r}") from None
    unknown = sorted(set(query) - _S3_OPTIONS)
    if unknown:
        raise ValueError(
            f"{SETTING}: unknown option(s) {', '.join(unknown)} in {url!r}; "
            f"known: {', '.join(sorted(_S3_OPTIONS))}"
        )
    options = {name: values[-1] for name, values in query.items()}
    endpoint = options.get("endpoint_url") or None
    if endpoint is not None and urlsplit(endpoint).scheme not in ("http", "https"):
        raise ValueError(f"{SETTING}: endpoint_url must be an http(s) URL, got {endpoint!r}")
    path_style = options.get("path_style", "").lower()
    if path_style not in _TRUE | _FALSE:
        raise ValueError(f"{SETTING}: path_style must be true or false, got {path_style!r}")
    return S3BlobStore(
        bucket,
        prefix=parts.path,
        endpoint_url=endpoint,
        region=options.get("region") or None,
        path_style=path_style in _TRUE,
    )
