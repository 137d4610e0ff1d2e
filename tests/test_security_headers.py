"""Content-Security-Policy, Permissions-Policy, Referrer-Policy and Cross-Origin-Opener-Policy
on every kind of response, and the endpoint browsers report CSP violations to.
tests/e2e/test_csp.py proves in Chromium that the pages keep to the policy."""

from __future__ import annotations

import json
import logging

import pytest

from tests import factories as f

PAGES = [
    "/",
    "/admin/login/",
    "/api/v1/docs/",
    "/api/v1/conferences/",
    "FEED",
    "/healthz",
]


def _policy(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.fixture
def built_frontend(tmp_path, settings):
    (tmp_path / "index.html").write_text('<!doctype html><title>Boardwalk</title><div id="app">')
    settings.FRONTEND_DIST = tmp_path


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_every_response_carries_the_security_headers(client, built_frontend, own_cache, path):
    if path == "FEED":
        path = f"/feeds/conference/{f.ConferenceFactory().slug}.ics"

    response = client.get(path)

    assert response.status_code in (200, 503), response.status_code  # 503: /healthz, no worker
    policy = _policy(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"][0] == "'self'"
    assert policy["style-src"][0] == "'self'"
    for directive in ("script-src", "style-src", "default-src"):
        assert "'unsafe-inline'" not in policy[directive]
        assert "'unsafe-eval'" not in policy[directive]
    # WebAssembly may be compiled (the Scan screen's QR decoder), and only that: no eval().
    assert policy["script-src"][-1] == "'wasm-unsafe-eval'"
    assert "'wasm-unsafe-eval'" not in policy["default-src"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["connect-src"] == ["'self'"]
    assert policy["manifest-src"] == ["'self'"]
    assert policy["img-src"][:3] == ["'self'", "data:", "blob:"]
    assert policy["report-uri"] == ["/csp-report"]
    assert policy["report-to"] == ["csp"]
    assert response["Reporting-Endpoints"] == 'csp="http://testserver/csp-report"'
    permissions = dict(item.split("=", 1) for item in response["Permissions-Policy"].split(", "))
    assert permissions["camera"] == "(self)"
    for feature in ("microphone", "geolocation", "payment", "usb"):
        assert permissions[feature] == "()"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    # drf-spectacular relaxes it on Swagger UI, whose OAuth2 login is a popup.
    coop = "unsafe-none" if path == "/api/v1/docs/" else "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == coop
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_pages_with_inline_code_get_a_fresh_nonce_that_matches_their_tags(client):
    first = client.get("/api/v1/docs/")
    second = client.get("/api/v1/docs/")

    nonces = []
    for response in (first, second):
        policy = _policy(response["Content-Security-Policy"])
        nonce = policy["script-src"][1]
        assert nonce.startswith("'nonce-")
        assert policy["style-src"][1] == nonce
        body = response.content.decode()
        value = nonce.removeprefix("'nonce-").removesuffix("'")
        # Every inline <script> and <style> carries it; scripts with src need none.
        assert body.count(f'<script nonce="{value}">') == 1
        assert body.count(f'<style nonce="{value}">') == 1
        assert body.count("<script>") == 0
        assert body.count("<style>") == 0
        nonces.append(value)
    assert nonces[0] != nonces[1]


@pytest.mark.django_db
def test_pages_without_inline_code_have_no_nonce(client, built_frontend):
    response = client.get("/")

    assert "nonce" not in response["Content-Security-Policy"]


# --- the report endpoint ----------------------------------------------------------------------

REPORT_URI_BODY = {
    "csp-report": {
        "document-uri": "https://boardwalk.example.org/admin/",
        "referrer": "",
        "violated-directive": "script-src-elem",
        "effective-directive": "script-src-elem",
        "original-policy": "default-src 'self'",
        "disposition": "enforce",
        "blocked-uri": "https://evil.example/x.js",
        "line-number": 12,
        "source-file": "https://boardwalk.example.org/admin/",
        "status-code": 200,
        "script-sample": "",
    }
}
REPORT_TO_BODY = [
    {
        "age": 10,
        "type": "csp-violation",
        "url": "https://boardwalk.example.org/api/v1/docs/",
        "user_agent": "Chrome",
        "body": {
            "documentURL": "https://boardwalk.example.org/api/v1/docs/",
            "effectiveDirective": "style-src-elem",
            "blockedURL": "inline",
            "disposition": "enforce",
            "sample": "body{color:red}",
            "sourceFile": "https://boardwalk.example.org/static/x.js",
            "lineNumber": 3,
        },
    },
    {"age": 1, "type": "deprecation", "url": "https://x/", "body": {"id": "old"}},
]


def _post(client, body, content_type):
    data = body if isinstance(body, bytes) else json.dumps(body)
    return client.post("/csp-report", data=data, content_type=content_type)


def test_report_uri_report_is_logged_with_directive_and_blocked_url(client, caplog):
    with caplog.at_level(logging.WARNING, logger="planner.csp"):
        response = _post(client, REPORT_URI_BODY, "application/csp-report")

    assert response.status_code == 204
    assert response.content == b""
    assert [r.getMessage() for r in caplog.records if r.name == "planner.csp"] == [
        "CSP violation: directive=script-src-elem blocked=https://evil.example/x.js "
        "document=https://boardwalk.example.org/admin/ "
        "source=https://boardwalk.example.org/admin/:12 sample=-"
    ]
    assert {r.levelname for r in caplog.records if r.name == "planner.csp"} == {"WARNING"}


def test_reporting_api_batch_logs_each_csp_violation_only(client, caplog):
    with caplog.at_level(logging.WARNING, logger="planner.csp"):
        response = _post(client, REPORT_TO_BODY, "application/reports+json")

    assert response.status_code == 204
    assert [r.getMessage() for r in caplog.records if r.name == "planner.csp"] == [
        "CSP violation: directive=style-src-elem blocked=inline "
        "document=https://boardwalk.example.org/api/v1/docs/ "
        "source=https://boardwalk.example.org/static/x.js:3 sample=body{color:red}"
    ]


def test_report_is_accepted_without_csrf_token(client, caplog):
    client.handler.enforce_csrf_checks = True

    response = _post(client, REPORT_URI_BODY, "application/csp-report")

    assert response.status_code == 204


def test_report_fields_cannot_forge_log_lines(client, caplog):
    body = json.loads(json.dumps(REPORT_URI_BODY))
    body["csp-report"]["blocked-uri"] = "x\nCRITICAL forged line" + "y" * 1000

    with caplog.at_level(logging.WARNING, logger="planner.csp"):
        response = _post(client, body, "application/csp-report")

    assert response.status_code == 204
    (message,) = [r.getMessage() for r in caplog.records if r.name == "planner.csp"]
    assert "\n" not in message
    assert "x\N{REPLACEMENT CHARACTER}CRITICAL forged line" in message
    assert len(message) < 600


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"not json", "application/csp-report"),
        (b" ", "application/csp-report"),
        (b"\xff\xfe\x00", "application/reports+json"),
        (b"[" * 20_000 + b"]" * 20_000, "application/reports+json"),
        (b"{}", "application/csp-report"),
        (b'{"csp-report": "x"}', "application/csp-report"),
        (b'{"csp-report": ["x"]}', "application/json"),
        (b"[]", "application/reports+json"),
        (b"[1, 2]", "application/reports+json"),
        (b'[{"type": "csp-violation", "body": "x"}]', "application/reports+json"),
        (b"null", "application/json"),
    ],
)
def test_junk_report_answers_400_in_the_error_shape(client, caplog, body, content_type):
    with caplog.at_level(logging.WARNING, logger="planner.csp"):
        response = _post(client, body, content_type)

    assert response.status_code == 400
    assert response.json()["errors"] == {}
    assert response.json()["detail"].startswith("Not a CSP violation report")
    assert [r for r in caplog.records if r.name == "planner.csp"] == []


def test_report_of_another_content_type_answers_415(client):
    response = _post(client, REPORT_URI_BODY, "text/plain")

    assert response.status_code == 415
    assert response.json()["detail"].startswith("Not a CSP violation report")


def test_oversized_report_answers_413_unread(client, settings, caplog):
    body = json.dumps(REPORT_URI_BODY).encode()
    settings.CSP_REPORT_MAX_BYTES = len(body) - 1

    with caplog.at_level(logging.WARNING, logger="planner.csp"):
        response = _post(client, body, "application/csp-report")

    assert response.status_code == 413
    assert response.json() == {
        "detail": f"A report may be at most {len(body) - 1} bytes.",
        "errors": {},
    }
    assert [r for r in caplog.records if r.name == "planner.csp"] == []


def test_report_endpoint_takes_only_post(client):
    response = client.get("/csp-report")

    assert response.status_code == 405
