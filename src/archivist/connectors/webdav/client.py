"""The HTTP side of the WebDAV connector: one pooled `httpx.Client`, URLs for remote paths.

Remote paths are joined to the root URL's decoded path and percent-encoded once, every byte
outside `A-Z a-z 0-9 - . _ ~ /` escaped (UTF-8 for non-ASCII), so spaces, `#`, `%`, `?`, `&`,
`+`, quotes, brackets and bidirectional marks reach the server as the name itself.
Redirects are not followed, so credentials never travel elsewhere: a redirect is reported
(Fatal) with where it points, except the one that only adds a trailing slash to a folder's URL
on the same server, which is re-sent there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from urllib.parse import quote, unquote

import httpx

from archivist.connectors.errors import ConnectorError
from archivist.connectors.options import OptionError
from archivist.connectors.webdav.errors import error_for_status, translated
from archivist.connectors.webdav.propfind import Multistatus, Resource

__all__ = ["MAX_TRANSFERS", "DavClient", "RootUrl"]

MAX_TRANSFERS = 16
"""Concurrent transfers the engine may run on one connector (the pool has room for them)."""
LISTING_CONNECTIONS = 4


class RootUrl:
    """The configured WebDAV root: origin (`https://host:port`) and decoded path (no `/` end)."""

    def __init__(self, url: str) -> None:
        try:
            parsed = httpx.URL(url.strip())
        except httpx.InvalidURL as error:
            raise OptionError("url", f"not a valid URL: {error}") from None
        if parsed.scheme not in ("http", "https") or not parsed.host:
            raise OptionError("url", "expected an http:// or https:// URL with a host name")
        if parsed.userinfo:
            raise OptionError("url", "put the user name and password in their own options")
        if parsed.query or parsed.fragment:
            raise OptionError("url", "a WebDAV root URL has no ?query or #fragment")
        host = parsed.raw_host.decode("ascii")
        host = f"[{host}]" if ":" in host else host  # an IPv6 address
        port = f":{parsed.port}" if parsed.port else ""
        self.origin = f"{parsed.scheme}://{host}{port}"
        self.path = unquote(parsed.raw_path.decode("ascii")).rstrip("/")

    def encoded(self, path: str, *, folder: bool = False) -> str:
        """The percent-encoded absolute URL path of a remote path (`/` appended for folders)."""
        full = f"{self.path}/{path}" if path else self.path
        encoded = quote(full, safe="/")
        return f"{encoded}/" if folder or not encoded else encoded

    def url(self, path: str, *, folder: bool = False) -> str:
        return self.origin + self.encoded(path, folder=folder)

    def decoded(self, path: str) -> str:
        """The decoded absolute path, as hrefs read once percent-decoded."""
        return f"{self.path}/{path}" if path else self.path


class DavClient:
    """Sends WebDAV requests for remote paths; thread-safe (one pool shared by all threads)."""

    def __init__(
        self,
        root: RootUrl,
        username: str,
        password: str,
        *,
        verify_tls: bool = True,
        timeout: float = 60.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.root = root
        self.http = httpx.Client(
            auth=httpx.BasicAuth(username, password),
            timeout=httpx.Timeout(timeout, connect=min(timeout, 15.0)),
            limits=httpx.Limits(
                max_connections=MAX_TRANSFERS + LISTING_CONNECTIONS,
                max_keepalive_connections=MAX_TRANSFERS,
            ),
            verify=verify_tls,
            follow_redirects=False,
            headers={"User-Agent": "Archivist (WebDAV connector)"},
            transport=transport,
        )

    def send(
        self,
        method: str,
        path: str,
        *,
        headers: Mapping[str, str] | None = None,
        content: bytes | Iterable[bytes] | None = None,
        folder: bool = False,
    ) -> httpx.Response:
        """The response (any status, body read); transport failures raise connector errors."""
        url = self.root.url(path, folder=folder)
        with translated(method, url, path=path):
            response = self.http.request(method, url, headers=headers, content=content)
            slashed = _slash_redirect(response)
            if slashed and (content is None or isinstance(content, bytes)):
                response = self.http.request(method, slashed, headers=headers, content=content)
        return response

    def propfind(
        self, path: str, body: bytes, *, depth: int, folder: bool = False
    ) -> list[Resource]:
        """The resources of a PROPFIND, parsed while the answer streams in."""
        url = self.root.url(path, folder=folder)
        headers = {"Depth": str(depth), "Content-Type": "application/xml; charset=utf-8"}
        with translated("PROPFIND", url, path=path):
            for _ in range(2):  # the second time only after a redirect to the folder's URL
                with self.http.stream("PROPFIND", url, headers=headers, content=body) as response:
                    if response.status_code == 207:
                        return list(Multistatus(response.iter_bytes()))
                    response.read()
                    url = _slash_redirect(response) or ""
                    if not url:
                        break
            raise error_for(response, path)

    def close(self) -> None:
        self.http.close()


def _slash_redirect(response: httpx.Response) -> str | None:
    """The redirect's URL when all it adds is a trailing slash (a folder asked without one);
    any other redirect is reported, never followed."""
    location = response.headers.get("Location")
    if response.status_code not in (301, 302, 307, 308) or not location:
        return None
    asked = response.request.url
    target = asked.join(location)
    same_origin = (target.scheme, target.host, target.port) == (
        asked.scheme,
        asked.host,
        asked.port,
    )
    if same_origin and target.raw_path == asked.raw_path + b"/":
        return str(target)
    return None


def error_for(response: httpx.Response, path: str) -> ConnectorError:
    """The connector error for an unsuccessful response."""
    request = response.request
    return error_for_status(
        response.status_code, request.method, str(request.url), path=path, headers=response.headers
    )
