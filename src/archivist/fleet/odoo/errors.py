"""The one exception tree the Odoo client raises; every httpx, XML-RPC and JSON error is
translated into it at the boundary, with the original kept as `__cause__`.

    OdooError                 base; `message` is what a person reads (and what the Fleet stores)
    ├── MissingCredentials    a field of the credentials is empty (raised before any request)
    ├── InvalidApiKey         the key (or login) was refused, on a database or on Odoo.com
    ├── Timeout               no answer within the per-call timeout, or the per-database budget
    ├── Unreachable           connection refused or reset, unknown host, TLS failure, bad URL
    ├── AccessDenied          the remote user lacks a right (Odoo's AccessError)
    ├── RemoteError           any other Odoo error: "<exception name>: <message>"
    │   └── UnknownModel      the model does not exist on that database (e.g. no kpi.provider)
    ├── NotOdoo               the answer is not Odoo's: a 5xx HTML page, a redirect, bad JSON/XML
    └── InternalError         a defect of this client met while reading one database

`message` holds the spec's exact texts where the spec gives one ("We are missing the database
name, the api login or the api key", "Invalid apikey", "Timeout"); `detail` then adds what a
person needs to act (which field is empty, which URL did not answer, within how long).
"""

from __future__ import annotations

__all__ = [
    "AccessDenied",
    "InternalError",
    "InvalidApiKey",
    "MissingCredentials",
    "NotOdoo",
    "OdooError",
    "RemoteError",
    "Timeout",
    "UnknownModel",
    "Unreachable",
]


class OdooError(Exception):
    """A failure talking to one Odoo database; `str(error) == error.message`."""

    default_message = "Odoo error"

    def __init__(
        self, message: str | None = None, *, detail: str = "", cause: BaseException | None = None
    ) -> None:
        self.message = message or self.default_message
        self.detail = detail
        super().__init__(self.message)
        if cause is not None:
            self.__cause__ = cause

    @property
    def cause(self) -> BaseException | None:
        """The httpx, XML-RPC or JSON error this one translates, if any."""
        return self.__cause__

    @property
    def explanation(self) -> str:
        """`message`, then `detail` when there is one: the full text for a log or a tooltip."""
        return f"{self.message} ({self.detail})" if self.detail else self.message

    def __str__(self) -> str:
        return self.message


class MissingCredentials(OdooError):
    """The URL, database name, API login or API key is empty; `detail` names which."""

    default_message = "We are missing the database name, the api login or the api key"


class InvalidApiKey(OdooError):
    """The API key or login was refused (HTTP 401, XML-RPC `authenticate` → False, fault 3)."""

    default_message = "Invalid apikey"


class Timeout(OdooError):
    """No answer in time; `detail` says which URL and which limit (per call or per database)."""

    default_message = "Timeout"


class Unreachable(OdooError):
    """No HTTP exchange was possible: "Cannot reach <url>: <reason>"."""


class AccessDenied(OdooError):
    """The remote user lacks a right: "Access denied: <Odoo's message>"."""


class RemoteError(OdooError):
    """Odoo answered with an error: "<exception name>: <message>" (UserError, ValidationError…)."""


class UnknownModel(RemoteError):
    """The model is not installed on that database; `model` names it."""

    def __init__(
        self, model: str, message: str, *, detail: str = "", cause: BaseException | None = None
    ) -> None:
        super().__init__(message, detail=detail, cause=cause)
        self.model = model


class NotOdoo(OdooError):
    """The server answered, but not as Odoo does: "Not an Odoo answer from <url> (HTTP 502)"."""


class InternalError(OdooError):
    """A defect of the client met while reading one database; logged with its traceback."""
