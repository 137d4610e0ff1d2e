"""The other ways in: the organizer API, the admin upload page, and the periodic URL refresh."""

from __future__ import annotations

import datetime as dt
import http.server
import socket
import threading
from pathlib import Path
from unittest.mock import ANY

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from planner.models import Conference, ImportRun, Session
from planner.services.refresh import conferences_due, source_refresh
from tests import factories as f

pytestmark = pytest.mark.django_db

REAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "real"
GOOD_XML = (REAL / "good-2025/schedule.xml").read_bytes()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


# --- API -------------------------------------------------------------------------------------------


def test_api_import_queues_and_runs(
    client, conference, good_dates, organizer, eager, django_capture_on_commit_callbacks
):
    client.force_login(organizer)
    url = f"/api/v1/conferences/{conference.slug}/imports/"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"file": SimpleUploadedFile("schedule.xml", GOOD_XML)})

    assert response.status_code == 202
    run_id = response.json()["id"]
    assert response["Location"].endswith(f"{url}{run_id}/")
    run = client.get(f"{url}{run_id}/").json()
    assert run["status"] == "succeeded"
    assert run["counts"]["session"]["created"] == 72
    assert Session.objects.filter(conference=conference).count() == 72


def test_api_import_refuses_bad_file_at_once(client, conference, organizer):
    client.force_login(organizer)

    response = client.post(
        f"/api/v1/conferences/{conference.slug}/imports/",
        {"file": SimpleUploadedFile("broken.xml", b"<schedule><day>")},
    )

    body = response.json()
    assert response.status_code == 400
    assert body["detail"].startswith("broken.xml:1")
    assert body["errors"]["file"] == [body["detail"]]
    assert ImportRun.objects.get(pk=body["import_run"]).status == "failed"
    assert Session.objects.count() == 0


def test_api_import_needs_file_or_url(client, conference, organizer):
    client.force_login(organizer)

    response = client.post(
        f"/api/v1/conferences/{conference.slug}/imports/", {}, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"file": ["Send either a file or a url."]}


@pytest.mark.parametrize("who", ["anonymous", "attendee", "other_organizer"])
def test_api_imports_are_hidden_from_non_organizers(client, conference, organizer, who):
    ImportRun.objects.create(conference=conference, source="x.xml")
    if who == "attendee":
        client.force_login(f.AttendeeFactory(conference=conference).user)
    elif who == "other_organizer":
        other = f.UserFactory(username="other", is_staff=True)
        f.ConferenceFactory().organizers.add(other)
        client.force_login(other)

    listing = client.get(f"/api/v1/conferences/{conference.slug}/imports/")
    posting = client.post(
        f"/api/v1/conferences/{conference.slug}/imports/",
        {"file": SimpleUploadedFile("s.xml", GOOD_XML)},
    )

    expected = 403 if who == "anonymous" else 404
    assert listing.status_code == expected
    assert posting.status_code == expected
    assert ImportRun.objects.count() == 1


# --- admin ----------------------------------------------------------------------------------------


def test_admin_upload_runs_import_and_shows_diff(
    client, conference, good_dates, eager, django_capture_on_commit_callbacks
):
    client.force_login(f.UserFactory(username="root", is_staff=True, is_superuser=True))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:planner_importrun_upload"),
            {
                "conference": conference.pk,
                "file": SimpleUploadedFile("schedule.xml", GOOD_XML),
                "source_key": "import",
                "format": "",
                "timezone": "",
            },
        )

    run = ImportRun.objects.get(conference=conference)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:planner_importrun_change", args=[run.pk])
    page = client.get(response["Location"]).content.decode()
    assert run.status == "succeeded" or ImportRun.objects.get(pk=run.pk).status == "succeeded"
    assert "72 changes" in page
    assert "Contributor Jam" in page
    assert 'http-equiv="refresh"' not in page  # finished: no more polling


