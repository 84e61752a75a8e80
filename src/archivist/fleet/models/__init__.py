"""Fleet models; one module per concept, re-exported here for Django and callers."""

from archivist.fleet.models.databases import (
    Database,
    DatabaseTag,
    DatabaseUser,
    Hosting,
    TaxReturnStatus,
)
from archivist.fleet.models.runs import RunState, SyncRun
from archivist.fleet.models.settings import FleetSettings

__all__ = [
    "Database",
    "DatabaseTag",
    "DatabaseUser",
    "FleetSettings",
    "Hosting",
    "RunState",
    "SyncRun",
    "TaxReturnStatus",
]
