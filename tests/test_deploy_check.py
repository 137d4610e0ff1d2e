"""`manage.py check --deploy --fail-level WARNING` with the production switch: clean with a
strong SECRET_KEY from the environment, refused without one. Each run is a fresh process,
since settings are read once at start."""

from __future__ import annotations

import secrets
import subprocess
import sys

import pytest

from conf.env import BASE_DIR

PRODUCTION = {
    "BOARDWALK_PRODUCTION": "1",
    "ALLOWED_HOSTS": "boardwalk.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://boardwalk.example.org",
    "DEBUG": "0",
}
APP_VARIABLES = {
    "SECRET_KEY",
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_COOKIES",
    "BEHIND_TLS_PROXY",
}


def _manage(tmp_path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    import os

    base = {k: v for k, v in os.environ.items() if k not in APP_VARIABLES}
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={**base, "BOARDWALK_VAR_DIR": str(tmp_path / "var"), **PRODUCTION, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.slow
def test_deploy_check_is_clean_in_production_with_a_strong_secret_key(tmp_path):
    result = _manage(
        tmp_path,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=secrets.token_urlsafe(50),
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    # The key was not written to var/: production never generates one.
    assert not (tmp_path / "var" / "secret_key").exists()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("key", "why"),
    [
        (None, "(got none)"),
        ("", "(got none)"),
        ("short-but-random-Zq3x9", "(got 22 characters, 17 different)"),
        ("ab" * 40, "(got 80 characters, 2 different)"),
    ],
)
def test_production_refuses_to_start_without_a_strong_secret_key(tmp_path, key, why):
    env = {} if key is None else {"SECRET_KEY": key}

    result = _manage(tmp_path, "check", "--deploy", **env)

    assert result.returncode != 0
    assert "ImproperlyConfigured: BOARDWALK_PRODUCTION is on, so SECRET_KEY must be set" in (
        result.stderr
    )
    assert "at least 50 characters with at least 5 different ones " + why in result.stderr
    assert not (tmp_path / "var" / "secret_key").exists()


@pytest.mark.slow
def test_production_defaults_can_be_read_back(tmp_path):
    code = (
        "from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD, "
        "s.SECURE_SSL_REDIRECT, s.SECURE_PROXY_SSL_HEADER, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SECURE_REDIRECT_EXEMPT)"
    )

    result = _manage(tmp_path, "shell", "-c", code, SECRET_KEY=secrets.token_urlsafe(50))

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == (
        "31536000 True True True ('HTTP_X_FORWARDED_PROTO', 'https') True True ['^healthz$']"
    )


@pytest.mark.slow
def test_processes_starting_at_once_share_one_generated_key(tmp_path):
    """Without SECRET_KEY (make run): gunicorn's workers start together; every one reads the
    same key, from a 0600 file, and no temporary file is left behind."""
    import os

    base = {k: v for k, v in os.environ.items() if k not in APP_VARIABLES}
    env = {**base, "BOARDWALK_VAR_DIR": str(tmp_path / "var"), "BOARDWALK_PRODUCTION": "0"}
    code = "from django.conf import settings as s; print(s.SECRET_KEY)"
    starts = [
        subprocess.Popen(  # noqa: S603 - our own interpreter and manage.py
            [sys.executable, "manage.py", "shell", "-c", code],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    keys = set()
    for process in starts:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        keys.add(out.strip().splitlines()[-1])

    stored = tmp_path / "var" / "secret_key"
    assert keys == {stored.read_text().strip()}
    assert len(next(iter(keys))) >= 50
    assert stored.stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in stored.parent.glob("secret_key*")) == ["secret_key"]


def test_development_keeps_its_generated_key_and_plain_http(settings):
    """Without the switch (make run, tests) nothing of the above is forced."""
    assert settings.PRODUCTION is False
    assert settings.SECURE_SSL_REDIRECT is False
    assert settings.SECURE_HSTS_SECONDS == 0
    assert len(settings.SECRET_KEY) >= 50


@pytest.mark.django_db
def test_healthz_stays_reachable_over_plain_http_when_https_is_forced(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    health = client.get("/healthz")
    admin = client.get("/admin/login/")

    assert health.status_code in (200, 503)
    assert "database" in health.json()
    assert admin.status_code == 301
    assert admin["Location"] == "https://testserver/admin/login/"
    assert client.get("/admin/login/", headers={"X-Forwarded-Proto": "https"}).status_code == 301
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    behind_proxy = client.get("/admin/login/", headers={"X-Forwarded-Proto": "https"})
    assert behind_proxy.status_code == 200
