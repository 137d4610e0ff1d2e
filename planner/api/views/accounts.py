"""Accounts: CSRF cookie, sign-up, session login/logout, password reset, ``me`` and personal
API tokens.

The PWA signs in with a session (same origin, CSRF token in ``X-CSRFToken``); scripts send
``Authorization: Token bw_…``. A missing, wrong or revoked credential answers 403: the first
authentication class is the session one, which sends no ``WWW-Authenticate`` challenge, so DRF
turns 401 into 403.
"""

from __future__ import annotations

from django.contrib.auth import login, logout
from django.middleware.csrf import get_token
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.debug import sensitive_post_parameters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, permissions, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import Throttled
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from planner.api.parsers import JSONParser
from planner.api.serializers.accounts import (
    ApiTokenCreatedSerializer,
    ApiTokenCreateSerializer,
    ApiTokenSerializer,
    CsrfTokenSerializer,
    ErrorSerializer,
    LoginSerializer,
    MeSerializer,
    MeUpdateSerializer,
    PasswordResetAcceptedSerializer,
    PasswordResetConfirmSerializer,
    PasswordResetSerializer,
    SignupSerializer,
)
from planner.exceptions import NotFound, ValidationFailed
from planner.lockout import lockout_message, lockout_seconds
from planner.models.accounts import ApiToken, hash_token
from planner.services.accounts import (
    api_token_create,
    api_token_revoke,
    password_reset_confirm,
    password_reset_request,
    user_authenticate,
    user_signup,
    user_update,
)

# Sign-up and login pick the backend explicitly so adding one later does not break login().
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
TAGS = ["accounts"]

# --- throttling ---------------------------------------------------------------------------


class AccountsThrottle(ScopedRateThrottle):
    """ScopedRateThrottle whose rates default to :attr:`rates`, so they need no settings entry;
    ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` overrides any of them by scope name.

    Keyed by client IP when anonymous (DRF's ``get_ident``: set ``NUM_PROXIES`` behind a
    proxy, or X-Forwarded-For can be forged) and by user when signed in. The per-IP limits are
    generous on purpose: a conference venue puts thousands of attendees behind one NAT
    address. Password guessing is limited per (account, address) by the login lockout
    (:mod:`planner.lockout`), reset mails per inbox by :class:`AccountsEmailThrottle`."""

    rates = {
        "accounts-login": "60/min",
        "accounts-signup": "100/hour",
        "accounts-password-reset": "30/hour",
        "accounts-me-update": "30/hour",  # changing the e-mail checks the current password
    }

    def get_rate(self) -> str | None:
        return self.THROTTLE_RATES.get(self.scope) or self.rates.get(self.scope)


class AccountsEmailThrottle(AccountsThrottle):
    """Per e-mail address in the request body, whoever sends it: caps reset mails to one
    inbox, from any number of IPs. Not for login: a per-account limit would let anyone lock
    the owner out (login is limited per account *and* address, in :mod:`planner.lockout`).

    Uses the view's ``throttle_email_scope``. A body without an ``email`` string is left to
    the per-client throttle (and to validation)."""

    scope_attr = "throttle_email_scope"
    rates = {
        "accounts-password-reset-email": "5/hour",
    }

    def get_cache_key(self, request, view) -> str | None:
        data = request.data
        email = data.get("email") if isinstance(data, dict) else None
        if not isinstance(email, str) or not email.strip():
            return None
        # Hashed: cache keys stay short and safe, and no address sits in the cache in clear.
        ident = hash_token(email.strip().lower())[:32]
        return self.cache_format % {"scope": self.scope, "ident": ident}


# --- permissions --------------------------------------------------------------------------


class CsrfUnlessToken(permissions.BasePermission):
    """CSRF-check unsafe requests that nobody is signed in for yet.

    DRF only checks CSRF for session-authenticated requests, which would leave sign-up and
    login open to "login CSRF" (another site signing the visitor in to the attacker's
    account). Session requests are already checked by SessionAuthentication and
    token-authenticated scripts need no CSRF token."""

    def has_permission(self, request, view) -> bool:
        if request.method not in permissions.SAFE_METHODS and request.auth is None:
            SessionAuthentication().enforce_csrf(request)  # raises PermissionDenied (403)
        return True


class NotWithApiToken(permissions.BasePermission):
    """Creating and revoking tokens needs a signed-in session: a leaked token must not be able
    to mint more tokens (and outlive its own revocation) or revoke the owner's others."""

    message = "Create and revoke API tokens from a signed-in session, not with a token."

    def has_permission(self, request, view) -> bool:
        return request.method in permissions.SAFE_METHODS or not isinstance(request.auth, ApiToken)


# --- schema helpers -----------------------------------------------------------------------


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(response=ErrorSerializer, description=description)


