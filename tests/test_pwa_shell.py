import json
import re

import pytest
from django.urls import Resolver404, get_resolver, resolve

from conf.env import BASE_DIR
from planner.views import pwa_shell


@pytest.fixture
def built_frontend(tmp_path, settings):
    (tmp_path / "index.html").write_text(
        '<!doctype html><title>Boardwalk</title><div id="app"></div>'
    )
    settings.FRONTEND_DIST = tmp_path
    return tmp_path


def test_root_serves_pwa_shell(client, built_frontend):
    response = client.get("/")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Cache-Control"] == "no-cache"
    assert '<div id="app"></div>' in response.content.decode()


def test_client_side_route_serves_pwa_shell(client, built_frontend):
    assert client.get("/plan/today").content == client.get("/").content


def test_api_paths_are_not_swallowed_by_shell(client, built_frontend, db):
    response = client.get("/api/v1/no-such-endpoint")

    assert response.status_code == 404
    assert b'id="app"' not in response.content
    assert response.json() == {"detail": "Not found.", "errors": {}}


def test_root_without_build_says_how_to_build(client, tmp_path, settings):
    settings.FRONTEND_DIST = tmp_path / "missing"

    response = client.get("/")

    assert response.status_code == 503
    assert b"make frontend" in response.content


def test_qr_code_urls_open_the_pwa(client, built_frontend):
    """A phone camera opens what a badge or poster-board QR holds: both are PWA routes."""
    shell = client.get("/").content

    assert client.get("/b/Zq3-x_9AbCdEfGhIjKlMnOpQrStUvWxY").content == shell
    assert client.get("/conferences/eccv-2026/posters/42").content == shell


# --- the build's files, served by whitenoise from the site root (WHITENOISE_ROOT) ------------

SERVER_PATHS = json.loads((BASE_DIR / "frontend" / "src" / "server-paths.json").read_text())[
    "paths"
]


@pytest.fixture
def served_build(tmp_path, settings):
    """A build in FRONTEND_DIST as `vite build` lays it out, served from `/` by whitenoise
    (its middleware reads WHITENOISE_ROOT when the test client builds it: first request)."""
    (tmp_path / "assets").mkdir()
    (tmp_path / "icons").mkdir()
    (tmp_path / "index.html").write_text('<!doctype html><div id="app"></div>')
    (tmp_path / "sw.js").write_text("self.__WB_MANIFEST_BUILT = 1;\n")
    (tmp_path / "assets" / "index-Ba0sJc0N.js").write_text("console.log(1);\n")
    (tmp_path / "manifest.webmanifest").write_text('{"name": "Boardwalk"}')
    (tmp_path / "icons" / "icon.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    settings.FRONTEND_DIST = tmp_path
    settings.WHITENOISE_ROOT = tmp_path
    return tmp_path


def test_service_worker_is_served_from_the_root_and_always_revalidated(client, served_build):
    response = client.get("/sw.js")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"self.__WB_MANIFEST_BUILT = 1;\n"
    assert response["Content-Type"].startswith("text/javascript")  # a service worker must be JS
    assert response["Cache-Control"] == "no-cache"
    # Served at the root, it controls the whole site without a Service-Worker-Allowed header.
    assert "Service-Worker-Allowed" not in response
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_index_html_fetched_by_the_precache_is_always_revalidated(client, served_build):
    """Workbox precaches `/index.html?__WB_REVISION__=<md5>`: it must be the shell, fresh."""
    response = client.get("/index.html", {"__WB_REVISION__": "ee91d7c6"})

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b'<!doctype html><div id="app"></div>'
    assert response["Cache-Control"] == "no-cache"


def test_hashed_assets_are_immutable_and_stable_names_cached_briefly(client, served_build):
    asset = client.get("/assets/index-Ba0sJc0N.js")
    manifest = client.get("/manifest.webmanifest")
    icon = client.get("/icons/icon.svg")

    assert asset["Cache-Control"] == "max-age=315360000, public, immutable"
    assert manifest["Cache-Control"] == "max-age=60, public"
    assert manifest["Content-Type"] == "application/manifest+json"
    assert icon["Cache-Control"] == "max-age=60, public"


@pytest.mark.parametrize("path", SERVER_PATHS)
def test_paths_the_service_worker_leaves_to_django_are_not_the_shell(path):
    """frontend/src/server-paths.json lists what the service worker never answers with the
    shell; each of them must indeed be Django's (a view other than the shell, or a 404)."""
    probe = f"{path}x/" if path.endswith("/") else path
    try:
        view = resolve(probe).func
    except Resolver404:
        view = None

    assert view is not pwa_shell


def test_every_prefix_the_shell_route_excludes_is_left_to_django_by_the_service_worker():
    pattern = next(p for p in get_resolver().url_patterns if getattr(p, "name", "") == "pwa-route")
    # conf/urls.py's pwa-route: ^(?!api/|admin/|…)[\w\-/]+/?$
    prefixes = re.search(r"\(\?!([^)]*)\)", pattern.pattern.regex.pattern).group(1).split("|")

    assert "api/" in prefixes
    # /assets/ holds files only (no navigation); the service worker treats it as files too.
    assert {f"/{prefix}" for prefix in prefixes if prefix != "assets/"} <= set(SERVER_PATHS)
