from __future__ import annotations

import datetime as dt
import logging
import re
import socket

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from rest_framework.test import APIClient

from planner.services.accounts import RESET_LINK_INVALID
from tests.factories import UserFactory

ACCEPTED = {"detail": "If an account uses this address, a reset link is on its way."}
NEW_PASSWORD = "a brand new passphrase"


def _link_parts(body: str) -> tuple[str, str]:
    match = re.search(re.escape(settings.SITE_URL) + r"/reset/([\w-]+)/([\w-]+)\n", body)
    assert match, body
    return match.group(1), match.group(2)


def _confirm(api: APIClient, uid: str, token: str, new_password: str = NEW_PASSWORD):
    return api.post(
        reverse("accounts-password-reset-confirm"),
        {"uid": uid, "token": token, "new_password": new_password},
        format="json",
    )


@pytest.mark.django_db
def test_password_reset_mails_a_link_to_a_known_address(api, user, mailoutbox):
    response = api.post(
        reverse("accounts-password-reset"), {"email": user.email.upper()}, format="json"
    )

    assert response.status_code == 202
    assert response.json() == ACCEPTED
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [user.email]
    assert mail.subject == "Reset your Boardwalk password"
    assert mail.body.startswith("Hello Ada Lovelace,\n")
    uid, token = _link_parts(mail.body)
    assert uid == urlsafe_base64_encode(force_bytes(user.pk))
    assert default_token_generator.check_token(user, token)


@pytest.mark.django_db
def test_password_reset_unknown_address_answers_the_same_and_mails_nobody(api, user, mailoutbox):
    response = api.post(
        reverse("accounts-password-reset"), {"email": "nobody@example.org"}, format="json"
    )

    assert response.status_code == 202
    assert response.json() == ACCEPTED
    assert mailoutbox == []


@pytest.mark.django_db
def test_password_reset_inactive_or_passwordless_accounts_get_no_mail(api, mailoutbox):
    UserFactory(email="gone@example.org", is_active=False)
    UserFactory(email="sso@example.org", password=None)

    for email in ("gone@example.org", "sso@example.org"):
        response = api.post(reverse("accounts-password-reset"), {"email": email}, format="json")
        assert response.json() == ACCEPTED

    assert mailoutbox == []


@pytest.mark.django_db
def test_password_reset_mail_server_down_still_answers_202(api, user, settings, caplog):
    with socket.socket() as closed:  # a port nobody listens on: the connection is refused
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2

    with caplog.at_level(logging.ERROR, logger="planner.services.accounts"):
        response = api.post(reverse("accounts-password-reset"), {"email": user.email})

    assert response.status_code == 202
    assert response.json() == ACCEPTED
    assert [r.getMessage() for r in caplog.records] == [
        f"password reset mail for user {user.pk} could not be sent"
    ]
    assert "/reset/" not in caplog.text


@pytest.mark.django_db
def test_password_reset_per_address_throttle_caps_mail_to_one_inbox(api, user, mailoutbox):
    url = reverse("accounts-password-reset")
    answers = [
        api.post(url, {"email": user.email}, format="json", REMOTE_ADDR=f"192.0.2.{n}").status_code
        for n in range(6)
    ]

    assert answers == [202] * 5 + [429]
    assert len(mailoutbox) == 5


@pytest.mark.django_db
def test_password_reset_confirm_sets_the_new_password(api, user, mailoutbox):
    api.post(reverse("accounts-password-reset"), {"email": user.email}, format="json")
    uid, token = _link_parts(mailoutbox[0].body)

    response = _confirm(api, uid, token)

    assert response.status_code == 204
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    login = api.post(
        reverse("accounts-login"), {"email": user.email, "password": NEW_PASSWORD}, format="json"
    )
    assert login.json()["id"] == user.pk


@pytest.mark.django_db
def test_password_reset_confirm_link_works_once(api, user):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    assert _confirm(api, uid, token).status_code == 204

    again = _confirm(api, uid, token, new_password="yet another passphrase")

    assert again.status_code == 400
    assert again.json() == {"detail": RESET_LINK_INVALID, "errors": {"token": [RESET_LINK_INVALID]}}
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("uid", "token"),
    [
        ("OWN", "1-wrongtoken"),
        ("not base64!", "OWN"),
        (urlsafe_base64_encode(b"abc"), "OWN"),
        (urlsafe_base64_encode(b"99999999999999999999999"), "OWN"),
        (urlsafe_base64_encode(b"\xff\xfe"), "OWN"),
    ],
    ids=["wrong-token", "garbage-uid", "non-numeric-uid", "huge-uid", "non-utf8-uid"],
)
def test_password_reset_confirm_bad_link_fails_on_token(api, user, uid, token):
    own_uid = urlsafe_base64_encode(force_bytes(user.pk))
    own_token = default_token_generator.make_token(user)

    response = _confirm(
        api, own_uid if uid == "OWN" else uid, own_token if token == "OWN" else token
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"token": [RESET_LINK_INVALID]}
    user.refresh_from_db()
    assert not user.check_password(NEW_PASSWORD)


@pytest.mark.django_db
def test_password_reset_confirm_expired_link_fails_on_token(api, user):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    later = dt.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)

    with time_machine.travel(later, tick=False):
        response = _confirm(api, uid, token)

    assert response.json()["errors"] == {"token": [RESET_LINK_INVALID]}


@pytest.mark.django_db
def test_password_reset_confirm_weak_password_fails_and_keeps_the_link(api, user):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)

    weak = _confirm(api, uid, token, new_password="password")
    similar = _confirm(api, uid, token, new_password=user.email)

    assert weak.status_code == 400
    assert weak.json()["errors"] == {"new_password": ["This password is too common."]}
    assert similar.status_code == 400
    assert similar.json()["errors"]["new_password"][0].startswith("The password is too similar")
    assert _confirm(api, uid, token).status_code == 204


@pytest.mark.django_db
def test_password_reset_confirm_ends_existing_sessions(api, user, signed_in):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    assert signed_in.get(reverse("accounts-me")).status_code == 200

    _confirm(api, uid, token)

    assert signed_in.get(reverse("accounts-me")).status_code == 403
