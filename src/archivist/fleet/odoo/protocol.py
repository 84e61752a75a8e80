"""The wire: one HTTP exchange with an Odoo server and the translation of its answer.

Three encodings share one `httpx.AsyncClient` (its pool, `follow_redirects=False`): JSON-2
(`POST /json/2/<model>/<method>`), XML-RPC (`/xmlrpc/2/common|object`, bodies built and read
with `xmlrpc.client`) and JSON-RPC (only for `/web/webclient/version_info`). Each exchange is
bounded by a total timeout (not only httpx's per-phase ones), and every failure leaves this
module as an `errors.OdooError`, except `Unavailable`: the signal that an endpoint does not exist
on that server (404 page or redirect), on which the client falls back to the next protocol.
"""

from __future__ import annotations

import asyncio
import errno
import json
import os
import re
import socket
import ssl
import xmlrpc.client
from typing import Any
from xml.parsers.expat import ExpatError

import httpx

from .errors import (
    AccessDenied,
    InvalidApiKey,
    NotOdoo,
    OdooError,
    RemoteError,
    Timeout,
    UnknownModel,
    Unreachable,
)
from .session import POOL_KEY

__all__ = [
    "Unavailable",
    "exchange",
    "json2_result",
    "jsonrpc_result",
    "version_result",
    "xmlrpc_body",
    "xmlrpc_result",
]

_NOT_JSON = object()
_MISSING_MODEL_JSON2 = re.compile(r"^the model '(?P<model>[^']+)' does not exist")
_MISSING_MODEL_XMLRPC = re.compile(r"Object (?P<model>[\w.]+) doesn't exist")
# What PostgreSQL says when Odoo's dbfilter lets an unknown database name through.
_MISSING_DATABASE = re.compile(r'database "(?P<database>[^"]+)" does not exist')
# The last line of a Python traceback: "odoo.exceptions.UserError: text" or "ValueError: text".
_TRACEBACK_TAIL = re.compile(r"^(?P<name>[A-Za-z_][\w.]*): (?P<message>.*)$")


class Unavailable(Exception):  # a signal between protocol and client, not an error
    """The endpoint does not exist on this server (HTTP 404 page or a redirect): try another."""

    def __init__(self, url: str, status: int) -> None:
        super().__init__(f"{url} answered HTTP {status}")
        self.url = url
        self.status = status


async def exchange(
    session: httpx.AsyncClient,
    method: str,
    url: str,
    *,
    site: str,
    timeout: float,
    headers: dict[str, str] | None = None,
    content: bytes | None = None,
) -> httpx.Response:
    """Sends one request and reads the whole answer within `timeout` seconds in total.

    Raises Timeout or Unreachable (naming `site`, the URL a person configured); never follows
    a redirect (the caller decides what a 3xx means). `site` also picks the connection pool
    when the session is `session.new_session()`'s.
    """
    try:
        async with asyncio.timeout(timeout):
            return await session.request(
                method,
                url,
                headers=headers,
                content=content,
                timeout=timeout,
                follow_redirects=False,
                extensions={POOL_KEY: site},
            )
    except (TimeoutError, httpx.TimeoutException) as exc:
        raise Timeout(detail=f"{site} did not answer within {timeout:g} s", cause=exc) from exc
    except httpx.HTTPError as exc:
        raise Unreachable(f"Cannot reach {site}: {_reason(exc)}", cause=exc) from exc


def _reason(exc: httpx.HTTPError) -> str:
    """A short, human reason for a transport failure, from the OS error underneath if any."""
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return f"invalid URL ({exc})"
    if isinstance(exc, httpx.RemoteProtocolError):
        return "the server closed the connection without answering"
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ssl.SSLCertVerificationError):
            return f"TLS certificate not accepted ({cause.verify_message})"
        if isinstance(cause, ssl.SSLError):
            return f"TLS error ({cause.reason or cause})"
        if isinstance(cause, socket.gaierror):
            return "unknown host name"
        if isinstance(cause, OSError) and cause.errno is not None:
            if cause.errno == errno.ECONNRESET:
                return "the connection was reset"
            return os.strerror(cause.errno).lower()
        cause = cause.__cause__ or cause.__context__
    if isinstance(exc, httpx.ReadError | httpx.WriteError):
        return "the connection was reset"
    return str(exc) or type(exc).__name__


def _parsed_json(response: httpx.Response) -> Any:
    try:
        return json.loads(response.content)
    except ValueError:  # JSONDecodeError and UnicodeDecodeError
        return _NOT_JSON


def _not_odoo(response: httpx.Response, what: str = "") -> NotOdoo:
    status = f"HTTP {response.status_code}"
    if response.is_redirect:
        status += f" redirect to {response.headers.get('location', '?')}"
    return NotOdoo(
        f"Not an Odoo answer from {response.request.url} ({status}{': ' + what if what else ''})"
    )


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _short_name(name: str) -> str:
    """ "odoo.exceptions.UserError" → "UserError" (a person does not need the module)."""
    return name.rsplit(".", 1)[-1] or name


