"""A pool of SFTP sessions over a few SSH connections, shared by the executor's threads.

A paramiko SFTP session must not serve two threads at once, so each operation checks one out
and gives it back. Sessions are channels multiplexed over SSH connections, at most
`per_connection` on each (OpenSSH allows 10 by default). A connection the server dropped is
noticed when its session is checked out (paramiko's transport thread sees the EOF) and replaced
by a new one; a session that failed mid-request is closed, never reused.

Connections are opened one at a time. When opening fails (unreachable, refused credentials),
the threads that were already waiting get the same error instead of trying again, so sixteen
threads do not make sixteen login attempts (and trip the server's ban on repeated failures).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import paramiko

from archivist.connectors.errors import ConnectorError, Fatal, Transient
from archivist.connectors.sftp.errors import is_connection_error, translate
from archivist.connectors.sftp.session import StatusClient, open_client

__all__ = ["Session", "SessionPool"]

logger = logging.getLogger(__name__)


@dataclass(eq=False)
class _Connection:
    transport: paramiko.Transport
    sessions: int = 0  # open or being opened


@dataclass(eq=False)
class Session:
    """A checked-out SFTP session; `reused` is False when it was opened for this checkout."""

    client: StatusClient
    connection: _Connection
    reused: bool = False
    broken: bool = False  # failed mid-request: close it rather than give it back

    @property
    def alive(self) -> bool:
        return self.connection.transport.is_active() and not self.client.sock.closed


class SessionPool:
    def __init__(
        self,
        open_transport: Callable[[], paramiko.Transport],
        *,
        max_sessions: int,
        timeout: float,
        per_connection: int = 8,
    ):
        self._open_transport = open_transport
        self._max = max_sessions
        self._timeout = timeout
        self._per_connection = per_connection
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._connecting = threading.Lock()
        self._idle: list[Session] = []
        self._connections: list[_Connection] = []
        self._count = 0  # sessions open, checked out or being opened
        self._closed = False
        self._failure: tuple[float, ConnectorError] | None = None

    def acquire(self) -> Session:
        """A session for this thread alone; Transient if none frees up within `timeout`."""
        started = time.monotonic()
        closing: list[Session] = []
        try:
            with self._changed:
                while True:
                    if self._closed:
                        raise Fatal("the SFTP connector is closed")
                    while self._idle:
                        session = self._idle.pop()
                        if session.alive:
                            session.reused = True
                            return session
                        closing.append(session)
                        self._forget(session)
                    if self._count < self._max:
                        self._count += 1
                        break
                    remaining = started + self._timeout - time.monotonic()
                    if remaining <= 0:
                        raise Transient(
                            f"all {self._max} SFTP sessions stayed busy for {self._timeout:.0f} s"
                        )
                    self._changed.wait(remaining)
        finally:
            _close_all(closing)
        try:
            return self._open_session(started)
        except BaseException:
            with self._changed:
                self._count -= 1
                self._changed.notify()
            raise

    def release(self, session: Session, *, broken: bool = False) -> None:
        """Gives `session` back; a broken one (failed mid-request) is closed instead."""
        closing: list[Session] = []
        with self._changed:
            if broken or self._closed or not session.alive:
                closing.append(session)
                self._forget(session)
            else:
                self._idle.append(session)
            self._changed.notify()
        _close_all(closing)

    def close(self) -> None:
        with self._changed:
            self._closed = True
            idle, self._idle = self._idle, []
            connections, self._connections = self._connections, []
            self._changed.notify_all()
        _close_all(idle)
        for connection in connections:
            connection.transport.close()

    def _open_session(self, started: float) -> Session:
        with self._connecting:
            failure = self._failure
            if failure is not None and failure[0] >= started:
                raise _again(failure[1])
            connection = self._connection_with_room()
            if connection is not None:
                try:
                    return Session(open_client(connection.transport, self._timeout), connection)
                except Exception as error:
                    with self._lock:
                        connection.sessions -= 1
                    if not is_connection_error(error):
                        raise translate(error, None) from error
                    # The server dropped this connection while it looked alive: replace it.
                    self._abandon(connection)
            connection = self._new_connection()
            try:
                return Session(open_client(connection.transport, self._timeout), connection)
            except Exception as error:
                with self._lock:
                    connection.sessions -= 1
                    self._drop_if_dead(connection)
                raise translate(error, None) from error

    def _connection_with_room(self) -> _Connection | None:
        """An open connection with room for one more session, reserved for the caller."""
        with self._lock:
            for connection in self._connections:
                if connection.sessions < self._per_connection and connection.transport.is_active():
                    connection.sessions += 1
                    return connection
        return None

    def _new_connection(self) -> _Connection:
        """A new SSH connection with one session reserved (`_connecting` is held)."""
        try:
            transport = self._open_transport()
        except ConnectorError as error:
            self._failure = (time.monotonic(), error)
            raise
        connection = _Connection(transport, sessions=1)
        with self._lock:
            if self._closed:
                transport.close()
                raise Fatal("the SFTP connector is closed")
            self._connections.append(connection)
        return connection

    def _abandon(self, connection: _Connection) -> None:
        """Closes a connection found dead; its sessions fail and are dropped as they return."""
        with self._lock:
            if connection in self._connections:
                self._connections.remove(connection)
        connection.transport.close()

    def _forget(self, session: Session) -> None:
        """Counts `session` out (the lock is held; the caller closes it)."""
        self._count -= 1
        session.connection.sessions -= 1
        self._drop_if_dead(session.connection)

    def _drop_if_dead(self, connection: _Connection) -> None:
        if connection.sessions == 0 and not connection.transport.is_active():
            if connection in self._connections:
                self._connections.remove(connection)
            connection.transport.close()


def _close_all(sessions: list[Session]) -> None:
    for session in sessions:
        try:
            session.client.close()
        except (OSError, EOFError, paramiko.SSHException) as error:
            # Expected for a session whose connection is gone: there is no one to tell.
            logger.debug("closing a dead SFTP session: %r", error)


def _again(error: ConnectorError) -> ConnectorError:
    """The same failure for another waiting thread (an exception object is raised once).

    Built without `__init__`, whose signature differs between error classes.
    """
    again = type(error).__new__(type(error))
    again.args = error.args
    again.__dict__.update(error.__dict__)
    again.__cause__ = error.__cause__
    return again
