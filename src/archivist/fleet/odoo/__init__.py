"""A framework-free client for Odoo databases (JSON-2, XML-RPC fallback) and fleet-wide reads.

Only this package's public names are imported by the Fleet's Django app (`archivist.fleet`).
"""

from .client import (
    Credentials,
    InviteResult,
    Kpi,
    OdooClient,
    OdooComDatabase,
    RemoteUser,
    list_odoo_com_databases,
)
from .errors import (
    AccessDenied,
    InternalError,
    InvalidApiKey,
    MissingCredentials,
    NotOdoo,
    OdooError,
    RemoteError,
    Timeout,
    UnknownModel,
    Unreachable,
)
from .runner import map_databases, run
from .session import new_session
from .snapshot import FetchSettings, Snapshot, fetch_many, fetch_snapshot
from .version import OdooVersion, parse_version

__all__ = [
    "AccessDenied",
    "Credentials",
    "FetchSettings",
    "InternalError",
    "InvalidApiKey",
    "InviteResult",
    "Kpi",
    "MissingCredentials",
    "NotOdoo",
    "OdooClient",
    "OdooComDatabase",
    "OdooError",
    "OdooVersion",
    "RemoteError",
    "RemoteUser",
    "Snapshot",
    "Timeout",
    "UnknownModel",
    "Unreachable",
    "fetch_many",
    "fetch_snapshot",
    "list_odoo_com_databases",
    "map_databases",
    "new_session",
    "parse_version",
    "run",
]
