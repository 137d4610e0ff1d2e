"""Text matching for the program: paper search and matching items of JSON lists.

Paper search splits the query into words; a paper matches when *every* word matches *one*
of its title, abstract, keywords or author names, so "hinton capsules" finds Hinton's
paper on capsules although no single field holds both words.

PostgreSQL: a word matches by full-text search ('simple' configuration: no stemming, no
stop words, works for any language) over title (weight A), keywords (B) and abstract (C),
served by the expression index of migration 0006, and by a substring fallback over the
title, keywords and author names. The tokeniser splits on spaces and punctuation, so for
text written without spaces between words (Chinese, Japanese, Thai…) a title like
"视觉变换器" is a single token that "变换" cannot match; and Korean words carry attached
particles ("비전의"). For words in those scripts the substring fallback also covers the
abstract. Results are ranked by ``ts_rank`` of title and keywords (any word counts) plus 1
when the title contains the whole query, then by title; matches only in the abstract or
author names come after, by title.

SQLite: the substring fallback over all four fields, ordered by title. SQLite's LIKE
folds case for ASCII letters only, which is fine for a development database.
"""

from __future__ import annotations

import functools
import operator
import re
import unicodedata
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import NotSupportedError, connection
from django.db.models import (
    BooleanField,
    Case,
    F,
    FloatField,
    Func,
    Q,
    QuerySet,
    Value,
    When,
)

from planner.models import Authorship, Conference, Paper

SEARCH_CONFIG = "simple"
MAX_QUERY_LENGTH = 200
MAX_TERMS = 10

# Scripts written without spaces between words, and Hangul (whose words carry particles):
# a word containing any of these is also matched as a substring of the abstract.
_UNSPACED_SCRIPTS = re.compile(
    "["
    "\u0e00-\u0eff"  # Thai, Lao
    "\u1000-\u109f"  # Myanmar
    "\u1100-\u11ff"  # Hangul Jamo
    "\u1780-\u17ff"  # Khmer
    "\u2e80-\u9fff"  # CJK radicals, kana, CJK unified ideographs, Hangul compatibility jamo
    "\ua960-\ua97f"  # Hangul Jamo extended A
    "\uac00-\ud7ff"  # Hangul syllables, Jamo extended B
    "\uf900-\ufaff"  # CJK compatibility ideographs
    "\uff66-\uff9f"  # half-width katakana
    "\U00020000-\U0003ffff"  # CJK extensions B and later
    "]"
)


def paper_document() -> SearchVector:
    """The full-text document of a paper. Migration 0006 indexes exactly this expression;
    change both together or PostgreSQL stops using the index."""
    return (
        SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("keywords", weight="B", config=SEARCH_CONFIG)
        + SearchVector("abstract", weight="C", config=SEARCH_CONFIG)
    )


def _rank_document() -> SearchVector:
    """What ranking reads: title and keywords. The abstract is left out because ranking
    computes the vector for every match (the index serves only the match): with it, 8,000
    matches took 0.85 s to rank; without, a tenth of that."""
    return SearchVector("title", weight="A", config=SEARCH_CONFIG) + SearchVector(
        "keywords", weight="B", config=SEARCH_CONFIG
    )


def search_terms(query: str) -> list[str]:
    """Words of ``query``, split on white space, with punctuation trimmed from both ends."""
    terms = []
    for raw in query.split():
        start, end = 0, len(raw)
        while start < end and unicodedata.category(raw[start])[0] in "PS":
            start += 1
        while end > start and unicodedata.category(raw[end - 1])[0] in "PS":
            end -= 1
        if start < end:
            terms.append(raw[start:end])
    return terms


