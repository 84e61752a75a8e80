"""Opening an SSH connection (host key checked before any credential) and SFTP sessions on it."""

from __future__ import annotations

import logging
import socket

import paramiko
from paramiko.sftp import CMD_EXTENDED, CMD_READ, int64
from paramiko.ssh_exception import IncompatiblePeer

from archivist.connectors.errors import AuthExpired, Transient
from archivist.connectors.sftp.config import SftpSettings
from archivist.connectors.sftp.errors import (
    HostKeyMismatch,
    HostKeyNotPinned,
    SftpStatusError,
    Status,
    translate,
)
from archivist.connectors.sftp.hostkeys import KEY_ALGORITHMS, fingerprint, key_line

__all__ = ["Answers", "StatusClient", "open_client", "open_transport"]

logger = logging.getLogger(__name__)

KEEPALIVE_SECONDS = 30


class Answers:
    """Answers to pipelined requests, by request number (paramiko delivers them here)."""

    def __init__(self) -> None:
        self.received: dict[int, tuple[int, paramiko.Message]] = {}

    def _async_response(self, kind: int, msg: paramiko.Message, number: int) -> None:
        self.received[number] = (kind, msg)


class StatusClient(paramiko.SFTPClient):
    """An SFTP session whose errors keep the SFTP status code (paramiko keeps only the text).

    It also pipelines reads without paramiko's prefetch thread (which holds the whole rest of a
    file in memory, and dies with a traceback when the connection drops): `send_read` and
    `receive` use paramiko's request plumbing (`_async_request`, `_read_response`), which its
    own prefetching is built on.
    """

    def _convert_status(self, msg: paramiko.Message) -> None:
        code = msg.get_int()
        reason = msg.get_string().decode("utf-8", "replace")
        if code == Status.OK:
            return
        if code == Status.EOF:
            raise EOFError(reason)  # paramiko's readers rely on EOFError for end of file
        raise SftpStatusError(code, reason)

    def raise_for_status(self, msg: paramiko.Message) -> None:
        """Raises the error a STATUS answer carries (EOFError for end of file)."""
        self._convert_status(msg)

    def send_read(self, answers: Answers, handle: object, offset: int, length: int) -> int:
        """Sends a READ without waiting; its answer goes to `answers`. The request number."""
        number: int = self._async_request(  # type: ignore[attr-defined]
            answers, CMD_READ, handle, int64(offset), length
        )
        return number

    def receive(self) -> None:
        """Reads one answer and hands it to the `Answers` waiting for it."""
        self._read_response()  # type: ignore[attr-defined]

    def hardlink(self, source: str, target: str) -> None:
        """OpenSSH's hardlink@openssh.com: link(2), which never replaces an existing target."""
        # paramiko has no public call for this extension; `_request` is what posix_rename uses.
        self._request(CMD_EXTENDED, "hardlink@openssh.com", source, target)  # type: ignore[attr-defined]


class _KeyRefusedThenDisconnected(Exception):
    """The server hung up after refusing the key, before the password could be tried.

    paramiko asks for the ssh-userauth service again before each method; asyncssh-based
    servers answer that with a disconnect, so the password needs a new connection.
    """


def open_transport(settings: SftpSettings) -> paramiko.Transport:
    """An authenticated SSH connection to the server; connector errors only."""
    try:
        return _open_transport(settings, use_key=True)
    except _KeyRefusedThenDisconnected:
        return _open_transport(settings, use_key=False)


def _open_transport(settings: SftpSettings, *, use_key: bool) -> paramiko.Transport:
    where = f"{settings.host}:{settings.port}"
    try:
        sock = socket.create_connection(
            (settings.host, settings.port), timeout=settings.connect_timeout
        )
    except OSError as error:
        reason = error.strerror or str(error) or type(error).__name__
        raise Transient(f"cannot reach the SFTP server {where}: {reason}", cause=error) from error
    transport = paramiko.Transport(sock)
    try:
        transport.banner_timeout = settings.connect_timeout
        transport.handshake_timeout = settings.connect_timeout
        transport.auth_timeout = settings.connect_timeout
        if settings.host_keys:
            # Negotiate only the pinned key types, so a server holding several keys shows ours.
            wanted = {kind for key in settings.host_keys for kind in KEY_ALGORITHMS[key.kind]}
            options = transport.get_security_options()
            options.key_types = [kind for kind in options.key_types if kind in wanted]
        try:
            transport.start_client(timeout=settings.connect_timeout)
        except IncompatiblePeer as error:
            if settings.host_keys:
                pinned = ", ".join(sorted({key.kind for key in settings.host_keys}))
                message = (
                    f"the SFTP server {where} has no host key of the pinned type ({pinned}): "
                    "check host_key with the server's administrator"
                )
                raise HostKeyMismatch(message, cause=error) from error
            raise
        _check_host_key(transport, settings, where)
        _authenticate(transport, settings, use_key=use_key)
        transport.set_keepalive(KEEPALIVE_SECONDS)
    except BaseException as error:
        transport.close()
        sock.close()
        if isinstance(error, Exception) and not isinstance(error, _KeyRefusedThenDisconnected):
            raise translate(error, None) from error
        raise
    return transport


def _check_host_key(transport: paramiko.Transport, settings: SftpSettings, where: str) -> None:
    key = transport.get_remote_server_key()
    blob = key.asbytes()
    presented = f"{key.get_name()} {fingerprint(blob)}"
    if settings.host_keys:
        if any(pinned.blob == blob for pinned in settings.host_keys):
            return
        expected = ", ".join(f"{k.kind} {k.fingerprint}" for k in settings.host_keys)
        raise HostKeyMismatch(
            f"the SFTP server {where} presented the host key {presented}, not the pinned "
            f"{expected}. No credentials were sent. If the server was reinstalled or its keys "
            "were changed, check the new key with its administrator and update host_key; "
            "otherwise someone may be intercepting the connection."
        )
    if settings.accept_any_host_key:
        logger.warning("accepting the unverified host key %s of %s", presented, where)
        return
    line = key_line(key)
    raise HostKeyNotPinned(
        f"the host key of the SFTP server {where} is not pinned; it presented {presented}. "
        "No credentials were sent. Confirm this fingerprint with the server's administrator "
        "(on the server: ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub), then set host_key to: "
        f"{line}",
        presented=line,
        fingerprint=fingerprint(blob),
    )


def _authenticate(transport: paramiko.Transport, settings: SftpSettings, *, use_key: bool) -> None:
    refused: paramiko.AuthenticationException | None = None
    if settings.private_key is not None and use_key:
        try:
            transport.auth_publickey(settings.username, settings.private_key)
        except paramiko.AuthenticationException as error:
            refused = error
        if transport.is_authenticated():
            return
    if settings.password is not None:
        try:
            transport.auth_password(settings.username, settings.password)
        except paramiko.AuthenticationException:
            if refused is not None and not transport.is_active():
                raise _KeyRefusedThenDisconnected() from None
            raise
        if transport.is_authenticated():
            return
    if refused is not None:
        raise refused
    raise AuthExpired("the server asks for more authentication steps than a key and a password")


def open_client(transport: paramiko.Transport, timeout: float) -> StatusClient:
    """A new SFTP session (one SSH channel) on `transport`; answers wait at most `timeout` s."""
    channel = transport.open_session(timeout=timeout)
    try:
        channel.settimeout(timeout)
        channel.invoke_subsystem("sftp")
        return StatusClient(channel)
    except BaseException:
        channel.close()
        raise
