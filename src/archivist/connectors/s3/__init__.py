"""Amazon S3, MinIO, SeaweedFS, Ceph and other S3-compatible object stores.

`S3Connector` (in `connector`) implements the connector contract over one bucket and key
prefix; `config` declares its options, `client` builds the botocore client, `errors` translates
botocore's errors, `listing` turns a flat key listing into a tree, and `transfer` streams
multipart uploads, copies and downloads.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from archivist.connectors.options import ConnectorType
from archivist.connectors.s3.config import OPTIONS, S3Settings
from archivist.connectors.s3.connector import S3Connector

__all__ = ["CONNECTOR_TYPE", "S3Connector", "S3Settings"]


def _build(options: Mapping[str, Any]) -> S3Connector:
    return S3Connector(S3Settings.from_options(options))


CONNECTOR_TYPE = ConnectorType(
    name="s3",
    label="Amazon S3 / MinIO / S3-compatible",
    help=(
        "A bucket, or a folder inside one, on Amazon S3 or an S3-compatible server (MinIO, "
        "SeaweedFS, Ceph, Wasabi, Backblaze B2…). Folders are key prefixes; an empty folder "
        "is kept as a zero-byte marker object `folder/`."
    ),
    options=OPTIONS,
    build=_build,
    web_links=True,
)
