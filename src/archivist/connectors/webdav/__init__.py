"""WebDAV remotes: generic servers and NAS (Apache, Synology, QNAP, TrueNAS…), Nextcloud, ownCloud.

`CONNECTOR_TYPE` declares the options once; `connector.py` holds the strategy (see its
docstring for listing, uploads and preconditions per flavour), `client.py` the HTTP client,
`propfind.py` the XML, `errors.py` the translation of statuses, `ocs.py` public links.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from archivist.connectors.options import ConnectorType, Option, OptionError
from archivist.connectors.webdav.connector import (
    Flavour,
    WebDavConnector,
    WebDavConnectorWithLinks,
)

__all__ = ["CONNECTOR_TYPE", "Flavour", "WebDavConnector", "WebDavConnectorWithLinks"]


def _build(options: Mapping[str, Any]) -> WebDavConnector:
    if options["use_public_urls"] and options["flavour"] == Flavour.GENERIC:
        raise OptionError("use_public_urls", "needs the nextcloud or owncloud flavour")
    kind = WebDavConnectorWithLinks if options["use_public_urls"] else WebDavConnector
    return kind(
        options["url"],
        options["username"],
        options["password"],
        flavour=options["flavour"],
        verify_tls=options["verify_tls"],
    )


CONNECTOR_TYPE = ConnectorType(
    name="webdav",
    label="WebDAV / Nextcloud / ownCloud / NAS",
    help=(
        "A folder on a WebDAV server: Nextcloud, ownCloud, or a NAS or web server speaking "
        "WebDAV (Synology, QNAP, TrueNAS, Apache…)."
    ),
    options=(
        Option(
            "url",
            "WebDAV address of the folder to sync into, e.g. "
            "https://cloud.example.com/remote.php/dav/files/alice/Archivist for Nextcloud.",
            "url",
            required=True,
        ),
        Option("username", "User name on the WebDAV server.", required=True),
        Option(
            "password",
            "Password; on Nextcloud/ownCloud preferably an app password (Settings → Security).",
            "secret",
            required=True,
        ),
        Option(
            "flavour",
            "generic for any WebDAV server; nextcloud or owncloud to use their file ids "
            "(moves are followed), folder ETags (unchanged folders are not re-listed) and "
            "share API.",
            "choice",
            default=Flavour.GENERIC.value,
            choices=tuple(flavour.value for flavour in Flavour),
        ),
        Option(
            "use_public_urls",
            "Nextcloud/ownCloud only: give files public download links through the share API.",
            "boolean",
            default=False,
        ),
        Option(
            "verify_tls",
            "Check the server's TLS certificate (turn off only for a self-signed test server).",
            "boolean",
            default=True,
        ),
    ),
    build=_build,
    web_links=True,
)
