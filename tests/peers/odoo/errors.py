"""The exceptions the fake ORM raises, each knowing how Odoo reports it on each protocol.

research/odoo-protocol.md §3.6 (JSON-2 status per exception, the 5-key error body) and §5.2
(XML-RPC fault codes). Python exceptions that are not one of these (ValueError for a bad field,
TypeError for a bad argument, …) are reported like Odoo reports any other exception: JSON-2 500
with `name` "builtins.ValueError", XML-RPC faultCode 1 with the traceback text.
"""

from __future__ import annotations

import traceback
from typing import ClassVar

PYTHON_ERRORS = (ValueError, TypeError, KeyError, AttributeError, IndexError)


class OdooError(Exception):
    """An exception of odoo.exceptions or werkzeug.exceptions, with its wire representation."""

    name: ClassVar[str] = "odoo.exceptions.UserError"
    http_status: ClassVar[int] = 500
    fault_code: ClassVar[int] = 1

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""

    def arguments(self) -> list[object]:
        return list(self.args)


class UserError(OdooError):
    name = "odoo.exceptions.UserError"
    http_status = 422
    fault_code = 2


class ValidationError(UserError):
    name = "odoo.exceptions.ValidationError"


class MissingError(UserError):
    name = "odoo.exceptions.MissingError"
    http_status = 404


class AccessError(OdooError):
    name = "odoo.exceptions.AccessError"
    http_status = 403
    fault_code = 4


class AccessDenied(OdooError):
    name = "odoo.exceptions.AccessDenied"
    http_status = 403
    fault_code = 3

    def __init__(self, message: str = "Access Denied") -> None:
        super().__init__(message)


class HttpError(OdooError):
    """A werkzeug HTTPException: `arguments` is [description, code] (JSON-2 only)."""

    def arguments(self) -> list[object]:
        return [self.message, self.http_status]


class BadRequest(HttpError):
    name = "werkzeug.exceptions.BadRequest"
    http_status = 400


class Unauthorized(HttpError):
    name = "werkzeug.exceptions.Unauthorized"
    http_status = 401


class NotFound(HttpError):
    name = "werkzeug.exceptions.NotFound"
    http_status = 404


class UnprocessableEntity(HttpError):
    name = "werkzeug.exceptions.UnprocessableEntity"
    http_status = 422


def traceback_text(error: BaseException) -> str:
    """The formatted traceback Odoo puts in `debug` and in faultCode 1 faults."""
    return "".join(traceback.format_exception(error))


def serialize_exception(error: BaseException) -> dict[str, object]:
    """Odoo's `serialize_exception`: exactly name, message, arguments, context, debug."""
    if isinstance(error, OdooError):
        name, message, arguments = error.name, error.message, error.arguments()
    else:
        kind = type(error)
        name = f"{kind.__module__}.{kind.__qualname__}"
        message, arguments = str(error), list(error.args)
    return {
        "name": name,
        "message": message,
        "arguments": arguments,
        "context": {},
        "debug": traceback_text(error),
    }


def access_error(description: str, model: str, operation: str = "access") -> AccessError:
    """The AccessError of a missing group, worded as Odoo 17+ words it ("access", "modify")."""
    return AccessError(
        f"You are not allowed to {operation} '{description}' ({model}) records.\n\n"
        "This operation is allowed for the following groups:\n\t- Role / Administrator\n\n"
        "Contact your administrator to request access if necessary."
    )