def test_admin_run_page_polls_while_running(client, conference):
    client.force_login(f.UserFactory(username="root", is_staff=True, is_superuser=True))
    run = ImportRun.objects.create(
        conference=conference, source="big.xml", status="running", stage="writing 20,000 items"
    )

    page = client.get(reverse("admin:planner_importrun_change", args=[run.pk])).content.decode()

    assert 'http-equiv="refresh"' in page
    assert "writing 20,000 items" in page


def test_admin_upload_form_needs_file_or_url(client, conference):
    client.force_login(f.UserFactory(username="root", is_staff=True, is_superuser=True))

    response = client.post(
        reverse("admin:planner_importrun_upload"),
        {"conference": conference.pk, "source_key": "import"},
    )

    assert response.status_code == 200
    assert "Choose a file or give a URL." in response.content.decode()
    assert ImportRun.objects.count() == 0


def test_admin_upload_form_refuses_loopback_url(client, conference):
    client.force_login(f.UserFactory(username="root", is_staff=True, is_superuser=True))

    response = client.post(
        reverse("admin:planner_importrun_upload"),
        {"conference": conference.pk, "source_key": "import", "url": "http://127.0.0.1:6379/"},
    )

    assert response.status_code == 200
    assert "is not a public address (loopback" in response.content.decode()
    assert ImportRun.objects.count() == 0


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "http://169.254.169.254/latest/meta-data/",
            "is not a public address (private, link-local",
        ),
        ("http://[::ffff:127.0.0.1]:6379/", "is not a public address"),
        ("http://10.0.0.5/schedule.xml", "is not a public address (private"),
    ],
)
def test_admin_conference_source_url_refuses_unsafe_url(client, conference, url, message):
    """The refresh fetches a conference's source URL on a timer: the admin refuses one it
    would refuse, when it is typed, with the reason."""
    organizer = f.UserFactory(username="org", is_staff=True, is_superuser=True)
    client.force_login(organizer)
    change = reverse("admin:planner_conference_change", args=[conference.pk])
    form = client.get(change).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)}
    data.update(
        start_date=conference.start_date.isoformat(),
        end_date=conference.end_date.isoformat(),
        source_url=url,
        source_format="",
    )

    response = client.post(change, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"source_url": [ANY]}
    assert message in response.context["adminform"].form.errors["source_url"][0]
    conference.refresh_from_db()
    assert conference.source_url == ""


@pytest.mark.parametrize("kind", ["sessions", "orals", "posters", "papers", "booths", "meals"])
def test_admin_offers_csv_templates(client, kind):
    from planner.importers import parse_schedule
    from planner.importers.base import ImportOptions

    client.force_login(f.UserFactory(username="root", is_staff=True, is_superuser=True))

    response = client.get(reverse("admin:planner_importrun_template", args=[kind]))

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{kind}.csv"'
    lines = response.content.decode().strip().splitlines()
    assert len(lines) == 2  # header and example row
    if kind in ("sessions", "papers", "booths", "meals"):  # the ones that stand alone
        parsed = parse_schedule(
            response.content, ImportOptions(filename=f"{kind}.csv", timezone="Asia/Jerusalem")
        )
        assert sum(parsed.counts().values()) >= 1


# --- periodic refresh from a URL -------------------------------------------------------------------


class _Schedule(http.server.BaseHTTPRequestHandler):
    body = GOOD_XML
    etag = '"v1"'
    requests: list[str | None] = []

    def do_GET(self):
        type(self).requests.append(self.headers.get("If-None-Match"))
        if self.headers.get("If-None-Match") == self.etag:
            self.send_response(304)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("ETag", self.etag)
        self.send_header("Content-Type", "application/xml")
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


@pytest.fixture
def schedule_server(settings):
    # URL imports fetch public addresses only; this loopback server is allowed by name.
    settings.IMPORT_URL_ALLOWED_HOSTS = ["localhost"]
    _Schedule.requests = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Schedule)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://localhost:{server.server_address[1]}/schedule.xml"
    server.shutdown()
    server.server_close()


