"""SFTP and SSH failures translated into `archivist.connectors.errors` at the boundary.

SFTP version 3 (what OpenSSH and paramiko speak) reports most failures as the bare status
FAILURE, without saying whether the target existed; the connector then looks (with a `stat`)
before it names the error AlreadyExists. Messages never carry a password or a key.
"""

from __future__ import annotations

import errno
import socket
from enum import IntEnum

import paramiko
from paramiko.ssh_exception import IncompatiblePeer

from archivist.connectors.errors import (
    AlreadyExists,
    AuthExpired,
    Conflict,
    ConnectorError,
    Fatal,
    NotFound,
    PermissionDenied,
    QuotaExceeded,
    Transient,
)

__all__ = [
    "HostKeyMismatch",
    "HostKeyNotPinned",
    "SftpStatusError",
    "Status",
    "is_connection_error",
    "translate",
]


class Status(IntEnum):
    """SFTP status codes (draft-ietf-secsh-filexfer; 0–8 in version 3, more from 4 to 6)."""

    OK = 0
    EOF = 1
    NO_SUCH_FILE = 2
    PERMISSION_DENIED = 3
    FAILURE = 4
    BAD_MESSAGE = 5
    NO_CONNECTION = 6
    CONNECTION_LOST = 7
    OP_UNSUPPORTED = 8
    INVALID_HANDLE = 9
    NO_SUCH_PATH = 10
    FILE_ALREADY_EXISTS = 11
    WRITE_PROTECT = 12
    NO_MEDIA = 13
    NO_SPACE_ON_FILESYSTEM = 14
    QUOTA_EXCEEDED = 15
    UNKNOWN_PRINCIPAL = 16
    LOCK_CONFLICT = 17
    DIR_NOT_EMPTY = 18
    NOT_A_DIRECTORY = 19
    INVALID_FILENAME = 20
    LINK_LOOP = 21
    CANNOT_DELETE = 22
    INVALID_PARAMETER = 23
    FILE_IS_A_DIRECTORY = 24


_ERRNO: dict[int, int] = {Status.NO_SUCH_FILE: errno.ENOENT, Status.PERMISSION_DENIED: errno.EACCES}


class SftpStatusError(OSError):
    """The server answered a request with an error status; `code` is the SFTP status."""

    def __init__(self, code: int, reason: str):
        number: dict[int, int] = {
            Status.NO_SUCH_FILE: errno.ENOENT,
            Status.PERMISSION_DENIED: errno.EACCES,
        }
        super().__init__(number.get(code, 0), reason)
        self.code = code
        self.reason = reason

    def __str__(self) -> str:
        try:
            name = Status(self.code).name
        except ValueError:
            name = f"status {self.code}"
        return f"{name}: {self.reason}" if self.reason else name


class HostKeyMismatch(Fatal):
    """The server presented a host key other than the pinned one: nothing was sent to it."""


class HostKeyNotPinned(Fatal):
    """No host key is configured; `presented` is the key line the server showed, to be checked."""

    def __init__(self, message: str, *, presented: str, fingerprint: str):
        super().__init__(message)
        self.presented = presented
        self.fingerprint = fingerprint


_BY_STATUS: dict[int, tuple[type[ConnectorError], str]] = {
    Status.NO_SUCH_FILE: (NotFound, "no such file or folder"),
    Status.NO_SUCH_PATH: (NotFound, "no such file or folder"),
    Status.NOT_A_DIRECTORY: (NotFound, "a parent is not a folder"),
    Status.PERMISSION_DENIED: (PermissionDenied, "permission denied"),
    Status.WRITE_PROTECT: (PermissionDenied, "the remote is read-only"),
    Status.CANNOT_DELETE: (PermissionDenied, "the server refuses to delete it"),
    Status.FILE_ALREADY_EXISTS: (AlreadyExists, "already exists"),
    Status.DIR_NOT_EMPTY: (Conflict, "the folder is not empty"),
    Status.FILE_IS_A_DIRECTORY: (Conflict, "a file and a folder are in each other's way"),
    Status.LOCK_CONFLICT: (Conflict, "the item is locked"),
    Status.NO_SPACE_ON_FILESYSTEM: (QuotaExceeded, "no space left on the server"),
    Status.QUOTA_EXCEEDED: (QuotaExceeded, "the account's quota is exhausted"),
    Status.NO_CONNECTION: (Transient, "the server has no connection"),
    Status.CONNECTION_LOST: (Transient, "the server lost its connection"),
    Status.NO_MEDIA: (Transient, "the server's storage is not available"),
    Status.OP_UNSUPPORTED: (Fatal, "the server does not support this operation"),
    Status.INVALID_FILENAME: (Fatal, "the server refuses this name"),
}


def is_connection_error(error: BaseException) -> bool:
    """The session (or its SSH connection) is unusable after `error`: drop it, never reuse."""
    if isinstance(error, SftpStatusError | paramiko.AuthenticationException):
        return False
    return isinstance(error, OSError | EOFError | paramiko.SSHException | paramiko.SFTPError)


def translate(error: BaseException, path: str | None) -> ConnectorError:
    """The connector error for a paramiko, SFTP or socket error met while working on `path`."""
    if isinstance(error, ConnectorError):
        return error
    if isinstance(error, SftpStatusError):
        kind, message = _BY_STATUS.get(error.code, (Fatal, "the server refused the request"))
        return kind(f"{message} ({error})", path=path, cause=error)
    if isinstance(error, paramiko.BadAuthenticationType):
        allowed = ", ".join(error.allowed_types) or "none"
        message = f"the server does not accept this kind of login (it allows: {allowed})"
        return AuthExpired(message, cause=error)
    if isinstance(error, paramiko.PasswordRequiredException):
        return Fatal("the private key is encrypted: give private_key_passphrase", cause=error)
    if isinstance(error, paramiko.AuthenticationException):
        return AuthExpired("the server refused the user name or the credentials", cause=error)
    if isinstance(error, IncompatiblePeer):
        message = f"the server and Archivist share no SSH algorithm: {error}"
        return Fatal(message, cause=error)
    if isinstance(error, socket.timeout | TimeoutError):
        return Transient("the server did not answer in time", path=path, cause=error)
    if isinstance(error, socket.gaierror):
        return Transient(f"the server's name does not resolve: {error}", cause=error)
    if isinstance(error, OSError) and error.errno == errno.ENOENT:
        return NotFound("no such file or folder", path=path, cause=error)
    if isinstance(error, OSError | EOFError | paramiko.SSHException):
        detail = str(error) or type(error).__name__
        return Transient(f"the connection to the server failed: {detail}", path=path, cause=error)
    if isinstance(error, UnicodeDecodeError):
        return Fatal("the server sent a name that is not valid UTF-8", path=path, cause=error)
    if isinstance(error, paramiko.SFTPError):
        return Transient(f"the SFTP session broke: {error}", path=path, cause=error)
    return Fatal(f"unexpected SFTP error: {type(error).__name__}: {error}", path=path, cause=error)
