"""OpenAPI: every operation documents the errors it can answer, in the one error shape.

Views declare their success responses and the errors that are theirs (409, 412, …); this
schema class adds the ones every endpoint of a kind can give, so clients (and schemathesis)
see a complete contract: 400 for input, 401/403 for authentication, 404 for path objects
and out-of-range pages, 429 where throttled.
"""

from __future__ import annotations

from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework import permissions, serializers


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, for people.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages per input field; empty when the error is not about a field.",
    )


_DESCRIPTIONS = {
    "400": "Invalid input; `errors` names the fields (nested ones by path: `qa.0.question`). "
    "Also a body over the size limit or JSON nested more than 32 levels (`errors` empty).",
    "401": "Authentication failed (a bad or revoked token).",
    "403": "Not authenticated, not allowed, or bad credentials (a wrong or revoked token).",
    "404": "Not found, or not yours (the two are never told apart).",
    "429": "Too many requests; retry later.",
}


class BoardwalkAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        view = self.view
        codes = []
        has_input = self.method in ("POST", "PUT", "PATCH") or bool(self._get_filter_parameters())
        paginated = self._is_list_view() and self._get_paginator() is not None
        if has_input or paginated or self._query_parameters():
            codes.append("400")
        if not all(isinstance(p, permissions.AllowAny) for p in view.get_permissions()):
            codes += ["401", "403"]
        elif self.method not in ("GET", "HEAD", "OPTIONS") or view.get_authenticators():
            # CSRF for session users; a wrong token is refused even where none is needed.
            codes.append("403")
        if "{" in self.path or paginated:
            codes.append("404")
        if getattr(view, "throttle_classes", None):
            codes.append("429")
        for code in codes:
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                response["description"] = _DESCRIPTIONS[code]
                responses[code] = response
        return responses

    def get_auth(self) -> list[dict]:
        """No security requirement at all for a view that reads no credentials (the bundle,
        the public feeds): anyone may call it, and a token sent along is ignored."""
        if not self.view.get_authenticators():
            return []
        return super().get_auth()

    def _query_parameters(self) -> bool:
        """Any query parameter declared with @extend_schema(parameters=…): it can be invalid."""
        from drf_spectacular.utils import OpenApiParameter

        return any(
            isinstance(p, OpenApiParameter)
            and p.location == OpenApiParameter.QUERY
            and not p.response
            for p in self.get_override_parameters()
        )


class BoundedFilterExtension(DjangoFilterExtension):
    """django-filter parameters, with the ``min_value``/``max_value`` their form fields
    enforce (``IdFilter``: 1…bigint) as ``minimum``/``maximum``, and ``max_length``/
    ``min_length`` (``q``: at most MAX_QUERY_LENGTH characters) as ``maxLength``/``minLength``."""

    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        parameters = super().resolve_filter_field(
            auto_schema, model, filterset_class, field_name, filter_field
        )
        bounds = {
            key: filter_field.extra[name]
            for key, name in (
                ("minimum", "min_value"),
                ("maximum", "max_value"),
                ("maxLength", "max_length"),
                ("minLength", "min_length"),
            )
            if filter_field.extra.get(name) is not None
        }
        for parameter in parameters:
            parameter["schema"].update(bounds)
        return parameters
