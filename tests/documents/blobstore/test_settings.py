"""`ARCHIVIST_BLOB_STORE` chooses the store; a malformed value names the setting."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from archivist.documents.blobstore import (
    LocalBlobStore,
    blob_store_from_settings,
    default_store,
)
from archivist.documents.blobstore.s3 import S3BlobStore


def test_local_is_the_default_and_lives_in_blob_root(settings: Any, tmp_path: Path):
    settings.BLOB_ROOT = tmp_path / "here"
    for store in (blob_store_from_settings(), default_store()):
        assert isinstance(store, LocalBlobStore)
        assert store.root == tmp_path / "here"
    del settings.BLOB_STORE
    assert isinstance(blob_store_from_settings(), LocalBlobStore)


def test_an_s3_url_gives_an_s3_store(settings: Any):
    settings.BLOB_STORE = (
        "s3://my-bucket/archivist/blobs/?endpoint_url=http://127.0.0.1:9000"
        "&region=eu-west-3&path_style=true"
    )
    store = default_store()
    assert isinstance(store, S3BlobStore)
    assert (store.bucket, store.prefix) == ("my-bucket", "archivist/blobs/")
    assert store.endpoint_url == "http://127.0.0.1:9000"
    assert store.client.meta.region_name == "eu-west-3"
    assert store.client.meta.config.s3["addressing_style"] == "path"
    assert default_store() is store  # one client per configured URL


def test_an_s3_url_needs_only_a_bucket(settings: Any):
    settings.BLOB_STORE = "s3://bare-bucket"
    store = blob_store_from_settings()
    assert isinstance(store, S3BlobStore)
    assert (store.bucket, store.prefix, store.endpoint_url) == ("bare-bucket", "", None)
    assert store.client.meta.config.s3["addressing_style"] == "auto"


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("s3", "must be 'local' or an s3://bucket/prefix URL"),
        ("file:///srv/blobs", "must be 'local' or an s3://bucket/prefix URL"),
        ("s3://", "must be s3://bucket/prefix"),
        ("s3:///prefix", "must be s3://bucket/prefix"),
        ("s3://key:secret@bucket/prefix", "credentials go in AWS_ACCESS_KEY_ID"),
        ("s3://bucket/p?endpoint=http://x", "unknown option(s) endpoint"),
        ("s3://bucket/p?path_style=maybe", "path_style must be true or false"),
        ("s3://bucket/p?endpoint_url=ftp://host", "endpoint_url must be an http(s) URL"),
        ("s3://bucket/p?&&=", "malformed query"),
    ],
)
def test_a_malformed_value_names_the_setting(settings: Any, value: str, problem: str):
    settings.BLOB_STORE = value
    with pytest.raises(ValueError, match="ARCHIVIST_BLOB_STORE") as raised:
        blob_store_from_settings()
    assert problem in str(raised.value)
