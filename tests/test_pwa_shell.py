import pytest


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
