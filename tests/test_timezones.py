import pytest
from django.core.exceptions import ValidationError

from planner.timezones import canonical_zone, validate_iana_zone


@pytest.mark.parametrize(
    "name",
    [
        "Asia/Jerusalem",
        "America/New_York",
        "Europe/Brussels",
        "UTC",
        "America/Argentina/Buenos_Aires",
    ],
)
def test_validate_iana_zone_accepts_canonical_names(name):
    validate_iana_zone(name)


@pytest.mark.parametrize(
    "name", ["EST", "CET", "IST", "PST8PDT", "Etc/GMT+3", "Mars/Olympus_Mons", "", "asia/jerusalem"]
)
def test_validate_iana_zone_refuses_abbreviations_and_unknown(name):
    with pytest.raises(ValidationError) as caught:
        validate_iana_zone(name)
    assert caught.value.code == "invalid_zone"


def test_validate_iana_zone_names_canonical_for_deprecated_alias():
    with pytest.raises(ValidationError) as caught:
        validate_iana_zone("US/Eastern")
    assert caught.value.code == "deprecated_zone"
    assert "America/New_York" in caught.value.messages[0]


@pytest.mark.parametrize(
    ("alias", "canonical"),
    [("US/Eastern", "America/New_York"), ("Israel", "Asia/Jerusalem"), ("Etc/UTC", "UTC")],
)
def test_canonical_zone_maps_aliases(alias, canonical):
    assert canonical_zone(alias) == canonical


@pytest.mark.django_db
def test_conference_full_clean_refuses_abbreviation():
    from tests.factories import ConferenceFactory

    conference = ConferenceFactory.build(timezone="EST")
    with pytest.raises(ValidationError) as caught:
        conference.full_clean()
    assert "timezone" in caught.value.message_dict
