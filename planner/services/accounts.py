"""Accounts: sign-up, credential checks, password reset, profile edits and personal API tokens.

Passwords and raw tokens never reach a log line: the functions that hold them are marked
``sensitive_variables`` so Django's error reports leave them out as well.
"""

from __future__ import annotations

import logging
import smtplib

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model, password_validation
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.views.decorators.debug import sensitive_variables

from planner.exceptions import NotFound, ValidationFailed
from planner.models.accounts import ApiToken, hash_token, new_token

logger = logging.getLogger(__name__)

User = get_user_model()

WRONG_CREDENTIALS = "E-mail or password is wrong."
EMAIL_TAKEN = "An account with this e-mail address already exists."
RESET_LINK_INVALID = "This reset link is invalid or has expired. Ask for a new one."
TOKEN_HINT_LENGTH = 8  # "bw_" and five characters: enough to tell tokens apart, ~30 bits


def email_normalize(email: str) -> str:
    """The whole address in lower case: it is also the username of accounts made here."""
    return email.strip().lower()


def _email_in_use(email: str, *, exclude_pk: int | None = None) -> bool:
    users = User.objects.filter(Q(email__iexact=email) | Q(username__iexact=email))
    if exclude_pk is not None:
        users = users.exclude(pk=exclude_pk)
    return users.exists()


@sensitive_variables("password")
def _password_check(*, password: str, user: AbstractBaseUser, field: str) -> None:
    """Django's AUTH_PASSWORD_VALIDATORS. The API serializers run them first to answer with
    one message per problem; this guard keeps every other caller honest."""
    try:
        password_validation.validate_password(password, user=user)
    except DjangoValidationError as error:
        raise ValidationFailed(" ".join(error.messages), field=field) from None


@sensitive_variables("password")
@transaction.atomic
def user_signup(*, email: str, password: str, display_name: str = "") -> AbstractBaseUser:
    """Create an active user whose username and e-mail are ``email``, lower-cased.

    Raises ValidationFailed on ``email`` when the address (in any case) belongs to someone,
    on ``password`` when a password validator rejects it. Side effects: none (no e-mail is
    sent; the caller logs the user in)."""
    email = email_normalize(email)
    display_name = display_name.strip()
    if _email_in_use(email):
        raise ValidationFailed(EMAIL_TAKEN, field="email")
    candidate = User(username=email, email=email, first_name=display_name)
    _password_check(password=password, user=candidate, field="password")
    try:
        with transaction.atomic():  # a concurrent sign-up with the same address loses here
            return User.objects.create_user(
                username=email, email=email, password=password, first_name=display_name
            )
    except IntegrityError:
        raise ValidationFailed(EMAIL_TAKEN, field="email") from None


@sensitive_variables("password")
def user_authenticate(
    *, email: str, password: str, request: HttpRequest | None = None
) -> AbstractBaseUser:
    """The active user these credentials belong to, or ValidationFailed (no field) with one
    message whatever went wrong: unknown address, wrong password, inactive account.

    ``email`` may also be a username (accounts made in the admin or by ``seed_demo``).
    An unknown address still costs one password hash (Django's ModelBackend does that), so the
    answer takes as long either way. Side effects: Django may upgrade the stored password hash;
    ``user_login_failed`` is sent on failure."""
    identifier = email.strip()
    normalized = identifier.lower()
    by_username = User.objects.filter(username__in={identifier, normalized}).first()
    if by_username is not None:
        username = by_username.get_username()
    else:
        by_email = list(User.objects.filter(email__iexact=normalized)[:2])
        # Two legacy accounts sharing an address: refuse rather than guess which one.
        username = by_email[0].get_username() if len(by_email) == 1 else normalized
    user = authenticate(request, username=username, password=password)
    if user is None:
        raise ValidationFailed(WRONG_CREDENTIALS)
    return user


@transaction.atomic
def user_update(
    *,
    user: AbstractBaseUser,
    email: str | None = None,
    display_name: str | None = None,
    current_password: str | None = None,
) -> AbstractBaseUser:
    """Change the display name (stored as first name; the last name is cleared) and/or e-mail.

    A new e-mail address needs the current password: otherwise a leaked session or API token
    could redirect password-reset mail and take the account over. Raises ValidationFailed on
    ``current_password`` (missing or wrong) or ``email`` (taken). Accounts whose username was
    their e-mail keep the two in step. Side effects: outstanding password-reset links stop
    working when the address changes (the reset token covers the e-mail); no e-mail is sent."""
    changed: list[str] = []
    if email is not None:
        email = email_normalize(email)
        if email != user.email.lower():
            if not current_password:
                raise ValidationFailed(
                    "Enter your current password to change your e-mail address.",
                    field="current_password",
                )
            if not user.check_password(current_password):
                raise ValidationFailed("The password is wrong.", field="current_password")
            if _email_in_use(email, exclude_pk=user.pk):
                raise ValidationFailed(EMAIL_TAKEN, field="email")
            if user.get_username() == user.email.lower():
                user.username = email
                changed.append("username")
            user.email = email
            changed.append("email")
    if display_name is not None:
        user.first_name = display_name.strip()
        user.last_name = ""
        changed += ["first_name", "last_name"]
    if changed:
        try:
            with transaction.atomic():
                user.save(update_fields=changed)
        except IntegrityError:
            raise ValidationFailed(EMAIL_TAKEN, field="email") from None
    return user


