"""``Authorization: Token bw_…`` for scripts. The PWA uses the session (with CSRF)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from planner import rows
from planner.models.accounts import ApiToken, hash_token

# Don't write last_used_at on every request of a busy script.
LAST_USED_RESOLUTION_SECONDS = 300


class TokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Invalid token header: use 'Token <key>'.")
        try:
            raw = header[1].decode()
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("Invalid token.") from None
        token = api_token_with_user(hash_token(raw))
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("Invalid or revoked token.")
        now = timezone.now()
        if (
            token.last_used_at is None
            or (now - token.last_used_at).total_seconds() > LAST_USED_RESOLUTION_SECONDS
        ):
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return self.keyword


_TOKEN_SQL: dict[str, str] = {}


def api_token_with_user(key_hash: str) -> ApiToken | None:
    """The token with this hash and its user, read fresh on every request (a revoked token
    fails at once): ``ApiToken.objects.select_related("user").filter(key_hash=…).first()``
    as one hand-written statement, since this runs on every token request."""
    user_model = get_user_model()
    token_shape = rows.shape(ApiToken, "t", connection.alias)
    user_shape = rows.shape(user_model, "u", connection.alias)
    sql = _TOKEN_SQL.get(connection.alias)
    if sql is None:
        sql = _TOKEN_SQL[connection.alias] = (
            f"SELECT {token_shape.columns}, {user_shape.columns} "  # noqa: S608 - names from models
            f"FROM {rows.table(ApiToken)} t INNER JOIN {rows.table(user_model)} u "
            f"ON u.{rows.column(user_model, 'id')} = t.{rows.column(ApiToken, 'user_id')} "
            f"WHERE t.{rows.column(ApiToken, 'key_hash')} = %s"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, [key_hash])
        row = cursor.fetchone()
    if row is None:
        return None
    token = token_shape.build(row, 0, connection.alias)
    ApiToken.user.field.set_cached_value(
        token, user_shape.build(row, token_shape.width, connection.alias)
    )
    return token


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    """Describes the token scheme in the OpenAPI schema (drf-spectacular finds it by import)."""

    target_class = "planner.api.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Personal API token: `Token bw_…` (create one at /api/v1/me/tokens/).",
        }
