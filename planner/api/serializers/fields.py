"""Serializer fields shared by several serializers."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict
from rest_framework import serializers


class OptionalUrlField(serializers.URLField):
    """A read-only URL that may be unset: ``null`` when empty, never ``""``, which is not a
    ``format: uri`` value (the schema says ``nullable: true``)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> str | None:
        return str(value) if value else None


class JsonBooleanField(serializers.BooleanField):
    """``true`` or ``false`` in a JSON body, nothing else: DRF's own field also takes ``0``,
    ``"yes"`` or ``"on"``, which the schema (``type: boolean``) does not allow. Form and
    multipart bodies carry only strings, so there the usual spellings still count."""

    default_error_messages = {"invalid": "Must be true or false."}

    def to_internal_value(self, data: Any) -> bool:
        if isinstance(data, bool):
            return data
        if isinstance(getattr(self.root, "initial_data", None), QueryDict):
            return super().to_internal_value(data)
        self.fail("invalid", input=data)


class JsonStrings:
    """Serializer mixin: in a JSON body a text field takes a string. DRF's ``CharField``
    also takes ``0`` or ``false`` and stores ``"0"``/``"False"``, which the schema
    (``type: string``) does not allow. Lists of text are checked item by item."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict) and not isinstance(
            getattr(self.root, "initial_data", None), QueryDict
        ):
            errors = {
                name: ["Not a valid string."]
                for name, field in self.fields.items()
                if not field.read_only and not _strings_fit(field, data.get(name))
            }
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)  # type: ignore[misc]


def _strings_fit(field: serializers.Field, value: Any) -> bool:
    if value is None:
        return True
    if isinstance(field, serializers.CharField):
        return isinstance(value, str)
    if isinstance(field, serializers.ListField) and isinstance(field.child, serializers.CharField):
        return not isinstance(value, list) or all(isinstance(item, str) for item in value)
    return True
