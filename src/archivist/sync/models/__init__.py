"""Sync models; one module per concept, re-exported here for Django and callers."""

from archivist.sync.models.connections import (
    CloudConnection,
    ConnectionState,
    FolderConnection,
    RuleConnection,
)
from archivist.sync.models.queue import LogLevel, OperationState, SyncLog, SyncOperation
from archivist.sync.models.state import RemoteEntry, SyncItem

__all__ = [
    "CloudConnection",
    "ConnectionState",
    "FolderConnection",
    "LogLevel",
    "OperationState",
    "RemoteEntry",
    "RuleConnection",
    "SyncItem",
    "SyncLog",
    "SyncOperation",
]
