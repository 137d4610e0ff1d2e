"""Query-string serializers that refuse an empty value instead of ignoring it.

DRF reads ``?limit=`` as "not given" and falls back to the default; a client that sends an
empty value has a bug, and the schema (an integer, a date-time, a boolean) does not allow
it, so such a parameter answers 400 with its name. Strings that may be blank stay allowed."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from planner.api.serializers.fields import too_long_errors

EMPTY_VALUE = "Give a value, or leave the parameter out."


def blank_allowed(field: serializers.Field) -> bool:
    return isinstance(field, serializers.CharField) and field.allow_blank


class QuerySerializer(serializers.Serializer):
    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        errors = too_long_errors(self.fields, self.initial_data) | {
            name: [EMPTY_VALUE]
            for name, field in self.fields.items()
            if self.initial_data.get(name) == "" and not blank_allowed(field)
        }
        if errors:
            raise serializers.ValidationError(errors)
        return super().validate(attrs)
