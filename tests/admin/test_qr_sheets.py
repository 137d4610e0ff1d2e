"""Printable QR sheets from the admin: attendee badges and poster-board cards."""

from __future__ import annotations

import html
import re

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from planner.badges import badge_url, poster_url
from tests import factories as f
from tests.qr import decode_svg, svgs_in_html

pytestmark = pytest.mark.django_db

ATTENDEES = reverse("admin:planner_attendee_changelist")
SESSIONS = reverse("admin:planner_session_changelist")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Every attendee has a user whose factory password is hashed: PBKDF2 takes most of a second.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _organizer(client, *conferences):
    user = f.UserFactory(is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="planner"))
    for conference in conferences:
        conference.organizers.add(user)
    client.force_login(user)
    return user


def _act(client, url: str, action: str, rows) -> object:
    return client.post(url, {"action": action, "_selected_action": [str(r.pk) for r in rows]})


def _blocks(body: str, css_class: str) -> list[str]:
    """The markup of each ``<article class="css_class">``, in page order."""
    return body.split(f'<article class="{css_class}">')[1:]


def _text(pattern: str, block: str) -> str:
    match = re.search(pattern, block, re.DOTALL)
    assert match, f"{pattern!r} not in {block[:300]!r}"
    return html.unescape(match.group(1)).strip()


def _badges(body: str) -> list[tuple[str, str, list[str]]]:
    """(conference, name, decoded QR texts) of each badge on the sheet."""
    return [
        (
            _text(r'<div class="conference">(.*?)</div>', block),
            _text(r'<p class="name \w+">(.*?)</p>', block),
            decode_svg(svgs_in_html(block)[0]),
        )
        for block in _blocks(body, "badge")
    ]


def _cards(body: str) -> list[tuple[str, str, list[str]]]:
    """(board, title, decoded QR texts) of each poster-board card on the sheet."""
    return [
        (
            _text(r"<small>Board</small>(.*?)</p>", block),
            _text(r'<p class="poster-title">(.*?)</p>', block),
            decode_svg(svgs_in_html(block)[0]),
        )
        for block in _blocks(body, "card")
    ]


# --- badges -----------------------------------------------------------------------------------


def test_badge_sheet_shows_each_selected_attendee(client):
    conference = f.ConferenceFactory(name="EMNLP 2026")
    names = ["Ada Lovelace", "Grace Hopper", "Hedy Lamarr"]
    attendees = [
        f.AttendeeFactory(conference=conference, display_name=name, affiliation="Weizmann")
        for name in names
    ]
    _organizer(client, conference)

    response = _act(client, ATTENDEES, "print_badges", attendees)

    body = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert [(conf, name) for conf, name, _ in _badges(body)] == [
        ("EMNLP 2026", name) for name in names
    ]
    assert body.count('<p class="affiliation">Weizmann</p>') == 3


def test_badge_sheet_qr_codes_decode_to_each_attendees_badge_url(client):
    conference = f.ConferenceFactory()
    attendees = [
        f.AttendeeFactory(conference=conference, display_name=name)
        for name in ["Ada Lovelace", "Grace Hopper", "Hedy Lamarr"]
    ]
    _organizer(client, conference)

    body = _act(client, ATTENDEES, "print_badges", attendees).content.decode()

    by_name = {a.display_name: badge_url(a) for a in attendees}
    badges = _badges(body)
    assert [decoded for _, _, decoded in badges] == [[by_name[name]] for _, name, _ in badges]
    assert {decode_svg(svg)[0] for svg in svgs_in_html(body)} == set(by_name.values())
    assert len(svgs_in_html(body)) == 3


