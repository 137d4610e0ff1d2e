"""Shared arrange/act helpers for the public program API tests."""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from planner.models import Conference, Paper
from tests.factories import AuthorshipFactory, PaperFactory, PersonFactory


def url(name: str, conference: Conference | str, **kwargs: object) -> str:
    slug = conference if isinstance(conference, str) else conference.slug
    return reverse(name, kwargs={"slug": slug, **kwargs})


def get(client, name: str, conference: Conference | str, params: dict | None = None, **kw):
    return client.get(url(name, conference, **kw), params or {})


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def ids(response) -> list[int]:
    return [row["id"] for row in results(response)]


def count_queries(client, path: str, params: dict | None = None) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, params or {})
    assert response.status_code == 200, response.content
    return len(captured.captured_queries), response.json()


def assert_constant_queries(
    client, path: str, make_one: Callable[[], object], expected: int, params: dict | None = None
) -> None:
    """Same number of queries (``expected``) for 1 row and for 50 rows."""
    make_one()
    one, body = count_queries(client, path, params)
    assert len(body["results"]) == 1
    for _ in range(49):
        make_one()
    fifty, body = count_queries(client, path, params)
    assert len(body["results"]) == 50
    assert (one, fifty) == (expected, expected)


def paper(
    conference: Conference,
    title: str,
    *,
    authors: tuple[str, ...] = (),
    keywords: tuple[str, ...] = (),
    abstract: str = "",
    **fields: object,
) -> Paper:
    """A paper with ``authors`` (by name, in order) made in ``conference``."""
    made = PaperFactory(
        conference=conference, title=title, keywords=list(keywords), abstract=abstract, **fields
    )
    for position, name in enumerate(authors, start=1):
        person = PersonFactory(conference=conference, name=name)
        AuthorshipFactory(paper=made, person=person, position=position)
    return made
