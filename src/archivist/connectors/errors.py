"""The one exception tree every connector raises (provider errors are translated at the boundary).

    ConnectorError                 base; `cause` keeps the provider's own exception
    ├── NotFound                   the path (or its parent) does not exist
    ├── Conflict                   the remote state does not allow the change
    │   ├── AlreadyExists          a create-only write met an existing item
    │   └── PreconditionFailed     the item changed since it was observed (stale ETag/revision)
    ├── PermissionDenied           the account may not do this (not retried)
    ├── QuotaExceeded              the remote is full (retried later)
    ├── AuthExpired                credentials are wrong, expired or revoked (pauses the connection)
    ├── RateLimited                the remote asks to slow down; `retry_after` in seconds if given
    ├── Transient                  a timeout, a dropped connection, a 5xx: retry with back-off
    └── Fatal                      anything else that retrying cannot fix (bad name, bad option…)

The queue decides from the class alone: Transient, RateLimited and QuotaExceeded are retried;
Conflict re-plans; AuthExpired pauses the connection and notifies; the rest fail the operation.
"""

from __future__ import annotations

__all__ = [
    "AlreadyExists",
    "AuthExpired",
    "Conflict",
    "ConnectorError",
    "Fatal",
    "NotFound",
    "PermissionDenied",
    "PreconditionFailed",
    "QuotaExceeded",
    "RateLimited",
    "Transient",
]


class ConnectorError(Exception):
    """A failure talking to a remote; `path` names the item, `cause` the provider's error."""

    retryable = False

    def __init__(
        self, message: str, *, path: str | None = None, cause: BaseException | None = None
    ):
        super().__init__(message)
        self.message = message
        self.path = path
        self.cause = cause
        if cause is not None:
            self.__cause__ = cause

    def __str__(self) -> str:
        return f"{self.message} ({self.path})" if self.path else self.message


class NotFound(ConnectorError):
    """The item (or, for a write, its parent folder) does not exist."""


class Conflict(ConnectorError):
    """The remote's current state refuses the change; the planner must look again."""


class AlreadyExists(Conflict):
    """A create-only write (`if_absent`, `make_folder`) met an existing item."""


class PreconditionFailed(Conflict):
    """The item's ETag/revision differs from the one the write was based on: nothing was written."""


class PermissionDenied(ConnectorError):
    """The account lacks the right to do this."""


class QuotaExceeded(ConnectorError):
    """The remote has no space left for this account."""

    retryable = True


class AuthExpired(ConnectorError):
    """The credentials were refused: wrong, expired or revoked."""


class RateLimited(ConnectorError):
    """The remote asks to slow down; `retry_after` is its hint in seconds, when it gave one."""

    retryable = True

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None = None,
        path: str | None = None,
        cause: BaseException | None = None,
    ):
        super().__init__(message, path=path, cause=cause)
        self.retry_after = retry_after


class Transient(ConnectorError):
    """A timeout, a dropped connection or a server error: the same request may work later."""

    retryable = True


class Fatal(ConnectorError):
    """An error that retrying cannot fix (an invalid name, a misconfigured connection…)."""
