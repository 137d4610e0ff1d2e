"""One error shape for the whole API: {"detail": str, "errors": {field: [messages]}}."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.db import DataError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from planner.exceptions import BoardwalkError, Conflict, NotFound, ValidationFailed

_DOMAIN_STATUS = {
    ValidationFailed: status.HTTP_400_BAD_REQUEST,
    Conflict: status.HTTP_409_CONFLICT,
    NotFound: status.HTTP_404_NOT_FOUND,
}


logger = logging.getLogger(__name__)


def flatten_errors(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's error detail as ``{path: [messages]}``: nested serializers and list items get
    dotted paths (``qa.1.question``) instead of a printed dict. Messages not under a field
    go to ``prefix`` (``non_field_errors`` at the top)."""
    errors: dict[str, list[str]] = {}
    stack: list[tuple[Any, str]] = [(detail, prefix)]
    while stack:
        value, path = stack.pop()
        if isinstance(value, dict):
            items = [(v, f"{path}.{k}" if path else str(k)) for k, v in value.items()]
            stack.extend(reversed(items))
        elif isinstance(value, list):
            for index, item in reversed(list(enumerate(value))):
                if isinstance(item, dict | list):
                    stack.append((item, f"{path}.{index}" if path else str(index)))
                else:
                    stack.append((item, path))
        else:
            errors.setdefault(path or "non_field_errors", []).append(str(value))
    return errors


def _flatten(data: Any) -> dict[str, list[str]]:
    if isinstance(data, dict | list):
        return flatten_errors(data)
    return {}


def request_refusal(exc: SuspiciousOperation) -> str:
    """What to tell the client when Django refused the request itself (body too large, too
    many fields, a bad Host…)."""
    if isinstance(exc, RequestDataTooBig):
        return f"The request body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,} bytes."
    if isinstance(exc, TooManyFieldsSent):
        return f"More than {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS:,} form fields."
    if isinstance(exc, TooManyFilesSent):
        return f"More than {settings.DATA_UPLOAD_MAX_NUMBER_FILES:,} files."
    return "Bad request."


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, BoardwalkError):
        errors = {exc.field: [exc.message]} if exc.field else {}
        code = (
            next(code for cls, code in _DOMAIN_STATUS.items() if isinstance(exc, cls))
            if type(exc) is not BoardwalkError
            else 400
        )
        return Response({"detail": exc.message, "errors": errors}, status=code)
    if isinstance(exc, SuspiciousOperation):
        # Django's own limits (DATA_UPLOAD_MAX_MEMORY_SIZE …), hit while DRF reads the body.
        # Logged as Django logs them; answered in the error shape rather than its HTML page.
        logging.getLogger(f"django.security.{type(exc).__name__}").warning("%s", exc)
        exc = exceptions.ParseError(request_refusal(exc))
    elif isinstance(exc, DataError):
        # Validation should leave nothing the database refuses (an invalid value is the
        # client's, so 400, not 500); should something slip by, it is logged to be closed.
        logger.warning("The database refused a request's values", exc_info=exc)
        exc = exceptions.ParseError("The database refused a value in this request.")
    if isinstance(exc, Http404 | PermissionDenied) and not isinstance(exc, exceptions.APIException):
        exc = exceptions.NotFound() if isinstance(exc, Http404) else exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"detail": "Invalid input.", "errors": _flatten(exc.detail)}
    else:
        detail = (
            response.data.get("detail", "")
            if isinstance(response.data, dict)
            else str(response.data)
        )
        response.data = {"detail": str(detail), "errors": {}}
    return response