def json2_result(response: httpx.Response) -> Any:
    """The result of a JSON-2 call, or the OdooError its error body describes.

    Raises Unavailable on a redirect or a 404 that is not a JSON-2 error body (Odoo ≤ 18 has no
    /json/2 route); a JSON 404 ("the model 'x' does not exist") is an answer, not a signal.
    """
    status = response.status_code
    if response.is_redirect:
        raise Unavailable(str(response.request.url), status)
    body = _parsed_json(response)
    if status == 200:
        if body is _NOT_JSON:
            raise _not_odoo(response, "the body is not JSON")
        return body
    if isinstance(body, dict) and isinstance(body.get("name"), str) and "message" in body:
        raise _json2_error(status, body["name"], str(body["message"]))
    if status == 404:
        raise Unavailable(str(response.request.url), status)
    if status == 401:
        raise InvalidApiKey(detail=f"HTTP 401 from {response.request.url}")
    raise _not_odoo(response)


def _json2_error(status: int, name: str, message: str) -> OdooError:
    if status == 401 or name.endswith(".Unauthorized") or name == "odoo.exceptions.AccessDenied":
        return InvalidApiKey(detail=_one_line(message))
    if status == 403 or name == "odoo.exceptions.AccessError":
        return AccessDenied(f"Access denied: {_one_line(message)}")
    missing = _MISSING_MODEL_JSON2.match(message)
    if status == 404 and missing:
        return UnknownModel(missing["model"], f"{_short_name(name)}: {message}")
    return RemoteError(f"{_short_name(name)}: {_one_line(message)}")


def jsonrpc_result(response: httpx.Response) -> Any:
    """The `result` of a JSON-RPC call; Unavailable on a 404 or a redirect."""
    if response.is_redirect or response.status_code == 404:
        raise Unavailable(str(response.request.url), response.status_code)
    body = _parsed_json(response)
    if response.status_code != 200 or not isinstance(body, dict):
        raise _not_odoo(response, "" if response.status_code != 200 else "not a JSON-RPC answer")
    if "error" in body:
        error: dict[str, Any] = body["error"] if isinstance(body["error"], dict) else {}
        data: dict[str, Any] = error["data"] if isinstance(error.get("data"), dict) else {}
        name = str(data.get("name") or "Odoo Server Error")
        message = str(data.get("message") or error.get("message") or "")
        raise _json2_error(200, name, message)
    if "result" not in body:
        raise _not_odoo(response, "not a JSON-RPC answer")
    return body["result"]


def version_result(response: httpx.Response) -> Any:
    """The body of `GET /json/version`; Unavailable on a 404 or a redirect (Odoo ≤ 18)."""
    if response.is_redirect or response.status_code == 404:
        raise Unavailable(str(response.request.url), response.status_code)
    body = _parsed_json(response)
    if response.status_code != 200 or body is _NOT_JSON:
        raise _not_odoo(response, "" if response.status_code != 200 else "the body is not JSON")
    return body


def xmlrpc_body(method: str, params: tuple[Any, ...]) -> bytes:
    """An XML-RPC `methodCall` (None allowed: Odoo never receives one from this client)."""
    return xmlrpc.client.dumps(params, methodname=method, allow_none=True).encode()


def xmlrpc_result(response: httpx.Response) -> Any:
    """The value an XML-RPC call returned, or the OdooError its fault describes."""
    if response.status_code != 200:
        raise _not_odoo(response)
    try:
        params, _ = xmlrpc.client.loads(response.content, use_builtin_types=True)
    except xmlrpc.client.Fault as fault:
        raise _fault_error(fault) from fault
    except (xmlrpc.client.Error, ExpatError, ValueError) as exc:
        raise _not_odoo(response, f"unreadable XML-RPC ({exc})") from exc
    return params[0] if params else None


def _fault_error(fault: xmlrpc.client.Fault) -> OdooError:
    """Odoo's integer fault codes: 1 other (a traceback), 2 UserError, 3 AccessDenied,
    4 AccessError."""
    text = str(fault.faultString).strip()
    code = fault.faultCode
    if code == 3:
        return InvalidApiKey(detail=_one_line(text), cause=fault)
    if code == 4:
        return AccessDenied(f"Access denied: {_one_line(text)}", cause=fault)
    last_line = text.splitlines()[-1].strip() if text else ""
    missing = _MISSING_MODEL_XMLRPC.search(last_line)
    if missing:
        return UnknownModel(missing["model"], f"UserError: {last_line}", cause=fault)
    if code == 2:
        return RemoteError(f"UserError: {_one_line(text)}", cause=fault)
    missing_database = _MISSING_DATABASE.search(last_line)
    if missing_database:
        return RemoteError(
            f"No database named {missing_database['database']!r} on this server",
            detail=_one_line(last_line),
            cause=fault,
        )
    tail = _TRACEBACK_TAIL.match(last_line)
    if tail:
        return RemoteError(f"{_short_name(tail['name'])}: {tail['message']}", cause=fault)
    return RemoteError(f"Odoo fault {code}: {last_line or 'no message'}", cause=fault)
