"""The in-memory connector passes the same contract as the real ones (it backs the sync tests)."""

from __future__ import annotations

import pytest

from archivist.connectors.memory import MemoryConnector
from tests.connectors.contract.suite import ConnectorContract


class _Unreachable(MemoryConnector):
    def list_tree(self, path="", *, skip=None):  # type: ignore[no-untyped-def]
        from archivist.connectors.errors import Transient

        raise Transient("connection refused")


@pytest.fixture
def connector() -> MemoryConnector:
    return MemoryConnector()


@pytest.fixture
def unreachable_connector() -> MemoryConnector:
    return _Unreachable()


class TestMemoryConnector(ConnectorContract):
    pass
