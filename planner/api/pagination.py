"""Page-number pagination whose ``page_size`` is checked, not silently replaced.

DRF's own class falls back to the default page size for ``page_size=abc``, ``0`` or ``-1``,
and answers 404 for ``page=abc``; here they answer 400 with the parameter named, and the
schema says 1…``max_page_size``."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

from planner.api.serializers.query import EMPTY_VALUE


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request: Any) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        field = serializers.IntegerField(min_value=1, max_value=self.max_page_size)
        try:
            return field.run_validation(raw)
        except serializers.ValidationError as exc:
            raise ValidationError({self.page_size_query_param: exc.detail}) from None

    def get_page_number(self, request: Any, paginator: Any) -> Any:
        # DRF reads `?page=` as page 1 and answers 404 "Invalid page" for `?page=abc` or `0`;
        # the schema says an integer from 1, so those are the client's mistake: 400 on
        # `page`. A page past the end stays 404 (it does not exist). `last` is DRF's.
        raw = request.query_params.get(self.page_query_param)
        if raw == "":
            raise ValidationError({self.page_query_param: [EMPTY_VALUE]})
        if raw is not None and raw not in self.last_page_strings:
            try:
                # The checked number, not the raw text: Django's paginator refuses "2.0".
                return serializers.IntegerField(min_value=1).run_validation(raw)
            except serializers.ValidationError as exc:
                raise ValidationError({self.page_query_param: exc.detail}) from None
        return super().get_page_number(request, paginator)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
            elif parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(
                    {"minimum": 1, "maximum": self.max_page_size, "default": self.page_size}
                )
                parameter["description"] = (
                    f"Number of results per page, 1 to {self.max_page_size} "
                    f"(default {self.page_size})."
                )
        return parameters