def test_refresh_imports_then_honours_etag(conference, good_dates, schedule_server):
    Conference.objects.filter(pk=conference.pk).update(source_url=schedule_server)
    assert conferences_due() == [conference.pk]

    first = source_refresh(conference_id=conference.pk)

    assert first.status == "succeeded"
    assert Session.objects.filter(conference=conference).count() == 72
    conference.refresh_from_db()
    assert conference.source_etag == '"v1"'
    assert conferences_due() == []  # checked just now
    later = conference.source_checked_at + dt.timedelta(minutes=conference.source_refresh_minutes)
    assert conferences_due(now=later) == [conference.pk]
    Conference.objects.filter(pk=conference.pk).update(
        source_checked_at=conference.source_checked_at - dt.timedelta(hours=1)
    )

    second = source_refresh(conference_id=conference.pk)

    assert second is None
    assert _Schedule.requests == [None, '"v1"']
    assert ImportRun.objects.filter(conference=conference).count() == 1


def test_refresh_records_unreachable_source(conference, settings):
    settings.IMPORT_URL_ALLOWED_HOSTS = ["localhost"]
    Conference.objects.filter(pk=conference.pk).update(source_url="http://localhost:1/schedule.xml")

    run = source_refresh(conference_id=conference.pk)

    assert run.status == "failed"
    assert run.errors[0]["message"] == "could not fetch the URL"


def test_refresh_refuses_loopback_source_without_connecting(conference):
    trap = socket.socket()
    trap.bind(("127.0.0.1", 0))
    trap.listen(4)
    port = trap.getsockname()[1]
    Conference.objects.filter(pk=conference.pk).update(
        source_url=f"http://127.0.0.1:{port}/schedule.xml"
    )
    try:
        run = source_refresh(conference_id=conference.pk)
        trap.setblocking(False)
        with pytest.raises(BlockingIOError):
            trap.accept()  # nothing connected
    finally:
        trap.close()

    assert run.status == "failed"
    assert run.errors[0]["text"] == f"http://127.0.0.1:{port}/schedule.xml: could not fetch the URL"
    assert Session.objects.filter(conference=conference).count() == 0


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("http://127.0.0.1:6379/", "not a public address (loopback"),
        ("http://[::1]/schedule.xml", "not a public address (loopback"),
        ("http://[::ffff:127.0.0.1]/schedule.xml", "embedding 127.0.0.1"),
        ("http://10.0.0.5/schedule.xml", "not a public address (private"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://[fe80::1]/schedule.xml", "link-local"),
        ("http://localhost:8000/schedule.xml", "this machine (localhost)"),
        ("ftp://example.org/schedule.xml", "only http:// and https://"),
        ("http://user:pw@example.org/schedule.xml", "user name or password"),
    ],
)
def test_api_import_refuses_unsafe_url_at_once(client, conference, organizer, url, says):
    client.force_login(organizer)

    response = client.post(
        f"/api/v1/conferences/{conference.slug}/imports/",
        {"url": url},
        content_type="application/json",
    )

    assert response.status_code == 400
    body = response.json()
    assert list(body["errors"]) == ["url"]
    assert says in body["errors"]["url"][0]
    assert ImportRun.objects.filter(conference=conference).count() == 0


def test_api_import_accepts_public_name_and_allowed_host(client, conference, organizer, settings):
    """Names are checked when fetched (DNS changes); an allowed host passes as written."""
    client.force_login(organizer)
    settings.IMPORT_URL_ALLOWED_HOSTS = ["10.0.0.5"]
    url = f"/api/v1/conferences/{conference.slug}/imports/"

    public = client.post(url, {"url": "https://schedule.example.org/s.xml"}, "application/json")
    allowed = client.post(url, {"url": "http://10.0.0.5/s.xml"}, "application/json")

    assert (public.status_code, allowed.status_code) == (202, 202)
    assert [r.source for r in ImportRun.objects.order_by("pk")] == [
        "https://schedule.example.org/s.xml",
        "http://10.0.0.5/s.xml",
    ]
