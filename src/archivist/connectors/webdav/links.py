"""Where a person opens a WebDAV item ("Open in Cloud") without Archivist making it public.

Nextcloud and ownCloud: the web interface's page of the item, `<server>/index.php/f/<fileid>`
(it asks the person to sign in there, then shows the file or folder), or the Files app at the
folder when the id is not known yet. Generic servers: the item's WebDAV address, which browsers
open after asking for the server's credentials.
"""

from __future__ import annotations

import re
from typing import NamedTuple
from urllib.parse import quote

from archivist.connectors.webdav.client import RootUrl

__all__ = ["FilesLocation", "files_location", "internal_link"]

_DAV_ROOTS = (
    re.compile(r"^(?P<server>.*?)/remote\.php/dav/files/[^/]+(?P<folder>/.*)?$"),
    re.compile(r"^(?P<server>.*?)/remote\.php/webdav(?P<folder>/.*)?$"),
)


class FilesLocation(NamedTuple):
    server: str
    """The Nextcloud/ownCloud server's address, e.g. `https://cloud.example.com/nc`."""
    folder: str
    """The WebDAV root inside the user's files, e.g. `/Documents/Archivist` (empty: the top)."""


def files_location(root: RootUrl) -> FilesLocation | None:
    """The server and the folder of a Nextcloud/ownCloud user-files WebDAV address, else None."""
    for pattern in _DAV_ROOTS:
        found = pattern.match(root.path)
        if found:
            return FilesLocation(
                f"{root.origin}{found['server']}", (found["folder"] or "").rstrip("/")
            )
    return None


def internal_link(
    root: RootUrl, path: str, *, folder: bool, remote_id: str, owncloud_like: bool
) -> str:
    """The page that opens `path` (a remote path of the connector) for a signed-in person."""
    location = files_location(root) if owncloud_like else None
    if location is None:
        return root.url(path, folder=folder)
    if remote_id.isdigit():
        return f"{location.server}/index.php/f/{remote_id}"
    full = f"{location.folder}/{path}" if path else location.folder or "/"
    files = f"{location.server}/index.php/apps/files/"
    if folder:
        return f"{files}?dir={quote(full)}"
    parent, _, name = full.rpartition("/")
    return f"{files}?dir={quote(parent or '/')}&scrollto={quote(name)}"