def test_badge_sheet_is_self_contained_and_print_ready(client):
    conference = f.ConferenceFactory()
    attendees = f.AttendeeFactory.create_batch(9, conference=conference)
    _organizer(client, conference)

    response = _act(client, ATTENDEES, "print_badges", attendees)
    body, csp = response.content.decode(), response["Content-Security-Policy"]

    assert "@page { size: A4 portrait" in body
    assert body.count('<section class="page">') == 2  # 8 badges a page
    print_rules = body.split("@media print {", 1)[1].split("</style>", 1)[0]
    assert ".toolbar, .messages { display: none; }" in print_rules
    # Nothing fetched from elsewhere: no links, script files, fonts or images but the inline SVGs.
    assert re.findall(r"<(?:link|img|iframe)\b|<script\b[^>]*\bsrc=", body) == []
    # Inline code only with the request's CSP nonce, and no inline event handlers.
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    assert re.findall(r"<(script|style)\b([^>]*)>", body) == [
        ("style", f' nonce="{nonce}"'),
        ("script", f' nonce="{nonce}"'),
    ]
    assert 'addEventListener("click", () => window.print())' in body
    assert "onclick" not in body
    assert "@import" not in body
    assert "url(" not in body
    assert "://" not in re.sub(r"<svg\b.*?</svg>", "", body, flags=re.DOTALL)


def test_badge_sheet_escapes_names(client):
    conference = f.ConferenceFactory()
    attendee = f.AttendeeFactory(
        conference=conference, display_name="<b>Bold</b> & Co", affiliation="R&D <Lab>"
    )
    _organizer(client, conference)

    body = _act(client, ATTENDEES, "print_badges", [attendee]).content.decode()

    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; Co" in body
    assert "R&amp;D &lt;Lab&gt;" in body
    assert "<b>Bold</b>" not in body


def test_badge_sheet_of_several_conferences_shows_each_badges_own_conference(client):
    first = f.ConferenceFactory(name="ACL 2026")
    second = f.ConferenceFactory(name="NeurIPS 2026")
    ada = f.AttendeeFactory(conference=first, display_name="Ada Lovelace")
    grace = f.AttendeeFactory(conference=second, display_name="Grace Hopper")
    _organizer(client, first, second)

    body = _act(client, ATTENDEES, "print_badges", [grace, ada]).content.decode()

    assert [(conf, name, decoded) for conf, name, decoded in _badges(body)] == [
        ("ACL 2026", "Ada Lovelace", [badge_url(ada)]),
        ("NeurIPS 2026", "Grace Hopper", [badge_url(grace)]),
    ]


def test_badge_sheet_leaves_out_attendees_of_conferences_not_organized(client):
    mine = f.ConferenceFactory(name="Mine")
    theirs = f.ConferenceFactory(name="Theirs")
    ada = f.AttendeeFactory(conference=mine, display_name="Ada Lovelace")
    grace = f.AttendeeFactory(conference=theirs, display_name="Grace Hopper")
    _organizer(client, mine)

    body = _act(client, ATTENDEES, "print_badges", [ada, grace]).content.decode()

    assert [(conf, name) for conf, name, _ in _badges(body)] == [("Mine", "Ada Lovelace")]
    assert "Grace Hopper" not in body
    assert "Theirs" not in body
    assert badge_url(grace) not in {decode_svg(svg)[0] for svg in svgs_in_html(body)}


def test_badge_sheet_of_only_others_attendees_prints_nothing(client):
    theirs = f.AttendeeFactory(display_name="Grace Hopper")
    _organizer(client, f.ConferenceFactory())

    response = _act(client, ATTENDEES, "print_badges", [theirs])
    followed = client.get(response["Location"])

    assert response.status_code == 302
    body = followed.content.decode()
    assert "No badges to print." in body
    assert "Grace Hopper" not in body


def _badge_queries(client, n: int) -> int:
    conference = f.ConferenceFactory()
    attendees = f.AttendeeFactory.create_batch(n, conference=conference)
    _organizer(client, conference)
    with CaptureQueriesContext(connection) as queries:
        response = _act(client, ATTENDEES, "print_badges", attendees)
    assert len(_blocks(response.content.decode(), "badge")) == n
    return len(queries)


def test_badge_sheet_query_count_is_constant(client):
    assert _badge_queries(client, 1) == _badge_queries(client, 20)


# --- poster boards ----------------------------------------------------------------------------


def test_poster_board_sheet_orders_boards_naturally_without_cancelled(client):
    session = f.SessionFactory(kind="poster", title="Poster session 1")
    posters = {
        board: f.PosterFactory(session=session, board=board, paper__title=f"Poster on {board}")
        for board in ["10", "2", "A-10", "A-9"]
    }
    f.PosterFactory(session=session, board="3", paper__title="Withdrawn", cancelled=True)
    _organizer(client, session.conference)

    response = _act(client, SESSIONS, "print_poster_boards", [session])

    body = response.content.decode()
    assert response.status_code == 200
    assert _cards(body) == [
        (board, f"Poster on {board}", [poster_url(posters[board])])
        for board in ["2", "10", "A-9", "A-10"]
    ]
    assert "Withdrawn" not in body


