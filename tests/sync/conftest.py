"""Remotes for the sync tests: connectors on fresh, empty roots of every connector's real peer.

`new_remote` is parametrized over `REMOTES`; a test that asks for it runs once per remote and
calls it for as many fresh roots as it needs (each one closed and removed after the test).
The servers are the session peers the connector tests use (`tests/peers/`), shared per process.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from archivist.connectors import connector_type
from archivist.connectors.base import Connector
from archivist.connectors.local import LocalConnector
from archivist.connectors.memory import MemoryConnector
from archivist.connectors.s3 import S3Connector
from tests.peers.s3 import S3Peer, s3_server  # noqa: F401 (a session fixture)
from tests.peers.sftp import SftpPeer, asyncssh_server  # noqa: F401 (a session fixture)
from tests.peers.webdav import WebDavPeer, webdav_server  # noqa: F401 (a session fixture)

REMOTES = {
    "memory": "the in-memory remote, stable ids",
    "local": "a folder on this machine (inode ids)",
    "s3-moto": "S3 on moto: no ids, no real folders, moves are copy + delete",
    "webdav-nextcloud": "WebDAV on wsgidav, nextcloud flavour (oc:fileid ids)",
    "sftp-asyncssh": "SFTP on asyncssh: no ids",
}

Cleanup = Callable[[], None]


def _memory(request: pytest.FixtureRequest, folder: Path) -> tuple[Connector, Cleanup]:
    return MemoryConnector(stable_ids=True), lambda: None


def _local(request: pytest.FixtureRequest, folder: Path) -> tuple[Connector, Cleanup]:
    folder.mkdir()
    return LocalConnector(folder), lambda: None


def _s3(request: pytest.FixtureRequest, folder: Path) -> tuple[Connector, Cleanup]:
    peer: S3Peer = request.getfixturevalue("s3_server")
    connector = connector_type("s3").connect(
        {
            "bucket": peer.bucket,
            "prefix": f"sync-{uuid.uuid4().hex[:12]}",
            "endpoint_url": peer.endpoint_url,
            "region": peer.region,
            "path_style": True,
            "access_key": peer.access_key_id,
            "secret_key": peer.secret_access_key,
        }
    )
    assert isinstance(connector, S3Connector)

    def remove_keys() -> None:
        root = f"{connector.settings.prefix}/"
        pages = connector.client.get_paginator("list_objects_v2").paginate(
            Bucket=peer.bucket, Prefix=root
        )
        for page in pages:
            found = [{"Key": item["Key"]} for item in page.get("Contents", ())]
            if found:
                connector.client.delete_objects(
                    Bucket=peer.bucket, Delete={"Objects": found, "Quiet": True}
                )

    return connector, remove_keys


def _webdav(request: pytest.FixtureRequest, folder: Path) -> tuple[Connector, Cleanup]:
    peer: WebDavPeer = request.getfixturevalue("webdav_server")
    url, disk = peer.new_root("nextcloud")
    options = {"url": url, "username": peer.user, "password": peer.password}
    connector = connector_type("webdav").connect({**options, "flavour": "nextcloud"})
    return connector, lambda: shutil.rmtree(disk, ignore_errors=True)


def _sftp(request: pytest.FixtureRequest, folder: Path) -> tuple[Connector, Cleanup]:
    peer: SftpPeer = request.getfixturevalue("asyncssh_server")
    remote, disk = peer.new_root()
    connector = connector_type("sftp").connect(peer.options(remote))
    return connector, lambda: shutil.rmtree(disk, ignore_errors=True)


_MAKERS = {
    "memory": _memory,
    "local": _local,
    "s3-moto": _s3,
    "webdav-nextcloud": _webdav,
    "sftp-asyncssh": _sftp,
}


@pytest.fixture(params=list(REMOTES))
def new_remote(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], Connector]]:
    """Makes a connector on a fresh, empty root of the remote this test runs against."""
    made: list[tuple[Connector, Cleanup]] = []

    def make() -> Connector:
        made.append(_MAKERS[request.param](request, tmp_path / f"remote-{len(made)}"))
        return made[-1][0]

    yield make
    for connector, cleanup in made:
        try:
            cleanup()
        finally:
            connector.close()