INVALID = _error("Invalid input: messages per field in `errors`.")
FORBIDDEN_ANONYMOUS = _error(
    "Not signed in, or the token is wrong or revoked (DRF answers 403, not 401, because the "
    "session authentication comes first)."
)
FORBIDDEN_CSRF = _error(
    "CSRF check failed: GET auth/csrf first and send its token as the X-CSRFToken header "
    "(not needed with an API token)."
)
NOT_FOUND = _error("No such token, or not yours.")
TOKEN_ID = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The token's id."
)
THROTTLED = _error("Too many attempts; `Retry-After` says when to try again.")

# --- views --------------------------------------------------------------------------------


@method_decorator([never_cache, ensure_csrf_cookie], name="dispatch")
class CsrfView(APIView):
    """Set the CSRF cookie and return the token, for the PWA's unsafe requests."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(tags=TAGS, request=None, responses={200: CsrfTokenSerializer})
    def get(self, request):
        return Response(CsrfTokenSerializer({"csrf_token": get_token(request)}).data)


@method_decorator(sensitive_post_parameters("password"), name="dispatch")
class SignupView(APIView):
    """Create an account with an e-mail address and password, and sign in (session).

    The address, lower-cased, is also the username; it must not belong to another account
    in any case."""

    permission_classes = [permissions.AllowAny, CsrfUnlessToken]
    throttle_classes = [AccountsThrottle]
    throttle_scope = "accounts-signup"

    @extend_schema(
        tags=TAGS,
        request=SignupSerializer,
        responses={
            201: MeSerializer,
            400: INVALID,
            403: FORBIDDEN_CSRF,
            429: THROTTLED,
        },
    )
    def post(self, request):
        incoming = SignupSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        user = user_signup(**incoming.validated_data)
        login(request, user, backend=MODEL_BACKEND)
        return Response(MeSerializer(user).data, status=status.HTTP_201_CREATED)


@method_decorator(sensitive_post_parameters("password"), name="dispatch")
class LoginView(APIView):
    """Sign in with e-mail and password (session cookie).

    Wrong address, wrong password and inactive account all answer the same 400. Too many
    failures for one account from one address, or from one address over all accounts, lock
    that address out for a while: 429 with `Retry-After`, even for the right password."""

    permission_classes = [permissions.AllowAny, CsrfUnlessToken]
    throttle_classes = [AccountsThrottle]
    throttle_scope = "accounts-login"

    @extend_schema(
        tags=TAGS,
        request=LoginSerializer,
        responses={
            200: MeSerializer,
            400: _error(
                'Invalid input, or `{"detail": "E-mail or password is wrong.", "errors": {}}`.'
            ),
            403: FORBIDDEN_CSRF,
            429: THROTTLED,
        },
    )
    def post(self, request):
        incoming = LoginSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            user = user_authenticate(**incoming.validated_data, request=request._request)
        except ValidationFailed:
            # axes flags the request when this attempt was refused as locked out, or was the
            # failure that reached a limit.
            if getattr(request._request, "axes_locked_out", False):
                raise Throttled(wait=lockout_seconds(), detail=lockout_message()) from None
            raise
        login(request, user)
        return Response(MeSerializer(user).data)


class LogoutView(APIView):
    """End the session. Signed out already (or using a token): nothing to do, same answer."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        tags=TAGS,
        request=None,
        responses={
            204: OpenApiResponse(description="Signed out."),
            403: _error("CSRF check failed (a signed-in session must send X-CSRFToken)."),
        },
    )
    def post(self, request):
        logout(request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordResetView(APIView):
    """Ask for a password-reset link by e-mail.

    Always 202, whether or not an account uses the address."""

    permission_classes = [permissions.AllowAny, CsrfUnlessToken]
    throttle_classes = [AccountsThrottle, AccountsEmailThrottle]
    throttle_scope = "accounts-password-reset"
    throttle_email_scope = "accounts-password-reset-email"

    @extend_schema(
        tags=TAGS,
        request=PasswordResetSerializer,
        responses={
            202: PasswordResetAcceptedSerializer,
            400: INVALID,
            403: FORBIDDEN_CSRF,
            429: THROTTLED,
        },
    )
    def post(self, request):
        incoming = PasswordResetSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        password_reset_request(email=incoming.validated_data["email"])
        body = {"detail": "If an account uses this address, a reset link is on its way."}
        return Response(PasswordResetAcceptedSerializer(body).data, status=status.HTTP_202_ACCEPTED)


@method_decorator(sensitive_post_parameters("new_password", "token"), name="dispatch")
class PasswordResetConfirmView(APIView):
    """Choose a new password with the `uid` and `token` of a reset link
    (`{SITE_URL}/reset/{uid}/{token}`). Ends every session of the account; its API tokens
    keep working."""

    permission_classes = [permissions.AllowAny, CsrfUnlessToken]

    @extend_schema(
        tags=TAGS,
        request=PasswordResetConfirmSerializer,
        responses={
            204: OpenApiResponse(description="Password changed; sign in with it."),
            400: _error(
                "Invalid input: on `token` when the link is bad, expired or used; on "
                "`new_password` when the password is too weak."
            ),
            403: FORBIDDEN_CSRF,
        },
    )
    def post(self, request):
        incoming = PasswordResetConfirmSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        password_reset_confirm(
            uidb64=data["uid"], token=data["token"], new_password=data["new_password"]
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


@method_decorator(sensitive_post_parameters("current_password"), name="dispatch")
class MeView(APIView):
    """The signed-in user. PATCH changes the display name and/or e-mail address; a new
    address needs `current_password`."""

    permission_classes = [permissions.IsAuthenticated]
    # The PWA sends JSON; an empty or broken form body would read as "change nothing".
    parser_classes = [JSONParser]
    throttle_classes = [AccountsThrottle]
    throttle_scope = "accounts-me-update"

    def get_throttles(self):
        # Only requests that test the current password are limited; reads and name edits
        # are free.
        data = self.request.data if self.request.method == "PATCH" else None
        return (
            super().get_throttles() if isinstance(data, dict) and "current_password" in data else []
        )

    @extend_schema(tags=TAGS, responses={200: MeSerializer, 403: FORBIDDEN_ANONYMOUS})
    def get(self, request):
        return Response(MeSerializer(request.user).data)

    @extend_schema(
        tags=TAGS,
        request=MeUpdateSerializer,
        responses={
            200: MeSerializer,
            400: _error(
                "Invalid input; `email` taken; `current_password` missing or wrong when "
                "changing the e-mail address."
            ),
            403: FORBIDDEN_ANONYMOUS,
            429: THROTTLED,
        },
    )
    def patch(self, request):
        incoming = MeUpdateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        user = user_update(user=request.user, **incoming.validated_data)
        return Response(MeSerializer(user).data)


class _OwnTokens:
    permission_classes = [permissions.IsAuthenticated, NotWithApiToken]
    serializer_class = ApiTokenSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return ApiToken.objects.none()
        return ApiToken.objects.filter(user=self.request.user).order_by("-created_at", "-pk")


class ApiTokenListCreate(_OwnTokens, generics.ListCreateAPIView):
    """Your personal API tokens (newest first), without their secrets. POST creates one and
    shows its secret once. Creating needs a signed-in session, not a token."""

    @extend_schema(
        tags=TAGS,
        responses={
            200: ApiTokenSerializer(many=True),
            403: FORBIDDEN_ANONYMOUS,
            404: _error("No such page."),
        },
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAGS,
        request=ApiTokenCreateSerializer,
        responses={
            201: ApiTokenCreatedSerializer,
            400: _error("Invalid input; `name` already used by another of your tokens."),
            403: _error("Not signed in, CSRF check failed, or authenticated with a token."),
        },
    )
    def post(self, request, *args, **kwargs):
        incoming = ApiTokenCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        token, raw = api_token_create(user=request.user, name=incoming.validated_data["name"])
        body = ApiTokenCreatedSerializer(token, context={"raw_token": raw}).data
        # The only response that carries the secret: keep it out of every cache.
        return Response(body, status=status.HTTP_201_CREATED, headers={"Cache-Control": "no-store"})


class ApiTokenDetail(_OwnTokens, generics.RetrieveDestroyAPIView):
    """One of your tokens. DELETE revokes it: it stops working at once. Revoking needs a
    signed-in session, not a token."""

    def token_id(self) -> int:
        # The route takes any segment so that a malformed id is this API's JSON 404 rather
        # than Django's HTML one.
        value = self.kwargs["pk"]
        if not (value.isascii() and value.isdigit()):
            raise NotFound("Not found.")
        return int(value)

    def get_object(self):
        self.kwargs["pk"] = self.token_id()
        return super().get_object()

    @extend_schema(
        tags=TAGS,
        parameters=[TOKEN_ID],
        responses={200: ApiTokenSerializer, 403: FORBIDDEN_ANONYMOUS, 404: NOT_FOUND},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAGS,
        parameters=[TOKEN_ID],
        responses={
            204: OpenApiResponse(description="Revoked."),
            403: _error("Not signed in, CSRF check failed, or authenticated with a token."),
            404: NOT_FOUND,
        },
    )
    def delete(self, request, *args, **kwargs):
        api_token_revoke(user=request.user, token_id=self.token_id())
        return Response(status=status.HTTP_204_NO_CONTENT)
