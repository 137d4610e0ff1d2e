"""Response-header middleware: the Content-Security-Policy and where violations are reported."""

from __future__ import annotations

from csp.constants import HEADER
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase


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
