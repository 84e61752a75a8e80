"""HTTP statuses and httpx exceptions → `archivist.connectors.errors`, at the boundary.

Messages name the method, the URL and the status, never the credentials (they travel in the
Authorization header only; the url option may not carry them). Callers handle the statuses
whose meaning depends on the method first (409 from PUT/MKCOL/MOVE means a missing parent,
412 from a create-only write means AlreadyExists, 405 from MKCOL means the folder exists).
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from archivist.connectors.errors import (
    AuthExpired,
    Conflict,
    ConnectorError,
    Fatal,
    NotFound,
    PermissionDenied,
    PreconditionFailed,
    QuotaExceeded,
    RateLimited,
    Transient,
)
from archivist.connectors.webdav.propfind import MalformedXml, UnsafeXml

__all__ = ["error_for_status", "retry_after", "translated"]


def error_for_status(
    status: int, method: str, url: str, *, path: str, headers: httpx.Headers | None = None
) -> ConnectorError:
    """The connector error for an unsuccessful HTTP status."""
    where = f"HTTP {status} for {method} {_safe(url)}"
    if status == 401:
        return AuthExpired(f"the server refused the user name or password ({where})", path=path)
    if status == 403:
        return PermissionDenied(f"the account may not do this ({where})", path=path)
    if status == 404:
        return NotFound(f"no such file or folder ({where})", path=path)
    if status == 412:
        return PreconditionFailed(f"the item changed since it was observed ({where})", path=path)
    if status == 423:
        return Conflict(f"the item is locked on the server ({where})", path=path)
    if status in (405, 409):
        return Conflict(f"the server's current state refuses this ({where})", path=path)
    if status in (413, 507):
        return QuotaExceeded(f"the server has no room for this ({where})", path=path)
    if status in (429, 503):
        delay = retry_after(headers.get("Retry-After") if headers else None)
        if status == 429 or delay is not None:
            message = f"the server asks to slow down ({where})"
            return RateLimited(message, retry_after=delay, path=path)
    if status >= 500:
        return Transient(f"server error ({where})", path=path)
    if 300 <= status < 400:
        location = _safe(headers.get("Location", "?")) if headers else "?"
        return Fatal(
            f"the server redirects to {location} ({where}): set the url option to the final "
            "address",
            path=path,
        )
    return Fatal(f"unexpected answer ({where})", path=path)


def retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (a number of seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - time.time())


@contextmanager
def translated(method: str, url: str, *, path: str) -> Iterator[None]:
    """Turns httpx and XML failures inside the block into connector errors."""
    where = f"{method} {_safe(url)}"
    try:
        yield
    except ConnectorError:
        raise
    except httpx.TimeoutException as error:
        raise Transient(f"the server did not answer in time ({where})", path=path) from error
    except (httpx.UnsupportedProtocol, httpx.InvalidURL) as error:
        raise Fatal(f"the URL cannot be used: {error} ({where})", path=path) from error
    except httpx.TransportError as error:
        message = f"the connection failed: {type(error).__name__}: {error} ({where})"
        raise Transient(message, path=path, cause=error) from error
    except httpx.HTTPError as error:
        raise Fatal(f"HTTP failure: {error} ({where})", path=path, cause=error) from error
    except UnsafeXml as error:
        raise Fatal(f"{error} ({where})", path=path, cause=error) from error
    except MalformedXml as error:
        message = f"the server's XML answer is unusable: {error} ({where})"
        raise Fatal(message, path=path, cause=error) from error


def _safe(url: str) -> str:
    """The URL without any user information (credentials never appear in messages)."""
    parsed = httpx.URL(url)
    return str(parsed.copy_with(username=None, password=None)) if parsed.userinfo else url
