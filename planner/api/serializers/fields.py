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


# Serializer mixin: in a JSON body a text field takes a string. DRF's ``CharField`` also takes
# ``0`` or ``false`` and stores ``"0"``/``"False"``, which the schema (``type: string``) does
# not allow. Lists of text are checked item by item. In any body, a text longer than the
# field's ``max_length`` is refused as sent (see too_long_errors). A comment, not a docstring:
# drf-spectacular would give it as the description of every serializer without its own.
class JsonStrings:
    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            errors = too_long_errors(self.fields, data)
            if not isinstance(getattr(self.root, "initial_data", None), QueryDict):
                errors |= {
                    name: ["Not a valid string."]
                    for name, field in self.fields.items()
                    if not field.read_only and not _strings_fit(field, data.get(name))
                }
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)  # type: ignore[misc]


def too_long_errors(fields: Any, data: Any) -> dict[str, list[str]]:
    """The text fields whose value, as sent, is longer than their ``max_length``: DRF trims
    the whitespace around a value first and measures what is left, so ``"    x…"`` one
    character per space over the limit was taken, while the schema's ``maxLength`` (what
    a client checks against) refuses it (schemathesis: ``display_name``)."""
    errors: dict[str, list[str]] = {}
    for name, field in fields.items():
        value = data.get(name)
        limit = getattr(field, "max_length", None)
        if (
            not field.read_only
            and isinstance(field, serializers.CharField)
            and isinstance(value, str)
            and limit is not None
            and len(value) > limit
        ):
            errors[name] = [field.error_messages["max_length"].format(max_length=limit)]
    return errors


def _strings_fit(field: serializers.Field, value: Any) -> bool:
    if value is None:
        return True
    if isinstance(field, serializers.CharField):
        return isinstance(value, str)
    if isinstance(field, serializers.ListField) and isinstance(field.child, serializers.CharField):
        return not isinstance(value, list) or all(isinstance(item, str) for item in value)
    return True
