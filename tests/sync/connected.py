"""A cloud connection with one synced manual folder, for tests that run whole cycles."""

from __future__ import annotations

import uuid
from typing import Any

from archivist.documents.models import Folder, FolderKind
from archivist.sync.models import CloudConnection, FolderConnection
from archivist.sync.services.connections import configure
from tests.peers.s3 import S3Peer


def connected_folder(
    kind: str, options: dict[str, Any], *, folder: str = "Invoices"
) -> tuple[CloudConnection, Folder]:
    """A saved connection of `kind` with `options`, and a manual folder synced to it."""
    connection = CloudConnection(name=f"{kind} cloud", kind=kind)
    configure(connection, options)
    connection.save()
    synced = Folder.objects.create(name=folder, kind=FolderKind.MANUAL)
    FolderConnection.objects.create(folder=synced, connection=connection)
    return connection, synced


def s3_options(peer: S3Peer, prefix: str) -> dict[str, Any]:
    """Options of an S3 connection to `peer` under a fresh key prefix starting with `prefix`."""
    return {
        "bucket": peer.bucket,
        "prefix": f"{prefix}-{uuid.uuid4().hex[:8]}",
        "endpoint_url": peer.endpoint_url,
        "region": peer.region,
        "path_style": True,
        "access_key": peer.access_key_id,
        "secret_key": peer.secret_access_key,
    }
