"""Paper search (``?q=``) on SQLite and PostgreSQL: the matching rules are the same on both;
only the order differs (relevance on PostgreSQL, title on SQLite)."""

import pytest
from django.db import connection

from planner.selectors.search import is_unspaced_script, search_terms
from tests.api.program.helpers import get, ids, paper
from tests.factories import ConferenceFactory

pytestmark = pytest.mark.django_db

sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite ordering")


def search(client, conference, q, **params):
    return get(client, "program-paper-list", conference, {"q": q, **params})


def test_paper_search_matches_title_ignoring_case(client, conference):
    hit = paper(conference, "Diffusion Models for Video")
    paper(conference, "Transformers for Audio")

    response = search(client, conference, "DIFFUSION")

    assert ids(response) == [hit.pk]


def test_paper_search_matches_abstract(client, conference):
    hit = paper(conference, "A Title", abstract="We study capsule networks at scale.")
    paper(conference, "Another Title", abstract="Nothing to see.")

    response = search(client, conference, "capsule")

    assert ids(response) == [hit.pk]


def test_paper_search_matches_keywords(client, conference):
    hit = paper(conference, "A Title", keywords=("neural radiance fields",))
    paper(conference, "Another Title", keywords=("point clouds",))

    response = search(client, conference, "radiance")

    assert ids(response) == [hit.pk]


def test_paper_search_matches_author_names(client, conference):
    hit = paper(conference, "A Title", authors=("Fei-Fei Li", "Andrej Karpathy"))
    paper(conference, "Another Title", authors=("Someone Else",))

    response = search(client, conference, "karpathy")

    assert ids(response) == [hit.pk]


def test_paper_search_every_word_must_match_some_field(client, conference):
    hit = paper(conference, "Dynamic Routing Between Capsules", authors=("Geoffrey Hinton",))
    paper(conference, "Capsules Revisited", authors=("Someone Else",))
    paper(conference, "Forward-Forward", authors=("Geoffrey Hinton",))

    response = search(client, conference, "hinton capsules")

    assert ids(response) == [hit.pk]


def test_paper_search_ignores_punctuation_around_words(client, conference):
    hit = paper(conference, "Self-Supervised Vision, Revisited")

    response = search(client, conference, '"vision," (revisited)')

    assert ids(response) == [hit.pk]


def test_paper_search_hangul_word_in_title(client, conference):
    hit = paper(conference, "한국어 비전 모델")
    paper(conference, "한국어 음성 인식")

    response = search(client, conference, "비전")

    assert ids(response) == [hit.pk]


def test_paper_search_hangul_word_with_particle_in_abstract(client, conference):
    hit = paper(conference, "Korean Abstract", abstract="우리는 비전의 새로운 모델을 제안한다.")
    paper(conference, "Other", abstract="우리는 음성 모델을 제안한다.")

    response = search(client, conference, "비전")

    assert ids(response) == [hit.pk]


def test_paper_search_chinese_substring_of_title(client, conference):
    hit = paper(conference, "视觉变换器")
    paper(conference, "语音识别")

    response = search(client, conference, "变换")

    assert ids(response) == [hit.pk]


def test_paper_search_chinese_substring_of_abstract(client, conference):
    hit = paper(conference, "Chinese Abstract", abstract="我们提出一种新的视觉变换器模型。")
    paper(conference, "Other", abstract="我们提出一种语音模型。")

    response = search(client, conference, "视觉变换")

    assert ids(response) == [hit.pk]


def test_paper_search_japanese_substring_of_keyword(client, conference):
    hit = paper(conference, "Japanese Keywords", keywords=("画像認識のための変換器",))
    paper(conference, "Other", keywords=("音声認識",))

    response = search(client, conference, "画像認識")

    assert ids(response) == [hit.pk]


def test_paper_search_only_this_conference(client, conference):
    paper(ConferenceFactory(), "Diffusion Elsewhere")
    hit = paper(conference, "Diffusion Here")

    response = search(client, conference, "diffusion")

    assert ids(response) == [hit.pk]


def test_paper_search_combines_with_filters(client, conference):
    hit = paper(conference, "Diffusion A", keywords=("video",))
    paper(conference, "Diffusion B", keywords=("audio",))

    response = search(client, conference, "diffusion", keyword="video")

    assert ids(response) == [hit.pk]


def test_paper_search_treats_like_wildcards_literally(client, conference):
    hit = paper(conference, "Recall at 50%-off", keywords=("top_k",))
    paper(conference, "Recall at 500-off", keywords=("topak",))

    percent = search(client, conference, "50%-off")
    underscore = search(client, conference, "top_k")

    assert (ids(percent), ids(underscore)) == ([hit.pk], [hit.pk])


def test_paper_search_blank_query_lists_all(client, conference):
    first = paper(conference, "A")
    second = paper(conference, "B")

    response = search(client, conference, "  ")

    assert ids(response) == [first.pk, second.pk]


@sqlite_only
def test_paper_search_on_sqlite_orders_by_title(client, conference):
    later = paper(conference, "Zebra Diffusion")
    earlier = paper(conference, "Alpha", abstract="diffusion diffusion diffusion")

    response = search(client, conference, "diffusion")

    assert ids(response) == [earlier.pk, later.pk]


@pytest.mark.postgres
def test_paper_search_on_postgres_ranks_title_match_first(client, conference):
    in_abstract = paper(conference, "Alpha", abstract="We apply diffusion once.")
    in_title = paper(conference, "Zebra Diffusion Models")

    response = search(client, conference, "diffusion")

    assert ids(response) == [in_title.pk, in_abstract.pk]


@pytest.mark.postgres
def test_paper_search_on_postgres_ranks_whole_title_phrase_above_scattered_words(
    client, conference
):
    scattered = paper(conference, "Models of Video and Diffusion")
    phrase = paper(conference, "Video Diffusion")

    response = search(client, conference, "video diffusion")

    assert ids(response) == [phrase.pk, scattered.pk]


@pytest.mark.postgres
def test_paper_document_matches_the_full_text_index_of_migration_0006(conference):
    from django.contrib.postgres.search import SearchQuery

    from planner.models import Paper
    from planner.selectors.search import paper_document

    matching = Paper.objects.annotate(document=paper_document()).filter(
        document=SearchQuery("diffusion", config="simple")
    )
    with connection.cursor() as cursor:
        # Leave the planner only bitmap scans: it can use the index only if the expressions match.
        cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off")
        plan = matching.explain()

    assert "Bitmap Index Scan on paper_search_idx" in plan


def test_search_terms_split_on_space_and_trim_punctuation():
    assert search_terms(' "vision," (self-supervised)  视觉。 ') == [
        "vision",
        "self-supervised",
        "视觉",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("变换", True), ("비전", True), ("認識", True), ("ภาษาไทย", True), ("vision", False)],
)
def test_is_unspaced_script_flags_cjk_hangul_thai(text, expected):
    assert is_unspaced_script(text) is expected
