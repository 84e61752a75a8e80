"""HTTP/1.1 requests to one S3 endpoint on kept-alive connections, with little CPU per request.

urllib3 over http.client spends about half a millisecond of Python per small PUT (a liveness
poll before each reuse, header objects, the email parser for the answer's headers). S3's
answers are plain: a status line, headers, and a body of known length or in chunks. `Wire` writes
the request head and body with one `sendmsg`, reads the answer into one buffer and splits its
headers itself.

A connection that was idle may have been closed by the server; if such a reused connection fails
before any byte of the answer arrives, the request is sent once more on a new connection (as
urllib3 and Go's client do). Other failures raise `WireError`; the caller decides on retries.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

__all__ = ["Answer", "Wire", "WireError"]

_RECEIVE = 256 * 1024
_LONGEST_HEAD = 64 * 1024


class WireError(Exception):
    """No usable answer: the connection failed, timed out or the answer was malformed."""


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    headers: dict[str, str]
    """Lower-case names; repeated headers joined with a comma."""
    body: bytes


class _Connection:
    """One socket and what was received past the last answer."""

    __slots__ = ("answered", "pending", "socket", "used")

    def __init__(self, sock: socket.socket) -> None:
        self.socket = sock
        self.pending = b""
        self.used = False
        """It served a request before (the server may have closed it since)."""
        self.answered = False
        """Some of the current request's answer arrived."""

    def receive(self) -> bytes:
        if self.pending:
            data, self.pending = self.pending, b""
        else:
            data = self.socket.recv(_RECEIVE)
        self.answered = self.answered or bool(data)
        return data

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.socket.close()