def is_unspaced_script(text: str) -> bool:
    return _UNSPACED_SCRIPTS.search(text) is not None


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class JSONListHas(Func):
    """True when the JSON list in ``field`` has an item equal to ``text`` (``contains=False``)
    or containing it (``contains=True``), ignoring case.

    Portable stand-in for ``field__contains=[text]``: SQLite has no JSON containment, and
    containment is case-sensitive. Matching ``field__icontains`` on the JSON text instead
    fails on SQLite for non-ASCII items, which Django stores \\u-escaped. The column is
    compiled by Django, so the expression also works inside subqueries (aliases U0…).
    """

    output_field = BooleanField()

    def __init__(self, field: str, text: str, *, contains: bool = False) -> None:
        super().__init__(F(field))
        self.text = text
        self.contains = contains

    def _value(self) -> str:
        return _like_pattern(self.text) if self.contains else self.text

    def as_sql(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        raise NotSupportedError(f"JSONListHas is not implemented for {connection.vendor}.")

    def as_postgresql(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        column, params = compiler.compile(self.get_source_expressions()[0])
        test = "item ILIKE %s" if self.contains else "lower(item) = lower(%s)"
        # A non-list value (a bad import) matches nothing instead of raising an error.
        items = f"CASE WHEN jsonb_typeof({column}) = 'array' THEN {column} ELSE '[]'::jsonb END"
        # S608: only Django's compiled column is interpolated; the text is a query parameter.
        sql = (
            f"EXISTS (SELECT 1 FROM jsonb_array_elements_text({items}) AS items(item) "  # noqa: S608
            f"WHERE {test})"
        )
        return sql, (*params, *params, self._value())

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        column, params = compiler.compile(self.get_source_expressions()[0])
        test = (
            "items.value LIKE %s ESCAPE '\\'" if self.contains else "lower(items.value) = lower(%s)"
        )
        sql = (
            f"EXISTS (SELECT 1 FROM json_each({column}) AS items "  # noqa: S608 - see as_postgresql
            f"WHERE items.type = 'text' AND {test})"
        )
        return sql, (*params, self._value())


def _papers_by_author_name(*, conference: Conference, text: str) -> QuerySet[Authorship]:
    return Authorship.objects.filter(
        person__conference=conference, person__name__icontains=text
    ).values("paper_id")


def paper_author_filter(*, conference: Conference, name: str) -> Q:
    """Papers with an author whose name contains ``name`` (case-insensitive).

    The paper ids are read first (one query; at most the conference's papers), not nested
    as a subquery: PostgreSQL plans the nested form as nested loops over posters × papers ×
    people whenever its statistics are stale (right after a bulk import or the demo seed,
    before autovacuum analyzes), and one ``?author=`` then took minutes (seen: 252 s)."""
    ids = set(
        _papers_by_author_name(conference=conference, text=name).values_list("paper_id", flat=True)
    )
    return Q(pk__in=sorted(ids))


def _term_matches(*, conference: Conference, term: str, postgres: bool) -> Q:
    match = (
        Q(title__icontains=term)
        | Q(JSONListHas("keywords", term, contains=True))
        | paper_author_filter(conference=conference, name=term)
    )
    if postgres:
        full_text = (
            Paper.objects.filter(conference=conference)
            .annotate(document=paper_document())
            .filter(document=SearchQuery(term, config=SEARCH_CONFIG, search_type="plain"))
            .values("pk")
        )
        match |= Q(pk__in=full_text)
        if is_unspaced_script(term):
            match |= Q(abstract__icontains=term)
    else:
        match |= Q(abstract__icontains=term)
    return match


def paper_search(
    *, conference: Conference, query: str, papers: QuerySet[Paper] | None = None
) -> QuerySet[Paper]:
    """``papers`` (default: all of the conference's) that match every word of ``query``,
    best first. See the module docstring for how words match on each database."""
    if papers is None:
        papers = Paper.objects.filter(conference=conference)
    terms = search_terms(query)[:MAX_TERMS]
    if not terms:
        return papers
    postgres = connection.vendor == "postgresql"
    match = functools.reduce(
        operator.and_,
        (_term_matches(conference=conference, term=t, postgres=postgres) for t in terms),
    )
    papers = papers.filter(match)
    if not postgres:
        return papers.order_by("title", "pk")
    any_term = functools.reduce(
        operator.or_, (SearchQuery(t, config=SEARCH_CONFIG, search_type="plain") for t in terms)
    )
    title_bonus = Case(
        When(title__icontains=" ".join(terms), then=Value(1.0)),
        default=Value(0.0),
        output_field=FloatField(),
    )
    return papers.annotate(
        search_rank=SearchRank(_rank_document(), any_term) + title_bonus
    ).order_by("-search_rank", "title", "pk")
