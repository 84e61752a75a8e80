"""The local-path connector against a real folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from archivist.connectors import connector_type
from archivist.connectors.errors import NotFound
from archivist.connectors.local import LocalConnector
from archivist.connectors.options import OptionError
from tests.connectors.contract.suite import ConnectorContract, put


@pytest.fixture
def connector(tmp_path: Path) -> LocalConnector:
    root = tmp_path / "remote"
    root.mkdir()
    return LocalConnector(root)


@pytest.fixture
def unreachable_connector(tmp_path: Path) -> LocalConnector:
    root = tmp_path / "unmounted"
    root.mkdir()
    connector = LocalConnector(root)
    root.rmdir()  # the NAS share went away after the connection was set up
    return connector


class TestLocalConnector(ConnectorContract):
    pass


def test_the_declared_type_builds_a_connector(tmp_path: Path) -> None:
    built = connector_type("local").connect({"path": str(tmp_path)})
    assert isinstance(built, LocalConnector)
    with pytest.raises(OptionError, match="path: is required"):
        connector_type("local").connect({})
    with pytest.raises(OptionError, match="bucket: unknown option"):
        connector_type("local").connect({"path": str(tmp_path), "bucket": "x"})
    with pytest.raises(NotFound):
        connector_type("local").connect({"path": str(tmp_path / "missing")})


def test_no_temporary_file_is_left_or_listed(connector: LocalConnector) -> None:
    put(connector, "a.txt", b"a")
    put(connector, "a.txt", b"b")
    assert sorted(p.name for p in connector.root.iterdir()) == ["a.txt"]


def test_temporary_files_of_dead_uploads_are_removed_after_an_hour(
    connector: LocalConnector,
) -> None:
    import os
    import time

    from archivist.connectors.local import TEMP_PREFIX

    stale = connector.root / f"{TEMP_PREFIX}dead"
    fresh = connector.root / f"{TEMP_PREFIX}running"
    stale.write_bytes(b"half an upload")
    fresh.write_bytes(b"an upload going on")
    hour_ago = time.time() - 3700
    os.utime(stale, (hour_ago, hour_ago))
    assert list(connector.list_tree()) == []
    assert not stale.exists() and fresh.exists()