class Wire:
    """Requests to the origin of `url` (http or https), keeping up to `pool_size` idle
    connections."""

    def __init__(
        self,
        url: str,
        *,
        pool_size: int,
        connect_timeout: float = 10.0,
        read_timeout: float = 60.0,
        ca_file: str | None = None,
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {url!r}")
        secure = parts.scheme == "https"
        default = 443 if secure else 80
        port = parts.port or default
        self._address = (parts.hostname, port)
        name = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
        self.host = name if port == default else f"{name}:{port}"
        """The Host header's value (as SigV4 signs it)."""
        self._tls = ssl.create_default_context(cafile=ca_file) if secure else None
        self._connect_timeout = connect_timeout
        self._read_timeout = read_timeout
        self._pool_size = pool_size
        self._idle: list[_Connection] = []

    def request(
        self,
        method: str,
        target: str,
        headers: Mapping[str, str],
        body: bytes | bytearray | memoryview = b"",
        *,
        body_limit: int | None = None,
    ) -> Answer:
        """Sends `method target` with `headers` (Content-Length is added) and `body`; the
        answer. With `body_limit`, an answer's body longer than that is cut to it (and its
        connection closed)."""
        head = [f"{method} {target} HTTP/1.1"]
        head.extend(f"{name}: {value}" for name, value in headers.items())
        if method != "GET" or body:
            head.append(f"Content-Length: {len(body)}")
        data = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1")
        while True:
            connection = self._take()
            connection.answered = False
            try:
                self._send(connection, data, body)
                answer, reusable = self._read(connection, method, body_limit)
            except (OSError, WireError) as error:
                connection.close()
                stale = connection.used and not connection.answered
                if stale and not isinstance(error, TimeoutError):
                    continue  # an idle connection the server had closed: once more, anew
                raise error if isinstance(error, WireError) else WireError(str(error)) from error
            if reusable:
                connection.used = True
                self._give_back(connection)
            else:
                connection.close()
            return answer

    def close(self) -> None:
        idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()

    # -- connections --------------------------------------------------------------------------

    def _take(self) -> _Connection:
        try:
            return self._idle.pop()
        except IndexError:
            pass
        try:
            sock = socket.create_connection(self._address, timeout=self._connect_timeout)
        except OSError as error:
            raise WireError(f"cannot connect to {self.host}: {error}") from error
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.settimeout(self._read_timeout)
        if self._tls is not None:
            try:
                sock = self._tls.wrap_socket(sock, server_hostname=self._address[0])
            except OSError as error:
                sock.close()
                raise WireError(f"TLS with {self.host} failed: {error}") from error
        return _Connection(sock)

    def _give_back(self, connection: _Connection) -> None:
        if len(self._idle) < self._pool_size:
            self._idle.append(connection)
        else:
            connection.close()

    # -- one exchange -------------------------------------------------------------------------

    def _send(
        self, connection: _Connection, head: bytes, body: bytes | bytearray | memoryview
    ) -> None:
        if not body:
            connection.socket.sendall(head)
        elif self._tls is not None:  # TLS sockets have no sendmsg
            connection.socket.sendall(head)
            connection.socket.sendall(body)
        else:
            sent = connection.socket.sendmsg([head, body])
            if sent < len(head):
                connection.socket.sendall(head[sent:])
                connection.socket.sendall(body)
            elif sent < len(head) + len(body):
                connection.socket.sendall(memoryview(body)[sent - len(head) :])

    def _read(
        self, connection: _Connection, method: str, body_limit: int | None
    ) -> tuple[Answer, bool]:
        """The answer and whether its connection can serve another request."""
        while True:  # interim 1xx answers are skipped
            status, version, headers, rest = self._head(connection)
            if status >= 200:
                break
            connection.pending = rest
        reusable = version == "HTTP/1.1" and "close" not in headers.get("connection", "").lower()
        if method == "HEAD" or status in (204, 304):
            connection.pending = rest
            return Answer(status, headers, b""), reusable
        if "chunked" in headers.get("transfer-encoding", "").lower():
            body, rest, complete = _chunked(connection, rest, body_limit)
            connection.pending = rest
            return Answer(status, headers, body), reusable and complete
        length = headers.get("content-length")
        if length is None:  # the body ends when the server closes the connection
            body = _until_closed(connection, rest, body_limit)
            return Answer(status, headers, body), False
        try:
            size = int(length)
        except ValueError as error:
            raise WireError(f"bad Content-Length {length!r}") from error
        wanted = size if body_limit is None else min(size, body_limit)
        parts = [rest]
        have = len(rest)
        while have < wanted:
            chunk = connection.receive()
            if not chunk:
                raise WireError("the connection closed inside an answer's body")
            parts.append(chunk)
            have += len(chunk)
        data = b"".join(parts) if len(parts) > 1 else rest
        connection.pending = data[size:] if have > size else b""
        return Answer(status, headers, data[:wanted]), reusable and wanted == size

    @staticmethod
    def _head(connection: _Connection) -> tuple[int, str, dict[str, str], bytes]:
        received = b""
        while True:
            chunk = connection.receive()
            if not chunk:
                raise WireError("the connection closed before an answer")
            received += chunk
            end = received.find(b"\r\n\r\n")
            if end >= 0:
                break
            if len(received) > _LONGEST_HEAD:
                raise WireError("an answer's head is too long")
        lines = received[:end].decode("latin-1").split("\r\n")
        version, _, rest = lines[0].partition(" ")
        code = rest[:3]
        if not version.startswith("HTTP/1.") or not code.isdigit():
            raise WireError(f"not an HTTP answer: {lines[0][:80]!r}")
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, colon, value = line.partition(":")
            if not colon:
                raise WireError(f"malformed header line {line[:80]!r}")
            name = name.strip().lower()
            value = value.strip()
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
        return int(code), version, headers, received[end + 4 :]


def _chunked(
    connection: _Connection, received: bytes, body_limit: int | None
) -> tuple[bytes, bytes, bool]:
    """A chunked body: (the body, bytes past it, whether it was read to its end)."""
    parts: list[bytes] = []
    have = 0
    buffer = received
    while True:
        while b"\r\n" not in buffer:
            buffer = _more(connection, buffer)
        line, _, buffer = buffer.partition(b"\r\n")
        try:
            size = int(line.split(b";", 1)[0].strip(), 16)
        except ValueError as error:
            raise WireError(f"bad chunk size {line[:20]!r}") from error
        if size == 0:
            while True:  # trailers, up to the empty line
                while b"\r\n" not in buffer:
                    buffer = _more(connection, buffer)
                trailer, _, buffer = buffer.partition(b"\r\n")
                if not trailer:
                    return b"".join(parts), buffer, True
        while len(buffer) < size + 2:
            buffer = _more(connection, buffer)
        parts.append(buffer[:size])
        have += size
        buffer = buffer[size + 2 :]
        if body_limit is not None and have >= body_limit:
            return b"".join(parts)[:body_limit], b"", False


def _until_closed(connection: _Connection, received: bytes, body_limit: int | None) -> bytes:
    parts = [received]
    have = len(received)
    while body_limit is None or have < body_limit:
        chunk = connection.receive()
        if not chunk:
            break
        parts.append(chunk)
        have += len(chunk)
    body = b"".join(parts)
    return body if body_limit is None else body[:body_limit]


def _more(connection: _Connection, buffer: bytes) -> bytes:
    chunk = connection.receive()
    if not chunk:
        raise WireError("the connection closed inside a chunked body")
    return buffer + chunk