def _reset_link(user: AbstractBaseUser) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return f"{settings.SITE_URL}/reset/{uid}/{token}"


def password_reset_request(*, email: str) -> int:
    """Mail a password-reset link to every active account with this address and a usable
    password; return how many were mailed (the API never tells the caller).

    Side effects: one e-mail per such account (templates ``planner/email/password_reset*.txt``)
    with ``{SITE_URL}/reset/{uidb64}/{token}``; the token is Django's default_token_generator's,
    valid for PASSWORD_RESET_TIMEOUT and void once the password, e-mail or last login changes.
    A mail server failure is logged (never the link) and not raised, so the answer does not
    depend on whether the address exists."""
    email = email_normalize(email)
    users = [
        user
        for user in User.objects.filter(email__iexact=email, is_active=True).order_by("pk")
        if user.has_usable_password()
    ]
    sent = 0
    for user in users:
        context = {
            "user": user,
            "display_name": user.get_full_name() or user.email,
            "reset_url": _reset_link(user),
            "site_url": settings.SITE_URL,
            "valid_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
        }
        subject = render_to_string("planner/email/password_reset_subject.txt", context)
        body = render_to_string("planner/email/password_reset.txt", context)
        try:
            send_mail(" ".join(subject.split()), body, None, [user.email])
        except (smtplib.SMTPException, OSError):
            logger.exception("password reset mail for user %s could not be sent", user.pk)
            continue
        sent += 1
    return sent


@sensitive_variables("new_password", "token")
@transaction.atomic
def password_reset_confirm(*, uidb64: str, token: str, new_password: str) -> AbstractBaseUser:
    """Set a new password from a reset link.

    Raises ValidationFailed on ``token`` when the link is malformed, expired, already used or
    for an inactive account; on ``new_password`` when a password validator rejects it.
    Side effects: the password changes, which ends all of the user's sessions (Django checks
    the session's password hash) and voids the link. API tokens are kept: they are listed and
    revocable at ``me/tokens/``."""
    try:
        pk = urlsafe_base64_decode(uidb64).decode()
        user = User.objects.select_for_update().get(pk=pk, is_active=True)
    except (TypeError, ValueError, OverflowError, User.DoesNotExist, DjangoValidationError):
        raise ValidationFailed(RESET_LINK_INVALID, field="token") from None
    if not default_token_generator.check_token(user, token):
        raise ValidationFailed(RESET_LINK_INVALID, field="token")
    _password_check(password=new_password, user=user, field="new_password")
    user.set_password(new_password)
    user.save(update_fields=["password"])
    return user


@sensitive_variables("raw")
@transaction.atomic
def api_token_create(*, user: AbstractBaseUser, name: str) -> tuple[ApiToken, str]:
    """A new personal API token for ``user``; returns the row and the raw token, which is
    shown once and never stored (only its SHA-256 is).

    Raises ValidationFailed on ``name`` when the user already has a token by that name.
    Side effects: none besides the row."""
    name = name.strip()
    if not name:
        raise ValidationFailed("Give the token a name.", field="name")
    if ApiToken.objects.filter(user=user, name=name).exists():
        raise ValidationFailed("You already have a token with this name.", field="name")
    raw = new_token()
    try:
        with transaction.atomic():
            token = ApiToken.objects.create(
                user=user, name=name, key_hash=hash_token(raw), hint=raw[:TOKEN_HINT_LENGTH]
            )
    except IntegrityError:  # the same name created concurrently
        raise ValidationFailed("You already have a token with this name.", field="name") from None
    return token, raw


@transaction.atomic
def api_token_revoke(*, user: AbstractBaseUser, token_id: int) -> None:
    """Delete the user's token ``token_id``; it stops authenticating at once.

    Raises NotFound when there is no such token or it is someone else's (never told apart).
    Side effects: none besides the deletion."""
    deleted, _ = ApiToken.objects.filter(user=user, pk=token_id).delete()
    if not deleted:
        raise NotFound("Not found.")
