"""Public links through the OCS Share API of Nextcloud and ownCloud.

`<server>/ocs/v2.php/apps/files_sharing/api/v1/shares`, with the `OCS-APIRequest: true` header
every OCS call needs and `format=json`: `GET ?path=…` lists the item's shares (an existing,
unprotected public link is reused), `POST path=…&shareType=3&permissions=1` creates a
read-only public link. `path` is relative to the user's files root, which is where the
WebDAV URL `…/remote.php/dav/files/<user>` (or the older `…/remote.php/webdav`) points.
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from typing import Any

import httpx

from archivist.connectors.errors import ConnectorError, Fatal, NotFound
from archivist.connectors.options import OptionError
from archivist.connectors.webdav.client import RootUrl
from archivist.connectors.webdav.errors import error_for_status, translated
from archivist.connectors.webdav.links import files_location

__all__ = ["ShareApi"]

SHARES = "/ocs/v2.php/apps/files_sharing/api/v1/shares"
PUBLIC_LINK = 3
READ = 1


class ShareApi:
    """Creates or reuses public links for paths under the connector's root."""

    def __init__(self, root: RootUrl, http: httpx.Client) -> None:
        location = files_location(root)
        if location is None:
            raise OptionError(
                "url",
                "public links need the Nextcloud/ownCloud WebDAV address, ending in "
                "/remote.php/dav/files/<user>[/folder] or /remote.php/webdav[/folder]",
            )
        self.endpoint = f"{location.server}{SHARES}"
        self.folder = location.folder  # the root, in the user's files
        self.http = http
        self._lock = threading.Lock()  # two threads asking for one path get one link

    def public_link(self, path: str) -> str:
        """The download URL of a public link to `path` (a remote path of the connector)."""
        return f"{self.share_page(path)}/download"

    def share_page(self, path: str) -> str:
        """The page of a public link to `path`: the file's viewer, or the folder's listing."""
        share_path = f"{self.folder}/{path}" if path else self.folder or "/"
        with self._lock:
            share = self._existing(share_path, path) or self._create(share_path, path)
        url = share.get("url")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise Fatal("the server's share has no usable url", path=path)
        return url.rstrip("/")

    def _existing(self, share_path: str, path: str) -> dict[str, Any] | None:
        data = self._call("GET", {"path": share_path, "reshares": "false"}, path)
        for share in data if isinstance(data, list) else []:
            if isinstance(share, dict) and _usable_link(share):
                return share
        return None

    def _create(self, share_path: str, path: str) -> dict[str, Any]:
        form = {"path": share_path, "shareType": str(PUBLIC_LINK), "permissions": str(READ)}
        data = self._call("POST", form, path)
        if not isinstance(data, dict):
            raise Fatal("the server answered the new share with no share", path=path)
        return data

    def _call(self, method: str, fields: dict[str, str], path: str) -> Any:
        headers = {"OCS-APIRequest": "true", "Accept": "application/json"}
        params = {"format": "json", **(fields if method == "GET" else {})}
        with translated(method, self.endpoint, path=path):
            response = self.http.request(
                method,
                self.endpoint,
                params=params,
                data=fields if method == "POST" else None,
                headers=headers,
            )
        try:
            ocs = json.loads(response.content)["ocs"]
            meta, data = ocs["meta"], ocs.get("data")
            code = int(meta.get("statuscode", response.status_code))
        except (ValueError, KeyError, TypeError) as error:
            if response.is_success:
                raise Fatal(
                    f"the share API answered with no OCS document ({method} {self.endpoint})",
                    path=path,
                    cause=error,
                ) from error
            raise _error(response.status_code, method, self.endpoint, path, response) from None
        if response.is_success and code in (100, 200):
            return data
        status = response.status_code if not response.is_success else code
        raise _error(status, method, self.endpoint, path, response, meta.get("message"))


def _usable_link(share: dict[str, Any]) -> bool:
    """A public link anyone can open: no password, not expired."""
    if str(share.get("share_type")) != str(PUBLIC_LINK):
        return False
    if share.get("password"):
        return False
    expiration = share.get("expiration")
    if expiration:
        try:
            expires = datetime.fromisoformat(str(expiration)).replace(tzinfo=UTC)
        except ValueError:
            return False
        return expires > datetime.now(UTC)
    return True


def _error(
    status: int,
    method: str,
    url: str,
    path: str,
    response: httpx.Response,
    message: object = None,
) -> ConnectorError:
    error = error_for_status(status, method, url, path=path, headers=response.headers)
    if isinstance(error, NotFound):
        error = NotFound(f"the server cannot share this path ({message or 'not found'})", path=path)
    elif message:
        error.add_note(f"the share API says: {message}")
    return error
