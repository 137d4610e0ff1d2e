"""Accounts: sign-up, login, password reset, the signed-in user (``me``) and API tokens."""

from __future__ import annotations

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from planner.api.schema import ErrorSerializer as SharedErrorSerializer
from planner.api.serializers.fields import JsonStrings
from planner.models.accounts import ApiToken
from planner.services.accounts import email_normalize

User = get_user_model()

# Django's historic cap: hashing a megabyte-long "password" is a cheap denial of service.
PASSWORD_MAX_LENGTH = 4096
# Username is the lower-cased address and auth.User.username holds 150 characters.
EMAIL_MAX_LENGTH = 150


class StrictCharField(serializers.CharField):
    """A string, and only a string: DRF's CharField turns a JSON number into text, which the
    schema (``type: string``) says is invalid input (schemathesis: ``current_password: 0``)."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


def _password_field(help_text: str, *, required: bool = True) -> serializers.CharField:
    return StrictCharField(
        required=required,
        write_only=True,
        trim_whitespace=False,
        max_length=PASSWORD_MAX_LENGTH,
        style={"input_type": "password"},
        help_text=help_text,
    )


def _password_problems(password: str, *, user) -> list[str]:
    """Django's password validators: one message per problem (the service says them all in
    one message, so the API checks first)."""
    try:
        password_validation.validate_password(password, user=user)
    except DjangoValidationError as error:
        return list(error.messages)
    return []


ErrorSerializer = SharedErrorSerializer  # the one error shape (planner/api/schema.py)


class PasswordResetAcceptedSerializer(serializers.Serializer):
    detail = serializers.CharField()


class CsrfTokenSerializer(serializers.Serializer):
    csrf_token = serializers.CharField(
        help_text="Send it back as the X-CSRFToken header on POST/PATCH/DELETE."
    )


class SignupSerializer(JsonStrings, serializers.Serializer):
    email = serializers.EmailField(max_length=EMAIL_MAX_LENGTH)
    password = _password_field("Checked with the server's password validators.")
    display_name = serializers.CharField(
        max_length=150, required=False, allow_blank=True, default=""
    )

    def validate(self, attrs):
        email = email_normalize(attrs["email"])
        candidate = User(username=email, email=email, first_name=attrs["display_name"])
        problems = _password_problems(attrs["password"], user=candidate)
        if problems:
            raise serializers.ValidationError({"password": problems})
        return attrs


class LoginSerializer(JsonStrings, serializers.Serializer):
    email = serializers.CharField(
        max_length=254, help_text="The account's e-mail address (a username also works)."
    )
    password = _password_field("The account's password.")


class PasswordResetSerializer(JsonStrings, serializers.Serializer):
    email = serializers.EmailField(max_length=254)


class PasswordResetConfirmSerializer(JsonStrings, serializers.Serializer):
    uid = serializers.CharField(max_length=64, help_text="`uidb64` from the reset link.")
    token = serializers.CharField(max_length=64, help_text="`token` from the reset link.")
    new_password = _password_field("Checked with the server's password validators.")

    def validate_new_password(self, value: str) -> str:
        # Without the user: the user-similarity check runs in the service, once the link
        # is known to be good.
        problems = _password_problems(value, user=None)
        if problems:
            raise serializers.ValidationError(problems)
        return value


class MeSerializer(serializers.ModelSerializer):
    display_name = serializers.CharField(
        source="get_full_name", read_only=True, help_text="First and last name."
    )

    class Meta:
        model = User
        fields = ["id", "email", "display_name", "date_joined"]
        read_only_fields = fields


class MeUpdateSerializer(JsonStrings, serializers.Serializer):
    email = serializers.EmailField(max_length=EMAIL_MAX_LENGTH, required=False)
    display_name = StrictCharField(max_length=150, required=False, allow_blank=True)
    current_password = _password_field("Required to change the e-mail address.", required=False)


class ApiTokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "hint", "created_at", "last_used_at"]
        read_only_fields = fields


class ApiTokenCreateSerializer(JsonStrings, serializers.Serializer):
    # Unique per user: the service checks it (the user is not input).
    name = serializers.CharField(
        max_length=ApiToken._meta.get_field("name").max_length,
        help_text="What the token is for, e.g. the script that uses it.",
    )


class ApiTokenCreatedSerializer(serializers.ModelSerializer):
    token = serializers.SerializerMethodField(
        help_text="The secret, shown only in this response: keep it now. "
        "Use it as `Authorization: Token <token>`."
    )

    class Meta:
        model = ApiToken
        fields = ["id", "name", "hint", "created_at", "token"]
        read_only_fields = fields

    def get_token(self, obj: ApiToken) -> str:
        return self.context["raw_token"]