def test_poster_board_sheet_heading_is_in_conference_zone(client):
    session = f.SessionFactory(kind="poster", title="Poster session 1")
    f.PosterFactory(session=session, board="1")
    _organizer(client, session.conference)

    body = _act(client, SESSIONS, "print_poster_boards", [session]).content.decode()

    assert _text(r'<h1 class="session">(.*?)</h1>', body) == (
        f'<span class="title">Poster session 1</span> <span class="when">'
        f"{session.conference.name} · Thu 22 Oct 10:00–11:30 IDT</span>"
    )


def test_poster_board_sheet_puts_four_cards_on_a_page(client):
    session = f.SessionFactory(kind="poster")
    for board in range(1, 10):
        f.PosterFactory(session=session, board=str(board), title=f"Untitled {board}", paper=None)
    _organizer(client, session.conference)

    body = _act(client, SESSIONS, "print_poster_boards", [session]).content.decode()

    pages = body.split('<section class="page">')[1:]
    assert [len(_blocks(page, "card")) for page in pages] == [4, 4, 1]
    assert [page.count(session.title) for page in pages] == [1, 1, 1]  # heading on every page
    assert [title for _, title, _ in _cards(body)][-1] == "Untitled 9"


def test_poster_board_sheet_skips_non_poster_session_with_warning(client):
    conference = f.ConferenceFactory()
    posters = f.SessionFactory(conference=conference, kind="poster", title="Posters A")
    f.PosterFactory(session=posters, board="1")
    keynote = f.SessionFactory(conference=conference, kind="keynote", title="Opening keynote")
    _organizer(client, conference)

    response = _act(client, SESSIONS, "print_poster_boards", [posters, keynote])

    body = response.content.decode()
    assert response.status_code == 200
    assert [board for board, _, _ in _cards(body)] == ["1"]
    assert _text(r'<ul class="messages"><li>(.*?)</li>', body) == (
        "Skipped “Opening keynote”: not a poster session (keynote)."
    )


@pytest.mark.parametrize(
    ("kind", "cancelled_poster", "warning"),
    [
        ("oral", False, "Skipped “Chosen”: not a poster session (oral session)."),
        ("poster", True, "Skipped “Chosen”: no posters (or all cancelled)."),
    ],
)
def test_poster_board_sheet_with_nothing_printable_redirects_with_warning(
    client, kind, cancelled_poster, warning
):
    session = f.SessionFactory(kind=kind, title="Chosen")
    if cancelled_poster:
        f.PosterFactory(session=session, board="1", cancelled=True)
    _organizer(client, session.conference)

    response = _act(client, SESSIONS, "print_poster_boards", [session])
    body = client.get(response["Location"]).content.decode()

    assert response.status_code == 302
    assert response["Location"] == SESSIONS
    assert warning in body
    assert "No poster boards to print." in body


def test_poster_board_sheet_leaves_out_sessions_of_conferences_not_organized(client):
    mine = f.PosterFactory(board="1", paper__title="My poster")
    theirs = f.PosterFactory(board="2", paper__title="Their poster")
    _organizer(client, mine.conference)

    body = _act(
        client, SESSIONS, "print_poster_boards", [mine.session, theirs.session]
    ).content.decode()

    assert [(board, title) for board, title, _ in _cards(body)] == [("1", "My poster")]
    assert "Their poster" not in body


def _board_queries(client, n: int) -> int:
    conference = f.ConferenceFactory()
    sessions = f.SessionFactory.create_batch(n, conference=conference, kind="poster")
    for session in sessions:
        f.PosterFactory(session=session, board="1")
        f.PosterFactory(session=session, board="2")
    _organizer(client, conference)
    with CaptureQueriesContext(connection) as queries:
        response = _act(client, SESSIONS, "print_poster_boards", sessions)
    assert len(_blocks(response.content.decode(), "card")) == 2 * n
    return len(queries)


def test_poster_board_sheet_query_count_is_constant(client):
    assert _board_queries(client, 1) == _board_queries(client, 20)
