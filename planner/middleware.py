"""Site-wide middleware: the Content-Security-Policy with its reporting endpoint, and 503 with
Retry-After (not a traceback) while the database is unreachable."""

from __future__ import annotations

import logging
from collections.abc import Callable

from csp.constants import HEADER
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
DATABASE_UNAVAILABLE = "The database is unavailable; try again shortly."
# Connection failures (refused, reset, timed out), and transient refusals such as a lock
# timeout or a serialization failure: all worth retrying later, none a client's fault.
UNAVAILABLE_ERRORS = (OperationalError, InterfaceError)


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith(("/api/", "/feeds/", "/healthz"))


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """503 + Retry-After: the API's error shape under /api/ and /feeds/, a short page elsewhere."""
    if _wants_json(request):
        response: HttpResponse = JsonResponse(
            {"detail": DATABASE_UNAVAILABLE, "errors": {}}, status=503
        )
    else:
        response = HttpResponse(
            DATABASE_UNAVAILABLE, status=503, content_type="text/plain; charset=utf-8"
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Turns a database error escaping a view into 503 (logged, one line, no traceback).

    Errors raised outside views (another middleware's response phase) reach handler500,
    which answers the same way (planner.views.server_error)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, UNAVAILABLE_ERRORS):
            return None
        logger.error(
            "database unavailable: %s %s answered 503 (%s: %s)",
            request.method,
            request.path,
            type(exception).__name__,
            str(exception).strip().splitlines()[0] if str(exception).strip() else "",
        )
        return database_unavailable(request)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, plus the `Reporting-Endpoints` header that names the endpoint
    the policy's `report-to csp` sends to. Browsers that know the Reporting API use it and
    ignore `report-uri`; older ones use `report-uri`. Both point at `planner.views.csp_report`."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        response = super().process_response(request, response)
        if HEADER in response and "Reporting-Endpoints" not in response:
            # Absolute: Chromium ignores an endpoint given as a relative URL.
            endpoint = request.build_absolute_uri(settings.CSP_REPORT_PATH)
            response["Reporting-Endpoints"] = f'csp="{endpoint}"'
        return response
