"""One error shape for the whole API: {"detail": str, "errors": {field: [messages]}}."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
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


def _flatten(data: Any) -> dict[str, list[str]]:
    if isinstance(data, dict):
        return {
            str(k): [str(m) for m in (v if isinstance(v, list) else [v])] for k, v in data.items()
        }
    if isinstance(data, list):
        return {"non_field_errors": [str(m) for m in data]}
    return {}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, BoardwalkError):
        errors = {exc.field: [exc.message]} if exc.field else {}
        code = (
            next(code for cls, code in _DOMAIN_STATUS.items() if isinstance(exc, cls))
            if type(exc) is not BoardwalkError
            else 400
        )
        return Response({"detail": exc.message, "errors": errors}, status=code)
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
