"""Framework-free connectors to remote storage (no Django here).

`connector_type(name)` returns the declared type (`local`, `s3`, `webdav`, `sftp`, `memory`),
imported on first use so that a missing optional dependency only affects its own connector.
"""

from __future__ import annotations

import importlib

from archivist.connectors.options import ConnectorType

__all__ = ["CONNECTOR_MODULES", "connector_type", "connector_types"]

CONNECTOR_MODULES = {
    "local": "archivist.connectors.local",
    "s3": "archivist.connectors.s3",
    "webdav": "archivist.connectors.webdav",
    "sftp": "archivist.connectors.sftp",
    "memory": "archivist.connectors.memory",
}


def connector_type(name: str) -> ConnectorType:
    """The connector type called `name`; KeyError naming the known ones."""
    try:
        module = CONNECTOR_MODULES[name]
    except KeyError:
        known = ", ".join(sorted(CONNECTOR_MODULES))
        raise KeyError(f"unknown connector type {name!r} (known: {known})") from None
    loaded: ConnectorType = importlib.import_module(module).CONNECTOR_TYPE
    return loaded


def connector_types() -> list[ConnectorType]:
    return [connector_type(name) for name in CONNECTOR_MODULES]
