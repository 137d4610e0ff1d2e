import pytest

from planner.enums import SessionKind
from tests.api.program.helpers import assert_constant_queries, get, ids, paper, results, url
from tests.factories import (
    DAY1,
    ConferenceFactory,
    OralFactory,
    PosterFactory,
    RoomFactory,
    SessionFactory,
    local,
)

pytestmark = pytest.mark.django_db


def test_paper_list_shows_ordered_authors_keywords_links(client, conference):
    made = paper(
        conference,
        "Seeing Things",
        authors=("Zoe Zed", "Adam Aa"),
        keywords=("vision", "things"),
        arxiv_id="2401.01234",
        openreview_id="AbC123",
        pdf_url="https://example.org/p.pdf",
        code_url="https://github.com/example/seeing",
        status="Highlight",
    )

    response = get(client, "program-paper-list", conference)

    [zoe, adam] = [a.person for a in made.authorships.order_by("position")]
    assert results(response) == [
        {
            "id": made.pk,
            "title": "Seeing Things",
            "authors": [{"id": zoe.pk, "name": "Zoe Zed"}, {"id": adam.pk, "name": "Adam Aa"}],
            "keywords": ["vision", "things"],
            "status": "Highlight",
            "links": {
                "arxiv": "https://arxiv.org/abs/2401.01234",
                "openreview": "https://openreview.net/forum?id=AbC123",
                "pdf": "https://example.org/p.pdf",
                "project": None,
                "code": "https://github.com/example/seeing",
                "video": None,
                "site": None,
            },
        }
    ]


def test_paper_list_by_title_only_this_conference(client, conference):
    paper(ConferenceFactory(), "Also Alpha")
    beta = paper(conference, "Beta")
    alpha = paper(conference, "Alpha")

    response = get(client, "program-paper-list", conference)

    assert ids(response) == [alpha.pk, beta.pk]


def test_paper_list_filter_keyword_whole_item_ignoring_case(client, conference):
    tagged = paper(conference, "A", keywords=("Diffusion Models", "video"))
    paper(conference, "B", keywords=("diffusion models for video",))
    paper(conference, "C")

    response = get(client, "program-paper-list", conference, {"keyword": "diffusion models"})

    assert ids(response) == [tagged.pk]


def test_paper_list_filter_keyword_non_ascii(client, conference):
    tagged = paper(conference, "A", keywords=("视觉", "변환기"))
    paper(conference, "B", keywords=("视觉变换器",))

    chinese = get(client, "program-paper-list", conference, {"keyword": "视觉"})
    korean = get(client, "program-paper-list", conference, {"keyword": "변환기"})

    assert (ids(chinese), ids(korean)) == ([tagged.pk], [tagged.pk])


def test_paper_list_filter_author_name_contains(client, conference):
    hinton = paper(conference, "Capsules", authors=("Sara Sabour", "Geoffrey Hinton"))
    paper(conference, "Other", authors=("Yann LeCun",))
    paper(ConferenceFactory(), "Elsewhere", authors=("Geoffrey Hinton",))

    response = get(client, "program-paper-list", conference, {"author": "hinton"})

    assert ids(response) == [hinton.pk]


def test_paper_list_filter_has_poster(client, conference):
    with_poster = paper(conference, "A")
    PosterFactory(session__conference=conference, paper=with_poster)
    cancelled_poster = paper(conference, "B")
    PosterFactory(session__conference=conference, paper=cancelled_poster, cancelled=True)
    without = paper(conference, "C")

    yes = get(client, "program-paper-list", conference, {"has_poster": "true"})
    no = get(client, "program-paper-list", conference, {"has_poster": "false"})

    assert ids(yes) == [with_poster.pk]
    assert ids(no) == [cancelled_poster.pk, without.pk]


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"has_poster": "sometimes"}, "has_poster", "Use true or false."),
        ({"q": "x" * 201}, "q", "Ensure this value has at most 200 characters (it has 201)."),
        ({"q": " ".join("abcdefghijk")}, "q", "Use at most 10 words."),
    ],
)
def test_paper_list_bad_filter_is_400_naming_field(client, conference, params, field, message):
    response = get(client, "program-paper-list", conference, params)

    assert response.status_code == 400
    assert response.json() == {"detail": "Invalid input.", "errors": {field: [message]}}


