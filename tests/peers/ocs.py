"""A small stateful fake of Nextcloud's OCS Share API (public links only), as a WSGI app.

It follows Nextcloud's documented API ("OCS Share API" in the developer manual):
`GET/POST /ocs/v2.php/apps/files_sharing/api/v1/shares` with basic auth and the
`OCS-APIRequest: true` header, `format=json` envelopes `{"ocs": {"meta": …, "data": …}}`, the
v2 rule that the HTTP status mirrors `meta.statuscode`, `shareType=3` for a public link, and
`path` relative to the user's files root. Public links are served at `/s/<token>` and
`/s/<token>/download` without authentication (files only; Nextcloud would zip a folder).
It is mounted beside the WebDAV app by `tests/peers/webdav.py`, over the same files on disk.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

SHARES = "/ocs/v2.php/apps/files_sharing/api/v1/shares"
PUBLIC_LINK = 3

StartResponse = Callable[..., Any]


@dataclass(frozen=True)
class Share:
    id: int
    token: str
    path: str
    item_type: str
    permissions: int


class OcsShares:
    """The share store and its WSGI app; `created` counts public links made (for reuse tests)."""

    def __init__(self, files_root: Path, user: str, password: str) -> None:
        self.files_root = files_root
        self.user, self.password = user, password
        self.shares: dict[int, Share] = {}
        self.created = 0
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path.startswith("/s/"):
            return self._public(environ, start_response, path)
        if path.rstrip("/") != SHARES:
            return _ocs(start_response, 404, "Invalid query", [])
        if not self._authenticated(environ):
            return _ocs(start_response, 401, "Current user is not logged in", [])
        if environ.get("HTTP_OCS_APIREQUEST", "").lower() != "true":
            return _ocs(start_response, 401, "CSRF check failed", [])  # as Nextcloud does
        query = _params(environ.get("QUERY_STRING", ""))
        if environ["REQUEST_METHOD"] == "GET":
            return self._list(start_response, query, environ)
        if environ["REQUEST_METHOD"] == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length).decode()
            if environ.get("CONTENT_TYPE", "").startswith("application/json"):
                form = {key: str(value) for key, value in json.loads(body or "{}").items()}
            else:
                form = _params(body)
            return self._create(start_response, {**query, **form}, environ)
        return _ocs(start_response, 405, "Method not allowed", [])

    def _authenticated(self, environ: dict[str, Any]) -> bool:
        header = environ.get("HTTP_AUTHORIZATION", "")
        if not header.startswith("Basic "):
            return False
        user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        return (user, password) == (self.user, self.password)

    def _file(self, share_path: str) -> Path | None:
        parts = [part for part in share_path.split("/") if part]
        if any(part in (".", "..") for part in parts):
            return None
        real = self.files_root.joinpath(*parts)
        return real if real.exists() else None

    def _list(
        self, start_response: StartResponse, query: dict[str, str], environ: dict[str, Any]
    ) -> Iterable[bytes]:
        wanted = query.get("path")
        if wanted is not None and self._file(wanted) is None:
            return _ocs(start_response, 404, "Wrong path, file/folder does not exist", [])
        with self._lock:
            found = [s for s in self.shares.values() if wanted is None or s.path == _norm(wanted)]
        return _ocs(start_response, 200, "OK", [self._describe(s, environ) for s in found])

    def _create(
        self, start_response: StartResponse, form: dict[str, str], environ: dict[str, Any]
    ) -> Iterable[bytes]:
        path = form.get("path")
        if not path:
            return _ocs(start_response, 404, "Please specify a file or folder path", [])
        real = self._file(path)
        if real is None:
            return _ocs(start_response, 404, "Wrong path, file/folder does not exist", [])
        if form.get("shareType") != str(PUBLIC_LINK):
            return _ocs(start_response, 400, "Unknown share type (this fake: links only)", [])
        with self._lock:
            share = Share(
                id=len(self.shares) + 1,
                token=secrets.token_urlsafe(11)[:15],
                path=_norm(path),
                item_type="folder" if real.is_dir() else "file",
                permissions=int(form.get("permissions") or 1),
            )
            self.shares[share.id] = share
            self.created += 1
        return _ocs(start_response, 200, "OK", self._describe(share, environ))

    def _describe(self, share: Share, environ: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": str(share.id),
            "share_type": PUBLIC_LINK,
            "uid_owner": self.user,
            "permissions": share.permissions,
            "token": share.token,
            "url": f"{environ['wsgi.url_scheme']}://{environ['HTTP_HOST']}/s/{share.token}",
            "path": share.path,
            "item_type": share.item_type,
        }

    def _public(
        self, environ: dict[str, Any], start_response: StartResponse, path: str
    ) -> Iterable[bytes]:
        token, _, rest = path.removeprefix("/s/").partition("/")
        with self._lock:
            share = next((s for s in self.shares.values() if s.token == token), None)
        real = self._file(share.path) if share else None
        if share is None or real is None or rest not in ("", "download"):
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"share not found"]
        if real.is_dir():
            start_response("501 Not Implemented", [("Content-Type", "text/plain")])
            return [b"folder downloads are not faked"]
        data = real.read_bytes()
        start_response(
            "200 OK",
            [
                ("Content-Type", "application/octet-stream"),
                ("Content-Length", str(len(data))),
                ("Content-Disposition", f'attachment; filename="{real.name}"'),
            ],
        )
        return [data]


def _norm(path: str) -> str:
    return "/" + "/".join(part for part in path.split("/") if part)


def _params(text: str) -> dict[str, str]:
    return {key: values[-1] for key, values in parse_qs(text, keep_blank_values=True).items()}


_REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found"}


def _ocs(start_response: StartResponse, status: int, message: str, data: Any) -> list[bytes]:
    meta = {"status": "ok" if status == 200 else "failure", "statuscode": status}
    body = json.dumps({"ocs": {"meta": {**meta, "message": message}, "data": data}}).encode()
    reason = _REASONS.get(status, "Method Not Allowed")
    headers = [("Content-Type", "application/json; charset=utf-8")]
    start_response(f"{status} {reason}", [*headers, ("Content-Length", str(len(body)))])
    return [body]
