"""Streaming a remote file with a bounded read-ahead.

Up to `AHEAD` read requests of 32 KiB are in flight at once, refilled as answers are consumed,
so a transfer is not bound to one round trip per request, and at most `AHEAD` answers wait in
memory however slow the consumer is. Everything runs in the reading thread.
"""

from __future__ import annotations

import io
import logging
from collections import deque

import paramiko
from paramiko.sftp import CMD_STATUS

from archivist.connectors.sftp.errors import is_connection_error, translate
from archivist.connectors.sftp.session import Answers, StatusClient

__all__ = ["RemoteReader"]

logger = logging.getLogger(__name__)

REQUEST = 32 * 1024  # the largest read every server accepts
AHEAD = 64  # requests in flight: 2 MiB, paramiko's default channel window


class RemoteReader(io.RawIOBase):
    """Bytes from `start` to `size` of an open remote file; errors leave as connector errors."""

    def __init__(
        self,
        client: StatusClient,
        handle: paramiko.SFTPFile,
        *,
        start: int,
        size: int,
        path: str,
    ):
        super().__init__()
        self._client = client
        self._handle = handle
        self._next = min(start, size)  # first byte not yet requested
        self._size = size
        self._path = path
        self._answers = Answers()
        self._pending: deque[tuple[int, int, int]] = deque()  # (request, offset, length)
        self._block = b""
        self._used = 0
        self.broken = False
        """The session failed mid-request and must not be reused."""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self._used >= len(self._block):
            self._block, self._used = self._next_block(), 0
        count = min(len(buffer), len(self._block) - self._used)
        buffer[:count] = self._block[self._used : self._used + count]
        self._used += count
        return count

    def close(self) -> None:
        if self.closed:
            return
        try:
            self._handle.close()  # also takes in the answers still under way
        except (OSError, EOFError, paramiko.SSHException) as error:
            # What was read is complete; only the session is unusable now.
            self.broken = True
            logger.warning("closing the remote file %s failed: %s", self._path, error)
        finally:
            super().close()

    def _next_block(self) -> bytes:
        try:
            return self._receive_block()
        except Exception as error:
            self.broken = self.broken or is_connection_error(error)
            raise translate(error, self._path) from error

    def _receive_block(self) -> bytes:
        self._request_more()
        if not self._pending:
            return b""
        number, offset, length = self._pending.popleft()
        while number not in self._answers.received:
            self._client.receive()
        kind, message = self._answers.received.pop(number)
        if kind == CMD_STATUS:
            try:
                self._client.raise_for_status(message)
            except EOFError:  # the file shrank since its size was read
                self._next = self._size
                self._pending.clear()
                return b""
        data = message.get_string()
        if not data:
            self._next = self._size
            self._pending.clear()
            return b""
        if len(data) < length:  # servers may answer short: ask for the rest first
            rest_at, rest = offset + len(data), length - len(data)
            request = self._client.send_read(self._answers, self._handle.handle, rest_at, rest)
            self._pending.appendleft((request, rest_at, rest))
        self._request_more()
        return data

    def _request_more(self) -> None:
        while len(self._pending) < AHEAD and self._next < self._size:
            length = min(REQUEST, self._size - self._next)
            request = self._client.send_read(self._answers, self._handle.handle, self._next, length)
            self._pending.append((request, self._next, length))
            self._next += length
