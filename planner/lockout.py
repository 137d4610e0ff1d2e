"""Login lockout with django-axes: per (account, client address) and per client address.

Never per account alone: that would let anyone lock the real owner out by guessing from
elsewhere. The counters are rows in the database (axes' database handler, so a Redis outage
changes nothing), expire ``AXES_COOLOFF_TIME`` after an address's last failure, and cover the
admin's login form and the API's ``auth/login`` alike (both go through ``authenticate`` with
the request).

The hooks below are named in settings (``AXES_HANDLER``, ``AXES_CLIENT_IP_CALLABLE``,
``AXES_USERNAME_CALLABLE``, ``AXES_LOCKOUT_CALLABLE``).
"""

from __future__ import annotations

import ipaddress
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import (
    get_client_username,
    get_cool_off,
    get_failure_limit,
    get_lockout_parameters,
)
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from rest_framework.throttling import BaseThrottle

# axes' AccessAttempt.username is a 255-character column.
_USERNAME_MAX = 255


def lockout_seconds() -> int:
    """How long a lockout lasts after the last failed attempt (every attempt restarts it)."""
    cool_off = get_cool_off()
    return int(cool_off.total_seconds()) if cool_off else 0


def lockout_message() -> str:
    minutes = max(1, round(lockout_seconds() / 60))
    return (
        "Too many failed sign-in attempts from this address. "
        f"Try again in {minutes} minute{'s' if minutes != 1 else ''}."
    )


def client_ip(request: HttpRequest) -> str | None:
    """The client address exactly as DRF's throttles see it (``REST_FRAMEWORK["NUM_PROXIES"]``
    entries from the right of X-Forwarded-For, else REMOTE_ADDR), so both limits agree on who
    the client is. An entry that is not an address (a forged header with a wrong proxy
    count) falls back to REMOTE_ADDR rather than failing the insert into axes' inet column."""
    ident = BaseThrottle().get_ident(request)
    for candidate in (ident, request.META.get("REMOTE_ADDR")):
        try:
            return str(ipaddress.ip_address((candidate or "").strip()))
        except ValueError:
            continue
    return None


def login_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The account an attempt is for, case-folded: "Organizer" and "organizer" are one
    account's counter (the API resolves an e-mail address to its username first)."""
    value = (credentials or {}).get("username")
    if value is None:
        value = request.POST.get("username")
    if not isinstance(value, str):
        return None
    # A lone surrogate cannot be stored in PostgreSQL; any replacement keeps one counter.
    value = value.encode("utf-8", "replace").decode("utf-8")
    return value.strip().lower()[:_USERNAME_MAX]


class LoginLockoutHandler(AxesDatabaseHandler):
    """axes' database handler with one limit per lockout parameter and a narrower reset.

    ``AXES_LOCKOUT_PARAMETERS`` is ``[["username", "ip_address"], "ip_address"]``; axes
    compares the largest failure count of all of them with one limit, ``AXES_FAILURE_LIMIT``.
    Here the per-address count is measured against ``LOGIN_FAILURES_PER_IP`` instead (a venue
    puts many attendees behind one NAT address): each count is scaled so that it reaches
    ``AXES_FAILURE_LIMIT`` exactly when it reaches its own limit."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        limit = get_failure_limit(request, credentials)
        per_ip = settings.LOGIN_FAILURES_PER_IP
        parameters = get_lockout_parameters(request, credentials)
        attempts_list = self.get_user_attempts(request, credentials)  # in parameters' order
        worst = 0
        for parameter, attempts in zip(parameters, attempts_list, strict=True):
            failures = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            worst = max(
                worst, failures * limit // per_ip if parameter == "ip_address" else failures
            )
        return worst

    def reset_user_attempts(self, request, credentials: dict | None = None) -> int:
        """On success, forget only this account's failures from this address: resetting the
        whole address would let an attacker with an account of their own wipe their guesses
        at someone else's between rounds."""
        count, _ = AccessAttempt.objects.filter(
            username=get_client_username(request, credentials),
            ip_address=request.axes_ip_address,
        ).delete()
        return count


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """What a locked-out login answers. The API already answered 429 in its own error shape
    (the login view checks for the lockout); every other login form, the admin's, gets a page
    in the admin's look. Both say when to retry."""
    if original_response is not None and original_response.status_code == 429:
        return original_response
    context = {
        **admin.site.each_context(request),
        "title": "Sign-in locked",
        "message": lockout_message(),
    }
    response = TemplateResponse(request, "planner/login_locked.html", context, status=429)
    response["Retry-After"] = str(lockout_seconds())
    return response.render()
