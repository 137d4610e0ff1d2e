"""The Docker image and compose file (no Docker engine here, see docs/docker-check.md): what can
be checked without building is checked — the image's gunicorn command line as gunicorn itself
reads it, digests, the lock, the build context, and compose's services and secrets."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
import yaml

from conf.env import BASE_DIR

DOCKERFILE = (BASE_DIR / "Dockerfile").read_text()
COMPOSE = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
ENV_EXAMPLE = (BASE_DIR / ".env.example").read_text()
APP_SERVICES = ("migrate", "web", "worker", "beat")


def _image_cmd() -> list[str]:
    (line,) = [ln for ln in DOCKERFILE.splitlines() if ln.startswith("CMD ")]
    return json.loads(line.removeprefix("CMD "))


def _gunicorn_config(argv: list[str], **env: str) -> dict[str, str]:
    """gunicorn's effective settings for this command line (--print-config starts nothing)."""
    assert argv[0] == "gunicorn"
    child = {k: v for k, v in os.environ.items() if k != "WEB_CONCURRENCY"} | env
    result = subprocess.run(  # noqa: S603 - our own interpreter, the image's own arguments
        [sys.executable, "-m", "gunicorn", *argv[1:], "--print-config"],
        cwd=BASE_DIR,
        env=child,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return dict(re.findall(r"^(\w+)\s+= (.*)$", result.stdout, re.MULTILINE))


def test_image_command_honours_web_concurrency():
    assert _gunicorn_config(_image_cmd(), WEB_CONCURRENCY="5")["workers"] == "5"
    default = _gunicorn_config(_image_cmd())
    assert default["workers"] == "3"
    assert default["bind"] == "['0.0.0.0:8000']"
    assert default["logger_class"] == "conf.logging.RedactingGunicornLogger"  # tokens redacted
    assert "command" not in COMPOSE["services"]["web"]  # compose's web runs the image's CMD


def test_base_images_are_pinned_by_digest():
    froms = re.findall(r"^FROM (\S+)", DOCKERFILE, re.MULTILINE)
    assert froms == [
        "node:20-bookworm-slim@${NODE_DIGEST}",
        "python:3.11-slim-bookworm@${PYTHON_DIGEST}",
    ]
    for name in ("NODE_DIGEST", "PYTHON_DIGEST"):
        assert f"\nARG {name}\n" in DOCKERFILE  # declared before the first FROM, no default
        assert COMPOSE["x-boardwalk-app"]["build"]["args"][name].startswith(f"${{{name}:?")
    for service, tag in (("postgres", "postgres:16"), ("redis", "redis:7")):
        digest = service.upper() + "_DIGEST"
        assert (
            COMPOSE["services"][service]["image"]
            == f"{tag}@${{{digest}:?set {digest} in .env (make docker-pins)}}"
        )


def test_image_installs_the_lock_with_hashes():
    assert "COPY requirements.lock ./" in DOCKERFILE
    assert "pip install --no-cache-dir --require-hashes -r requirements.lock" in DOCKERFILE
    assert "COPY pyproject.toml" not in DOCKERFILE  # no unpinned install from pyproject


@pytest.mark.parametrize(
    "pattern",
    [
        ".git",
        ".venv",
        "var",
        "**/node_modules",
        "tests",
        "bench",
        "**/__pycache__",
        ".pytest_cache",
        ".ruff_cache",
        ".hypothesis",
        ".env",
    ],
)
def test_dockerignore_drops(pattern):
    lines = [ln.strip() for ln in (BASE_DIR / ".dockerignore").read_text().splitlines()]
    assert pattern in lines
    assert f"!{pattern}" not in lines


def test_worker_and_beat_wait_for_migrations_and_have_health_checks():
    services = COMPOSE["services"]
    assert services["migrate"]["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert services["migrate"]["restart"] == "no"  # a one-shot, not restarted after exit 0
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }
    for name in ("worker", "beat"):
        command = services[name]["command"]
        assert command[:2] == ["sh", "-c"]
        assert command[2].startswith("python manage.py wait_for_migrations && exec celery ")
        check = services[name]["healthcheck"]
        assert check["test"][:5] == ["CMD", "python", "manage.py", "healthcheck", name]
        assert "disable" not in check


def test_compose_takes_secrets_from_the_env_file():
    text = (BASE_DIR / "docker-compose.yml").read_text()
    for name in APP_SERVICES:
        assert COMPOSE["services"][name]["env_file"] == ".env"
    # No literal secret: every SECRET/PASSWORD/KEY value is a ${...} from .env, or absent.
    for match in re.finditer(r"^\s*(\w*(?:SECRET|PASSWORD|KEY)\w*):\s*(\S+)", text, re.MULTILINE):
        assert match[2].startswith("${"), match[0]
    assert ":boardwalk@" not in text
    for name in APP_SERVICES:  # SECRET_KEY reaches the app through env_file only
        assert "SECRET_KEY" not in COMPOSE["services"][name].get("environment", {})


def _documented() -> set[str]:
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", ENV_EXAMPLE, re.MULTILINE))


def test_env_example_documents_every_variable():
    used = set(re.findall(r"\$\{([A-Z][A-Z0-9_]+)", (BASE_DIR / "docker-compose.yml").read_text()))
    for path in [*(BASE_DIR / "conf").glob("*.py"), *(BASE_DIR / "planner").rglob("*.py")]:
        source = path.read_text()
        used |= set(re.findall(r"env_(?:str|int|bool|list)\(\s*[\"']([A-Z][A-Z0-9_]+)", source))
        used |= set(re.findall(r"environ(?:\.get)?[\(\[]\s*[\"']([A-Z][A-Z0-9_]+)", source))
    used -= {"CI", "DJANGO_SETTINGS_MODULE"}  # the test switch; set by manage.py / the image

    assert sorted(used - _documented()) == []