def test_paper_list_query_count_constant(client, conference):
    assert_constant_queries(
        client,
        url("program-paper-list", conference),
        lambda: paper(conference, "Some Paper", authors=("A. One", "B. Two")),
        expected=4,  # conference, count, page, authorships with people
    )


def test_paper_list_query_count_constant_when_searching(client, conference):
    assert_constant_queries(
        client,
        url("program-paper-list", conference),
        lambda: paper(conference, "Diffusion Paper", authors=("A. One",)),
        expected=6,  # + the author-matched paper ids, read first: for the word and for author
        params={"q": "diffusion", "has_poster": "false", "author": "one"},
    )


def test_paper_detail_shows_authors_links_and_where_presented(client, conference):
    made = paper(
        conference,
        "Seeing Things",
        authors=("Zoe Zed", "Adam Aa"),
        keywords=("vision",),
        abstract="We see.",
        project_url="https://example.org/project",
    )
    room = RoomFactory(conference=conference, name="Hall A")
    oral_session = SessionFactory(
        conference=conference, title="Orals", room=room, start=local(DAY1, 9)
    )
    oral = OralFactory(session=oral_session, paper=made, order=3, start=local(DAY1, 9, 24))
    poster_session = SessionFactory(
        conference=conference,
        title="Posters",
        kind=SessionKind.POSTER,
        room=None,
        start=local(DAY1, 14),
    )
    poster = PosterFactory(session=poster_session, paper=made, board="042")

    response = client.get(url("program-paper-detail", conference, pk=made.pk))

    [zoe, adam] = [a.person for a in made.authorships.order_by("position")]
    assert response.json() == {
        "id": made.pk,
        "title": "Seeing Things",
        "abstract": "We see.",
        "authors": [
            {
                "position": 1,
                "id": zoe.pk,
                "name": "Zoe Zed",
                "affiliation": "University of Examples",
            },
            {
                "position": 2,
                "id": adam.pk,
                "name": "Adam Aa",
                "affiliation": "University of Examples",
            },
        ],
        "keywords": ["vision"],
        "arxiv_id": "",
        "openreview_id": "",
        "status": "",
        "links": {
            "arxiv": None,
            "openreview": None,
            "pdf": None,
            "project": "https://example.org/project",
            "code": None,
            "video": None,
            "site": None,
        },
        "orals": [
            {
                "id": oral.pk,
                "order": 3,
                "start": "2026-10-22T06:24:00Z",
                "end": "2026-10-22T06:36:00Z",
                "cancelled": False,
                "session": {
                    "id": oral_session.pk,
                    "title": "Orals",
                    "kind": "oral",
                    "start": "2026-10-22T06:00:00Z",
                    "end": "2026-10-22T07:30:00Z",
                    "room": {"id": room.pk, "name": "Hall A"},
                    "cancelled": False,
                },
            }
        ],
        "posters": [
            {
                "id": poster.pk,
                "board": "042",
                "cancelled": False,
                "session": {
                    "id": poster_session.pk,
                    "title": "Posters",
                    "kind": "poster",
                    "start": "2026-10-22T11:00:00Z",
                    "end": "2026-10-22T12:30:00Z",
                    "room": None,
                    "cancelled": False,
                },
            }
        ],
    }


def test_paper_detail_of_other_conference_is_404(client, conference):
    elsewhere = paper(ConferenceFactory(), "Elsewhere")

    response = client.get(url("program-paper-detail", conference, pk=elsewhere.pk))

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "errors": {}}
