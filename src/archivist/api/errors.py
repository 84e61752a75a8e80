"""Errors as JSON a program can act on: `{"detail": …}` or `{"field": ["message", …]}`.

Django's ValidationError (raised by services) becomes a 400 with its field messages,
PermissionDenied a 403, a missing object a 404, a too-large upload a 413.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.exceptions import PermissionDenied as DrfPermissionDenied
from rest_framework.response import Response
from rest_framework.views import exception_handler

from archivist.documents.services.attachments import FileTooLarge


def handle(error: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(error, FileTooLarge):
        return Response(error.message_dict, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if isinstance(error, DjangoValidationError):
        detail: Any = (
            error.message_dict
            if hasattr(error, "error_dict")
            else {"detail": " ".join(error.messages)}
        )
        error = ValidationError(detail)
    elif isinstance(error, PermissionDenied):
        error = DrfPermissionDenied(str(error) or "permission denied")
    elif isinstance(error, ObjectDoesNotExist):
        error = NotFound(str(error) or "not found")
    return exception_handler(error, context)
