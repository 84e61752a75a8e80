"""SFTP (NAS over SSH): a folder on an SSH server, reached with paramiko.

See `connector.py` for the upload and ETag design, `pool.py` for how sessions are shared
between threads, `hostkeys.py` for host key pinning.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from archivist.connectors.options import ConnectorType
from archivist.connectors.sftp.config import OPTIONS, SftpSettings, settings_from_options
from archivist.connectors.sftp.connector import SftpConnector
from archivist.connectors.sftp.errors import HostKeyMismatch, HostKeyNotPinned

__all__ = [
    "CONNECTOR_TYPE",
    "HostKeyMismatch",
    "HostKeyNotPinned",
    "SftpConnector",
    "SftpSettings",
]


def _build(options: Mapping[str, Any]) -> SftpConnector:
    return SftpConnector(settings_from_options(options))


CONNECTOR_TYPE = ConnectorType(
    name="sftp",
    label="SFTP (NAS over SSH)",
    help=(
        "A folder on an SSH server, such as a Synology, QNAP or TrueNAS NAS with SFTP enabled, "
        "or any Linux server running OpenSSH. Log in with a password or a private key; pin the "
        "server's host key (the first connection without one shows the key to confirm)."
    ),
    options=OPTIONS,
    build=_build,
    web_links=True,
)
