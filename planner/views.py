from __future__ import annotations

import logging
import sys
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from planner import csp_reports, health
from planner.api.exceptions import request_refusal
from planner.middleware import RETRY_AFTER_SECONDS, UNAVAILABLE_ERRORS, database_unavailable
from planner.models import Attendee

logger = logging.getLogger("planner.csp")


@require_safe
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    database = health.check_database()
    broker = health.check_broker()
    ok = database.ok and broker.ok
    body = {
        "status": "ok" if ok else "unavailable",
        "database": database.as_dict(),
        "broker": broker.as_dict(),
        "worker": health.worker_heartbeat(),
        "reminders": health.reminder_dispatch(),
    }
    response = JsonResponse(body, status=200 if ok else 503)
    if not ok:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@csrf_exempt  # mail providers POST the one-click unsubscribe (RFC 8058) without cookies
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def email_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The signed link in every reminder e-mail. GET asks (link scanners and previews must
    not unsubscribe anyone); POST, from the page's button or a mail provider's one-click
    unsubscribe, turns the attendee's e-mail channel off. A token that does not verify
    answers 400 and changes nothing. The page speaks the attendee's language (the one their
    e-mails are in); for a bad token, whichever of ours the browser prefers."""
    from planner.notifications.content import attendee_language
    from planner.notifications.email import unsubscribe_attendee_id
    from planner.services.notifications import email_unsubscribe as unsubscribe

    attendee_id = unsubscribe_attendee_id(token)
    attendee = (
        Attendee.objects.select_related("conference").filter(pk=attendee_id).first()
        if attendee_id is not None
        else None
    )
    if attendee is None:
        with attendee_language(translation.get_language_from_request(request)):
            context = {"title": gettext("Link not valid"), "state": "invalid"}
            return render(request, "planner/unsubscribe.html", context, status=400)
    conference = attendee.conference.name
    with attendee_language(attendee.language):
        if request.method == "POST":
            unsubscribe(attendee_id=attendee.pk)
            title = gettext("E-mail turned off")
            context = {"title": title, "state": "done", "conference": conference}
            return render(request, "planner/unsubscribe.html", context)
        context = {
            "title": gettext("Turn e-mail off?"),
            "state": "confirm",
            "conference": conference,
        }
        return render(request, "planner/unsubscribe.html", context)


@csrf_exempt
@require_POST
def csp_report(request: HttpRequest) -> HttpResponse:
    """Where browsers report Content-Security-Policy violations (`report-uri` and the
    Reporting API's `report-to`): each is logged at WARNING with the directive and the
    blocked URL. No cookies or token needed, since browsers send none; the body is capped."""
    limit = settings.CSP_REPORT_MAX_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    body = request.read(limit + 1) if declared <= limit else b""
    if declared > limit or len(body) > limit:
        return _report_error(f"A report may be at most {limit} bytes.", status=413)
    try:
        violations = csp_reports.parse(body, request.content_type)
    except csp_reports.InvalidReport as exc:
        status = 415 if request.content_type not in csp_reports.CONTENT_TYPES else 400
        return _report_error(f"Not a CSP violation report: {exc}.", status=status)
    for violation in violations:
        logger.warning(
            "CSP violation: directive=%s blocked=%s document=%s source=%s sample=%s%s",
            violation.directive or "-",
            violation.blocked or "-",
            violation.document or "-",
            violation.source or "-",
            violation.sample or "-",
            " (report-only)" if violation.disposition == "report" else "",
        )
    return HttpResponse(status=204)


def _report_error(detail: str, *, status: int) -> JsonResponse:
    return JsonResponse({"detail": detail, "errors": {}}, status=status)


@lru_cache(maxsize=4)
def _read_shell(path: Path, mtime: float) -> bytes:
    return path.read_bytes()


@require_safe
def pwa_shell(request: HttpRequest) -> HttpResponse:
    """The PWA's index.html for `/` and its client-side routes. Never cached by the browser,
    so a new build (and its service worker) is picked up on the next visit."""
    index = Path(settings.FRONTEND_DIST) / "index.html"
    if not index.is_file():
        return HttpResponse(
            "The frontend is not built. Run `make frontend` (or `make run`, which builds it).",
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(
        _read_shell(index, index.stat().st_mtime), content_type="text/html; charset=utf-8"
    )
    response["Cache-Control"] = "no-cache"
    return response


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404 for paths nothing matched: the API's error shape under /api/, a page elsewhere."""
    if _is_api(request):
        return JsonResponse({"detail": "Not found.", "errors": {}}, status=404)
    return HttpResponse("Not found.", status=404, content_type="text/plain; charset=utf-8")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """400 for requests Django refuses before a view answers (a body over
    DATA_UPLOAD_MAX_MEMORY_SIZE read by middleware, a bad Host…): the API's error shape
    under /api/, Django's page elsewhere."""
    if _is_api(request):
        detail = (
            request_refusal(exception)
            if isinstance(exception, SuspiciousOperation)
            else "Bad request."
        )
        return JsonResponse({"detail": detail, "errors": {}}, status=400)
    return defaults.bad_request(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    # Called while the exception is handled: a database outage outside a view (e.g. saving
    # the session in a middleware) is a 503 too, not a 500.
    if isinstance(sys.exc_info()[1], UNAVAILABLE_ERRORS):
        return database_unavailable(request)
    if _is_api(request):
        return JsonResponse(
            {"detail": "Server error; it has been logged.", "errors": {}}, status=500
        )
    return HttpResponse("Server error.", status=500, content_type="text/plain; charset=utf-8")
