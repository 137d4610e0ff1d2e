"""MiniConf YAML: COLM 2024's accepted papers and sponsors, PLDI 2021's sponsors (real files)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from planner.enums import ImportFormat
from planner.importers import detect_format, miniconf_yaml, parse_schedule
from planner.importers.base import ImportOptions, ScheduleFormatError
from planner.models import Booth, Paper
from planner.services.schedule_upsert import schedule_upsert
from tests import factories as f
from tests.infra import REAL_DATA

COLM = REAL_DATA / "colm-2024"
PLDI = REAL_DATA / "pldi-2021-miniconf"


def _parse(path, name=None):
    return parse_schedule(path.read_bytes(), ImportOptions(filename=name or path.name))


def test_colm_accepted_papers():
    data = (COLM / "accepted_papers.yml").read_bytes()
    assert detect_format(data, "accepted_papers.yml") == ImportFormat.MINICONF_YAML
    parsed = _parse(COLM / "accepted_papers.yml")

    assert len(parsed.papers) == 299
    assert Counter(p.status for p in parsed.papers) == {"": 299 - 22, "Oral/Spotlight": 22}
    assert parsed.enrich_papers is True
    first = parsed.papers[0]
    assert (first.key, first.openreview_id) == ("zlw6AHwukB", "zlw6AHwukB")
    assert first.title == "A Survey on Deep Learning for Theorem Proving"
    # The folded YAML string of authors, in order.
    assert first.authors[0] == "name:zhaoyu li"
    assert first.authors[-1] == "name:xujie si"
    assert len(first.authors) == 8


def test_colm_sponsors_tiers():
    parsed = _parse(COLM / "sponsors.yml")

    assert parsed.covers == frozenset({"booths"})
    assert Counter(b.tier for b in parsed.booths) == {
        "Platinum": 6,
        "Gold": 10,
        "Silver": 2,
        "Bronze": 7,
    }
    deepmind = parsed.booths[0]
    assert (deepmind.exhibitor, deepmind.website, deepmind.number) == (
        "Google DeepMind",
        "https://deepmind.google/",
        "",
    )


def test_pldi_sponsors_levels_skip_the_commented_template():
    parsed = _parse(PLDI / "sponsors.yml")

    assert Counter(b.tier for b in parsed.booths) == {
        "Platinum": 1,
        "Gold": 7,
        "Silver": 5,
        "Bronze": 1,
    }
    assert [b.key for b in parsed.booths][:2] == ["redhat", "amazon"]
    assert "fake" not in {b.key for b in parsed.booths}
    assert all(b.website == "" for b in parsed.booths if b.key == "google")  # zoom.google


@pytest.mark.django_db
def test_sponsors_import_reimport_and_a_dropped_sponsor():
    conference = f.ConferenceFactory()
    text = (PLDI / "sponsors.yml").read_text()
    options = ImportOptions(filename="sponsors.yml")
    schedule_upsert(conference=conference, parsed=miniconf_yaml.parse(text.encode(), options))
    assert Booth.objects.filter(conference=conference, cancelled=False).count() == 14
    again = schedule_upsert(
        conference=conference, parsed=miniconf_yaml.parse(text.encode(), options)
    )
    assert again.writes == 0
    without_arm = text.replace("- UID: arm\n  level: Bronze\n  name: Arm\n", "")
    result = schedule_upsert(
        conference=conference, parsed=miniconf_yaml.parse(without_arm.encode(), options)
    )
    assert result.counts["booth"]["cancelled"] == 1
    assert Booth.objects.get(conference=conference, external_id="arm").cancelled


@pytest.mark.django_db
def test_colm_papers_import_and_reimport():
    conference = f.ConferenceFactory()
    parsed = _parse(COLM / "accepted_papers.yml")
    schedule_upsert(conference=conference, parsed=parsed)
    assert Paper.objects.filter(conference=conference).count() == 299
    assert Paper.objects.filter(conference=conference, status="Oral/Spotlight").count() == 22
    again = schedule_upsert(conference=conference, parsed=_parse(COLM / "accepted_papers.yml"))
    assert again.writes == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (b"- title: A\n  authors: [B\n", "not valid YAML"),
        (b"- title: ''\n  authors: B\n", "paper has no title"),
        (b"sponsors:\n- tier: Gold\n  vals:\n  - url: https://x.org\n", "sponsor has no name"),
        (b"- UID: a\n  level: Gold\n  name: A\n- UID: a\n  level: Gold\n  name: B\n", "twice"),
    ],
)
def test_bad_yaml_is_refused_with_where(text, message):
    with pytest.raises(ScheduleFormatError, match=message) as caught:
        miniconf_yaml.parse(text, ImportOptions(filename="sitedata.yml"))
    assert str(caught.value).startswith("sitedata.yml")


def test_pldi_socials_with_several_times_and_durations():
    parsed = _parse(PLDI / "socials.yml")
    assert parsed.format == ImportFormat.MINICONF_YAML
    assert len(parsed.sessions) == 19
    business = [s for s in parsed.sessions if s.key.startswith("business@")]
    assert (business[0].start, business[0].end - business[0].start, business[0].room) == (
        dt.datetime(2021, 6, 24, 19, 0, tzinfo=dt.UTC),
        dt.timedelta(hours=1.25),
        "pldi-A",
    )
    pltea = next(s for s in parsed.sessions if s.key.startswith("pltea@"))
    assert pltea.start == dt.datetime(2021, 6, 23, 12, 30, tzinfo=dt.UTC)  # "T8:30:00-04:00"
    assert any("social 'mentor' has no times" in w for w in parsed.warnings)


def test_colm_special_sessions_are_refused_because_they_have_no_times():
    with pytest.raises(ScheduleFormatError, match="carry no times"):
        _parse(COLM / "special-sessions.yml")


def test_other_yaml_is_not_taken():
    # A YAML-looking file without the suffix is left to the other formats.
    assert not miniconf_yaml.sniff((PLDI / "sponsors.yml").read_bytes(), "sponsors.txt")
    # No tags: the safe loader refuses Python objects.
    with pytest.raises(ScheduleFormatError, match="not valid YAML"):
        miniconf_yaml.parse(b"- !!python/object/apply:os.system ['true']\n", ImportOptions("x.yml"))


def _folder(path) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member in sorted(path.iterdir()):
            archive.write(member, member.name)
    return buffer.getvalue()


def test_colm_folder_reads_papers_and_sponsors_together():
    data = _folder(COLM)
    assert detect_format(data, "colm-2024.zip") == ImportFormat.MINICONF_YAML
    parsed = parse_schedule(data, ImportOptions(filename="colm-2024.zip"))
    assert len(parsed.papers) == 299
    assert len(parsed.booths) == 25
    assert parsed.covers == frozenset({"booths"})
    assert any("ignored special-sessions.yml" in w for w in parsed.warnings)


def test_pldi_miniconf_folder_takes_its_sponsors_as_booths():
    data = _folder(PLDI)
    assert detect_format(data, "pldi.zip") == ImportFormat.MINICONF
    parsed = parse_schedule(data, ImportOptions(filename="pldi.zip"))
    assert len(parsed.papers) == 87
    assert len(parsed.booths) == 14
    assert "booths" in parsed.covers
    assert len(parsed.sessions) == 51 + 19  # track_pldi.csv + socials.yml
